"""One error format for every refused API request (docs/api.md, "Errors").

Every 4xx answer of the API is::

    {"errors": [{"field": "total_investment", "message": "总投资 … ≠ …", "code": "invalid"}]}

- `field` names the request field at fault (`supporter`, `amount`; a nested one as `rows[2].amount`),
  or is null for the request as a whole (a gate refusing a status change, a missing permission);
- `message` is for people: Chinese, or English when the client asks (`Accept-Language: en`);
- `code` is for programs: DRF's and Django's codes (`required`, `invalid`, `does_not_exist`,
  `not_authenticated`, `permission_denied`, `not_found`, `method_not_allowed`, `max_value` …), and
  ours: `protected` (409: other rows still refer to the object), `conflict` (409: the database
  refused a write another request made first).

An exception may add keys for programs beside `errors` (`extra_data`, e.g. the `duplicates` of a project
refused as a likely duplicate); `errors` is always there and always the same shape.

Rules that models (`clean()`, constraints) and services (`post_entry`, `transition_project` …) refuse
raise Django's `ValidationError`; it becomes a 400 here, with the same messages as on the web pages.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from duikou.core.models import AppendOnlyError


class Conflict(exceptions.APIException):
    """409: the request is valid, but the stored data does not allow it.

    Args:
        extra_data: keys added to the answer beside `errors`, for programs (docs/api.md).
    """

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail=None, code=None, *, extra_data: dict | None = None):
        super().__init__(detail, code)
        self.extra_data = extra_data or {}


def validation_error(error: DjangoValidationError, *, rename: dict[str, str] | None = None):
    """A model's or service's ValidationError as the API's 400, fields renamed to the request's names."""
    detail = as_serializer_error(error)
    if rename:
        detail = {rename.get(key, key): value for key, value in detail.items()}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    """DRF's handler, with Django's exceptions mapped first and every answer in the one format."""
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # Django's own text names the model in English
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = Conflict(_protected_message(exc), code="protected")
    elif isinstance(exc, AppendOnlyError):
        exc = Conflict(str(exc), code="append_only")
    elif isinstance(exc, IntegrityError):
        exc = Conflict(_("与已有数据冲突，未保存；请刷新后重试。"), code="conflict")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling and logging
    response.data = {"errors": error_items(exc.detail), **getattr(exc, "extra_data", {})}
    return response


def _protected_message(exc) -> str:
    models = sorted({str(type(obj)._meta.verbose_name) for obj in exc.protected_objects or []})
    if not models:
        return _("仍有其他记录引用该对象，不能删除。")
    return _("仍有{models}引用该对象，不能删除。").format(models="、".join(models))


def error_items(detail, field: str | None = None) -> list[dict]:
    """Flatten DRF's error detail (dicts of lists of ErrorDetail, nested for nested input) into items."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            name = None if key in (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS) else str(key)
            items.extend(error_items(value, _join(field, name)))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            # A list of messages belongs to one field; a list of objects is a list input, by position.
            path = f"{field or ''}[{index}]" if isinstance(value, (dict, list)) else field
            items.extend(error_items(value, path))
        return items
    return [{"field": field, "message": str(detail), "code": getattr(detail, "code", None) or "invalid"}]


def _join(parent: str | None, name: str | None) -> str | None:
    if parent is None:
        return name
    if name is None:
        return parent
    return f"{parent}.{name}"
