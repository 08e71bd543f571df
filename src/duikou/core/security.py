"""Security helpers the settings name: the password rule, the client's address, the request size limit.

docs/security.md says what each promises and which test holds it to that.
"""

from __future__ import annotations

import json
import unicodedata

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _


def _character_kind(character: str) -> str:
    if character.isdigit():
        return "digit"
    if character.isalpha():
        # Letters without case (汉字) count as lower-case letters: they are typed like them.
        return "upper" if character.isupper() else "lower"
    return "symbol"


class CharacterKindsValidator:
    """A password mixes at least `min_kinds` of four kinds: upper-case, lower-case, digits, symbols.

    GB/T 22239-2019 (网络安全等级保护基本要求, 等保 2.0) asks government systems for passwords with a
    complexity requirement; three of four kinds is the usual reading, and what most audits check.
    """

    KINDS = ("upper", "lower", "digit", "symbol")

    def __init__(self, min_kinds: int = 3):
        if not 1 <= min_kinds <= len(self.KINDS):
            raise ValueError(f"min_kinds must be between 1 and {len(self.KINDS)}")
        self.min_kinds = min_kinds

    def validate(self, password: str, user=None) -> None:
        kinds = {_character_kind(character) for character in unicodedata.normalize("NFKC", password)}
        if len(kinds) < self.min_kinds:
            raise ValidationError(self.message(), code="password_too_simple")

    def message(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号四类中的至少 {min} 类。").format(min=self.min_kinds)

    def get_help_text(self) -> str:
        return self.message()


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a message of our own: Django 5.2 changed the message's text
    ("at least %d characters") and its zh_Hans catalogue still has only the old one, so the refusal
    would be in English."""

    def get_error_message(self) -> str:
        return _("密码太短：至少需要 {min} 个字符。").format(min=self.min_length)

    def get_help_text(self) -> str:
        return _("密码至少需要 {min} 个字符。").format(min=self.min_length)


def client_ip(request) -> str | None:
    """The address a request came from, as login throttling and the API's rate limits count it.

    With `PROXY_COUNT` reverse proxies in front, the client is the entry that many places from the right
    of X-Forwarded-For (each proxy appends the address it received from); without proxies the header is
    ignored, because a client can send it to pose as anyone. The same rule as DRF's `NUM_PROXIES`.
    """
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR")


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than `REQUEST_MAX_BYTES` (413), before it is read.

    Django writes an upload to a temporary file before any view sees it; without this a single request
    could fill the disk long before the import page says the file is too large. A reverse proxy in front
    should set the same limit (nginx `client_max_body_size`; docs/security.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            limit = settings.REQUEST_MAX_BYTES // 1024 // 1024
            message = _("请求太大（{size} MB），上限为 {limit} MB。").format(
                size=round(length / 1024 / 1024, 1), limit=limit
            )
            if request.path.startswith("/api/"):
                error = {"field": None, "message": str(message), "code": "request_too_large"}
                body = json.dumps({"errors": [error]}, ensure_ascii=False)
                return HttpResponse(body, status=413, content_type="application/json")
            page = render_to_string("core/request_too_large.html", {"message": message}, request=request)
            return HttpResponse(page, status=413)
        return self.get_response(request)


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out log-in gets (django-axes' AXES_LOCKOUT_CALLABLE): 429, in Chinese, saying
    how many failures locked it, for how long, and that an administrator can unlock it sooner."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    page = render_to_string(
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        request=request,
    )
    return HttpResponse(page, status=429)
