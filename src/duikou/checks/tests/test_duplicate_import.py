"""Duplicates an import brings (issue 6, item 3): rows of one file compared with each other, and the
projects of a committed import scanned for rewordings into the review queue."""

import pytest

from duikou.checks.choices import DuplicateDecision
from duikou.checks.duplicates.finder import FileRows, ProjectDuplicateFinder
from duikou.checks.duplicates.review import decide_pair
from duikou.checks.models import DuplicatePair
from duikou.checks.tasks import checks_after_import, duplicates_after_import_task, projects_of_batch
from duikou.core.context import change_context
from duikou.core.models import ImportBatch
from duikou.geo.choices import DivisionLevel, Zone
from duikou.projects.duplicates import LikelyDuplicate
from duikou.projects.models import Project
from duikou.projects.tests.test_imports import HEADER, csv_bytes, run, world  # noqa: F401  (a fixture)
from duikou.testing import (
    make_county,
    make_division,
    make_pairing,
    make_prefecture,
    make_project,
    make_supporter,
    make_user,
)

pytestmark = pytest.mark.django_db

SCHOOL = "莎车县第三中学教学楼建设项目"


def plan_row(code: str, name: str, *, division: str = "653125", year: str = "2025") -> list[str]:
    row = [code, name, year, "上海市", division, "民生", "100", "80", "20"]
    return row + [""] * (len(HEADER) - len(row))


def other_county():
    """叶城县: another county of 喀什地区, paired with 上海市 too — not a neighbour of 莎车县."""
    county = make_division(
        "653126", "叶城县", level=DivisionLevel.COUNTY, parent=make_prefecture(), zone=Zone.SOUTH
    )
    make_pairing(division=county)
    return county


# -- rows of one file ---------------------------------------------------------------------------------------
def test_two_rows_of_one_file_written_alike_give_a_warning_on_the_later(world):  # noqa: F811
    rows = [
        HEADER,
        plan_row("SH-2025-0011", SCHOOL),
        plan_row("SH-2025-0012", "莎車縣第三中學 教學樓建設項目"),
    ]

    checked = run(csv_bytes(rows), dry_run=True)
    result = run(csv_bytes(rows))

    assert checked.errors == result.errors == []
    assert result.counts["new"] == 2  # a warning does not stop the import
    (warning,) = result.warnings
    assert (warning.row, warning.column) == (3, "项目名称")
    assert warning.message.startswith("与本文件第 2 行（") and "已有项目" not in warning.message
    assert [w.as_dict() for w in checked.warnings] == [warning.as_dict()]


def test_past_the_rows_listed_the_likely_duplicates_are_counted(world, monkeypatch):  # noqa: F811
    # a file repeating another has a duplicate on every row: the first rows are listed, the rest counted
    from duikou.projects.imports import ProjectImporter

    monkeypatch.setattr(ProjectImporter, "duplicate_rows_listed", 2)
    rows = [HEADER, *(plan_row(f"SH-2025-00{number:02d}", SCHOOL) for number in range(1, 6))]

    result = run(csv_bytes(rows), dry_run=True)

    listed = [warning for warning in result.warnings if warning.row is not None]
    assert {warning.row for warning in listed} == {3, 4}
    (summary,) = [warning for warning in result.warnings if warning.row is None]
    assert summary.message.startswith("另有 2 行疑似重复，未逐一列出（只列出前 2 行）")


def test_rows_alike_in_different_counties_give_no_warning(world):  # noqa: F811
    other_county()
    rows = [
        HEADER,
        plan_row("SH-2025-0011", "第三中学教学楼建设项目"),
        plan_row("SH-2025-0012", "第三中学教学楼建设项目", division="653126"),
    ]

    result = run(csv_bytes(rows), dry_run=True)

    assert result.errors == [] and result.warnings == []


def values(name=SCHOOL, *, year=2025, division=None, **fields):
    """A row's values as the import passes them: an unsaved Project holding its related objects."""
    return Project(
        name=name, plan_year=year, division=division or make_county(), supporter=make_supporter(), **fields
    )


def test_the_finder_names_the_earlier_row_of_the_file():
    finder = ProjectDuplicateFinder(bulk=True)

    assert finder.find(values(), row=12) == []
    (duplicate,) = finder.find(values("莎车县第三中学（教学楼）建设项目", year=2026), row=30)

    assert (duplicate.row, duplicate.pk, duplicate.plan_year, duplicate.score) == (12, None, 2025, 1.0)
    assert duplicate.is_in_file and duplicate.get_absolute_url() == ""
    assert duplicate.warning().startswith(
        "与本文件第 12 行（莎车县第三中学（教学楼）建设项目）疑似重复：上海市，2025年，"
    )
    assert duplicate.describe().startswith("本文件第 12 行 ")
    assert duplicate.as_dict()["row"] == 12


def test_the_finder_reports_saved_projects_first_and_then_rows_of_the_file():
    saved = make_project(name=SCHOOL, code="SH-2024-0001", plan_year=2024)
    finder = ProjectDuplicateFinder(bulk=True)

    (first,) = finder.find(values(category=saved.category), row=2)
    found = finder.find(values(category=saved.category), row=3)  # equal scores: the saved project first

    assert first.pk == saved.pk and first.row is None
    assert [(item.pk, item.row) for item in found] == [(saved.pk, None), (None, 2)]
    assert found[0].warning().startswith("疑似与已有项目重复：SH-2024-0001 ")


