"""导入记录: a unit looks back on its own file imports and what each wrote; others' imports stay unseen
(core/imports/history.py). The world is `world.py`'s: 浙江省's front headquarters (SE) imports."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from duikou.core.imports.registry import importer_for
from duikou.testing import make_user

from .world import RE, SE, SV, U

pytestmark = pytest.mark.django_db

HISTORY_URL = reverse("core:import_history")
HEADER = [
    "项目编号",
    "项目名称",
    "年度",
    "援疆省市",
    "受援地",
    "项目类别",
    "总投资（万元）",
    "其中：援疆资金（万元）",
    "地方配套（万元）",
]


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def batch(world):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            HEADER,
            ["ZJ-2025-0101", "莎车县导入记录测试小学", "2025", "浙江省", "653125", "民生", "100", "80", "20"],
        ]
    )
    result = importer_for("projects").run(buffer.getvalue().encode(), "浙江计划.csv", user=world["users"][SE])
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
