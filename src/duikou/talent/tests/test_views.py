"""Roster pages through HTTP: adding a stint (bad dates refused, nothing written), ending one (a
second end refused), the list's filters, in particular who is in post."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from duikou.core.models import ObjectChange
from duikou.geo.choices import DivisionLevel, Zone
from duikou.parties.choices import OrganizationKind
from duikou.programmes.models import Batch, Programme
from duikou.talent.models import Assignment
from duikou.talent.services import end_assignment
from duikou.testing import (
    REQUIRED,
    form_errors,
    make_assignment,
    make_county,
    make_division,
    make_programme,
    make_region,
    make_supporter,
    make_user,
    results_table,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def counts() -> tuple[int, int]:
    return Assignment.objects.count(), ObjectChange.objects.count()


def make_batch(programme=None, number=11) -> Batch:
    return Batch.objects.create(
        programme=programme or make_programme(),
        number=number,
        name=f"第{number}批",
        starts=datetime.date(2023, 2, 1),
        ends=datetime.date(2026, 1, 31),
    )


def assignment_data(**overrides) -> dict:
    data = {
        "programme": make_programme().pk,
        "batch": "",
        "person_name": "李娜",
        "kind": "doctor",
        "supporter": make_supporter().pk,
        "sending_organization": "上海市第六人民医院",
        "host_division": make_county().pk,
        "host_unit": "莎车县人民医院",
        "post": "副院长",
        "team": "莎车县人民医院组团式医疗队",
        "start_date": "2023-02-15",
        "planned_end": "2024-08-14",
        "comments": "",
    }
    data.update(overrides)
    return data


# --- adding and editing -------------------------------------------------------------------------------


def test_add_a_stint(admin_client, admin_user):
    data = assignment_data(batch=make_batch().pk)
    before = counts()

    response = admin_client.post(reverse("talent:assignment_add"), data)

    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == assignment.get_absolute_url()
    assert (assignment.person_name, assignment.kind, assignment.batch.number, assignment.planned_months) == (
        "李娜",
        "doctor",
        11,
        18,
    )
    assert counts() == (before[0] + 1, before[1] + 1)
    change = ObjectChange.objects.order_by("-pk").first()
    assert (change.action, change.user, change.source) == ("create", admin_user, "web")


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"planned_end": "2023-02-15"}, {"planned_end": ["计划期满日期须晚于进疆日期。"]}),
        ({"planned_end": "2022-12-31"}, {"planned_end": ["计划期满日期须晚于进疆日期。"]}),
        ({"start_date": "2023-02-30"}, {"start_date": ["输入一个有效的日期。"]}),
        ({"person_name": ""}, {"person_name": [REQUIRED]}),
    ],
    ids=["ends the day it starts", "ends before it starts", "no such day", "no name"],
)
def test_add_with_bad_values_writes_nothing(admin_client, overrides, errors):
    data = assignment_data(**overrides)
    before = counts()

    response = admin_client.post(reverse("talent:assignment_add"), data)

    assert response.status_code == 200
    assert form_errors(response) == errors
    assert counts() == before


def test_a_batch_of_another_programme_is_refused(admin_client):
    other = Programme.objects.create(code="xizang", name="援藏", short_name="援藏", region=make_region())
    data = assignment_data(batch=make_batch(other).pk)
    before = counts()

    response = admin_client.post(reverse("talent:assignment_add"), data)

    assert form_errors(response) == {"batch": ["批次不属于该援助计划。"]}
    assert counts() == before


def test_bad_dates_in_english(admin_client):
    with translation.override("en"):
        english = gettext("计划期满日期须晚于进疆日期。")
    if english == "计划期满日期须晚于进疆日期。":
        pytest.skip("no English entry for the message yet")
    data = assignment_data(planned_end="2023-02-15")
    admin_client.cookies["django_language"] = "en"

    response = admin_client.post(reverse("talent:assignment_add"), data)

    assert form_errors(response) == {"planned_end": [english]}


def test_edit_a_stint(admin_client):
    assignment = make_assignment()
    data = assignment_data(person_name="张伟", kind="cadre", post="副县长", team="", planned_end="2026-02-14")
    before = counts()

    response = admin_client.post(reverse("talent:assignment_edit", args=[assignment.pk]), data)

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.post, assignment.sending_organization) == ("副县长", "上海市第六人民医院")
    assert counts() == (before[0], before[1] + 1)


def test_writes_need_permission(client):
    client.force_login(make_user("viewer"))
    assignment = make_assignment()
    data = assignment_data()
    before = counts()

    statuses = [
        client.get(reverse("talent:assignment_add")).status_code,
        client.post(reverse("talent:assignment_add"), data).status_code,
        client.post(reverse("talent:assignment_edit", args=[assignment.pk]), data).status_code,
        client.post(
            reverse("talent:assignment_end", args=[assignment.pk]), {"actual_end": "2024-06-30"}
        ).status_code,
    ]

    assert statuses == [403] * 4
    assert counts() == before
    page = client.get(reverse("talent:assignment", args=[assignment.pk]))
    assert page.status_code == 200
    assert f'action="{reverse("talent:assignment_end", args=[assignment.pk])}"' not in page.content.decode()


# --- ending -------------------------------------------------------------------------------------------


def test_end_a_stint(admin_client):
    assignment = make_assignment()
    end_form = f'action="{reverse("talent:assignment_end", args=[assignment.pk])}"'
    assert end_form in admin_client.get(assignment.get_absolute_url()).content.decode()
    before = counts()

    response = admin_client.post(
        reverse("talent:assignment_end", args=[assignment.pk]),
        {"actual_end": "2024-06-30", "note": "因病提前返回"},
        follow=True,
    )

    assert response.redirect_chain == [(assignment.get_absolute_url(), 302)]
    assignment.refresh_from_db()
    assert (assignment.actual_end, assignment.comments) == (datetime.date(2024, 6, 30), "离疆：因病提前返回")
    assert counts() == (before[0], before[1] + 1)
    html = response.content.decode()
    assert "已登记离疆。" in html
    assert "已离疆" in html
    assert end_form not in html  # no second end offered
    assert response.context["history"][0].field_labels == ["实际离疆", "备注"]


def test_a_second_end_is_refused_and_changes_nothing(admin_client):
    assignment = make_assignment()
    end_assignment(assignment, on=datetime.date(2024, 6, 30))
    before = counts()

    response = admin_client.post(
        reverse("talent:assignment_end", args=[assignment.pk]), {"actual_end": "2024-07-31"}
    )

    assert response.status_code == 200
    assert form_errors(response) == {"actual_end": ["该派驻已于 2024-06-30 结束。"]}
    assert counts() == before
    assignment.refresh_from_db()
    assert assignment.actual_end == datetime.date(2024, 6, 30)


def test_an_end_before_the_start_is_refused(admin_client):
    assignment = make_assignment()
    before = counts()

    response = admin_client.post(
        reverse("talent:assignment_end", args=[assignment.pk]), {"actual_end": "2023-01-31"}
    )

    assert form_errors(response) == {"actual_end": ["实际离疆日期不能早于进疆日期。"]}
    assert counts() == before
    assignment.refresh_from_db()
    assert assignment.actual_end is None


# --- the roster's filters ------------------------------------------------------------------------------


@pytest.fixture
def roster():
    """- serving:   张伟, 上海市 cadre in 莎车县 since 2023-02-15, term ends in a year
    - finished:  王芳, 闵行区 (a city of 上海市) teacher in 莎车县, 2020–2022, term over
    - left:      刘洋, 上海市 doctor in 莎车县 since 2023-02-15, left early on 2024-01-01, in a team
    - coming:    陈静, 江苏省 professional in 伊宁县 (北疆), starts next month, batch 11
    """
    ili = make_division(
        "654000", "伊犁哈萨克自治州", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.NORTH
    )
    yining = make_division("654021", "伊宁县", level=DivisionLevel.COUNTY, parent=ili, zone=Zone.NORTH)
    minhang = make_supporter("闵行区", kind=OrganizationKind.SUPPORTING_CITY, parent=make_supporter())
    in_a_year = TODAY + datetime.timedelta(days=365)
    return {
        "serving": make_assignment(planned_end=in_a_year),
        "finished": make_assignment(
            person_name="王芳",
            kind="teacher",
            supporter=minhang,
            start_date=datetime.date(2020, 1, 1),
            planned_end=datetime.date(2022, 12, 31),
        ),
        "left": make_assignment(
            person_name="刘洋",
            kind="doctor",
            planned_end=in_a_year,
            actual_end=datetime.date(2024, 1, 1),
            team="莎车县人民医院组团式医疗队",
        ),
        "coming": make_assignment(
            person_name="陈静",
            kind="professional",
            supporter=make_supporter("江苏省"),
            host_division=yining,
            batch=make_batch(),
            start_date=TODAY + datetime.timedelta(days=30),
            planned_end=TODAY + datetime.timedelta(days=30 + 365),
        ),
    }


def listed(client, roster, params) -> set[str]:
    response = client.get(reverse("talent:assignment_list"), params)
    assert response.status_code == 200
    assert not response.context["filterset"].form.errors
    names = {assignment.pk: name for name, assignment in roster.items()}
    return {names[pk] for pk in results_table(response).pks}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"serving", "finished", "left", "coming"}),
        ({"in_post": "true"}, {"serving"}),
        ({"in_post": "false"}, {"finished", "left", "coming"}),
        ({"in_post_on": "2021-06-01"}, {"finished"}),
        ({"in_post_on": "2023-06-01"}, {"serving", "left"}),
        ({"in_post_on": "2024-01-01"}, {"serving", "left"}),  # the last day counts
        ({"in_post_on": "2024-01-02"}, {"serving"}),
        ({"in_post_on": "2024-01-02", "in_post": "true"}, {"serving"}),
        ({"kind": ["doctor", "teacher"]}, {"finished", "left"}),
        ({"start_year": 2023}, {"serving", "left"}),
        ({"has_team": "true"}, {"left"}),
        ({"has_team": "false"}, {"serving", "finished", "coming"}),
        ({"zone": "north"}, {"coming"}),
        ({"division_code": "653100"}, {"serving", "finished", "left"}),
        ({"q": "張偉"}, {"serving"}),  # traditional characters
        ({"q": "组团式"}, {"left"}),
    ],
)
def test_roster_filters(admin_client, roster, params, expected):
    assert listed(admin_client, roster, params) == expected


def test_roster_filters_by_supporter_family_division_batch_and_programme(admin_client, roster):
    shanghai, minhang = roster["serving"].supporter, roster["finished"].supporter

    assert listed(admin_client, roster, {"supporter": shanghai.pk}) == {"serving", "finished", "left"}
    assert listed(admin_client, roster, {"supporter": minhang.pk}) == {"finished"}
    assert listed(admin_client, roster, {"division": roster["coming"].host_division_id}) == {"coming"}
    assert listed(admin_client, roster, {"batch": roster["coming"].batch_id}) == {"coming"}
    assert listed(admin_client, roster, {"programme": make_programme().pk}) == set(roster)


def test_the_overview_link_to_people_in_post_lists_them(admin_client, roster):
    """The dashboards link with `in_post_on` and the scope; the roster must understand every parameter."""
    params = {"programme": make_programme().pk, "supporter": roster["serving"].supporter_id}
    params["in_post_on"] = TODAY.isoformat()

    assert listed(admin_client, roster, params) == {"serving"}
