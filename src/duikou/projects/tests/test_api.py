"""The project endpoints through HTTP: the registry with its FilterSet, create and edit under the model's
rules, delete refused while the ledger refers to a project, and the lifecycle gate (issue 4, item 6)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from duikou.core.api.testing import client_with, errors, messages, token_client, user_with
from duikou.core.models import ObjectChange
from duikou.projects.choices import ProjectStatus
from duikou.projects.models import Project, ProjectStatusChange
from duikou.projects.services import transition_project
from duikou.testing import (
    make_county,
    make_division,
    make_entry,
    make_measurement,
    make_prefecture,
    make_project,
    make_supporter,
    project_fields,
)

pytestmark = pytest.mark.django_db

LIST = reverse("api:project_list")
EDITOR = ("projects.view_project", "projects.add_project", "projects.change_project")


def body(**overrides) -> dict:
    """A valid new project as a client sends it: ids for related rows, money as strings of yuan."""
    fields = project_fields(**overrides)
    return {name: value.pk if hasattr(value, "pk") else value for name, value in fields.items()} | {
        name: str(fields[name])
        for name in ("total_investment", "aid_amount", "local_matching", "other_funding")
    }


def changes_of(project_id: int) -> list[ObjectChange]:
    return list(
        ObjectChange.objects.filter(
            changed_object_type=ContentType.objects.get_for_model(Project), changed_object_id=project_id
        ).order_by("pk")
    )


# --- reading --------------------------------------------------------------------------------------


def test_the_list_shows_each_project_with_its_money_as_decimal_strings():
    project = make_project(name="莎车县第二中学", planned_start=datetime.date(2024, 4, 1))
    response = client_with("projects.view_project").get(LIST)
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["id"] == project.pk
    assert row["url"] == f"http://testserver/api/projects/{project.pk}/"
    assert (row["code"], row["name"], row["plan_year"]) == (project.code, "莎车县第二中学", 2024)
    assert (row["supporter_name"], row["division_code"], row["division_name"]) == (
        "上海市",
        "653125",
        "莎车县",
    )
    assert (row["status"], row["status_display"]) == ("reserve", "储备")
    assert row["total_investment"] == "1000000.00"
    assert row["aid_amount"] == "800000.00"
    assert row["planned_start"] == "2024-04-01"


def test_the_list_filters_with_the_registrys_filterset():
    county_project = make_project(plan_year=2023, name="莎车县医院")
    make_project(plan_year=2024, name="莎车县学校")
    client = client_with("projects.view_project")

    def codes(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [row["code"] for row in response.json()["results"]]

    assert codes(plan_year=2023) == [county_project.code]
    assert codes(q="医院") == [county_project.code]
    # A prefecture includes its counties, by id or by code, as on the list page.
    assert len(codes(division=make_prefecture().pk)) == 2
    assert len(codes(division_code="653100")) == 2
    assert codes(division_code="650100") == []
    assert len(codes(status="reserve", aid_amount_min="80")) == 2  # 万元, as the page takes it
    assert codes(aid_amount_min="81") == []


def test_an_unknown_filter_value_is_a_400_naming_the_filter():
    response = client_with("projects.view_project").get(LIST, {"status": "finished", "plan_year": "soon"})
    assert response.status_code == 400
    assert sorted(errors(response)) == [("plan_year", "invalid"), ("status", "invalid_choice")]


def test_the_detail_of_one_project():
    project = make_project()
    response = client_with("projects.view_project").get(reverse("api:project", args=[project.pk]))
    assert response.status_code == 200
    assert response.json()["code"] == project.code


# --- create ---------------------------------------------------------------------------------------


def test_create_saves_the_project_and_logs_it_as_an_api_change():
    user = user_with(*EDITOR, username="hq")
    response = token_client(user).post(LIST, body(code="2024-SH-001"), format="json")

    assert response.status_code == 201, response.json()
    project = Project.objects.get(code="2024-SH-001")
    assert response.json()["id"] == project.pk
    assert project.aid_amount == Decimal("800000.00")
    assert project.status == ProjectStatus.RESERVE
    (change,) = changes_of(project.pk)
    assert (change.action, change.source, change.user) == ("create", "api", user)


def test_create_refuses_what_the_model_refuses_and_writes_nothing():
    client, new_project = client_with(*EDITOR), body(total_investment="999999.00")
    changes = ObjectChange.objects.count()
    response = client.post(LIST, new_project, format="json")

    assert response.status_code == 400
    assert errors(response) == [("total_investment", "invalid")]
    assert messages(response)["total_investment"] == [
        "总投资 999,999.00元 ≠ 援助资金 + 地方配套 + 其他 = 1,000,000.00元。"
    ]
    assert not Project.objects.exists()
    assert ObjectChange.objects.count() == changes


def test_create_refuses_a_supporter_not_paired_with_the_division():
    far_county = make_division("654021", "伊宁县", level="county", parent=make_prefecture(), zone="north")
    response = client_with(*EDITOR).post(LIST, body(division=far_county), format="json")
    assert response.status_code == 400
    assert errors(response) == [("division", "invalid")]
    assert "无结对关系" in messages(response)["division"][0]


def test_a_duplicate_code_is_refused_with_the_models_message():
    make_project(code="DUP-1")
    response = client_with(*EDITOR).post(LIST, body(code="DUP-1"), format="json")
    assert response.status_code == 400
    assert [field for field, _ in errors(response)] == ["code"]
    assert Project.objects.filter(code="DUP-1").count() == 1


def test_create_ignores_the_status_a_client_sends():
    response = client_with(*EDITOR).post(
        LIST, body(status="completed", actual_end="2024-05-01"), format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "reserve"
    assert response.json()["actual_end"] is None


def test_create_needs_the_add_permission():
    response = client_with("projects.view_project", "projects.change_project").post(
        LIST, body(), format="json"
    )
    assert response.status_code == 403
    assert not Project.objects.exists()


# --- update ---------------------------------------------------------------------------------------


def test_patch_changes_one_field_and_logs_before_and_after():
    project = make_project(name="旧名称")
    user = user_with(*EDITOR, username="editor")
    response = token_client(user).patch(
        reverse("api:project", args=[project.pk]), {"name": "新名称"}, format="json"
    )
    assert response.status_code == 200, response.json()
    project.refresh_from_db()
    assert project.name == "新名称"
    change = changes_of(project.pk)[-1]
    assert (change.action, change.source, change.user) == ("update", "api", user)
    assert change.changed_fields == ["name"]


def test_an_update_breaking_a_rule_is_refused_and_changes_nothing():
    project = make_project()
    before = changes_of(project.pk)
    response = client_with(*EDITOR).patch(
        reverse("api:project", args=[project.pk]),
        {"planned_start": "2024-06-01", "planned_end": "2024-01-01", "aid_amount": "1.00"},
        format="json",
    )
    assert response.status_code == 400
    fields = {field for field, _ in errors(response)}
    assert {"total_investment", None} <= fields  # 总投资 ≠ sum; the planned-period constraint
    project.refresh_from_db()
    assert project.aid_amount == Decimal("800000.00")
    assert changes_of(project.pk) == before


def test_put_replaces_the_project():
    project = make_project()
    response = client_with(*EDITOR).put(
        reverse("api:project", args=[project.pk]), body(code=project.code, name="整体替换"), format="json"
    )
    assert response.status_code == 200, response.json()
    project.refresh_from_db()
    assert project.name == "整体替换"


def test_status_cannot_be_edited_only_transitioned():
    project = make_project()
    response = client_with(*EDITOR).patch(
        reverse("api:project", args=[project.pk]), {"status": "completed"}, format="json"
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.status == ProjectStatus.RESERVE


def test_update_needs_the_change_permission():
    project = make_project()
    response = client_with("projects.view_project", "projects.add_project").patch(
        reverse("api:project", args=[project.pk]), {"name": "x"}, format="json"
    )
    assert response.status_code == 403


# --- delete ---------------------------------------------------------------------------------------


def test_a_project_nothing_refers_to_can_be_deleted_and_the_deletion_is_logged():
    project = make_project()
    client = client_with("projects.view_project", "projects.delete_project")
    response = client.delete(reverse("api:project", args=[project.pk]))
    assert response.status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()
    assert changes_of(project.pk)[-1].action == "delete"
    assert changes_of(project.pk)[-1].source == "api"


def test_a_project_with_ledger_entries_is_not_deleted_409():
    project = make_project()
    make_entry(project)
    response = client_with("projects.view_project", "projects.delete_project").delete(
        reverse("api:project", args=[project.pk])
    )
    assert response.status_code == 409
    assert errors(response) == [(None, "protected")]
    assert messages(response)[None] == ["仍有资金分录引用该对象，不能删除。"]
    assert Project.objects.filter(pk=project.pk).exists()


def test_a_project_with_measurements_is_not_deleted_either():
    project = make_project()
    make_measurement(project)
    response = client_with("projects.view_project", "projects.delete_project").delete(
        reverse("api:project", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert errors(response) == [(None, "protected")]
    assert messages(response)[None] == ["Still referenced by: Outcome measurement. It cannot be deleted."]


def test_delete_needs_the_delete_permission():
    project = make_project()
    response = client_with(*EDITOR).delete(reverse("api:project", args=[project.pk]))
    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


# --- transitions ----------------------------------------------------------------------------------


def test_a_transition_the_gate_allows_moves_the_project_and_records_who():
    project = make_project()
    user = user_with(*EDITOR, username="mover")
    response = token_client(user).post(
        reverse("api:project_transition", args=[project.pk]),
        {"to_status": "planned", "effective_on": "2024-02-01", "note": "列入年度计划"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "planned"
    change = ProjectStatusChange.objects.get(project=project)
    assert (change.from_status, change.to_status) == ("reserve", "planned")
    assert (change.effective_on, change.changed_by, change.note) == (
        datetime.date(2024, 2, 1),
        user,
        "列入年度计划",
    )
    assert changes_of(project.pk)[-1].source == "api"


def test_entering_construction_sets_the_actual_start():
    project = make_project()
    transition_project(project, ProjectStatus.PLANNED)
    transition_project(project, ProjectStatus.APPROVED)
    response = client_with(*EDITOR).post(
        reverse("api:project_transition", args=[project.pk]),
        {"to_status": "under_construction", "effective_on": "2024-05-10"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["actual_start"] == "2024-05-10"


def test_a_transition_the_gate_refuses_is_a_400_and_changes_nothing():
    project = make_project()
    response = client_with(*EDITOR).post(
        reverse("api:project_transition", args=[project.pk]),
        {"to_status": "under_construction"},
        format="json",
    )
    assert response.status_code == 400
    assert errors(response) == [(None, "transition_refused")]
    assert messages(response)[None] == ["不能从“储备”变为“在建”：项目须先批复才能开工。"]
    project.refresh_from_db()
    assert project.status == ProjectStatus.RESERVE
    assert not ProjectStatusChange.objects.exists()


def test_a_transition_to_an_unknown_status_is_a_400_on_the_field():
    project = make_project()
    response = client_with(*EDITOR).post(
        reverse("api:project_transition", args=[project.pk]), {"to_status": "done"}, format="json"
    )
    assert errors(response) == [("to_status", "invalid_choice")]


def test_a_transition_needs_the_change_permission():
    project = make_project()
    response = client_with("projects.view_project", "projects.add_project").post(
        reverse("api:project_transition", args=[project.pk]), {"to_status": "planned"}, format="json"
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.status == ProjectStatus.RESERVE


def test_the_supporter_filter_includes_the_supporting_cities():
    province = make_supporter()
    city = make_supporter("上海市闵行区", kind="supporting_city", parent=province)
    from duikou.testing import make_pairing

    make_pairing(city, make_county())
    make_project(supporter=city)
    make_project()
    response = client_with("projects.view_project").get(LIST, {"supporter": province.pk})
    assert response.json()["count"] == 2
