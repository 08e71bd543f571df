"""The registry machinery through HTTP (core.tables, core.filtersets, core.exports, core.views).

The project list is the vehicle: its table has every kind of column (money, bool, choice, date,
related names, links). Checks that hold for every list page (login, ties broken by the key) run
over all seven.
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from duikou.funds.models import LedgerEntry
from duikou.projects.models import Project
from duikou.testing import (
    make_assignment,
    make_division,
    make_entry,
    make_indicator,
    make_measurement,
    make_prefecture,
    make_project,
    make_user,
    project_fields,
    results_table,
)

pytestmark = pytest.mark.django_db

LIST_URL_NAMES = [
    "projects:project_list",
    "funds:entry_list",
    "talent:assignment_list",
    "outcomes:measurement_list",
    "pairings:pairing_list",
    "geo:division_list",
    "parties:organization_list",
]
DEFAULT_HEADERS = [
    "项目编号",
    "项目名称",
    "计划年度",
    "支援方",
    "受援地",
    "项目类别",
    "状态",
    "援助资金",
    "总投资",
]


@pytest.fixture
def signed_in(client):
    client.force_login(make_user("officer"))
    return client


def project_list(client, **params):
    return client.get(reverse("projects:project_list"), params)


def many_projects(count: int, **overrides) -> list[Project]:
    """`count` projects with codes BULK-0000… and 援助资金 1万, 2万 … (bulk_create: fast, still logged)."""
    fields = {**project_fields(), **overrides}
    prefix = f"BULK{overrides.get('plan_year', '')}"
    return Project.objects.bulk_create(
        Project(**{**fields, "code": f"{prefix}-{number:04d}", "aid_amount": Decimal(10_000 * (number + 1))})
        for number in range(count)
    )


# --- login ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", LIST_URL_NAMES)
def test_list_pages_require_login(client, url_name):
    url = reverse(url_name)

    response = client.get(url, {"export": "csv"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}%3Fexport%3Dcsv"


@pytest.mark.parametrize("url_name", LIST_URL_NAMES)
def test_list_pages_render_for_any_signed_in_user(signed_in, url_name):
    response = signed_in.get(reverse(url_name))

    assert response.status_code == 200
    assert 'data-role="results-table"' in response.content.decode()


# --- cells ------------------------------------------------------------------------------------------


def test_cells_show_wan_choice_labels_yes_no_dates_dashes_and_links(signed_in):
    project = make_project(
        code="SC-001", is_in_plan=False, is_employment_oriented=True, planned_start=datetime.date(2024, 3, 1)
    )
    columns = ["code", "aid_amount", "status", "implementation_level", "is_in_plan"]
    columns += [
        "is_employment_oriented",
        "planned_start",
        "planned_end",
        "flagship",
        "zone",
        "local_matching",
    ]

    table = results_table(project_list(signed_in, columns=columns))

    assert table.headers == [
        "项目编号",
        "援助资金",
        "状态",
        "实施层级",
        "计划内",
        "促进就业",
        "计划开工",
        "计划完工",
        "品牌工程",
        "片区",
        "地方配套",
    ]
    assert table.rows == [
        ["SC-001", "80.00万元", "储备", "县", "否", "是", "2024-03-01", "—", "—", "南疆", "20.00万元"]
    ]
    assert table.links == [[project.get_absolute_url(), *[None] * 10]]  # a dash is never a link


def test_the_name_column_links_and_related_names_show(signed_in):
    project = make_project(code="SC-002")

    table = results_table(project_list(signed_in))

    assert table.headers == DEFAULT_HEADERS
    assert table.rows == [
        [
            "SC-002",
            "莎车县人民医院门诊楼",
            "2024",
            "上海市",
            "莎车县",
            "民生",
            "储备",
            "80.00万元",
            "100.00万元",
        ]
    ]
    assert table.links[0][:2] == [project.get_absolute_url()] * 2


def test_a_time_shows_in_the_local_time_zone(signed_in):
    """Regression (issue 3, registries): times showed and exported in UTC, eight hours off."""
    project = make_project()

    table = results_table(project_list(signed_in, columns=["code", "last_updated"]))

    # Stored in UTC; officers read Beijing time (TIME_ZONE), on the page and in the export.
    local = timezone.localtime(project.last_updated)
    assert table.rows == [[project.code, local.strftime("%Y-%m-%d %H:%M")]]
    exported = project_list(signed_in, columns=["code", "last_updated"], export="csv")
    lines = b"".join(exported.streaming_content).decode("utf-8").splitlines()
    assert lines[1] == f"{project.code},{local:%Y-%m-%d %H:%M:%S}"


def test_a_ledger_cell_links_to_the_project_only_when_there_is_one(signed_in):
    allocated = make_entry(amount="500000.00")
    project = allocated.project
    unallocated = LedgerEntry.objects.create(
        programme=project.programme,
        supporter=project.supporter,
        division=project.division,
        kind="arrived",
        amount=Decimal("20000.00"),
        value_date=datetime.date(2024, 3, 1),
        fiscal_year=2024,
    )

    table = results_table(
        signed_in.get(reverse("funds:entry_list"), {"columns": ["amount", "project_code"], "sort": "amount"})
    )

    assert table.pks == [unallocated.pk, allocated.pk]
    assert table.rows == [["2.00万元", "—"], ["50.00万元", allocated.project.code]]
    assert table.links == [[None, None], [None, allocated.project.get_absolute_url()]]


# --- sorting ----------------------------------------------------------------------------------------


def test_sort_ascending_and_descending_with_ties_broken_by_the_key(signed_in):
    first = make_project(aid_amount=Decimal("300000.00"))
    second = make_project(aid_amount=Decimal("100000.00"))
    third = make_project(aid_amount=Decimal("300000.00"))
    fourth = make_project(aid_amount=Decimal("200000.00"))

    ascending = results_table(project_list(signed_in, sort="aid_amount"))
    descending = results_table(project_list(signed_in, sort="-aid_amount"))

    assert ascending.pks == [second.pk, fourth.pk, first.pk, third.pk]
    assert descending.pks == [third.pk, first.pk, fourth.pk, second.pk]


def test_sort_by_a_related_column_uses_its_order_by(signed_in):
    shufu = make_division("653121", "疏附县", level="county", parent=make_prefecture(), zone="south")
    shache_project = make_project()
    shufu_project = make_project(division=shufu)

    ascending = results_table(project_list(signed_in, sort="division"))
    descending = results_table(project_list(signed_in, sort="-division"))

    # 受援地 sorts by the division's code (653121 before 653125), not by its name.
    assert ascending.pks == [shufu_project.pk, shache_project.pk]
    assert ascending.column("受援地") == ["疏附县", "莎车县"]
    assert descending.pks == [shache_project.pk, shufu_project.pk]


@pytest.mark.parametrize("sort", ["bogus", "-bogus", "-", ""])
def test_an_unknown_sort_is_ignored(signed_in, sort):
    older = make_project(plan_year=2023, code="B-1")
    newer_b = make_project(code="B-2")
    newer_a = make_project(code="A-9")

    response = project_list(signed_in, sort=sort)

    assert response.status_code == 200
    assert results_table(response).pks == [newer_a.pk, newer_b.pk, older.pk]  # -plan_year, code
    assert [header["state"] for header in response.context["headers"]] == [None] * len(DEFAULT_HEADERS)


def test_a_column_that_cannot_be_sorted_ignores_sort_and_has_no_sort_link(signed_in):
    older = make_measurement(period_start=datetime.date(2023, 1, 1), period_end=datetime.date(2023, 12, 31))
    newer = make_measurement(indicator=make_indicator("income", "增收", "万元"))

    response = signed_in.get(reverse("outcomes:measurement_list"), {"sort": "unit"})

    assert results_table(response).pks == [newer.pk, older.pk]  # the default: newest period first
    unit_header = next(header for header in response.context["headers"] if header["column"].name == "unit")
    assert unit_header["url"] is None
    assert unit_header["state"] is None


def test_header_links_sort_ascending_then_descending_and_keep_the_filters(signed_in):
    make_project()

    plain = project_list(signed_in, plan_year=2024)
    ascending = project_list(signed_in, plan_year=2024, sort="aid_amount")
    descending = project_list(signed_in, plan_year=2024, sort="-aid_amount")

    def header(response):
        return next(h for h in response.context["headers"] if h["column"].name == "aid_amount")

    assert (header(plain)["state"], header(plain)["url"]) == (None, "?plan_year=2024&sort=aid_amount")
    assert (header(ascending)["state"], header(ascending)["url"]) == (
        "asc",
        "?plan_year=2024&sort=-aid_amount",
    )
    assert (header(descending)["state"], header(descending)["url"]) == (
        "desc",
        "?plan_year=2024&sort=aid_amount",
    )
    assert 'class="sort-link sort-asc"' in ascending.content.decode()


@pytest.mark.parametrize("url_name", LIST_URL_NAMES)
def test_every_list_order_ends_with_the_key_so_pages_never_overlap(signed_in, url_name):
    """Regression (issue 3, registries): the roster's and pairings' default orders could tie, so a row
    could show on two pages or none."""
    for sort in (None, "-" + "x"):  # the default order, and an ignored sort that falls back to it
        params = {"sort": sort} if sort else {}
        response = signed_in.get(reverse(url_name), params)

        ordering = response.context["page"].paginator.object_list.query.order_by

        assert ordering[-1] in ("pk", "-pk"), ordering


# --- column chooser ---------------------------------------------------------------------------------


def test_chosen_columns_are_shown_remembered_and_reset(signed_in):
    make_project()

    chosen = results_table(project_list(signed_in, columns=["aid_amount", "code", "bogus"]))
    remembered = results_table(project_list(signed_in))
    other_registry = results_table(signed_in.get(reverse("funds:entry_list")))
    reset = results_table(project_list(signed_in, columns_reset="1"))
    after_reset = results_table(project_list(signed_in))

    assert chosen.headers == ["援助资金", "项目编号"]  # in the order chosen; unknown names dropped
    assert remembered.headers == ["援助资金", "项目编号"]
    assert other_registry.headers == [
        "发生日期",
        "类型",
        "金额",
        "资金年度",
        "支援方",
        "受援地",
        "项目编号",
        "凭证/文号",
    ]
    assert reset.headers == DEFAULT_HEADERS
    assert after_reset.headers == DEFAULT_HEADERS


def test_only_unknown_columns_show_the_defaults(signed_in):
    make_project()

    assert results_table(project_list(signed_in, columns=["bogus"])).headers == DEFAULT_HEADERS


def test_the_chooser_lists_every_column_with_the_visible_ones_ticked(signed_in):
    response = project_list(signed_in, columns=["code", "zone"])

    html = response.content.decode()
    assert html.count('type="checkbox" name="columns"') == 25
    assert html.count('name="columns" value="code" checked') == 1
    assert html.count('name="columns" value="zone" checked') == 1
    assert 'name="columns" value="name" checked' not in html


# --- pagination -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("per_page", "page_size"),
    [("25", 25), ("50", 50), ("100", 100), ("200", 200), ("30", 50), ("1000", 50), ("-25", 50), ("abc", 50)],
)
def test_page_size_is_one_of_25_50_100_200_else_50(signed_in, per_page, page_size):
    many_projects(60)

    response = project_list(signed_in, per_page=per_page)

    assert response.context["page_size"] == page_size
    assert len(results_table(response).rows) == min(page_size, 60)


def test_pages_follow_the_order_and_a_page_past_the_end_shows_the_last(signed_in):
    projects = many_projects(60)
    by_code_descending = [project.pk for project in sorted(projects, key=lambda p: p.code, reverse=True)]

    third = project_list(signed_in, per_page=25, page=3, sort="-code")
    past_the_end = project_list(signed_in, per_page=25, page=9, sort="-code")

    assert results_table(third).pks == by_code_descending[50:]
    assert results_table(past_the_end).pks == by_code_descending[50:]
    assert "第 51–60 条" in third.content.decode()


def test_page_links_keep_filters_sort_and_page_size(signed_in):
    many_projects(60)

    response = project_list(signed_in, per_page=25, sort="-code", plan_year=2024)

    urls = [link["url"] for link in response.context["page_links"]]
    assert urls == [
        "?per_page=25&sort=-code&plan_year=2024&page=1",
        "?per_page=25&sort=-code&plan_year=2024&page=2",
        "?per_page=25&sort=-code&plan_year=2024&page=3",
    ]


# --- export -----------------------------------------------------------------------------------------


def export_view(client, export_format):
    """A filtered, sorted view of page 2 with four columns; the export ignores the page."""
    return project_list(
        client,
        plan_year=2023,
        sort="-aid_amount",
        per_page=25,
        page=2,
        columns=["code", "aid_amount", "is_in_plan", "planned_start"],
        export=export_format,
    )


@pytest.fixture
def export_world():
    """30 projects of 2023 (援助资金 1万 … 30万), the first with a planned start; 30 of 2024 that the
    filter leaves out. Returns the 2023 ones in the view's order (援助资金 descending)."""
    projects = many_projects(30, plan_year=2023)
    Project.objects.filter(pk=projects[0].pk).update(
        planned_start=datetime.date(2023, 3, 1), is_in_plan=False
    )
    many_projects(30, plan_year=2024)
    return sorted(Project.objects.filter(plan_year=2023), key=lambda project: -project.aid_amount)


