"""Ledger pages through HTTP: posting (amounts in 万元 or with their unit), refusals that change
nothing, reversal with a reason, and the ledger list's filters."""

import datetime
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from duikou.core.models import ImportBatch, ObjectChange
from duikou.funds.models import LedgerEntry
from duikou.funds.services import reverse_entry
from duikou.testing import (
    REQUIRED,
    form_errors,
    make_county,
    make_entry,
    make_programme,
    make_project,
    make_supporter,
    make_user,
    results_table,
)

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    return LedgerEntry.objects.count(), ObjectChange.objects.count()


def post_url(project=None) -> str:
    url = reverse("funds:entry_add")
    return f"{url}?project={project.pk}" if project else url


def entry_data(project=None, **overrides) -> dict:
    data = {
        "project": project.code if project else "",
        "kind": "arrived",
        "amount": "50",
        "value_date": "2024-03-01",
        "fiscal_year": "",
        "programme": "",
        "supporter": "",
        "division": "",
        "document_reference": "沪财援〔2024〕7号",
        "note": "第一批到位",
    }
    data.update(overrides)
    return data


def project_figures(client, project) -> dict[str, str]:
    response = client.get(reverse("projects:project", args=[project.pk]))
    totals = response.context["totals"]
    return {"arrived": totals.arrived, "planned": totals.plan_total, "balance": totals.balance}


# --- posting ------------------------------------------------------------------------------------------


def test_post_an_entry_for_a_project_in_wan(admin_client, admin_user):
    project = make_project()
    data = entry_data(project)
    before = counts()

    response = admin_client.post(post_url(project), data, follow=True)

    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount, entry.value_date, entry.fiscal_year) == (
        "arrived",
        Decimal("500000.00"),
        datetime.date(2024, 3, 1),
        2024,  # the value date's year when left blank
    )
    # programme, supporter and division are the project's
    assert (entry.project, entry.programme, entry.supporter, entry.division) == (
        project,
        project.programme,
        project.supporter,
        project.division,
    )
    assert counts() == (before[0] + 1, before[1] + 1)
    change = ObjectChange.objects.order_by("-pk").first()
    assert (change.action, change.changed_object_id, change.user, change.source) == (
        "create",
        entry.pk,
        admin_user,
        "web",
    )
    html = response.content.decode()
    assert "已登记：到位 500000.00 元 · 2024-03-01" in html
    assert 'data-figure="arrived">50.00万元<' in html
    assert 'data-figure="balance">50.00万元<' in html


def test_post_with_its_own_unit_moves_the_projects_figures(admin_client):
    project = make_project()
    before = project_figures(admin_client, project)

    admin_client.post(post_url(project), entry_data(project, kind="plan", amount="1.2亿"))
    admin_client.post(post_url(project), entry_data(project, amount="3,000万元"))
    admin_client.post(post_url(project), entry_data(project, kind="disbursed", amount="120000元"))

    assert before == {"arrived": Decimal("0.00"), "planned": Decimal("0.00"), "balance": Decimal("0.00")}
    assert project_figures(admin_client, project) == {
        "arrived": Decimal("30000000.00"),
        "planned": Decimal("120000000.00"),
        "balance": Decimal("29880000.00"),
    }
    html = admin_client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert 'data-figure="planned">12,000.00万元<' in html
    assert 'data-figure="arrival-rate">25.0%<' in html


def test_the_post_form_starts_from_the_project(admin_client):
    project = make_project()

    response = admin_client.get(post_url(project))

    assert response.status_code == 200
    assert response.context["form"]["project"].value() == project.code
    assert response.context["cancel_url"] == project.get_absolute_url()
    assert project.name in response.content.decode()


def test_post_an_unallocated_entry_with_its_parties(admin_client):
    make_project()  # the world: programme, 上海市, 莎车县
    data = entry_data(
        programme=make_programme().pk,
        supporter=make_supporter().pk,
        division=make_county().pk,
        fiscal_year="2025",
    )

    response = admin_client.post(post_url(), data)

    entry = LedgerEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert (entry.project, entry.supporter.name, entry.division.code, entry.fiscal_year) == (
        None,
        "上海市",
        "653125",
        2025,
    )


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"amount": "0"}, {"amount": ["金额不能为零。"]}),
        ({"amount": "-5"}, {"amount": ["金额须为正数；更正请录入冲正分录。"]}),
        ({"amount": "abc"}, {"amount": ["“abc”不是金额"]}),
        ({"amount": ""}, {"amount": [REQUIRED]}),
        ({"fiscal_year": "2026"}, {"fiscal_year": ["资金年度 2026 晚于发生日期 2024-03-01 的次年。"]}),
        ({"project": "NOPE-1"}, {"project": ["没有编号为“NOPE-1”的项目。"]}),
        (
            {"project": ""},
            {
                "programme": ["未填项目时须填写此项。"],
                "supporter": ["未填项目时须填写此项。"],
                "division": ["未填项目时须填写此项。"],
            },
        ),
    ],
    ids=[
        "zero",
        "negative",
        "not an amount",
        "missing amount",
        "fiscal year too late",
        "unknown project",
        "no parties",
    ],
)
def test_a_refused_posting_changes_nothing(admin_client, overrides, errors):
    """Regression (issue 3, data entry) for "unknown project": it also asked for programme, supporter and
    division as if no project had been typed."""
    project = make_project()
    data = {**entry_data(project), **overrides}
    before, figures = counts(), project_figures(admin_client, project)

    response = admin_client.post(post_url(project), data)

    assert response.status_code == 200
    assert form_errors(response) == errors
    assert counts() == before
    assert project_figures(admin_client, project) == figures


