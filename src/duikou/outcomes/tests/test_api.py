"""The outcome endpoints through HTTP: measurements read, recorded, corrected and deleted under the
model's rules (one value per indicator, project or division, supporter and period); indicators read."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from duikou.core.api.testing import client_with, errors, messages, token_client, user_with
from duikou.core.models import ObjectChange
from duikou.outcomes.models import Measurement
from duikou.testing import make_county, make_indicator, make_measurement, make_project, make_supporter

pytestmark = pytest.mark.django_db

LIST = reverse("api:measurement_list")
EDITOR = ("outcomes.view_measurement", "outcomes.add_measurement", "outcomes.change_measurement")


def test_measurements_are_listed_and_filtered():
    project = make_project()
    jobs = make_measurement(project)
    trained = make_measurement(
        indicator=make_indicator("people_trained", "培训人次", "人次"),
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        value=Decimal("35.5"),
    )
    client = client_with("outcomes.view_measurement")

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [jobs.pk, trained.pk]  # latest period first
    assert ids(year=2023) == [trained.pk]
    assert ids(indicator=jobs.indicator_id) == [jobs.pk]
    assert ids(has_project=True) == [jobs.pk]
    assert ids(project_code=project.code) == [jobs.pk]
    row = client.get(reverse("api:measurement", args=[trained.pk])).json()
    assert (row["value"], row["unit"], row["indicator_code"], row["project_code"]) == (
        "35.5000",
        "人次",
        "people_trained",
        None,
    )


def test_a_measurement_of_a_project_takes_its_supporter_and_division():
    project = make_project()
    user = user_with(*EDITOR, username="statistician")
    response = token_client(user).post(
        LIST,
        {
            "indicator": make_indicator().pk,
            "project": project.pk,
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "value": "48",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    measurement = Measurement.objects.get(pk=response.json()["id"])
    assert (measurement.supporter, measurement.division) == (project.supporter, project.division)
    change = ObjectChange.objects.get(
        changed_object_type=ContentType.objects.get_for_model(Measurement), changed_object_id=measurement.pk
    )
    assert (change.source, change.user) == ("api", user)


def test_a_second_value_for_the_same_period_is_refused():
    existing = make_measurement()
    response = client_with(*EDITOR).post(
        LIST,
        {
            "indicator": existing.indicator_id,
            "division": existing.division_id,
            "supporter": existing.supporter_id,
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "value": "99",
        },
        format="json",
    )
    assert response.status_code == 400
    assert messages(response) == {None: ["该受援地该期间已有此指标的数据。"]}
    assert Measurement.objects.count() == 1


def test_a_division_measurement_needs_its_parties():
    response = client_with(*EDITOR).post(
        LIST,
        {
            "indicator": make_indicator().pk,
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "value": "1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {field for field, _ in errors(response)} == {"supporter", "division"}


def test_rules_of_the_model_apply():
    response = client_with(*EDITOR).post(
        LIST,
        {
            "indicator": make_indicator().pk,
            "division": make_county().pk,
            "supporter": make_supporter().pk,
            "period_start": "2024-12-31",
            "period_end": "2024-01-01",
            "value": "-5",
        },
        format="json",
    )
    assert response.status_code == 400
    assert messages(response)["value"] == ["数值不能为负数。"]
    assert messages(response)["period_end"] == ["期间止不能早于期间起。"]
    assert not Measurement.objects.exists()


def test_correcting_and_deleting_a_measurement():
    measurement = make_measurement()
    url = reverse("api:measurement", args=[measurement.pk])
    response = client_with(*EDITOR).patch(url, {"value": "130"}, format="json")
    assert response.status_code == 200, response.json()
    measurement.refresh_from_db()
    assert measurement.value == Decimal("130")

    assert client_with(*EDITOR).delete(url).status_code == 403
    response = client_with(
        "outcomes.view_measurement", "outcomes.delete_measurement", username="remover"
    ).delete(url)
    assert response.status_code == 204
    assert not Measurement.objects.exists()


def test_indicators_are_read_only():
    indicator = make_indicator()
    client = client_with("outcomes.view_indicator", "outcomes.add_indicator")
    response = client.get(reverse("api:indicator_list"))
    assert [row["code"] for row in response.json()["results"]] == [indicator.code]
    assert client.post(reverse("api:indicator_list"), {"code": "x"}, format="json").status_code == 405
