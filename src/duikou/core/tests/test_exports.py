"""The export writers (issue 4, items 4 and 7): rows read as plain values are the page's own cells, and
the XLSX written by rustpy-xlsxwriter keeps the header, formats, dates and blanks openpyxl reads back."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from duikou.core.exports import _value_rows, csv_lines, export_rows, write_xlsx
from duikou.core.imports.registry import importer_for
from duikou.funds.models import LedgerEntry
from duikou.funds.tables import LedgerEntryTable
from duikou.parties.models import Organization
from duikou.parties.tables import OrganizationTable
from duikou.projects.choices import ConstructionType
from duikou.projects.models import Project
from duikou.projects.tables import ProjectTable
from duikou.testing import make_entry, make_project

pytestmark = pytest.mark.django_db


def instance_rows(table, queryset):
    return [[column.export_value(obj) for column in table.visible_columns] for obj in queryset]


def test_rows_read_as_values_equal_the_columns_export_values_for_every_project_column():
    make_project(
        code="SH-1",
        planned_start=datetime.date(2024, 3, 1),
        construction_type=ConstructionType.CONTINUING,
        is_employment_oriented=True,
        flagship="百村千厂",
    )
    make_project(code="SH-2", is_in_plan=False)
    table = ProjectTable(visible=ProjectTable.column_names())
    queryset = table.prepare(Project.objects.all())

    rows = list(_value_rows(table.visible_columns, queryset))

    assert rows == instance_rows(table, queryset)
    assert rows[0][table.column_names().index("construction_type")] == "续建"  # the label, not "continuing"
    assert rows[0][table.column_names().index("is_employment_oriented")] == "是"


def test_ledger_rows_with_a_reversal_and_no_project_read_as_values():
    entry = make_entry()
    LedgerEntry.objects.create(
        programme=entry.programme,
        supporter=entry.supporter,
        division=entry.division,
        kind=entry.kind,
        amount=Decimal("-100000.00"),
        value_date=entry.value_date,
        fiscal_year=entry.fiscal_year,
        reverses=entry,
    )
    table = LedgerEntryTable(visible=LedgerEntryTable.column_names())
    queryset = table.prepare(LedgerEntry.objects.all())

    rows = list(_value_rows(table.visible_columns, queryset))

    assert rows == instance_rows(table, queryset)
    assert rows[0][table.column_names().index("reverses")] == entry.pk
    assert rows[0][table.column_names().index("project_code")] == ""


def test_a_column_that_is_not_a_field_falls_back_to_model_instances():
    Organization.objects.create(name="浙江省", kind="supporting_province", aliases=["浙江"])
    table = OrganizationTable(visible=OrganizationTable.column_names())
    queryset = table.prepare(Organization.objects.all())

    assert _value_rows(table.visible_columns, queryset) is None
    assert list(export_rows(table, queryset)) == instance_rows(table, queryset)


def test_xlsx_keeps_header_formats_dates_and_blanks():
    make_project(
        code="SH-1",
        planned_start=datetime.date(2024, 3, 1),
        aid_amount=Decimal("800000.50"),
        local_matching=Decimal("199999.50"),
    )
    make_project(code="SH-2")
    table = ProjectTable(visible=["code", "aid_amount", "planned_start", "is_in_plan"], sort="code")
    buffer = io.BytesIO()

    write_xlsx(table, table.prepare(Project.objects.all()), buffer, sheet_name="项目")

    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.title == "项目"
    assert sheet.freeze_panes == "A2"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["项目编号", "援助资金（元）", "计划开工", "计划内"],
        ["SH-1", 800000.5, datetime.datetime(2024, 3, 1), "是"],
        ["SH-2", 800000, None, "是"],
    ]
    assert sheet["A1"].font.b
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].number_format == "yyyy-mm-dd"


def test_xlsx_of_an_empty_view_is_the_header_alone():
    table = ProjectTable(visible=["code", "total_investment"])
    buffer = io.BytesIO()

    write_xlsx(table, table.prepare(Project.objects.none()), buffer, sheet_name="项目")

    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert list(sheet.iter_rows(values_only=True)) == [("项目编号", "总投资（元）")]


def test_csv_lines_are_the_same_cells():
    make_project(code="SH-1", aid_amount=Decimal("800000.50"), local_matching=Decimal("199999.50"))
    table = ProjectTable(visible=["code", "aid_amount", "is_in_plan", "planned_start"])

    text = "".join(csv_lines(table, table.prepare(Project.objects.all())))

    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        ["项目编号", "援助资金（元）", "计划内", "计划开工"],
        ["SH-1", "800000.50", "是", ""],
    ]


def test_template_csv_is_the_template_shape_and_imports_back_unchanged(tmp_path):
    """Regression (issue 4): `--template --format csv` wrote an XLSX."""
    make_project(code="SH-2024-0001", planned_start=datetime.date(2024, 3, 1))
    make_project(code="SH-2024-0002", is_in_plan=False)
    path = tmp_path / "t.csv"

    call_command("export", "projects", "--template", "--format", "csv", "-o", str(path))

    content = path.read_bytes()
    assert content.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == [
        f"{spec.label}（万元）" if spec.kind == "amount" else str(spec.label)
        for spec in importer_for("projects").columns
    ]
    result = importer_for("projects").run(content, "t.csv")
    assert result.errors == []
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 2}
