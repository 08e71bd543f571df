from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

from duikou.core.context import change_context

# Known passwords, printed on purpose: these accounts exist only in demo databases.
DEMO_ACCOUNTS = [
    # username, password, is_superuser, description
    ("admin", "duikou-admin-2026", True, "平台管理员（全部权限）· platform administrator"),
    (
        "auditor",
        "duikou-audit-2026",
        False,
        "审计（只读，含变更记录）· auditor, read-only including the change log",
    ),
]
DOMAIN_APPS = [
    "core",
    "geo",
    "parties",
    "programmes",
    "pairings",
    "projects",
    "funds",
    "talent",
    "outcomes",
    "demo",
]


class Command(BaseCommand):
    help = "创建并打印演示账号（仅用于演示数据库）。 Create and print the demo log-ins (demo databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow with DEBUG off (never in production)")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 关闭时不创建演示账号（密码是公开的）。"
                " Refusing with DEBUG off: the passwords are public."
            )
        User = get_user_model()
        view_permissions = Permission.objects.filter(
            content_type__app_label__in=DOMAIN_APPS, codename__startswith="view_"
        )
        with change_context(source="command", note="demo-accounts"):
            for username, password, is_superuser, _ in DEMO_ACCOUNTS:
                user, _ = User.objects.get_or_create(username=username)
                user.is_staff = True
                user.is_superuser = is_superuser
                user.set_password(password)
                user.save()
                if not is_superuser:
                    user.user_permissions.set(view_permissions)
        self.stdout.write("演示账号 / demo log-ins (http://127.0.0.1:8000/admin/):")
        for username, password, _, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<8} {password:<20} {description}")
