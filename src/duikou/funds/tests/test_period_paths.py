"""Every way into the ledger honours a closed period (issue 5, item 5): the posting page, the API and
the import are refused with a Chinese message naming the period; the period pages close and reopen
through the service; the API answers arrivals (issue 5, item 3)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from duikou.core.api.testing import client_with, messages
from duikou.core.imports.registry import importer_for
from duikou.core.models import ObjectChange
from duikou.funds.models import ArrivalConfirmation, LedgerEntry, PeriodLock
from duikou.funds.services import close_period
from duikou.testing import (
    form_errors,
    make_county,
    make_entry,
    make_pairing,
    make_project,
    make_supporter,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 15)


def closed_on() -> str:
    return timezone.localdate().isoformat()


def refusal(date: str, period: str = "2024年3月", scope: str = "全部支援方") -> str:
    return (
        f"{date} 属于已结账期间 {period}（{scope}，{closed_on()} 结账），不能再登记；"
        "请改用未结账期间的日期，或请有权限的人员先反结账。"
    )


@pytest.fixture
def project():
    make_pairing(make_supporter("上海市"), make_county())
    project = make_project(code="SH-2024-0001")
    close_period(
        acting_user=None, programme=project.programme, year=2024, month=3, reason="月结", today=TODAY
    )
    return project


def signed_in(client, *codenames):
    user = make_user("officer")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="funds", codename__in=codenames)
    )
    client.force_login(user)
    return client


def state():
    return LedgerEntry.objects.count(), ObjectChange.objects.count()


def test_the_posting_page_refuses_a_closed_period_next_to_the_date(client, project):
    signed_in(client, "add_ledgerentry")
    before = state()

    response = client.post(
        reverse("funds:entry_add"),
        {"project": project.code, "kind": "arrived", "amount": "50", "value_date": "2024-03-31"},
    )

    assert response.status_code == 200
    assert form_errors(response)["value_date"] == [refusal("2024-03-31")]
    assert state() == before


def test_the_api_refuses_a_closed_period_with_the_message_naming_it(project):
    api = client_with("funds.view_ledgerentry", "funds.add_ledgerentry")
    before = state()

    response = api.post(
        reverse("api:ledger_entry_list"),
        {"project": project.pk, "kind": "disbursed", "amount": "1000.00", "value_date": "2024-03-01"},
        format="json",
    )

    assert response.status_code == 400
    assert messages(response) == {"value_date": [refusal("2024-03-01")]}
    assert state() == before
    response = api.post(
        reverse("api:ledger_entry_list"),
        {"project": project.pk, "kind": "disbursed", "amount": "1000.00", "value_date": "2024-04-01"},
        format="json",
    )
    assert response.status_code == 201


def test_the_import_refuses_rows_in_a_closed_period_and_posts_nothing(project):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["项目编号", "类型", "金额（万元）", "发生日期"],
            ["SH-2024-0001", "到位", "50", "2024-04-01"],
            ["SH-2024-0001", "拨付", "20", "2024-03-31"],
        ]
    )
    before = state()

    result = importer_for("ledger").run(buffer.getvalue().encode("gbk"), "台账.csv")

    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (3, "发生日期", refusal("2024-03-31"))
    ]
    assert state() == before


def test_the_period_pages_close_and_reopen_through_the_service(client):
    project = make_project()
    signed_in(client, "add_periodlock", "change_periodlock")
    make_entry(project, value_date=datetime.date(2023, 5, 4))  # an arrival not yet confirmed

    response = client.post(
        reverse("funds:period_close"),
        {"programme": project.programme.pk, "year": "2023", "month": "5", "reason": "5月已对账"},
    )
    assert response.status_code == 200
    assert form_errors(response)["allow_pending"] == [
        "期间 2023年5月 还有 1 笔到位资金（10.00万元）待受援方确认或有异议；请先对账，或选择“仍然结账”。"
    ]
    assert PeriodLock.objects.count() == 0

    response = client.post(
        reverse("funds:period_close"),
        {
            "programme": project.programme.pk,
            "year": "2023",
            "month": "5",
            "reason": "5月已对账",
            "allow_pending": "on",
        },
    )
    assert response.status_code == 302
    lock = PeriodLock.objects.get()
    assert (lock.closed_by.username, lock.pending_arrivals) == ("officer", 1)
    listing = client.get(reverse("funds:period_list")).content.decode()
    assert "2023年5月" in listing and reverse("funds:period_reopen", args=[lock.pk]) in listing

    response = client.post(reverse("funds:period_reopen", args=[lock.pk]), {"reason": "补录"})
    assert response.status_code == 302
    lock.refresh_from_db()
    assert (lock.reopened_by.username, lock.reopen_reason) == ("officer", "补录")
    assert client.get(reverse("funds:period_reopen", args=[lock.pk])).status_code == 404


def test_the_period_pages_need_the_permissions(client, project):
    signed_in(client)

    assert client.get(reverse("funds:period_list")).status_code == 200
    assert client.get(reverse("funds:period_close")).status_code == 403
    lock = PeriodLock.objects.get()
    assert client.post(reverse("funds:period_reopen", args=[lock.pk]), {"reason": "x"}).status_code == 403
    assert PeriodLock.objects.get().is_active


def test_the_reverse_page_starts_at_the_first_open_day(client):
    project = make_project()
    entry = make_entry(project, kind="disbursed", value_date=datetime.date(2024, 3, 3))
    signed_in(client, "add_ledgerentry")

    response = client.get(reverse("funds:entry_reverse", args=[entry.pk]))

    assert response.context["form"].initial["value_date"] == timezone.localdate()


def test_the_api_confirms_and_disputes_arrivals():
    arrival = make_entry(amount="100000.00", value_date=datetime.date(2024, 3, 3))
    api = client_with(
        "funds.view_ledgerentry", "funds.add_arrivalconfirmation", "funds.change_arrivalconfirmation"
    )

    response = api.post(
        reverse("api:ledger_entry_dispute", args=[arrival.pk]),
        {"reason": "只到 4 万", "amount_received": "40000.00"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["amount_received"]) == ("disputed", "40000.00")
    detail = api.get(reverse("api:ledger_entry", args=[arrival.pk])).json()
    assert detail["confirmation_state"] == "disputed"

    response = api.post(reverse("api:ledger_entry_confirm", args=[arrival.pk]), {}, format="json")
    assert response.status_code == 200
    assert ArrivalConfirmation.objects.get().amount_received == Decimal("100000.00")

    refused = api.post(reverse("api:ledger_entry_dispute", args=[arrival.pk]), {"reason": " "}, format="json")
    assert refused.status_code == 400


def test_answering_through_the_api_needs_the_permission():
    arrival = make_entry(value_date=datetime.date(2024, 3, 3))
    api = client_with("funds.view_ledgerentry")

    response = api.post(reverse("api:ledger_entry_confirm", args=[arrival.pk]), {}, format="json")

    assert response.status_code == 403
    assert not ArrivalConfirmation.objects.exists()
