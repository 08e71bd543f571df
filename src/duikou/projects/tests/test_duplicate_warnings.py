"""Likely duplicates shown before a project is saved — form, API and import (issue 6, item 3).

The detector is the checks app's (`checks.duplicates`); projects reaches it only through the finder named by
`DUIKOU_PROJECT_DUPLICATE_FINDER` (projects/duplicates.py), so these tests drive the real one end to end.
"""

import pytest
from django.urls import reverse

from duikou.core.models import ObjectChange
from duikou.projects.models import Project
from duikou.testing import form_errors, make_project, make_supporter, make_user

from .test_imports import world  # noqa: F401  (the import tests' reference data, a fixture)
from .test_views import form_data

pytestmark = pytest.mark.django_db

SAVED_NAME = "莎车县第二中学教学楼建设项目"
WARNING = "未保存：本项目可能与下列已有项目重复。请逐一核对；确认不是重复后，勾选“我已核对，仍要保存”再保存。"


@pytest.fixture
def saved():
    """A project of 上海市 in 莎车县, 2024, that a new one may repeat."""
    return make_project(name=SAVED_NAME, code="SH-2024-0001")


def counts() -> tuple[int, int]:
    return Project.objects.count(), ObjectChange.objects.count()


# --- the form --------------------------------------------------------------------------------------------


def test_a_new_project_like_a_saved_one_is_shown_the_duplicate_and_not_saved(admin_client, saved):
    data = form_data(name="莎車縣第二中學教學綜合樓工程")
    before = counts()

    response = admin_client.post(reverse("projects:project_add"), data)

    assert response.status_code == 200
    assert counts() == before
    assert form_errors(response) == {"__all__": [WARNING]}
    html = response.content.decode()
    assert 'data-role="likely-duplicates"' in html
    assert f'data-duplicate="{saved.code}"' in html
    assert f'href="{saved.get_absolute_url()}"' in html
    assert SAVED_NAME in html and "上海市" in html
    assert "同一受援地：莎车县" in html
    (duplicate,) = response.context["form"].likely_duplicates
    assert (duplicate.pk, duplicate.code, duplicate.plan_year, duplicate.kind) == (
        saved.pk,
        saved.code,
        2024,
        "duplicate",
    )
    assert 0.7 <= duplicate.score <= 1
    assert 'name="confirm_duplicates"' in html


def test_ticking_the_confirmation_saves_the_project(admin_client, saved):
    data = form_data(name="莎车县第二中学教学综合楼工程", confirm_duplicates="on")
    before = counts()

    response = admin_client.post(reverse("projects:project_add"), data)

    assert response.status_code == 302
    assert counts() == (before[0] + 1, before[1] + 1)
    assert Project.objects.filter(code="SH-2024-NEW").exists()


def test_a_project_like_none_saved_shows_no_confirmation(admin_client, saved):
    response = admin_client.get(reverse("projects:project_add"))
    assert 'name="confirm_duplicates"' not in response.content.decode()

    response = admin_client.post(reverse("projects:project_add"), form_data(name="莎车县第四中学教学楼"))

    assert response.status_code == 302  # 第二 ↔ 第四: another school, not a duplicate


def test_an_edit_is_checked_only_when_its_name_division_or_year_changes(admin_client, saved):
    other = make_project(name="莎车县人民医院门诊楼", code="SH-2024-0002")
    url = reverse("projects:project_edit", args=[other.pk])
    data = form_data(code=other.code, name=other.name, comments="补充说明", **_money(other))

    unchanged_name = admin_client.post(url, data)
    renamed = admin_client.post(url, data | {"name": "莎车县第二中学教学楼工程"})

    assert unchanged_name.status_code == 302
    assert renamed.status_code == 200
    assert form_errors(renamed) == {"__all__": [WARNING]}
    other.refresh_from_db()
    assert (other.name, other.comments) == ("莎车县人民医院门诊楼", "补充说明")


def test_only_projects_the_user_may_see_are_compared(client, saved):
    """A supporter's officer is not shown another supporter's project (scoping, issue 5)."""
    from duikou.accounts.choices import Role
    from duikou.testing import make_pairing

    zhejiang = make_supporter("浙江省")
    make_pairing(supporter=zhejiang)
    officer = make_user("zj-officer", role=Role.SUPPORTER_EDITOR, organization=zhejiang)
    client.force_login(officer)

    response = client.post(
        reverse("projects:project_add"),
        form_data(name="莎车县第二中学教学楼工程", supporter=zhejiang.pk, code="ZJ-2024-NEW"),
    )

    assert response.status_code == 302


def _money(project) -> dict:
    return {
        "total_investment": str(project.total_investment / 10000),
        "aid_amount": str(project.aid_amount / 10000),
        "local_matching": str(project.local_matching / 10000),
        "other_funding": str(project.other_funding / 10000),
    }


# --- the API ---------------------------------------------------------------------------------------------


