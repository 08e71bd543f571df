"""API authentication: a token in the `Authorization` header, or the web session (with CSRF).

Tokens are Django REST framework's `authtoken` (one key per user, created in the admin or with
`duikou drf_create_token <username>`). Issue 5 replaces them with hashed, expiring, scoped tokens: the
settings name this class, so the swap happens here and nowhere else.
"""

from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`."""

    keyword = "Token"
