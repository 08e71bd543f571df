"""What a form, the API and the admin let a user learn of rows outside their scope (issue 5 follow-ups: the
form dropdowns and the admin site were not scoped, and the plan check of a project named another
supporter's plan before the scope refused the change). Through HTTP, with the roles of `world.py`:
浙江省 (own, paired with 莎车县) and 上海市 (other, paired with 和田县)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from duikou.core.api.serializers import ScopedPrimaryKeyRelatedField
from duikou.funds.models import LedgerEntry
from duikou.outcomes.models import Measurement
from duikou.projects.api.serializers import ProjectSerializer
from duikou.projects.models import PlanAdjustment, Project

from .world import RE, ROLES, RV, SE, SEES_EVERYTHING, SV, A, O

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def offered(response, field: str) -> set[int]:
    """The ids a page's form offers in the select `field` (the empty choice left out)."""
    choices = response.context["form"].fields[field].widget.choices
    return {int(str(value)) for value, _label in choices if str(value)}


# -- the choices of every data-entry form ------------------------------------------------------------------
# (page, the field that places the row in a supporter's scope)
SUPPORTER_FORMS = [
    ("projects:project_add", "supporter"),
    ("funds:entry_add", "supporter"),
    ("talent:assignment_add", "supporter"),
    ("outcomes:measurement_add", "supporter"),
    ("plans:plan_add", "supporter"),
]


@pytest.mark.parametrize(("name", "field"), SUPPORTER_FORMS)
def test_a_supporter_editors_form_offers_its_own_supporters_only(name, field, world):
    own, other = world["objects"]["supporter"]["own"], world["objects"]["supporter"]["other"]

    response = client_of(world["users"][SE]).get(reverse(name))

    assert response.status_code == 200
    assert own.pk in offered(response, field)
    assert other.pk not in offered(response, field)
    assert other.name not in response.content.decode()


@pytest.mark.parametrize(("name", "field"), SUPPORTER_FORMS)
def test_an_administrators_form_offers_every_supporter(name, field, world):
    response = client_of(world["users"][A]).get(reverse(name))

    assert {organization.pk for organization in world["objects"]["supporter"].values()} <= offered(
        response, field
    )


def test_a_recipient_editors_measurement_form_offers_its_own_divisions_only(world):
    own, other = world["objects"]["division"]["own"], world["objects"]["division"]["other"]

    response = client_of(world["users"][RE]).get(reverse("outcomes:measurement_add"))

    assert own.pk in offered(response, "division")
    assert other.pk not in offered(response, "division")
    # A recipient records the outcomes of any supporter working in its divisions.
    assert world["objects"]["supporter"]["other"].pk in offered(response, "supporter")


def test_a_supporter_editors_form_still_offers_every_division(world):
    response = client_of(world["users"][SE]).get(reverse("projects:project_add"))

    assert {division.pk for division in world["objects"]["division"].values()} <= offered(
        response, "division"
    )


def test_an_edit_form_offers_the_same_choices_as_a_new_one(world):
    project = world["objects"]["project"]["own"]

    response = client_of(world["users"][SE]).get(reverse("projects:project_edit", args=[project.pk]))

    assert offered(response, "supporter") == {world["objects"]["supporter"]["own"].pk}


# -- a project named by its code: another supporter's is "no such project" ---------------------------------
def test_a_ledger_posting_to_another_supporters_project_code_is_answered_like_a_missing_one(world):
    other = world["objects"]["project"]["other"]
    before = LedgerEntry.objects.count()

    def post(code):
        return client_of(world["users"][SE]).post(
            reverse("funds:entry_add"),
            {"project": code, "kind": "disbursed", "amount": "10", "value_date": "2024-05-01"},
        )

    response, missing = post(other.code), post("NO-SUCH-CODE")

    errors = response.context["form"].errors["project"]
    assert errors == [f"没有编号为“{other.code}”的项目。"]
    assert missing.context["form"].errors["project"] == ["没有编号为“NO-SUCH-CODE”的项目。"]
    assert other.supporter.name not in response.content.decode()
    assert LedgerEntry.objects.count() == before


def test_a_recipient_cannot_record_an_outcome_of_a_project_outside_its_divisions_by_its_code(world):
    other = world["objects"]["project"]["other"]
    before = Measurement.objects.count()

    response = client_of(world["users"][RE]).post(
        reverse("outcomes:measurement_add"),
        {
            "indicator": world["objects"]["indicator"]["own"].pk,
            "project": other.code,
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "value": "5",
        },
    )

    assert response.context["form"].errors["project"] == [f"没有编号为“{other.code}”的项目。"]
    assert Measurement.objects.count() == before


def test_a_ledger_import_answers_another_supporters_project_code_like_a_missing_one(world):
    import csv
    import io

    from duikou.core.imports.registry import importer_for

    other = world["objects"]["project"]["other"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["项目编号", "类型", "金额（万元）", "发生日期"], [other.code, "拨付", "10", "2024-05-01"]]
    )
    before = LedgerEntry.objects.count()

    result = importer_for("ledger").run(buffer.getvalue().encode(), "台账.csv", user=world["users"][SE])

    assert [(error.row, error.message) for error in result.errors] == [
        (2, f"没有编号为“{other.code}”的项目。")
    ]
    assert LedgerEntry.objects.count() == before


