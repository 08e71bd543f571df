"""Two-party reconciliation (对账, issue 5 item 3): arrivals stay pending until the recipient confirms or
disputes them; the summary per supporter × recipient × month shows both sides and the differences."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from duikou.core.models import ObjectChange
from duikou.funds.choices import EntryKind
from duikou.funds.models import ArrivalConfirmation, LedgerEntry
from duikou.funds.reconciliation import (
    arrivals,
    reconciliation_rows,
    reconciliation_total,
    unconfirmed_arrivals,
    unconfirmed_arrivals_by,
)
from duikou.funds.services import confirm_arrival, dispute_arrival, reverse_entry
from duikou.testing import make_entry, make_project, make_supporter, make_user

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2024, 3, 5)
APRIL = datetime.date(2024, 4, 2)


def recipient(username="kashgar", *permissions):
    user = make_user(username)
    codenames = permissions or ("add_arrivalconfirmation", "change_arrivalconfirmation")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="funds", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # a fresh user: permissions are cached


@pytest.fixture
def ledger():
    """Shanghai posts four March arrivals and one in April (yuan); plus a disbursement that is no arrival."""
    project = make_project()
    entries = {
        "confirmed": make_entry(project, amount="1000000.00", value_date=MARCH),
        "disputed": make_entry(project, amount="600000.00", value_date=MARCH),
        "pending": make_entry(project, amount="250000.00", value_date=MARCH),
        "reversed": make_entry(project, amount="80000.00", value_date=MARCH),
        "april": make_entry(project, amount="300000.00", value_date=APRIL),
    }
    make_entry(project, kind=EntryKind.DISBURSED, amount="500000.00", value_date=MARCH)
    user = recipient()
    confirm_arrival(entries["confirmed"], acting_user=user)
    dispute_arrival(
        entries["disputed"], acting_user=user, reason="只收到 40 万元", amount_received=Decimal("400000.00")
    )
    entries["reversal"] = reverse_entry(
        entries["reversed"], acting_user=None, reason="重复登记", value_date=datetime.date(2024, 3, 20)
    )
    entries["project"] = project
    return entries


# --- the answers ---------------------------------------------------------------------------------------


def test_confirming_records_who_when_and_the_full_amount():
    entry = make_entry(amount="1000000.00", value_date=MARCH)
    user = recipient()

    confirmation = confirm_arrival(entry, acting_user=user, reason="已到账")

    assert (confirmation.state, confirmation.amount_received, confirmation.reason) == (
        "confirmed",
        Decimal("1000000.00"),
        "已到账",
    )
    assert confirmation.decided_by == user and confirmation.decided_at is not None
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("1000000.00")  # the ledger untouched


def test_a_dispute_needs_a_reason_and_an_amount_within_the_entry():
    entry = make_entry(amount="1000000.00", value_date=MARCH)
    user = recipient()

    with pytest.raises(ValidationError) as refused:
        dispute_arrival(entry, acting_user=user, reason=" ")
    assert refused.value.message_dict == {"reason": ["提出异议须填写原因。"]}
    with pytest.raises(ValidationError) as refused:
        dispute_arrival(entry, acting_user=user, reason="多记", amount_received=Decimal("1000000.01"))
    assert refused.value.message_dict == {
        "amount_received": ["实收金额不能超过登记的到位金额（1000000.00）。"]
    }
    assert ArrivalConfirmation.objects.count() == 0


def test_only_open_arrivals_can_be_answered():
    project = make_project()
    disbursed = make_entry(project, kind=EntryKind.DISBURSED, value_date=MARCH)
    arrival = make_entry(project, value_date=MARCH)
    reversal = reverse_entry(arrival, acting_user=None, reason="错记", value_date=APRIL)

    for entry, message in (
        (disbursed, "只有到位分录需要受援方确认。"),
        (reversal, "冲正分录不需要确认；请确认或质疑原分录。"),
        (arrival, "该到位分录已被冲正，无需确认。"),
    ):
        with pytest.raises(ValidationError) as refused:
            confirm_arrival(entry, acting_user=None)
        assert refused.value.message_dict == {"entry": [message]}
    assert ArrivalConfirmation.objects.count() == 0


def test_answering_needs_the_permission_and_changing_an_answer_the_change_permission():
    entry = make_entry(value_date=MARCH)
    with pytest.raises(PermissionDenied):
        confirm_arrival(entry, acting_user=make_user("viewer"))
    only_add = recipient("clerk", "add_arrivalconfirmation")
    dispute_arrival(entry, acting_user=only_add, reason="未到账")
    with pytest.raises(PermissionDenied):
        confirm_arrival(entry, acting_user=only_add)

    confirmation = confirm_arrival(entry, acting_user=recipient())

    assert ArrivalConfirmation.objects.get().state == "confirmed"
    changes = ObjectChange.objects.filter(
        changed_object_type=ContentType.objects.get_for_model(ArrivalConfirmation),
        changed_object_id=confirmation.pk,
    )
    assert list(changes.order_by("pk").values_list("action", flat=True)) == ["create", "update"]


# --- both sides ----------------------------------------------------------------------------------------


def test_statuses_of_the_arrivals(ledger):
    statuses = dict(arrivals(LedgerEntry.objects.all()).values_list("pk", "status"))

    assert {name: statuses[ledger[name].pk] for name in ("confirmed", "disputed", "pending", "april")} == {
        "confirmed": "confirmed",
        "disputed": "disputed",
        "pending": "pending",
        "april": "pending",
    }
    assert statuses[ledger["reversed"].pk] == statuses[ledger["reversal"].pk] == "reversed"
    assert len(statuses) == 6  # the disbursement is no arrival


def test_rows_per_supporter_division_and_month_with_a_disputed_arrival_as_a_difference(ledger):
    march, april = reconciliation_rows(LedgerEntry.objects.all())[::-1]

    assert (march.year, march.month, april.month) == (2024, 3, 4)
    assert (march.supporter_name, march.division_name) == ("上海市", "莎车县")
    assert (
        march.entries,
        march.posted,
        march.reversed,
        march.confirmed,
        march.disputed,
        march.disputed_received,
        march.pending,
    ) == (
        5,
        Decimal("1850000.00"),
        Decimal("0.00"),
        Decimal("1000000.00"),
        Decimal("600000.00"),
        Decimal("400000.00"),
        Decimal("250000.00"),
    )
    assert march.recipient_side == Decimal("1400000.00")
    assert march.difference == Decimal("450000.00")  # 250,000 pending + 200,000 disputed and not received
    assert (march.pending_entries, march.disputed_entries, march.is_reconciled) == (1, 1, False)
    assert (april.posted, april.pending, april.difference) == (
        Decimal("300000.00"),
        Decimal("300000.00"),
        Decimal("300000.00"),
    )


def test_a_reversal_in_another_month_is_a_settled_line_of_its_own_month(ledger):
    reverse_entry(ledger["april"], acting_user=None, reason="错记", value_date=datetime.date(2024, 5, 6))

    may, april, _march = reconciliation_rows(LedgerEntry.objects.all())

    assert (april.posted, april.reversed, april.difference) == (Decimal("300000.00"),) * 2 + (
        Decimal("0.00"),
    )
    assert (may.posted, may.reversed, may.difference) == (Decimal("-300000.00"),) * 2 + (Decimal("0.00"),)


def test_confirming_everything_leaves_no_difference(ledger):
    user = recipient()
    confirm_arrival(ledger["pending"], acting_user=user)
    confirm_arrival(ledger["april"], acting_user=user)
    confirm_arrival(ledger["disputed"], acting_user=user, reason="余款已查到")

    total = reconciliation_total(LedgerEntry.objects.all())

    assert (total.posted, total.confirmed, total.difference, total.is_reconciled) == (
        Decimal("2150000.00"),
        Decimal("2150000.00"),
        Decimal("0.00"),
        True,
    )


def test_unconfirmed_arrivals_are_pending_and_disputed_amounts(ledger):
    other = make_project(supporter=make_supporter("江苏省"))
    make_entry(other, amount="70000.00", value_date=MARCH)

    assert unconfirmed_arrivals(LedgerEntry.objects.all()) == Decimal("1220000.00")
    assert unconfirmed_arrivals_by(LedgerEntry.objects.all(), "supporter_id") == {
        ledger["project"].supporter_id: Decimal("1150000.00"),
        other.supporter_id: Decimal("70000.00"),
    }


# --- the pages -----------------------------------------------------------------------------------------


def test_the_reconciliation_page_shows_both_sides_and_the_difference(client, ledger):
    client.force_login(make_user("officer"))

    response = client.get(reverse("funds:reconciliation"), {"year": "2024", "month": "3"})

    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 1
    row, cells, url = rows[0]
    assert row.difference == Decimal("450000.00")
    assert [cell.html for cell in cells][3:] == [
        "5",
        "185.00万元",
        "0.00万元",
        "100.00万元",
        "60.00万元",
        "40.00万元",
        "25.00万元",
        "140.00万元",
        "45.00万元",
    ]
    assert f"supporter_id={row.supporter_id}" in url and "month=3" in url
    assert 'class="table-warning"' in response.content.decode()


def test_the_reconciliation_export_is_the_summary_in_yuan(client, ledger):
    client.force_login(make_user("officer"))

    response = client.get(reverse("funds:reconciliation"), {"export": "csv"})

    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:5] == ["年月", "支援方", "受援地", "笔数", "支援方登记到位（元）"]
    assert lines[0][-1] == "差异（元）"
    assert [line[0] for line in lines[1:]] == ["2024-04", "2024-03"]
    assert lines[2][-1] == "450000.00"
    response = client.get(reverse("funds:reconciliation"), {"export": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_arrival_list_filters_by_status(client, ledger):
    client.force_login(make_user("officer"))

    response = client.get(reverse("funds:arrival_list"), {"status": ["disputed", "pending"]})

    shown = [row.pk for row in response.context["page"].object_list]
    assert sorted(shown) == sorted([ledger["disputed"].pk, ledger["pending"].pk, ledger["april"].pk])
    assert "有异议" in response.content.decode()


def test_a_recipient_disputes_through_the_page_and_a_refusal_changes_nothing(client, ledger):
    entry = ledger["pending"]
    client.force_login(recipient())
    url = reverse("funds:entry_dispute", args=[entry.pk])

    refused = client.post(url, {"reason": "", "amount_received": ""})
    assert refused.status_code == 200 and not ArrivalConfirmation.objects.filter(entry=entry).exists()

    response = client.post(url, {"reason": "未见到账", "amount_received": "5"})

    assert response.status_code == 302
    confirmation = ArrivalConfirmation.objects.get(entry=entry)
    assert (confirmation.state, confirmation.amount_received) == ("disputed", Decimal("50000.00"))
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "有异议" in page and 'data-action="confirm"' in page


def test_answering_pages_need_the_permission(client, ledger):
    client.force_login(make_user("viewer"))

    assert client.get(reverse("funds:entry_confirm", args=[ledger["pending"].pk])).status_code == 403
    page = client.get(ledger["pending"].get_absolute_url()).content.decode()
    assert "待受援方确认" in page and 'data-action="confirm"' not in page
