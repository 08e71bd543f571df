"""The ledger endpoints through HTTP: read, post through `post_entry`, reverse through `reverse_entry`;
never update, never delete (issue 4, item 6)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from duikou.core.api.testing import client_with, errors, messages, token_client, user_with
from duikou.core.models import ObjectChange
from duikou.funds.models import LedgerEntry
from duikou.funds.services import reverse_entry
from duikou.testing import make_entry, make_project, make_supporter

pytestmark = pytest.mark.django_db

LIST = reverse("api:ledger_entry_list")
POSTER = ("funds.view_ledgerentry", "funds.add_ledgerentry")


def entry_changes() -> list[ObjectChange]:
    return list(
        ObjectChange.objects.filter(
            changed_object_type=ContentType.objects.get_for_model(LedgerEntry)
        ).order_by("pk")
    )


# --- reading --------------------------------------------------------------------------------------


def test_the_list_shows_entries_newest_first_with_amounts_as_decimal_strings():
    project = make_project()
    older = make_entry(project, amount="1234.50", value_date=datetime.date(2024, 3, 1))
    newer = make_entry(project, kind="disbursed", amount="1000.00", value_date=datetime.date(2024, 4, 1))
    response = client_with("funds.view_ledgerentry").get(LIST)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [newer.pk, older.pk]
    assert rows[1]["amount"] == "1234.50"
    assert (rows[1]["kind"], rows[1]["kind_display"]) == ("arrived", "到位")
    assert (rows[1]["project"], rows[1]["project_code"]) == (project.pk, project.code)
    assert rows[1]["reversed_by"] is None


def test_the_list_filters_with_the_ledgers_filterset():
    project = make_project()
    make_entry(project, kind="plan", amount="500000.00", value_date=datetime.date(2023, 11, 1))
    arrived = make_entry(project, amount="200000.00", value_date=datetime.date(2024, 3, 1))
    client = client_with("funds.view_ledgerentry")

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(kind="arrived") == [arrived.pk]
    assert ids(fiscal_year=2024) == [arrived.pk]
    assert ids(project_code=project.code, amount_max="30") == [arrived.pk]  # 万元
    assert ids(value_date_after="2024-01-01") == [arrived.pk]
    assert len(ids(project=project.pk)) == 2
    assert ids(is_reversal=True) == []


def test_the_detail_says_which_entry_reversed_it():
    entry = make_entry()
    reversal = reverse_entry(entry, reason="重复录入")
    response = client_with("funds.view_ledgerentry").get(reverse("api:ledger_entry", args=[entry.pk]))
    assert response.json()["reversed_by"] == reversal.pk
    response = client_with("funds.view_ledgerentry").get(reverse("api:ledger_entry", args=[reversal.pk]))
    assert response.json()["reverses"] == entry.pk
    assert response.json()["amount"] == "-100000.00"


# --- posting --------------------------------------------------------------------------------------


def test_posting_an_entry_takes_the_projects_parties_and_logs_it():
    project = make_project()
    user = user_with(*POSTER, username="treasurer")
    response = token_client(user).post(
        LIST,
        {"project": project.pk, "kind": "arrived", "amount": "300000.50", "value_date": "2024-05-06"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    entry = LedgerEntry.objects.get(pk=response.json()["id"])
    assert entry.amount == Decimal("300000.50")
    assert (entry.programme, entry.supporter, entry.division) == (
        project.programme,
        project.supporter,
        project.division,
    )
    assert entry.fiscal_year == 2024
    (change,) = entry_changes()
    assert (change.action, change.source, change.user) == ("create", "api", user)


def test_an_entry_without_a_project_names_its_parties():
    project = make_project()
    response = client_with(*POSTER).post(
        LIST,
        {
            "programme": project.programme_id,
            "supporter": project.supporter_id,
            "division": project.division_id,
            "kind": "plan",
            "amount": "1000000",
            "value_date": "2023-10-15",
            "fiscal_year": 2024,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["project"] is None
    assert response.json()["fiscal_year"] == 2024


def test_a_refused_entry_is_a_400_with_every_reason_and_posts_nothing():
    project = make_project()
    other = make_supporter("北京市")
    response = client_with(*POSTER).post(
        LIST,
        {
            "project": project.pk,
            "supporter": other.pk,
            "kind": "arrived",
            "amount": "0",
            "value_date": "2024-05-06",
        },
        format="json",
    )
    assert response.status_code == 400
    assert sorted(field for field, _ in errors(response)) == ["amount", "supporter"]
    assert messages(response)["supporter"] == ["支援方须与项目的支援方（上海市）一致。"]
    assert not LedgerEntry.objects.exists()
    assert entry_changes() == []


def test_money_with_more_than_two_places_is_refused():
    project = make_project()
    response = client_with(*POSTER).post(
        LIST,
        {"project": project.pk, "kind": "arrived", "amount": "1.005", "value_date": "2024-05-06"},
        format="json",
    )
    assert errors(response) == [("amount", "max_decimal_places")]


def test_posting_needs_the_add_permission():
    project = make_project()
    response = client_with("funds.view_ledgerentry").post(
        LIST,
        {"project": project.pk, "kind": "arrived", "amount": "1", "value_date": "2024-05-06"},
        format="json",
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()


# --- reversing ------------------------------------------------------------------------------------


def test_reversing_posts_the_negated_entry_with_the_reason():
    entry = make_entry(amount="250000.00")
    user = user_with(*POSTER, username="corrector")
    response = token_client(user).post(
        reverse("api:ledger_entry_reverse", args=[entry.pk]),
        {"reason": "金额录错", "value_date": "2024-06-30"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    reversal = LedgerEntry.objects.get(pk=response.json()["id"])
    assert reversal.reverses == entry
    assert reversal.amount == Decimal("-250000.00")
    assert (reversal.kind, reversal.value_date, reversal.note) == (
        "arrived",
        datetime.date(2024, 6, 30),
        "冲正：金额录错",
    )
    assert response.json()["reverses"] == entry.pk
    assert entry_changes()[-1].source == "api"
    assert entry_changes()[-1].user == user


def test_a_second_reversal_is_refused():
    entry = make_entry()
    client = client_with(*POSTER)
    url = reverse("api:ledger_entry_reverse", args=[entry.pk])
    assert client.post(url, {"reason": "第一次"}, format="json").status_code == 201

    response = client.post(url, {"reason": "第二次"}, format="json")

    assert response.status_code == 400
    assert errors(response) == [(None, "invalid")]
    assert messages(response)[None] == ["该分录已冲正，不能重复冲正。"]
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1


def test_a_reversal_cannot_itself_be_reversed():
    reversal = reverse_entry(make_entry(), reason="录错")
    response = client_with(*POSTER).post(
        reverse("api:ledger_entry_reverse", args=[reversal.pk]), {"reason": "再冲"}, format="json"
    )
    assert response.status_code == 400
    assert messages(response) == {"reverses": ["不能冲正一笔冲正分录。"]}


def test_a_reversal_needs_a_reason():
    entry = make_entry()
    client = client_with(*POSTER)
    url = reverse("api:ledger_entry_reverse", args=[entry.pk])
    assert errors(client.post(url, {}, format="json")) == [("reason", "required")]
    # Blank after trimming: the service's rule, reported on the request's field name.
    assert errors(client.post(url, {"reason": "   "}, format="json")) == [("reason", "blank")]
    assert not LedgerEntry.objects.filter(reverses=entry).exists()


def test_reversing_needs_the_add_permission():
    entry = make_entry()
    response = client_with("funds.view_ledgerentry").post(
        reverse("api:ledger_entry_reverse", args=[entry.pk]), {"reason": "x"}, format="json"
    )
    assert response.status_code == 403


# --- never update, never delete -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_entries_are_never_updated_or_deleted_405(method, admin_user):
    entry = make_entry()
    client = token_client(admin_user)  # even a superuser
    response = getattr(client, method)(
        reverse("api:ledger_entry", args=[entry.pk]), {"amount": "1"}, format="json"
    )
    assert response.status_code == 405
    assert errors(response) == [(None, "method_not_allowed")]
    assert messages(response)[None] == ["资金分录只能新增，不能修改或删除；更正请录入冲正分录。"]
    entry.refresh_from_db()
    assert entry.amount == Decimal("100000.00")


def test_the_collection_refuses_put_and_delete_too(admin_user):
    response = token_client(admin_user).delete(LIST)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
