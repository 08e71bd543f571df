"""Remove a generated data set, for `duikou generate --replace` on a demo database.

This deletes every annual plan (with its reviews, versions and adjustments, which hold on to their projects),
project, ledger entry (with the recipients' answers to arrivals and the closed periods, which would refuse the
new data set's dates), assignment and measurement — the demo database holds nothing else — and their
change-log rows, which describe rows that no longer exist. The ledger's append-only trigger is lifted only
inside this transaction (`core.triggers.append_only_suspended`).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from duikou.checks.models import DuplicatePair, Finding, FindingComment
from duikou.core.models import ImportBatch, ObjectChange
from duikou.core.triggers import append_only_suspended
from duikou.demo.models import PlantedAnomaly
from duikou.funds.models import ArrivalConfirmation, LedgerEntry, PeriodLock
from duikou.outcomes.models import Measurement
from duikou.projects.models import (
    AnnualPlan,
    PlanAdjustment,
    PlanReview,
    PlanVersion,
    PlanVersionItem,
    Project,
    ProjectStatusChange,
)
from duikou.talent.models import Assignment

# Children first: each table only references tables later in the list.
DATASET_MODELS = [
    FindingComment,  # what the checks found in the data set goes with it
    Finding,
    DuplicatePair,
    PlanAdjustment,
    PlanVersionItem,
    PlanVersion,
    PlanReview,
    AnnualPlan,
    PlantedAnomaly,
    Measurement,
    Assignment,
    ArrivalConfirmation,
    PeriodLock,
    LedgerEntry,
    ProjectStatusChange,
    Project,
]


@transaction.atomic
def wipe_dataset() -> dict[str, int]:
    counts = {model._meta.label: model.objects.count() for model in DATASET_MODELS}
    tables = [model._meta.db_table for model in DATASET_MODELS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE fires no row triggers: the ledger's append-only rule is not bypassed row by row. It
            # refuses a table with deferred foreign-key checks still pending (rows inserted earlier in this
            # transaction, such as a plan's version items): run them first, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            with append_only_suspended(LedgerEntry._meta.db_table):
                for table in tables:
                    cursor.execute(f'DELETE FROM "{table}"')
    content_types = [ContentType.objects.get_for_model(model).pk for model in DATASET_MODELS]
    # Raw delete: the change log is not itself change-logged, and this runs on hundreds of thousands of rows.
    ObjectChange.objects.filter(changed_object_type_id__in=content_types)._raw_delete(ObjectChange.objects.db)
    ImportBatch.objects.filter(kind=ImportBatch.Kind.GENERATED).delete()
    return counts