def test_csv_export_is_the_filtered_sorted_view_across_all_pages_with_the_visible_columns(
    signed_in, export_world
):
    response = export_view(signed_in, "csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    filename = f"projects-{timezone.localdate():%Y%m%d}.csv"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}"
    )
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")  # Excel and WPS read UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0] == ["项目编号", "援助资金（元）", "计划内", "计划开工"]
    assert rows[1:] == [
        [
            project.code,
            f"{project.aid_amount:.2f}",
            "是" if project.is_in_plan else "否",
            project.planned_start.isoformat() if project.planned_start else "",
        ]
        for project in export_world
    ]
    assert len(rows) == 31
    assert rows[-1] == [export_world[-1].code, "10000.00", "否", "2023-03-01"]


def test_xlsx_export_has_the_same_rows_with_numbers_and_dates(signed_in, export_world):
    """Regression (issue 3, exports): an empty value was written as an empty string, not a blank cell."""
    response = export_view(signed_in, "xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"projects-{timezone.localdate():%Y%m%d}.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "项目"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["项目编号", "援助资金（元）", "计划内", "计划开工"]
    assert values[1:] == [
        [
            project.code,
            float(project.aid_amount),
            "是" if project.is_in_plan else "否",
            datetime.datetime.combine(project.planned_start, datetime.time())
            if project.planned_start
            else None,
        ]
        for project in export_world
    ]
    assert sheet.cell(row=2, column=2).number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"


def test_export_of_an_empty_view_is_the_header_alone(signed_in):
    make_project()

    response = project_list(signed_in, plan_year=1999, export="csv", columns=["code", "total_investment"])

    assert b"".join(response.streaming_content).decode("utf-8") == "\ufeff项目编号,总投资（元）\r\n"


def test_export_with_an_invalid_filter_shows_the_page_instead_of_everything(signed_in):
    make_project()

    response = project_list(signed_in, plan_year="abc", export="csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "筛选条件有误" in response.content.decode()


def test_export_links_carry_the_view_but_not_the_page(signed_in):
    response = project_list(signed_in, plan_year=2023, sort="-aid_amount", page=2)

    assert response.context["export_links"] == {
        "csv": "?plan_year=2023&sort=-aid_amount&export=csv",
        "xlsx": "?plan_year=2023&sort=-aid_amount&export=xlsx",
    }


# --- htmx and the page around the results ------------------------------------------------------------


def test_htmx_request_for_the_results_gets_only_the_results_card(signed_in):
    project = make_project()

    response = signed_in.get(
        reverse("projects:project_list"),
        {"q": "门诊"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="card" id="results"')
    assert "<html" not in html
    assert 'id="filters"' not in html
    assert results_table(response).pks == [project.pk]


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Target": "main"}])
def test_other_requests_get_the_whole_page(signed_in, headers):
    response = signed_in.get(reverse("projects:project_list"), headers=headers)

    html = response.content.decode()
    assert "<html" in html
    assert 'id="filters"' in html
    assert 'id="results"' in html


def test_active_filters_are_shown_as_chips_with_their_labels(signed_in):
    response = project_list(signed_in, plan_year=2024, status=["reserve", "planned"], is_livelihood="true")

    assert response.context["active_filters"] == [
        ("plan_year", "计划年度", "2024"),
        ("status", "状态", "储备、计划"),
        ("is_livelihood", "计入民生", "是"),
    ]
    assert "计划年度：2024" in response.content.decode()


def test_the_new_button_shows_only_with_the_add_permission(client, admin_client):
    client.force_login(make_user("viewer"))

    assert 'data-action="add"' not in project_list(client).content.decode()
    assert 'data-action="add"' in project_list(admin_client).content.decode()


@pytest.mark.parametrize(
    "url_name", ["projects:project_transition", "funds:entry_reverse", "talent:assignment_end"]
)
def test_an_anonymous_visitor_cannot_tell_which_ids_exist_from_action_pages(client, url_name):
    """Issue 3 regression: action views read the object before checking login, so an unknown id gave
    404 and a real one a login redirect. Now every id gets the same redirect."""
    real = {
        "projects:project_transition": lambda: make_project().pk,
        "funds:entry_reverse": lambda: make_entry().pk,
        "talent:assignment_end": lambda: make_assignment().pk,
    }[url_name]()

    for pk in (real, 999_999):
        response = client.get(reverse(url_name, args=[pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
