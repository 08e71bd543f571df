"""The import engine on files read in chunks (issue 4, items 1 and 7): what is written for one chunk is
rolled back with everything else when a later chunk has a mistake; changed rows are written in bulk and
logged with before and after; the fast rules give the verdicts `full_clean()` gives; a file read from disk
gives the same result as its bytes, in every encoding.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.core.imports.registry import importer_for
from duikou.core.imports.rules import ModelRules
from duikou.core.models import ImportBatch, ObjectChange
from duikou.geo.models import Division
from duikou.pairings.models import pairings_preloaded
from duikou.parties.models import Organization
from duikou.programmes.models import Category
from duikou.projects.imports import ProjectImporter
from duikou.projects.models import Project

from .test_imports import GOOD_ROWS, HEADER, csv_bytes, database_state, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]


def many_rows(count: int, *, bad_row: int | None = None) -> list[list]:
    rows = []
    for number in range(1, count + 1):
        aid = "abc" if number == bad_row else "800"
        rows.append(
            [
                f"SH-2025-{number:04d}",
                f"莎车县项目{number}",
                "2025",
                "上海",
                "653125",
                "民生",
                "1200",
                aid,
                "400",
                "",
                "是",
            ]
        )
    return rows


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(ProjectImporter, "chunk_rows", 3)


def test_a_mistake_in_a_later_chunk_rolls_back_the_chunks_already_written(small_chunks):
    before = database_state()

    result = importer_for("projects").run(csv_bytes([HEADER, *many_rows(10, bad_row=9)]), "plan.csv")

    assert [(error.row, error.column) for error in result.errors] == [(10, "其中：援疆资金（万元）")]
    assert result.batch_id is None
    assert database_state() == before
    assert not ImportBatch.objects.filter(kind=ImportBatch.Kind.IMPORT).exists()


def test_a_clean_file_in_many_chunks_is_one_batch(small_chunks):
    progress = []

    result = importer_for("projects").run(
        csv_bytes([HEADER, *many_rows(10)]),
        "plan.csv",
        progress=lambda done, total: progress.append(done),
    )

    assert result.counts == {"new": 10, "changed": 0, "unchanged": 0}
    assert Project.objects.filter(code__startswith="SH-2025-").count() == 10
    assert ObjectChange.objects.filter(import_batch_id=result.batch_id, action="create").count() == 10
    assert progress[-1] == 10 and progress == sorted(progress)


def test_duplicate_codes_in_different_chunks_are_found(small_chunks):
    rows = many_rows(6)
    rows[5][0] = rows[0][0]

    result = importer_for("projects").run(csv_bytes([HEADER, *rows]), "plan.csv")

    assert [(error.row, error.message) for error in result.errors] == [
        (7, "与第 2 行重复：同一文件中编号须唯一。")
    ]
    assert not Project.objects.filter(code__startswith="SH-2025-").exists()


def test_changed_rows_are_written_in_bulk_and_logged_with_before_and_after(small_chunks):
    importer_for("projects").run(csv_bytes([HEADER, *many_rows(5)]), "plan.csv")
    changed = many_rows(5)
    changed[3][7], changed[3][6] = "900", "1300"

    result = importer_for("projects").run(csv_bytes([HEADER, *changed]), "plan-v2.csv")

    assert result.counts == {"new": 0, "changed": 1, "unchanged": 4}
    project = Project.objects.get(code="SH-2025-0004")
    assert (project.aid_amount, project.total_investment) == (Decimal("9000000.00"), Decimal("13000000.00"))
    change = ObjectChange.objects.get(import_batch_id=result.batch_id)
    assert change.action == "update" and change.changed_object_id == project.pk
    assert change.prechange_data["aid_amount"] == "8000000.00"
    assert change.postchange_data["aid_amount"] == "9000000.00"
    assert Project.objects.get(code="SH-2025-0003").aid_amount == Decimal("8000000.00")


def test_a_file_on_disk_reads_as_its_bytes(tmp_path):
    data = csv_bytes([HEADER, *GOOD_ROWS], encoding="gb18030")
    path = tmp_path / "计划.csv"
    path.write_bytes(data)

    from_bytes = importer_for("projects").run(data, "计划.csv", dry_run=True)
    from_path = importer_for("projects").run(path, "计划.csv", dry_run=True)

    assert from_path.as_dict() == from_bytes.as_dict()
    assert from_path.counts["new"] == 2


def test_an_encoding_that_changes_halfway_is_a_clear_error():
    head = csv_bytes([HEADER, *many_rows(2000)], encoding="utf-8")
    tail = csv_bytes([[*many_rows(1)[0][:1], "莎车县养老院"]], encoding="gbk")

    result = importer_for("projects").run(head + tail, "plan.csv", dry_run=True)

    assert len(result.errors) == 1
    assert "文字编码与文件开头不一致" in result.errors[0].message
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"plan_year": 1989},
        {"name": ""},
        {"name": "名" * 300},
        {"aid_amount": Decimal("123456789012345678.00")},
        {"aid_amount": Decimal("1.005")},
        {"implementation_level": "省"},
        {"planned_start": datetime.date(2025, 5, 1), "planned_end": datetime.date(2025, 4, 1)},
        {"total_investment": Decimal("1.00")},
        {"aid_amount": Decimal("-5.00"), "total_investment": Decimal("11999995.00")},
    ],
)
def test_the_fast_rules_give_full_cleans_verdicts(changes):
    category = Category.objects.get()
    supporter = Organization.objects.get(name="上海市")
    county = Division.objects.get(code="653125")
    project = Project(
        code="SH-2025-0100",
        name="莎车县项目",
        plan_year=2025,
        programme=category.programme,
        supporter=supporter,
        division=county,
        category=category,
        total_investment=Decimal("12000000.00"),
        aid_amount=Decimal("8000000.00"),
        local_matching=Decimal("4000000.00"),
        other_funding=Decimal("0.00"),
    )
    for name, value in changes.items():
        setattr(project, name, value)
    references = ["programme", "supporter", "division", "category"]

    def verdict(check):
        try:
            check()
        except ValidationError as error:
            return error.message_dict if hasattr(error, "error_dict") else error.messages
        return None

    def slow_rules():
        """Django's `full_clean()` without its queries, then the check constraints on the fields at fault
        once every field is valid — what `ModelRules.validate` does with its memos and shortcuts."""
        from duikou.core.constraints import check_constraint_errors

        errors = {}
        try:
            project.full_clean(exclude=references, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.error_dict
        if verdict(lambda: project.clean_fields(exclude=references)) is None:
            for name, messages in check_constraint_errors(project).items():
                if name not in errors:
                    errors[name] = messages
        if errors:
            raise ValidationError(errors)

    with pairings_preloaded():
        expected = verdict(slow_rules)
        rules = ModelRules(Project)
        assert verdict(lambda: rules.validate(project)) == expected
        assert verdict(lambda: rules.validate(project)) == expected  # the remembered verdict too
    assert expected is not None


def test_every_mistake_of_a_row_is_on_its_cell():
    """A negative 援助资金 is reported on its cell beside the 总投资 that no longer adds up (a check
    constraint is not skipped because `clean()` found something else); dates in the wrong order on
    计划完工."""
    header = [*HEADER, "计划完工"]
    row = [*many_rows(1)[0], "2025-04-01"]
    row[header.index("其中：援疆资金（万元）")] = "-500"
    row[header.index("计划开工")] = "2025-05-01"

    result = importer_for("projects").run(csv_bytes([header, row]), "plan.csv", dry_run=True)

    found = {(error.column, error.message) for error in result.errors}
    assert ("其中：援疆资金（万元）", "金额不能为负数。") in found
    assert ("计划完工", "计划完工日期不能早于计划开工日期。") in found
    assert any(column == "总投资（万元）" for column, _message in found), found
    assert all(column for column, _message in found), found


def test_a_month_alone_starts_on_its_first_day_and_ends_on_its_last():
    """计划开工 2025年3月 and 计划完工 2025年3月: a project of March, not of March 1st."""
    header = [*HEADER, "计划完工"]
    row = [*many_rows(1)[0], "2025年3月"]
    row[header.index("计划开工")] = "2025年3月"

    result = importer_for("projects").run(csv_bytes([header, row]), "plan.csv")

    assert result.errors == []
    project = Project.objects.get(code=row[0])
    assert (project.planned_start, project.planned_end) == (
        datetime.date(2025, 3, 1),
        datetime.date(2025, 3, 31),
    )
