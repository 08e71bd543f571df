"""`generate --replace` wipes the recipients' answers and the closed periods with the ledger (issue 5): on
PostgreSQL a TRUNCATE of the ledger alone is refused while another table references it, and a lock left
behind would refuse the new data set's dates."""

import datetime

import pytest
from django.db import connection

from duikou.demo.wipe import wipe_dataset
from duikou.funds.models import ArrivalConfirmation, LedgerEntry, PeriodLock
from duikou.funds.services import close_period, confirm_arrival
from duikou.testing import make_entry, make_project

pytestmark = pytest.mark.django_db


def test_the_wipe_removes_answers_and_locks_with_the_ledger():
    project = make_project()
    confirm_arrival(make_entry(project, value_date=datetime.date(2024, 3, 1)), acting_user=None)
    close_period(
        acting_user=None, programme=project.programme, year=2024, month=3, reason="月结", allow_pending=True
    )

    if connection.vendor == "postgresql":
        # The rows above were written in this test's transaction: their deferred foreign-key checks would
        # make TRUNCATE refuse ("pending trigger events"), which a real `--replace` after a load never meets.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    counts = wipe_dataset()

    assert counts["funds.ArrivalConfirmation"] == counts["funds.PeriodLock"] == 1
    assert not (
        LedgerEntry.objects.exists() or ArrivalConfirmation.objects.exists() or PeriodLock.objects.exists()
    )
    assert make_entry(make_project(), value_date=datetime.date(2024, 3, 1)).pk
