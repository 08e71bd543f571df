"""The division endpoints through HTTP: read only, filtered by the registry's FilterSet."""

import pytest
from django.urls import reverse

from duikou.core.api.testing import client_with, errors
from duikou.testing import make_county, make_division, make_prefecture

pytestmark = pytest.mark.django_db


def test_divisions_are_listed_by_code_and_filtered():
    county = make_county()
    make_division("654000", "伊犁哈萨克自治州", level="prefecture", parent=county.parent.parent, zone="north")
    client = client_with("geo.view_division")

    def codes(**params):
        response = client.get(reverse("api:division_list"), params)
        assert response.status_code == 200, response.json()
        return [row["code"] for row in response.json()["results"]]

    assert codes() == ["650000", "653100", "653125", "654000"]
    assert codes(level="county") == ["653125"]
    assert codes(zone="north") == ["654000"]
    assert codes(parent=make_prefecture().pk) == ["653125"]
    assert codes(q="莎车") == ["653125"]
    row = client.get(reverse("api:division", args=[county.pk])).json()
    assert (row["name"], row["level_display"], row["zone"], row["parent_code"]) == (
        "莎车县",
        "县市区",
        "south",
        "653100",
    )
    region = client.get(reverse("api:division_list"), {"level": "region"}).json()["results"][0]
    assert (region["zone"], region["parent"], region["parent_code"]) == ("", None, None)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_divisions_cannot_be_written(method, admin_user):
    from duikou.core.api.testing import token_client

    county = make_county()
    url = reverse("api:division_list") if method == "post" else reverse("api:division", args=[county.pk])
    response = getattr(token_client(admin_user), method)(url, {"name": "x"}, format="json")
    assert response.status_code == 405
    assert errors(response) == [(None, "method_not_allowed")]
