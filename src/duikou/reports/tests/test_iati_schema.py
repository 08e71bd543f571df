"""The IATI export validates against the official 2.03 schema (issue 4, done-when).

Two sources of data: a small generated data set (every status, entry kind, reversal and return the
generator plants, ~770 projects), and hand-made edge cases the generator may never produce.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from duikou.core.context import change_context
from duikou.demo.generator import generate_dataset
from duikou.reference.loader import load_reference

from .conftest import assert_valid, export_bytes

SCALE = 0.02


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference()
        with change_context(source="test", note="IATI export of a generated data set"):
            generate_dataset(scale=SCALE, seed=5, progress=lambda message: None)
        yield
        transaction.set_rollback(True)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize(
    "scope",
    [{}, {"year": 2024}, {"supporter": "浙江省", "from_year": 2020, "to_year": 2025}],
    ids=["everything", "one-year", "a-supporter-with-its-cities"],
)
def test_generated_data_set_validates(dataset, iati_schema, scope):
    root = assert_valid(iati_schema, export_bytes(**scope))

    activities = root.findall("iati-activity")
    assert activities
    assert root.get("version") == "2.03"
    # Every kind the generator posts shows up, so every transaction path was validated.
    assert {"1", "3", "4", "11"} <= {code for code in root.xpath("//transaction-type/@code")}


@pytest.mark.slow
@pytest.mark.django_db
def test_generated_reversals_and_returns_are_negative(dataset, iati_schema):
    root = assert_valid(iati_schema, export_bytes())

    reversals = root.xpath("//transaction[contains(description/narrative, '冲正第')]")
    assert reversals, "the generated data set has reversals"
    assert all(Decimal(t.findtext("value")) != 0 for t in reversals)
    returned = root.xpath("//transaction[starts-with(description/narrative, '收回')]")
    assert returned and all(t.find("transaction-type").get("code") == "1" for t in returned)
