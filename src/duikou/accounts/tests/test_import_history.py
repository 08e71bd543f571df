"""导入记录: a unit looks back on its own file imports and what each wrote; others' imports stay unseen
(core/imports/history.py). The world is `world.py`'s: 浙江省's front headquarters (SE) imports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from duikou.core.imports.registry import importer_for
from duikou.testing import make_user

from .test_scoping import client_of, import_file
from .world import RE, SE, SV, U

pytestmark = pytest.mark.django_db

HISTORY_URL = reverse("core:import_history")


@pytest.fixture
def batch(world):
    row = ["ZJ-2025-0101", "莎车县导入记录测试小学", "2025", "浙江省", "653125", "民生", "100", "80", "20"]
    result = importer_for("projects").run(import_file([row]), "浙江计划.csv", user=world["users"][SE])
    assert result.errors == [] and result.batch_id
    return result.batch_id


def test_the_importing_unit_and_the_auditors_see_the_batch(world, batch):
    colleague = make_user(
        "front-hq-colleague", role=SE, organization=world["users"][SE].membership.organization
    )

    for user in (world["users"][SE], colleague, world["users"][U]):
        page = client_of(user).get(HISTORY_URL)
        assert page.status_code == 200
        assert "浙江计划.csv" in page.content.decode(), user
        assert reverse("core:import_batch", args=[batch]) in page.content.decode()


@pytest.mark.parametrize("importer,listed", [("projects", True), ("ledger", False)])
def test_the_list_filters_by_what_was_imported(world, batch, importer, listed):
    """The import page links here with its own kind (`?importer=projects`)."""
    page = client_of(world["users"][SE]).get(HISTORY_URL, {"importer": importer})

    assert page.status_code == 200
    assert ("浙江计划.csv" in page.content.decode()) == listed


@pytest.mark.parametrize("role", [SV, RE])
def test_another_unit_sees_neither_the_batch_nor_its_changes(world, batch, role):
    """浙江省's viewer belongs to another organization than its front headquarters; so does 莎车县's."""
    client = client_of(world["users"][role])

    assert "浙江计划.csv" not in client.get(HISTORY_URL).content.decode()
    assert client.get(reverse("core:import_batch", args=[batch])).status_code == 404


def test_a_batch_lists_what_it_wrote_and_its_counts(world, batch):
    page = client_of(world["users"][SE]).get(reverse("core:import_batch", args=[batch]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "ZJ-2025-0101" in html  # the project it created, from the change log
    assert "新增 1，修改 0，未变 0" in html
    exported = client_of(world["users"][SE]).get(
        reverse("core:import_batch", args=[batch]), {"export": "csv"}
    )
    assert "ZJ-2025-0101" in b"".join(
        exported.streaming_content if exported.streaming else [exported.content]
    ).decode("utf-8-sig")
