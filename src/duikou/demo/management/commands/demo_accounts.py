"""`duikou demo-accounts`: one log-in per role, each with a scope from the demo data, printed with its
password and scope so that a person can sign in as each and see the difference (issue 5, item 9)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from duikou.accounts.choices import Role
from duikou.accounts.models import Membership
from duikou.core.context import change_context
from duikou.geo.models import Division
from duikou.parties.choices import OrganizationKind
from duikou.parties.models import Organization

# Known passwords, printed on purpose: these accounts exist only in demo databases.
# username, password, role, organization (by name; None: no organization), staff (the admin site)
DEMO_ACCOUNTS = [
    ("admin", "duikou-admin-2026", Role.PLATFORM_ADMIN, None, True),
    (
        "office",
        "duikou-office-2026",
        Role.COORDINATION_OFFICE,
        "新疆维吾尔自治区对口援疆工作协调领导小组办公室",
        True,
    ),
    ("zhejiang", "duikou-zhejiang-2026", Role.SUPPORTER_EDITOR, "浙江省援疆指挥部", False),
    ("zhejiang-viewer", "duikou-zhejiang-view-2026", Role.SUPPORTER_VIEWER, "浙江省援疆指挥部", False),
    ("kashgar", "duikou-kashgar-2026", Role.RECIPIENT_EDITOR, "喀什地区援疆办", False),
    ("shache-viewer", "duikou-shache-view-2026", Role.RECIPIENT_VIEWER, "莎车县援疆办", False),
    ("auditor", "duikou-audit-2026", Role.AUDITOR, None, True),
]
# The recipients' offices are not in the reference data (it lists supporters and front HQs): the demo
# creates them in the divisions they serve.
RECIPIENT_OFFICES = {"喀什地区援疆办": "653100", "莎车县援疆办": "653125"}


DEFAULT_ADDRESS = "127.0.0.1:8000"  # runserver's


def login_url(address: str) -> str:
    """The log-in page at `address` as runserver takes it: "127.0.0.1:8000", "0.0.0.0:9000", or a port alone
    (runserver then listens on 127.0.0.1)."""
    address = address.strip()
    host_and_port = f"127.0.0.1:{address}" if address.isdigit() else address
    return f"http://{host_and_port}/accounts/login/"


class Command(BaseCommand):
    help = "创建并打印演示账号（仅用于演示数据库）。 Create and print the demo log-ins (demo databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow with DEBUG off (never in production)")
        parser.add_argument(
            "--address",
            default=DEFAULT_ADDRESS,
            help=f"where the server listens, as runserver takes it (`make demo` passes DEMO_ADDRESS); "
            f"printed in the log-in address; default {DEFAULT_ADDRESS}",
        )

    def handle(self, *args, force=False, address=DEFAULT_ADDRESS, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 关闭时不创建演示账号（密码是公开的）。"
                " Refusing with DEBUG off: the passwords are public."
            )
        User = get_user_model()
        rows = []
        with change_context(source="command", note="demo-accounts"):
            for name, code in RECIPIENT_OFFICES.items():
                division = Division.objects.filter(code=code).first()
                if division is None:
                    raise CommandError(
                        f"区划 {code} 不存在：请先运行 load-reference。 Run load-reference first."
                    )
                Organization.objects.get_or_create(
                    name=name,
                    defaults={"kind": OrganizationKind.RECIPIENT_GOVERNMENT, "home_division": division},
                )
            for username, password, role, organization_name, is_staff in DEMO_ACCOUNTS:
                organization = None
                if organization_name is not None:
                    organization = Organization.objects.filter(name=organization_name).first()
                    if organization is None:
                        raise CommandError(
                            f"单位“{organization_name}”不存在：请先运行 load-reference。"
                            " Run load-reference first."
                        )
                user, _created = User.objects.get_or_create(username=username)
                user.is_staff = is_staff
                user.is_superuser = role == Role.PLATFORM_ADMIN
                user.set_password(password)
                user.save()
                user.user_permissions.clear()  # the role grants them (accounts/roles.py)
                membership, _created = Membership.objects.update_or_create(
                    user=user, defaults={"role": role, "organization": organization}
                )
                membership.full_clean()
                rows.append((username, password, membership))
        self.stdout.write(f"演示账号 / demo log-ins ({login_url(address)}):")
        for username, password, membership in rows:
            where = f"{membership.organization} · " if membership.organization else ""
            scope = f"{membership.get_role_display()} · {where}{membership.scope_label()}"
            self.stdout.write(f"  {username:<16} {password:<26} {scope}")
