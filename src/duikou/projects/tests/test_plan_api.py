"""Annual plans through the API (issue 5, item 4): read a plan with its versions, reviews and adjustments;
submit, return and issue; a change to an issued plan's project through the project endpoint needs the
adjustment's reason and approver."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from duikou.core.api.testing import client_with, errors, messages
from duikou.projects.models import AnnualPlan, PlanAdjustment, Project
from duikou.testing import PLAN_YEAR, make_programme, make_project, make_supporter

pytestmark = pytest.mark.django_db

HQ = (
    "projects.view_annualplan",
    "projects.submit_annualplan",
    "projects.view_project",
    "projects.change_project",
    "projects.add_planadjustment",
)
OFFICE = ("projects.view_annualplan", "projects.review_annualplan")


@pytest.fixture
def plan():
    make_project(code="P-1")
    return AnnualPlan.objects.create(programme=make_programme(), supporter=make_supporter(), year=PLAN_YEAR)


def step(client, plan, name: str, **data):
    return client.post(reverse(f"api:annual_plan_{name}", args=[plan.pk]), data, format="json")


def issue(plan):
    assert step(client_with(*HQ, username="hq"), plan, "submit").status_code == 200
    response = step(client_with(*OFFICE, username="office"), plan, "issue", issued_on="2024-03-01")
    assert response.status_code == 200
    return response


def test_the_review_steps_and_the_plan_as_read(plan):
    hq, office = client_with(*HQ, username="hq"), client_with(*OFFICE, username="office")

    assert step(hq, plan, "submit", comment="请审核").json()["state"] == "submitted"
    refused = step(office, plan, "return")
    assert refused.status_code == 400
    assert errors(refused)[0][0] == "comment"
    assert step(office, plan, "return", comment="请补充").json()["state_display"] == "已退回"
    assert step(hq, plan, "submit").status_code == 200
    issued = step(
        office, plan, "issue", issued_on="2024-03-01", document_reference="沪援疆发〔2024〕1号"
    ).json()
    assert (issued["state"], issued["version"], issued["issued_on"]) == ("issued", 1, "2024-03-01")

    detail = office.get(reverse("api:annual_plan", args=[plan.pk])).json()
    assert [review["action"] for review in detail["reviews"]] == ["submit", "return", "submit", "issue"]
    assert [(v["number"], v["project_count"], v["aid_amount"]) for v in detail["versions"]] == [
        (1, 1, "800000.00")
    ]
    listed = office.get(reverse("api:annual_plan_list"), {"state": "issued", "year": PLAN_YEAR}).json()
    assert [row["id"] for row in listed["results"]] == [plan.pk]


def test_a_step_without_its_permission_is_forbidden(plan):
    response = step(client_with(*HQ, username="hq"), plan, "issue")
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == "draft"


def test_a_step_out_of_order_says_why(plan):
    response = step(client_with(*OFFICE, username="office"), plan, "issue")
    assert response.status_code == 400
    assert messages(response) == {None: ["2024年度上海市援疆项目计划 当前为“编制中”，不能下达。"]}


def test_a_project_change_after_issue_needs_reason_and_approver(plan):
    issue(plan)
    project = Project.objects.get(code="P-1")
    url = reverse("api:project", args=[project.pk])
    hq = client_with(*HQ, username="hq")
    change = {"aid_amount": "900000.00", "local_matching": "100000.00"}

    refused = hq.patch(url, change, format="json")
    assert refused.status_code == 400
    message = (
        "修改已下达的2024年度上海市援疆项目计划（第1版）中项目的援助资金、地方配套属于计划调整，"
        "须填写调整原因和审批人（单位）。"
    )
    assert messages(refused) == {"adjustment_reason": [message], "adjustment_approver": [message]}
    assert Project.objects.get(pk=project.pk).aid_amount == Decimal("800000.00")

    accepted = hq.patch(
        url, {**change, "adjustment_reason": "扩建", "adjustment_approver": "上海市发展改革委"}, format="json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["aid_amount"] == "900000.00"
    assert "adjustment_reason" not in accepted.json()
    adjustment = PlanAdjustment.objects.get()
    assert (adjustment.reason, adjustment.approved_by, adjustment.version.number) == (
        "扩建",
        "上海市发展改革委",
        2,
    )


def test_a_change_that_touches_no_plan_fact_saves_as_before(plan):
    issue(plan)
    project = Project.objects.get(code="P-1")
    response = client_with(*HQ, username="hq").patch(
        reverse("api:project", args=[project.pk]), {"description": "补充说明"}, format="json"
    )
    assert response.status_code == 200
    assert PlanAdjustment.objects.count() == 0
