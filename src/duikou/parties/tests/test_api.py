"""The organization endpoints through HTTP: read only, filtered by the registry's FilterSet."""

import pytest
from django.urls import reverse

from duikou.core.api.testing import client_with, token_client
from duikou.testing import make_supporter

pytestmark = pytest.mark.django_db


def test_organizations_are_listed_and_filtered_by_kind_and_alias():
    province = make_supporter(aliases=["沪"])
    make_supporter("上海市援疆前方指挥部", kind="front_hq", parent=province)
    client = client_with("parties.view_organization")

    def names(**params):
        response = client.get(reverse("api:organization_list"), params)
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names(kind="front_hq") == ["上海市援疆前方指挥部"]
    assert names(q="沪") == ["上海市"]
    row = client.get(reverse("api:organization", args=[province.pk])).json()
    assert (row["kind"], row["kind_display"], row["aliases"]) == ("supporting_province", "援疆省市", ["沪"])


def test_organizations_cannot_be_written(admin_user):
    response = token_client(admin_user).post(reverse("api:organization_list"), {"name": "x"}, format="json")
    assert response.status_code == 405
