"""`duikou demo-accounts` (issue 5, item 9): one log-in per role, each printed with its scope."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from duikou.accounts.choices import Role
from duikou.accounts.models import Membership
from duikou.demo.management.commands.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_one_demo_account_per_role_printed_with_its_scope(rf):
    from duikou.reference.loader import load_reference

    load_reference()
    output = StringIO()

    call_command("demo_accounts", force=True, stdout=output)
    call_command("demo_accounts", force=True, stdout=StringIO())  # again: the same accounts, not new ones

    assert sorted(Membership.objects.values_list("role", flat=True)) == sorted(Role.values)
    printed = output.getvalue()
    assert "浙江省（含 2 个所属地市）" in printed
    assert "喀什地区及其下级区划" in printed
    for username, password, _role, _organization, _is_staff in DEMO_ACCOUNTS:
        assert f"  {username} " in printed and password in printed
        assert authenticate(rf.post("/accounts/login/"), username=username, password=password) is not None
    assert "(http://127.0.0.1:8000/accounts/login/)" in printed


@pytest.mark.parametrize(
    ("address", "printed"),
    [
        ("0.0.0.0:9000", "http://0.0.0.0:9000/accounts/login/"),
        ("192.168.1.20:8080", "http://192.168.1.20:8080/accounts/login/"),
        ("8123", "http://127.0.0.1:8123/accounts/login/"),  # a port alone: runserver listens on 127.0.0.1
    ],
)
def test_the_demo_accounts_name_the_address_the_server_listens_on(address, printed):
    """`make demo` passes DEMO_ADDRESS; the log-in address printed was port 8000 whatever it was."""
    from duikou.reference.loader import load_reference

    load_reference()
    output = StringIO()

    call_command("demo_accounts", force=True, address=address, stdout=output)

    assert output.getvalue().splitlines()[0].endswith(f"({printed}):")