def test_yearly_activities_in_other_years_of_one_file_are_not_duplicates():
    finder = ProjectDuplicateFinder(bulk=True)
    training = "莎车县教师培训"

    assert finder.find(values(training, is_fixed_asset=False), row=2) == []
    assert finder.find(values(training, year=2026, is_fixed_asset=False), row=3) == []  # every year anew
    assert [item.row for item in finder.find(values(training, is_fixed_asset=False), row=4)] == [2]


def test_rows_far_apart_in_years_or_not_neighbours_are_not_compared():
    finder = ProjectDuplicateFinder(bulk=True)
    finder.find(values(), row=2)

    assert finder.find(values(year=2028), row=3) == []  # three years later
    assert finder.find(values(division=other_county()), row=4) == []
    assert [item.row for item in finder.find(values(division=make_prefecture()), row=5)] == [2]  # 州直


def test_a_row_is_kept_as_two_ints():
    rows = FileRows()
    for number in range(2, 1002):
        profile = FileRows.profile_of(values(f"莎车县第{number}号安居房"), 2025)
        rows.add(profile, make_county().pk, f"key{number}", number)

    assert len(rows.by_fingerprint) == 1000 and len(rows.profiles) == 1
    assert all(type(key) is int and type(entry) is int for key, entry in rows.by_fingerprint.items())


def test_a_likely_duplicate_of_a_saved_project_is_unchanged_for_the_form_and_the_api():
    duplicate = LikelyDuplicate(pk=7, code="SH-1", name="楼", supporter="上海市", plan_year=2024, score=0.9)

    assert not duplicate.is_in_file
    assert "row" not in duplicate.as_dict()
    assert duplicate.describe() == "SH-1 楼（上海市，2024年，相似度 0.9）："


# -- the committed import's projects, scanned for rewordings ------------------------------------------------
def imported(*projects_fields) -> ImportBatch:
    """An import batch that created these projects (as the import logs them)."""
    batch = ImportBatch.objects.create(kind=ImportBatch.Kind.IMPORT, label="计划.csv")
    with change_context(user=None, source="import", import_batch=batch):
        for fields in projects_fields:
            make_project(**fields)
    return batch


def test_an_import_queues_the_duplicate_scan_of_its_projects_when_it_commits(
    django_capture_on_commit_callbacks,
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        batch = ImportBatch.objects.create(kind=ImportBatch.Kind.IMPORT, label="x.csv")
        batch.finished = batch.started
        batch.save(update_fields=["counts", "finished"])
    generated = ImportBatch(kind=ImportBatch.Kind.GENERATED, label="generate", finished=batch.started)
    with django_capture_on_commit_callbacks(execute=True):
        checks_after_import(ImportBatch, generated)

    queued = DBTaskResult.objects.filter(task_path="duikou.checks.tasks.duplicates_after_import_task")
    assert [task.args_kwargs["kwargs"] for task in queued] == [{"import_batch_id": batch.pk}]


def test_the_scan_after_an_import_adds_its_rewordings_to_the_queue():
    saved = make_project(name="莎车县第二中学教学楼建设项目", code="SH-2024-0001", plan_year=2024)
    unrelated = make_project(name="莎车县人民医院门诊楼", code="SH-2024-0002", plan_year=2024)
    make_project(name="莎车县人民医院门诊综合楼", code="SH-2024-0003", plan_year=2024)  # not this import's
    batch = imported(
        {"name": "莎车县第二中学教学综合楼", "code": "SH-2025-0001", "plan_year": 2025},  # a rewording
        {"name": "莎车县养老院", "code": "SH-2025-0002", "plan_year": 2025},
    )
    reworded = Project.objects.get(code="SH-2025-0001")

    assert set(projects_of_batch(batch.pk)) == {reworded, Project.objects.get(code="SH-2025-0002")}
    counts = duplicates_after_import_task.call(import_batch_id=batch.pk)

    assert counts == {"created": 1, "updated": 0}
    pair = DuplicatePair.objects.get()
    assert (pair.project_a, pair.project_b, pair.decision) == (saved, reworded, "")
    assert not DuplicatePair.objects.of_project(unrelated).exists()  # only the import's projects' pairs


def test_the_scan_after_an_import_never_brings_back_a_decided_pair_nor_removes_others():
    saved = make_project(name="莎车县第二中学教学楼建设项目", code="SH-2024-0001", plan_year=2024)
    batch = imported({"name": "莎车县第二中学教学综合楼", "code": "SH-2025-0001", "plan_year": 2025})
    duplicates_after_import_task.call(import_batch_id=batch.pk)
    pair = DuplicatePair.objects.get()
    with change_context(user=None, source="system"):
        decide_pair(pair, DuplicateDecision.DISTINCT, acting_user=make_user("reviewer", is_superuser=True))
    other = make_project(name="莎车县人民医院门诊楼", code="SH-2024-0002", plan_year=2024)
    pending = DuplicatePair.objects.create(
        project_a=saved, project_b=other, division=saved.division, score="0.750", kind="duplicate"
    )

    assert duplicates_after_import_task.call(import_batch_id=batch.pk) == {"created": 0, "updated": 0}
    pair.refresh_from_db()
    assert pair.decision == DuplicateDecision.DISTINCT
    assert DuplicatePair.objects.filter(pk=pending.pk).exists()  # a partial scan removes nothing
