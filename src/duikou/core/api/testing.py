"""Helpers for the API tests: a client signed in with a token, users with given permissions, errors."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from duikou.core.choices import TokenScope
from duikou.core.tokens import issue_token


def user_with(*permissions: str, username: str = "api-user", **fields):
    """A user holding exactly the named permissions (`"projects.view_project"` …)."""
    user, _ = get_user_model().objects.get_or_create(username=username, defaults=fields)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)  # a fresh permission cache


def token_client(user, *, scope: str = TokenScope.WRITE) -> APIClient:
    """A client that sends `Authorization: Token <key>` for `user`, as a script would."""
    _row, token = issue_token(user, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def client_with(*permissions: str, username: str = "api-user") -> APIClient:
    return token_client(user_with(*permissions, username=username))


def errors(response) -> list[tuple[str | None, str]]:
    """(field, code) of each item of an error answer, checking the format on the way."""
    body = response.json()
    assert set(body) == {"errors"}, body
    for item in body["errors"]:
        assert set(item) == {"field", "message", "code"}, item
        assert item["message"], item
    return [(item["field"], item["code"]) for item in body["errors"]]


def messages(response) -> dict[str | None, list[str]]:
    """The error answer's messages by field."""
    result: dict[str | None, list[str]] = {}
    for item in response.json()["errors"]:
        result.setdefault(item["field"], []).append(item["message"])
    return result
