"""API authentication: a token in the `Authorization` header, or the web session (with CSRF).

Tokens are `core.tokens.ApiToken`: stored as SHA-256, each with an expiry and a scope (read or write),
made with `duikou api-token create <username>` or in the admin and shown once (docs/api.md,
docs/security.md). The settings name this class, so the REST framework knows no other kind.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from duikou.core.tokens import find_token


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <prefix>.<secret>`; `request.auth` is then the ApiToken row."""

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不对：应为“Authorization: Token <令牌>”。"))
        try:
            text = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效。")) from None
        token = find_token(text)
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效。"))
        if token.revoked is not None:
            raise exceptions.AuthenticationFailed(_("令牌已撤销。"))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新申请。"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用。"))
        token.touch()
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema (and Swagger UI's Authorize button) describes the token."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <prefix>.<secret>` — `duikou api-token create <username>` (docs/api.md)",
        }
