"""API tokens: stored hashed, with an expiry and a scope (issue 5, item 7; docs/security.md).

A token reads `<prefix>.<secret>`: the prefix (8 hex digits) is stored as it is and finds the row; the
whole token is stored only as its SHA-256, so a copy of the database (a backup, a leaked dump) holds no
usable key. The token is shown once, when it is made (`issue_token`, `duikou api-token create`, the admin),
and can never be shown again: a lost token is revoked and a new one issued.

SHA-256 rather than a slow password hash: the secret is 256 random bits, not a word a person chose, so
there is nothing to guess by brute force, and every API request checks one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import TokenScope

PREFIX_BYTES = 4  # 8 hex digits: enough to find the row, and shown in lists to tell tokens apart
SECRET_BYTES = 32  # 256 bits
DEFAULT_DAYS = 90
MAX_DAYS = 366
LAST_USED_PRECISION = timedelta(minutes=1)  # one write a minute per token at most, not one per request


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """One API key of one user: what it may do (scope), until when, and when it was last used.

    Rows are never deleted by a revocation: `revoked` keeps when it stopped working, so the change history
    can still name the token a write came through.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("用途"), max_length=100, blank=True, help_text=_("如“省级平台数据同步”"))
    prefix = models.CharField(_("前缀"), max_length=8, unique=True, editable=False)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, editable=False)
    scope = models.CharField(
        _("权限范围"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires = models.DateTimeField(_("到期时间"))
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires__gt=models.F("created")),
                name="core_apitoken_expires_after_created",
                violation_error_message=_("到期时间必须晚于创建时间。"),
            ),
        ]

    def __str__(self):
        return f"{self.prefix}… · {self.user} · {self.get_scope_display()}"

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked is None and not self.is_expired

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_token(token))

    def revoke(self) -> None:
        if self.revoked is None:
            self.revoked = timezone.now()
            ApiToken.objects.filter(pk=self.pk, revoked__isnull=True).update(revoked=self.revoked)

    def touch(self) -> None:
        """Record a use, at most once a minute (a busy script would otherwise write on every request)."""
        now = timezone.now()
        if self.last_used is None or now - self.last_used >= LAST_USED_PRECISION:
            self.last_used = now
            ApiToken.objects.filter(pk=self.pk).update(last_used=now)


def issue_token(user, *, scope: str = TokenScope.READ, days: int = DEFAULT_DAYS, name: str = "") -> tuple:
    """Make a token for `user`; returns (the ApiToken row, the token text — shown this once only).

    Args:
        user: who the token signs in as; it can do no more than the user can.
        scope: `read` (GET, HEAD, OPTIONS only) or `write` (everything the user's permissions allow).
        days: days until it expires, 1 to 366.
        name: what it is for, shown in lists.
    """
    if scope not in TokenScope.values:
        raise ValueError(f"scope must be one of {TokenScope.values}, not {scope!r}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}, not {days}")
    while True:
        prefix = secrets.token_hex(PREFIX_BYTES)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
    row = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_token(token),
        scope=scope,
        expires=timezone.now() + timedelta(days=days),
    )
    return row, token


def find_token(token: str) -> ApiToken | None:
    """The row of a presented token text, whatever its state, or None when no row matches."""
    prefix, dot, secret = token.partition(".")
    if not dot or len(prefix) != PREFIX_BYTES * 2 or not secret:
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not row.matches(token):
        return None
    return row