def test_posting_needs_permission(client):
    client.force_login(make_user("viewer"))
    project = make_project()
    data = entry_data(project)
    before = counts()

    assert client.get(post_url(project)).status_code == 403
    assert client.post(post_url(project), data).status_code == 403
    assert counts() == before


def test_posting_errors_in_english(admin_client):
    with translation.override("en"):
        english = gettext("金额不能为零。")
    if english == "金额不能为零。":
        pytest.skip("no English entry for the message yet")
    project = make_project()
    admin_client.cookies["django_language"] = "en"

    response = admin_client.post(post_url(project), entry_data(project, amount="0"))

    assert form_errors(response) == {"amount": [english]}


# --- reversing ----------------------------------------------------------------------------------------


def test_reverse_with_a_reason(admin_client, admin_user):
    original = make_entry(amount="500000.00", document_reference="沪财援〔2024〕7号")
    project = original.project
    snapshot = model_to_dict(original)
    before = counts()

    response = admin_client.post(
        reverse("funds:entry_reverse", args=[original.pk]),
        {"value_date": "2024-04-02", "reason": "金额录错"},
        follow=True,
    )

    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    reversal = LedgerEntry.objects.get(reverses=original)
    assert (reversal.kind, reversal.amount, reversal.value_date, reversal.fiscal_year, reversal.note) == (
        "arrived",
        Decimal("-500000.00"),
        datetime.date(2024, 4, 2),
        2024,
        "冲正：金额录错",
    )
    assert (reversal.project, reversal.supporter, reversal.division, reversal.document_reference) == (
        project,
        project.supporter,
        project.division,
        "沪财援〔2024〕7号",
    )
    original.refresh_from_db()
    assert model_to_dict(original) == snapshot
    assert counts() == (before[0] + 1, before[1] + 1)
    assert response.context["totals"].arrived == Decimal("0.00")
    ledger = results_table(response, role="ledger")
    assert [row[2:4] for row in ledger.rows] == [["50.00万元", "50.00万元"], ["-50.00万元", "0.00万元"]]


def test_a_second_reversal_is_refused_and_changes_nothing(admin_client):
    original = make_entry(amount="500000.00")
    reverse_entry(original, reason="金额录错", value_date=datetime.date(2024, 4, 2))
    before = counts()

    response = admin_client.post(
        reverse("funds:entry_reverse", args=[original.pk]), {"value_date": "2024-04-03", "reason": "再冲一次"}
    )

    assert response.status_code == 200
    assert form_errors(response) == {"__all__": ["该分录已冲正，不能重复冲正。"]}
    assert counts() == before


def test_a_reversal_cannot_itself_be_reversed(admin_client):
    reversal = reverse_entry(make_entry(), reason="金额录错", value_date=datetime.date(2024, 4, 2))
    before = counts()

    response = admin_client.post(
        reverse("funds:entry_reverse", args=[reversal.pk]), {"value_date": "2024-04-03", "reason": "撤销冲正"}
    )

    assert response.status_code == 200
    assert form_errors(response) == {"__all__": ["不能冲正一笔冲正分录。"]}
    assert counts() == before


def test_a_reversal_needs_a_reason(admin_client):
    original = make_entry()
    before = counts()

    response = admin_client.post(
        reverse("funds:entry_reverse", args=[original.pk]), {"value_date": "2024-04-03", "reason": "  "}
    )

    assert form_errors(response) == {"reason": [REQUIRED]}
    assert counts() == before


def test_reversing_needs_permission(client):
    client.force_login(make_user("viewer"))
    original = make_entry()
    before = counts()

    response = client.post(
        reverse("funds:entry_reverse", args=[original.pk]), {"value_date": "2024-04-03", "reason": "金额录错"}
    )

    assert response.status_code == 403
    assert counts() == before


def test_entry_pages_show_the_reversal_both_ways(admin_client):
    original = make_entry(amount="500000.00")
    reversal = reverse_entry(original, reason="金额录错", value_date=datetime.date(2024, 4, 2))

    original_page = admin_client.get(reverse("funds:entry", args=[original.pk]))
    reversal_page = admin_client.get(reverse("funds:entry", args=[reversal.pk]))

    assert original_page.context["reversed_by"] == reversal
    assert "已被冲正" in original_page.content.decode()
    assert reverse("funds:entry_reverse", args=[original.pk]) not in original_page.content.decode()
    assert "冲正：金额录错" in reversal_page.content.decode()
    assert original.get_absolute_url() in reversal_page.content.decode()
    assert [change.action for change in original_page.context["history"]] == ["create"]


