"""Hand-made edge cases the generator may never produce: each still gives a valid IATI 2.03 file."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from duikou.funds.choices import EntryKind
from duikou.funds.services import reverse_entry
from duikou.projects.choices import DeliveryMode, ProjectStatus
from duikou.testing import make_entry, make_project

from .conftest import activity_of, assert_valid, export_bytes


@pytest.mark.django_db
def test_hand_made_edge_cases_validate(office, iati_schema):
    no_ledger = make_project(code="EDGE-NO-LEDGER", status=ProjectStatus.RESERVE)
    undated = make_project(code="EDGE-NO-DATES", planned_start=None, planned_end=None)
    cancelled = make_project(code="EDGE-CANCELLED", status=ProjectStatus.CANCELLED)
    adjusted = make_project(code="EDGE-ADJUSTED", status=ProjectStatus.ADJUSTED)
    escaped = make_project(
        code="EDGE-&<>",
        name="莎车县“民族团结”广场 & 配套 <一期> 工程\x0b",
        description="含 &amp; 与 <b>标签</b> 的说明 > 100 字符\x01",
        planned_start=datetime.date(2024, 3, 1),
        planned_end=datetime.date(2024, 11, 30),
        actual_start=datetime.date(2024, 3, 20),
        latitude=Decimal("38.41437"),
        longitude=Decimal("77.24056"),
        delivery_mode=DeliveryMode.TURNKEY,
        status=ProjectStatus.UNDER_CONSTRUCTION,
    )
    no_aid = make_project(
        code="EDGE-NO-AID",
        total_investment=Decimal("0.00"),
        aid_amount=Decimal("0.00"),
        local_matching=Decimal("0.00"),
    )
    entry = make_entry(
        escaped, kind=EntryKind.ARRIVED, amount="300000.00", document_reference="沪援〔2024〕<1>号"
    )
    reverse_entry(entry, reason="金额录错 & 重录 <见附件>", value_date=datetime.date(2024, 3, 5))
    make_entry(escaped, kind=EntryKind.ADJUSTMENT, amount="-50000.00")
    make_entry(escaped, kind=EntryKind.RETURNED, amount="20000.00")
    make_entry(cancelled, kind=EntryKind.PLAN, amount="800000.00")

    root = assert_valid(iati_schema, export_bytes())

    assert len(root.findall("iati-activity")) == 6
    for project in (no_ledger, undated, cancelled, adjusted, escaped, no_aid):
        activity_of(root, project)
    assert activity_of(root, escaped).findtext("title/narrative") == "莎车县“民族团结”广场 & 配套 <一期> 工程"
