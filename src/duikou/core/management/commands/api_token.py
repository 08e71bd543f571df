"""`duikou api-token create|list|revoke`: hashed, expiring, scoped API tokens (docs/api.md).

    duikou api-token create <username> [--scope read|write] [--days N] [--name TEXT]
    duikou api-token list [<username>] [--all]
    duikou api-token revoke <prefix>

`create` prints the token once, on its own line on stdout (so a script can capture it), and never again;
only its SHA-256 is stored.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from duikou.core.choices import TokenScope
from duikou.core.tokens import DEFAULT_DAYS, MAX_DAYS, ApiToken, issue_token


class Command(BaseCommand):
    help = "管理 API 令牌：创建、列出、撤销。 Create, list and revoke API tokens (stored hashed)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|list|revoke")
        create = actions.add_parser("create", help="make a token for a user and print it once")
        create.add_argument("username")
        create.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"1 to {MAX_DAYS}")
        create.add_argument("--name", default="", help="what the token is for")
        listing = actions.add_parser("list", help="tokens still working (with --all: every one)")
        listing.add_argument("username", nargs="?")
        listing.add_argument("--all", action="store_true", help="expired and revoked tokens too")
        revoke = actions.add_parser("revoke", help="stop a token at once")
        revoke.add_argument("prefix", help="the 8 characters before the dot, as `list` shows them")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_create(self, *, username, scope, days, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户“{username}”。 No user {username!r}.")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用。 User {username!r} is inactive.")
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days 须在 1 到 {MAX_DAYS} 之间。 --days must be 1 to {MAX_DAYS}.")
        row, token = issue_token(user, scope=scope, days=days, name=name)
        self.stderr.write(
            f"已为 {username} 创建{row.get_scope_display()}令牌 {row.prefix}，"
            f"{timezone.localtime(row.expires):%Y-%m-%d %H:%M} 到期。此令牌只显示这一次，请妥善保存。\n"
            f"Token {row.prefix} ({scope}) for {username}, expires "
            f"{timezone.localtime(row.expires):%Y-%m-%d %H:%M}. It is shown this once only:"
        )
        self.stdout.write(token)

    def handle_list(self, *, username=None, all=False, **options):
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created")
        if username:
            tokens = tokens.filter(user__username=username)
        if not all:
            tokens = tokens.filter(revoked__isnull=True, expires__gt=timezone.now())
        rows = [("prefix", "user", "scope", "expires", "last used", "state", "name")]
        for token in tokens:
            state = "revoked" if token.revoked else "expired" if token.is_expired else "active"
            rows.append(
                (
                    token.prefix,
                    token.user.get_username(),
                    token.scope,
                    f"{timezone.localtime(token.expires):%Y-%m-%d %H:%M}",
                    f"{timezone.localtime(token.last_used):%Y-%m-%d %H:%M}" if token.last_used else "—",
                    state,
                    token.name,
                )
            )
        widths = [max(len(str(row[column])) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )

    def handle_revoke(self, *, prefix, **options):
        token = ApiToken.objects.filter(Q(prefix=prefix) | Q(prefix=prefix.partition(".")[0])).first()
        if token is None:
            raise CommandError(f"没有前缀为“{prefix}”的令牌。 No token with prefix {prefix!r}.")
        if token.revoked:
            self.stdout.write(f"令牌 {token.prefix} 已于此前撤销。 Token {token.prefix} was already revoked.")
            return
        token.revoke()
        self.stdout.write(f"令牌 {token.prefix} 已撤销。 Token {token.prefix} revoked.")
