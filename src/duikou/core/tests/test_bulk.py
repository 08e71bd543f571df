"""The bulk writer: rows and their change-log rows, on SQLite and PostgreSQL alike."""

import json
from itertools import pairwise

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from duikou.core.bulk import BulkWriter, indexes_and_foreign_keys_deferred, snapshot_encoder
from duikou.core.changelog import serialize_object
from duikou.core.models import ObjectChange
from duikou.funds.models import LedgerEntry
from duikou.projects.models import Project
from duikou.testing import build_project, make_entry, make_project

pytestmark = pytest.mark.django_db


def row_of(instance) -> dict:
    return {field.attname: field.value_from_object(instance) for field in instance._meta.concrete_fields}


def test_snapshot_encoder_writes_what_the_change_log_would():
    project = make_project(name="莎车县“组团式”医院\\门诊楼", description='引号"与换行\n')
    entry = make_entry(project)

    for instance in (project, entry):
        expected = json.loads(json.dumps(serialize_object(instance), cls=DjangoJSONEncoder))
        assert json.loads(snapshot_encoder(type(instance))(row_of(instance))) == expected


def test_bulk_write_inserts_rows_and_their_change_log_rows():
    template = make_project()
    writer = BulkWriter()
    ids = list(writer.reserve_ids(Project, 3))
    rows = []
    for number, key in enumerate(ids):
        project = build_project(code=f"BULK-{number}", name=f"项目{number}")
        row = row_of(project)
        row.update(id=key, created=template.created, last_updated=template.last_updated)
        rows.append(row)

    with transaction.atomic(), indexes_and_foreign_keys_deferred([Project, ObjectChange]):
        writer.write(Project, rows, lambda row: row["code"])
    writer.finish()

    assert (
        list(Project.objects.filter(code__startswith="BULK-").order_by("pk").values_list("pk", flat=True))
        == ids
    )
    changes = ObjectChange.objects.filter(
        changed_object_type__model="project", changed_object_id__in=ids, action="create"
    )
    assert changes.count() == 3
    assert changes.get(changed_object_id=ids[0]).postchange_data["code"] == "BULK-0"
    # the sequence moved past the reserved keys: an ordinary save gets a fresh key
    assert make_project(code="AFTER").pk > max(ids)


def test_reserved_keys_are_fresh_and_distinct():
    writer = BulkWriter()
    first, second = list(writer.reserve_ids(Project, 4)), list(writer.reserve_ids(Project, 3))

    assert len(set(first + second)) == 7
    assert min(second) > max(first)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sequences")
def test_reserved_keys_that_are_not_consecutive_come_back_one_by_one():
    """Another session taking keys in between leaves gaps in ours: then the keys come back as a list (here
    the sequence steps by 2, which looks the same to the writer)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER SEQUENCE projects_project_id_seq INCREMENT BY 2")
    try:
        keys = list(BulkWriter().reserve_ids(Project, 4))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER SEQUENCE projects_project_id_seq INCREMENT BY 1")

    assert [later - earlier for earlier, later in pairwise(keys)] == [2, 2, 2]


def test_deferred_indexes_come_back():
    from django.db import connection

    def index_names():
        with connection.cursor() as cursor:
            return {
                index
                for index, info in connection.introspection.get_constraints(
                    cursor, LedgerEntry._meta.db_table
                ).items()
                if info["index"] and not info["primary_key"]
            }

    before = index_names()
    with transaction.atomic(), indexes_and_foreign_keys_deferred([LedgerEntry]):
        assert index_names() < before or not before
    assert index_names() == before
