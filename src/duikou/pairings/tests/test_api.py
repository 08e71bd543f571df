"""The pairing endpoints through HTTP: read only, filtered by the registry's FilterSet."""

import datetime

import pytest
from django.urls import reverse

from duikou.core.api.testing import client_with, token_client
from duikou.testing import make_division, make_pairing, make_prefecture, make_supporter

pytestmark = pytest.mark.django_db


def test_pairings_are_listed_and_filtered():
    current = make_pairing()
    beijing = make_supporter("北京市")
    hotan = make_division(
        "653200", "和田地区", level="prefecture", parent=make_prefecture().parent, zone="south"
    )
    ended = make_pairing(beijing, hotan, until=datetime.date(2015, 12, 31))
    client = client_with("pairings.view_pairing")

    def ids(**params):
        response = client.get(reverse("api:pairing_list"), params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [current.pk, ended.pk]  # by supporter name, as on the pairing page
    assert ids(is_active=True) == [current.pk]
    assert ids(supporter=beijing.pk) == [ended.pk]
    assert ids(division=make_prefecture().pk) == [current.pk]
    row = client.get(reverse("api:pairing", args=[current.pk])).json()
    assert (row["supporter_name"], row["division_code"], row["since"], row["until"]) == (
        "上海市",
        "653125",
        "2010-01-01",
        None,
    )


def test_pairings_cannot_be_written(admin_user):
    pairing = make_pairing()
    response = token_client(admin_user).delete(reverse("api:pairing", args=[pairing.pk]))
    assert response.status_code == 405