# --- the ledger list ----------------------------------------------------------------------------------


@pytest.fixture
def ledger():
    """plan 80万 (FY2024, project A), arrived 60万 (FY2023, A) and its reversal, arrived 10万 unallocated
    (FY2022, from an import)."""
    project = make_project(code="SH-A", name="莎车县人民医院门诊楼")
    batch = ImportBatch.objects.create(kind=ImportBatch.Kind.IMPORT, label="2022年到位资金.xlsx")
    plan = make_entry(project, kind="plan", amount="800000.00", value_date=datetime.date(2024, 1, 10))
    arrived = make_entry(
        project,
        kind="arrived",
        amount="600000.00",
        value_date=datetime.date(2023, 6, 1),
        document_reference="沪财援7号",
    )
    unallocated = LedgerEntry.objects.create(
        programme=project.programme,
        supporter=project.supporter,
        division=project.division,
        kind="arrived",
        amount=Decimal("100000.00"),
        value_date=datetime.date(2022, 9, 1),
        fiscal_year=2022,
        import_batch=batch,
        note="援疆资金年初到位",
    )
    reversal = reverse_entry(arrived, reason="重复录入", value_date=datetime.date(2023, 7, 1))
    return {
        "plan": plan,
        "arrived": arrived,
        "unallocated": unallocated,
        "reversal": reversal,
        "batch": batch,
    }


def listed(client, ledger, params) -> set[str]:
    response = client.get(reverse("funds:entry_list"), params)
    assert response.status_code == 200
    assert not response.context["filterset"].form.errors
    names = {entry.pk: name for name, entry in ledger.items() if isinstance(entry, LedgerEntry)}
    return {names[pk] for pk in results_table(response).pks}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"plan", "arrived", "unallocated", "reversal"}),
        ({"kind": "arrived"}, {"arrived", "unallocated", "reversal"}),
        ({"kind": ["plan", "arrived"]}, {"plan", "arrived", "unallocated", "reversal"}),
        ({"fiscal_year": 2023}, {"arrived", "reversal"}),
        ({"fiscal_year_min": 2023}, {"plan", "arrived", "reversal"}),
        ({"fiscal_year_max": 2022}, {"unallocated"}),
        ({"fiscal_year_min": 2022, "fiscal_year_max": 2023}, {"arrived", "unallocated", "reversal"}),
        ({"project_code": "SH-A"}, {"plan", "arrived", "reversal"}),
        ({"has_project": "true"}, {"plan", "arrived", "reversal"}),
        ({"has_project": "false"}, {"unallocated"}),
        ({"is_reversal": "true"}, {"reversal"}),
        ({"is_reversal": "false"}, {"plan", "arrived", "unallocated"}),
        ({"amount_min": "50"}, {"plan", "arrived"}),  # 万元
        ({"amount_max": "0"}, {"reversal"}),
        ({"amount_min": "10", "amount_max": "10"}, {"unallocated"}),
        ({"value_date_after": "2023-06-01", "value_date_before": "2023-12-31"}, {"arrived", "reversal"}),
        ({"q": "重复录入"}, {"reversal"}),  # the note
        ({"q": "沪财援7号"}, {"arrived", "reversal"}),  # the reversal keeps the voucher
        ({"q": "醫院門診"}, {"plan", "arrived", "reversal"}),  # the project's name, in traditional
        ({"division_code": "653100"}, {"plan", "arrived", "unallocated", "reversal"}),
        ({"division_code": "652900"}, set()),
        ({"zone": "north"}, set()),
    ],
)
def test_ledger_list_filters(admin_client, ledger, params, expected):
    assert listed(admin_client, ledger, params) == expected


def test_ledger_list_by_project_supporter_and_import(admin_client, ledger):
    project = ledger["plan"].project

    assert listed(admin_client, ledger, {"project": project.pk}) == {"plan", "arrived", "reversal"}
    assert listed(admin_client, ledger, {"supporter": project.supporter_id}) == {
        "plan",
        "arrived",
        "unallocated",
        "reversal",
    }
    assert listed(admin_client, ledger, {"import_batch": ledger["batch"].pk}) == {"unallocated"}
    assert listed(admin_client, ledger, {"programme": project.programme_id}) == {
        "plan",
        "arrived",
        "unallocated",
        "reversal",
    }


def test_the_project_pages_ledger_link_lands_on_its_entries(admin_client, ledger):
    project = ledger["plan"].project
    page = admin_client.get(reverse("projects:project", args=[project.pk])).content.decode()
    link = f"{reverse('funds:entry_list')}?project={project.pk}"

    assert link in page
    assert set(results_table(admin_client.get(link)).pks) == {
        ledger["plan"].pk,
        ledger["arrived"].pk,
        ledger["reversal"].pk,
    }