@pytest.mark.parametrize("endpoint", ["api:ledger_entry_list", "api:measurement_list"])
def test_the_api_answers_another_supporters_project_id_like_a_missing_one(endpoint, world):
    other = world["objects"]["project"]["other"]
    missing_id = Project.objects.order_by("-pk").first().pk + 1000
    client = client_of(world["users"][SE])
    body = {
        "api:ledger_entry_list": {"kind": "disbursed", "amount": "1000.00", "value_date": "2024-05-01"},
        "api:measurement_list": {
            "indicator": world["objects"]["indicator"]["own"].pk,
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "value": "5",
        },
    }[endpoint]

    def post(project_id):
        response = client.post(
            reverse(endpoint), {**body, "project": project_id}, content_type="application/json"
        )
        assert response.status_code == 400, response.json()
        return response.json()["errors"]

    other_errors, missing_errors = post(other.pk), post(missing_id)

    assert [(error["field"], error["code"]) for error in other_errors] == [("project", "does_not_exist")]
    assert [(error["field"], error["code"]) for error in missing_errors] == [("project", "does_not_exist")]
    assert other.supporter.name not in str(other_errors)


def test_the_api_offers_the_supporters_its_user_may_write(world):
    """What a browsable form of the API would list (it is off: the API renders JSON only)."""
    from rest_framework.test import APIRequestFactory

    def supporters_offered(role):
        request = APIRequestFactory().get("/api/projects/")
        request.user = world["users"][role]
        serializer = ProjectSerializer(context={"request": request})
        field = serializer.fields["supporter"]
        assert isinstance(field, ScopedPrimaryKeyRelatedField)
        return set(field.get_choices())

    own, other = world["objects"]["supporter"]["own"], world["objects"]["supporter"]["other"]
    assert supporters_offered(SE) == {own.pk}
    assert {own.pk, other.pk} <= supporters_offered(O)


# -- the scope is checked first: no later check names another's row ----------------------------------------
def move_to_other(world) -> dict:
    """A change of the own (planned) project to the other supporter and its paired county: the model's
    rules accept it, so only the scope and the other's issued plan could refuse it."""
    return {
        "supporter": world["objects"]["supporter"]["other"].pk,
        "division": world["objects"]["division"]["other"].pk,
    }


def test_moving_a_planned_project_to_another_supporter_through_the_api_names_no_plan_of_theirs(world, plans):
    project = world["objects"]["project"]["own"]
    assert project.is_in_plan

    response = client_of(world["users"][SE]).patch(
        reverse("api:project", args=[project.pk]), move_to_other(world), content_type="application/json"
    )

    assert response.status_code == 400, response.json()
    assert [error["code"] for error in response.json()["errors"]] == ["out_of_scope"]
    assert str(plans["other"]) not in response.content.decode()
    project.refresh_from_db()
    assert project.supporter == world["objects"]["supporter"]["own"]
    assert PlanAdjustment.objects.count() == 0


def test_moving_a_planned_project_to_another_supporter_on_the_page_names_no_plan_of_theirs(world, plans):
    from django.forms.models import model_to_dict

    from duikou.projects.forms import ProjectForm

    project = world["objects"]["project"]["own"]
    client = client_of(world["users"][SE])
    page = client.get(reverse("projects:project_edit", args=[project.pk]))
    data = {
        name: value
        for name, value in model_to_dict(project, fields=ProjectForm.Meta.fields).items()
        if value is not None
    }
    data.update(
        move_to_other(world),
        total_investment="100",
        aid_amount="80",
        local_matching="20",
        other_funding="0",
        loaded_version=page.context["form"]["loaded_version"].value(),
    )

    response = client.post(reverse("projects:project_edit", args=[project.pk]), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.errors.as_data()["supporter"]] == ["out_of_scope"]
    assert "超出您的数据范围" in response.content.decode()
    assert str(plans["other"]) not in response.content.decode()
    assert "上海市" not in str(form.errors)
    project.refresh_from_db()
    assert project.supporter == world["objects"]["supporter"]["own"]


def test_posting_into_another_supporters_closed_period_names_no_period_of_theirs(world):
    """The world closes January 2020 of both supporters' books; the other's lock must not be described."""
    other_project = world["objects"]["project"]["other"]
    before = LedgerEntry.objects.count()

    response = client_of(world["users"][SE]).post(
        reverse("api:ledger_entry_list"),
        {
            "kind": "arrived",
            "amount": "1000.00",
            "value_date": datetime.date(2020, 1, 15).isoformat(),
            "fiscal_year": 2020,
            "programme": other_project.programme_id,
            "supporter": other_project.supporter_id,
            "division": other_project.division_id,
        },
        content_type="application/json",
    )

    assert response.status_code == 400, response.json()
    assert [error["code"] for error in response.json()["errors"]] == ["out_of_scope"]
    assert "结账" not in response.content.decode()
    assert LedgerEntry.objects.count() == before


# -- the admin site: only for the roles whose scope is everything --------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_is_for_staff_whose_scope_is_everything(role, world):
    """Every role made staff (by mistake, for the scoped ones): the admin's pages read every row, so a
    supporter's or a recipient's member is sent to the admin's log-in, whatever `is_staff` says."""
    user = world["users"][role]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = client_of(user)

    index = client.get(reverse("admin:index"))
    projects = client.get(reverse("admin:projects_project_changelist"))
    other = client.get(
        reverse("admin:projects_project_change", args=[world["objects"]["project"]["other"].pk])
    )

    if role in SEES_EVERYTHING:
        assert index.status_code == 200
        assert projects.status_code in (200, 403)  # the role's permissions decide within the site
    else:
        assert role in (SE, SV, RE, RV)
        for response in (index, projects, other):
            assert response.status_code == 302
            assert response.headers["Location"].startswith(reverse("admin:login"))


def test_the_admin_site_is_closed_to_users_who_are_not_staff(world):
    response = client_of(world["users"][O]).get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("admin:login"))
