"""The programme endpoints through HTTP: programmes, their categories and batches, read only."""

import datetime

import pytest
from django.urls import reverse

from duikou.core.api.testing import client_with, token_client
from duikou.programmes.models import Batch, Category
from duikou.testing import make_category, make_programme

pytestmark = pytest.mark.django_db


def test_programmes_categories_and_batches_are_read():
    programme = make_programme()
    livelihood = make_category(programme)
    Category.objects.create(programme=programme, code="industry", name="产业支援", short_name="产业", order=2)
    Batch.objects.create(
        programme=programme,
        number=10,
        name="第十批",
        starts=datetime.date(2020, 1, 1),
        ends=datetime.date(2022, 12, 31),
    )
    client = client_with("programmes.view_programme", "programmes.view_category", "programmes.view_batch")

    programmes = client.get(reverse("api:programme_list")).json()["results"]
    assert [(row["code"], row["name"]) for row in programmes] == [("xinjiang", "援疆")]
    categories = client.get(reverse("api:category_list"), {"counts_as_livelihood": True}).json()["results"]
    assert [row["id"] for row in categories] == [livelihood.pk]
    batches = client.get(reverse("api:batch_list"), {"programme": programme.pk}).json()["results"]
    assert [(row["number"], row["name"], row["starts"]) for row in batches] == [(10, "第十批", "2020-01-01")]
    assert client.get(reverse("api:programme", args=[programme.pk])).json()["code"] == "xinjiang"


def test_programmes_cannot_be_written(admin_user):
    response = token_client(admin_user).post(reverse("api:programme_list"), {"code": "x"}, format="json")
    assert response.status_code == 405
