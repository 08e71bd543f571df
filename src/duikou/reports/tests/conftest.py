"""Shared by the IATI tests: the official schema, a coordination office that reports, reading exports back."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from duikou.parties.choices import OrganizationKind
from duikou.reports.iati import IatiExport, resolve_scope
from duikou.testing import make_supporter

# The official IATI 2.03 schemas live beside the repository (../shared/iati-2.03), not inside it.
SCHEMA_DIR = Path(__file__).resolve().parents[4] / ".." / "shared" / "iati-2.03"
OFFICE_NAME = "新疆维吾尔自治区对口援疆工作协调领导小组办公室"


@pytest.fixture(scope="session")
def iati_schema() -> etree.XMLSchema:
    """The official activities schema; the test is skipped, saying why, when it is not there."""
    path = SCHEMA_DIR / "iati-activities-schema.xsd"
    if not path.is_file():
        pytest.skip(
            f"IATI 2.03 schemas not found at {SCHEMA_DIR.resolve()} (../shared/iati-2.03 beside the "
            "repository): schema validation skipped"
        )
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(schema: etree.XMLSchema, document: bytes) -> etree._Element:
    """Parse an export, fail with the schema's own messages if it is invalid, return its root."""
    root = etree.fromstring(document)
    if not schema.validate(root):
        errors = "\n".join(f"line {error.line}: {error.message}" for error in schema.error_log)
        pytest.fail(f"the export is not valid IATI 2.03:\n{errors}")
    return root


@pytest.fixture
def office():
    """The coordination office (自治区援疆办), which reports the programme's activities."""
    return make_supporter(OFFICE_NAME, kind=OrganizationKind.COORDINATION_OFFICE, short_name="自治区援疆办")


def export_bytes(**scope) -> bytes:
    return b"".join(IatiExport(resolve_scope(**scope)).chunks())


def export_root(**scope) -> etree._Element:
    return etree.fromstring(export_bytes(**scope))


def activity_of(root: etree._Element, project) -> etree._Element:
    """The activity of a project, found by the project code the export keeps as its own identifier."""
    found = root.xpath("iati-activity[other-identifier[@type='A1']/@ref=$code]", code=project.code)
    assert len(found) == 1, f"{project.code}: {len(found)} activities"
    return found[0]