def test_the_api_refuses_a_likely_duplicate_with_409_listing_it(saved):
    from duikou.core.api.testing import client_with

    from .test_api import EDITOR, LIST, body

    client = client_with(*EDITOR)
    before = counts()

    response = client.post(LIST, body(name="莎车县第二中学教学综合楼", code="SH-2024-NEW"), format="json")

    assert response.status_code == 409
    assert counts() == before
    answer = response.json()
    assert [(item["field"], item["code"]) for item in answer["errors"]] == [(None, "likely_duplicate")] * 2
    assert answer["errors"][0]["message"] == (
        '本项目可能与下列已有项目重复；核对后确认不是重复，请加上 "confirm_duplicates": true 再提交。'
    )
    assert answer["errors"][1]["message"].startswith(f"{saved.code} {SAVED_NAME}（上海市，2024年，相似度 ")
    (duplicate,) = answer["duplicates"]
    assert {key: duplicate[key] for key in ("id", "code", "name", "supporter", "plan_year", "kind")} == {
        "id": saved.pk,
        "code": saved.code,
        "name": SAVED_NAME,
        "supporter": "上海市",
        "plan_year": 2024,
        "kind": "duplicate",
    }
    assert duplicate["url"].endswith(reverse("api:project", args=[saved.pk]))
    assert 0.7 <= duplicate["score"] <= 1
    assert "同一受援地：莎车县" in duplicate["reasons"]


def test_the_api_saves_a_likely_duplicate_the_request_confirms(saved):
    from duikou.core.api.testing import client_with

    from .test_api import EDITOR, LIST, body

    client = client_with(*EDITOR)
    data = body(name="莎车县第二中学教学综合楼", code="SH-2024-NEW") | {"confirm_duplicates": True}

    response = client.post(LIST, data, format="json")

    assert response.status_code == 201
    assert "confirm_duplicates" not in response.json()
    assert Project.objects.filter(code="SH-2024-NEW").exists()


def test_the_api_checks_an_edit_only_when_name_division_or_year_change(saved):
    from duikou.core.api.testing import client_with

    from .test_api import EDITOR

    other = make_project(name="莎车县人民医院门诊楼", code="SH-2024-0002")
    client = client_with(*EDITOR)
    url = reverse("api:project", args=[other.pk])

    assert client.patch(url, {"comments": "补充"}, format="json").status_code == 200
    renamed = client.patch(url, {"name": "莎车县第二中学教学楼"}, format="json")

    assert renamed.status_code == 409
    assert [item["id"] for item in renamed.json()["duplicates"]] == [saved.pk]
    other.refresh_from_db()
    assert (other.name, other.comments) == ("莎车县人民医院门诊楼", "补充")


# --- the import ------------------------------------------------------------------------------------------


def test_a_new_row_like_a_saved_project_is_a_warning_and_still_imports(world, saved):  # noqa: F811
    from .test_imports import GOOD_ROWS, HEADER, csv_bytes, run

    # The saved name written another way (traditional characters, a space): what an import checks.
    like_saved = [
        "SH-2025-0009",
        "莎車縣第二中學 教學樓建設項目",
        "2025",
        "上海市",
        "653125",
        "民生",
        "100",
        "80",
        "20",
    ]
    reworded = [
        "SH-2025-0010",
        "莎车县第二中学教学综合楼",
        "2025",
        "上海市",
        "653125",
        "民生",
        "100",
        "80",
        "20",
    ]
    rows = [HEADER, *GOOD_ROWS, *(row + [""] * (len(HEADER) - len(row)) for row in (like_saved, reworded))]

    checked = run(csv_bytes(rows), dry_run=True)
    result = run(csv_bytes(rows))

    assert checked.errors == result.errors == []
    assert result.counts["new"] == 4 and Project.objects.filter(code="SH-2025-0009").exists()
    # The reworded row (row 5) is left to the review queue's scan: the import checks names written alike.
    (warning,) = result.warnings
    assert (warning.row, warning.column, warning.value) == (
        4,
        "项目名称",
        "莎车县第二中学 教学楼建设项目",
    )  # as the import reads it
    assert warning.message.startswith(
        f"疑似与已有项目重复：{saved.code} {SAVED_NAME}（上海市，2024年，相似度 "
    )
    assert [w.as_dict() for w in checked.warnings] == [warning.as_dict()]


def test_changed_rows_and_rows_with_mistakes_get_no_duplicate_warning(world, saved):  # noqa: F811
    from .test_imports import HEADER, csv_bytes, run

    restated = [
        saved.code,
        "莎车县第二中学教学楼建设项目",
        "2024",
        "上海市",
        "653125",
        "民生",
        "100",
        "80",
        "20",
    ]
    wrong = [
        "SH-2025-0010",
        "莎车县第二中学教学楼建设项目",
        "2025",
        "上海市",
        "653125",
        "民生",
        "100",
        "80",
        "abc",
    ]
    width = len(HEADER)

    result = run(csv_bytes([HEADER, restated + [""] * (width - 9), wrong + [""] * (width - 9)]), dry_run=True)

    assert [error.row for error in result.errors] == [3]
    assert result.warnings == []


def test_the_import_page_shows_the_warnings(client, world, saved):  # noqa: F811
    from duikou.testing import make_user as user

    from .test_import_pages import IMPORT_URL, upload
    from .test_imports import HEADER, csv_bytes

    client.force_login(user("clerk", is_superuser=True))
    like_saved = [
        "SH-2025-0009",
        "莎车县第二中学教学楼建设项目",
        "2025",
        "上海市",
        "653125",
        "民生",
        "100",
        "80",
        "20",
    ]

    response = upload(client, csv_bytes([HEADER, like_saved + [""] * (len(HEADER) - 9)]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-role="import-warnings"' in html
    assert "疑似与已有项目重复：SH-2024-0001" in html
    assert 'data-action="confirm"' in html  # a warning does not stop the import
    assert IMPORT_URL
