"""The roster endpoints through HTTP: read and filter, record and correct a stint under the model's rules,
end it through `end_assignment` (issue 4, item 6)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from duikou.core.api.testing import client_with, errors, messages, token_client, user_with
from duikou.core.models import ObjectChange
from duikou.talent.models import Assignment
from duikou.testing import make_assignment, make_county, make_programme, make_supporter

pytestmark = pytest.mark.django_db

LIST = reverse("api:assignment_list")
EDITOR = ("talent.view_assignment", "talent.add_assignment", "talent.change_assignment")


def body(**overrides) -> dict:
    fields = {
        "programme": make_programme().pk,
        "person_name": "李娜",
        "kind": "teacher",
        "sending_organization": "上海市第一中学",
        "supporter": make_supporter().pk,
        "host_division": make_county().pk,
        "host_unit": "莎车县第一中学",
        "post": "副校长",
        "start_date": "2024-02-20",
        "planned_end": "2025-07-31",
    }
    return fields | overrides


def logged(assignment_id: int) -> list[ObjectChange]:
    return list(
        ObjectChange.objects.filter(
            changed_object_type=ContentType.objects.get_for_model(Assignment), changed_object_id=assignment_id
        ).order_by("pk")
    )


def test_the_roster_lists_and_filters_stints():
    doctor = make_assignment(person_name="王芳", kind="doctor", team="莎车县人民医院组团式医疗队")
    make_assignment(
        person_name="张伟", start_date=datetime.date(2021, 2, 15), planned_end=datetime.date(2022, 2, 14)
    )
    client = client_with("talent.view_assignment")

    def names(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [row["person_name"] for row in response.json()["results"]]

    assert names() == ["王芳", "张伟"]  # newest stint first, as on the roster page
    assert names(kind="doctor") == ["王芳"]
    assert names(start_year=2021) == ["张伟"]
    assert names(in_post_on="2024-06-01") == ["王芳"]
    assert names(has_team=True) == ["王芳"]
    assert names(division_code="653100") == ["王芳", "张伟"]
    row = client.get(reverse("api:assignment", args=[doctor.pk])).json()
    assert (row["kind_display"], row["host_division_code"], row["batch_name"]) == ("医生", "653125", None)


def test_recording_a_stint_is_logged_as_an_api_change():
    user = user_with(*EDITOR, username="roster-keeper")
    response = token_client(user).post(LIST, body(), format="json")
    assert response.status_code == 201, response.json()
    assignment = Assignment.objects.get(pk=response.json()["id"])
    assert (assignment.person_name, assignment.planned_end) == ("李娜", datetime.date(2025, 7, 31))
    (change,) = logged(assignment.pk)
    assert (change.source, change.user) == ("api", user)


def test_a_stint_ending_before_it_starts_is_refused():
    response = client_with(*EDITOR).post(LIST, body(planned_end="2024-01-01"), format="json")
    assert response.status_code == 400
    assert ("planned_end", "invalid") in errors(response)
    assert "计划期满日期须晚于进疆日期。" in messages(response)["planned_end"]
    assert not Assignment.objects.exists()


def test_a_supporter_that_is_not_one_is_refused():
    hospital = make_supporter("莎车县人民医院", kind="implementing_unit")
    response = client_with(*EDITOR).post(LIST, body(supporter=hospital.pk), format="json")
    assert messages(response) == {"supporter": ["支援方须为援疆省市、地市、中央企业或部委。"]}


def test_correcting_a_stint_with_patch():
    assignment = make_assignment()
    response = client_with(*EDITOR).patch(
        reverse("api:assignment", args=[assignment.pk]), {"post": "院长助理"}, format="json"
    )
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.post == "院长助理"
    assert logged(assignment.pk)[-1].changed_fields == ["post"]


def test_the_actual_end_is_not_edited_directly():
    assignment = make_assignment()
    client_with(*EDITOR).patch(
        reverse("api:assignment", args=[assignment.pk]), {"actual_end": "2024-01-01"}, format="json"
    )
    assignment.refresh_from_db()
    assert assignment.actual_end is None


def test_ending_a_stint_records_the_day_and_the_note():
    assignment = make_assignment()
    user = user_with(*EDITOR, username="ender")
    response = token_client(user).post(
        reverse("api:assignment_end", args=[assignment.pk]),
        {"actual_end": "2025-08-31", "note": "因病提前返回"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["actual_end"] == "2025-08-31"
    assignment.refresh_from_db()
    assert assignment.actual_end == datetime.date(2025, 8, 31)
    assert assignment.comments.endswith("离疆：因病提前返回")
    change = logged(assignment.pk)[-1]
    assert (change.source, change.user, change.changed_fields) == ("api", user, ["actual_end", "comments"])


def test_a_stint_ends_once():
    assignment = make_assignment(actual_end=datetime.date(2025, 2, 14))
    response = client_with(*EDITOR).post(
        reverse("api:assignment_end", args=[assignment.pk]), {"actual_end": "2025-03-01"}, format="json"
    )
    assert response.status_code == 400
    assert messages(response) == {"actual_end": ["该派驻已于 2025-02-14 结束。"]}
    assignment.refresh_from_db()
    assert assignment.actual_end == datetime.date(2025, 2, 14)


def test_a_stint_cannot_end_before_it_started():
    assignment = make_assignment()
    response = client_with(*EDITOR).post(
        reverse("api:assignment_end", args=[assignment.pk]), {"actual_end": "2020-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert [field for field, _ in errors(response)] == ["actual_end"]
    assignment.refresh_from_db()
    assert assignment.actual_end is None


def test_ending_needs_the_change_permission():
    assignment = make_assignment()
    response = client_with("talent.view_assignment", "talent.add_assignment").post(
        reverse("api:assignment_end", args=[assignment.pk]), {"actual_end": "2025-08-31"}, format="json"
    )
    assert response.status_code == 403


def test_deleting_a_stint_needs_the_delete_permission_and_is_logged():
    assignment = make_assignment()
    url = reverse("api:assignment", args=[assignment.pk])
    assert client_with(*EDITOR).delete(url).status_code == 403
    response = client_with("talent.view_assignment", "talent.delete_assignment", username="admin2").delete(
        url
    )
    assert response.status_code == 204
    assert logged(assignment.pk)[-1].action == "delete"
