"""The fund ledger is append-only: the database refuses UPDATE and DELETE, whatever the client."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from duikou.core.models import AppendOnlyError, ObjectChange
from duikou.core.triggers import install_sql
from duikou.funds.models import LedgerEntry
from duikou.testing import make_entry

pytestmark = pytest.mark.django_db


def stored_row(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT amount, kind, note FROM funds_ledgerentry WHERE id = %s", [pk])
        amount, kind, note = cursor.fetchone()
    return Decimal(str(amount)).quantize(Decimal("0.01")), kind, note


def test_raw_sql_update_of_a_ledger_row_is_refused():
    # given
    entry = make_entry(amount="1000.00")
    before = stored_row(entry.pk)

    # when
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE funds_ledgerentry SET amount = 1, note = 'changed' WHERE id = %s", [entry.pk])

    # then
    assert "append-only table funds_ledgerentry" in str(raised.value)
    assert stored_row(entry.pk) == before == (Decimal("1000.00"), "arrived", "")


def test_raw_sql_delete_of_a_ledger_row_is_refused():
    # given
    entry = make_entry(amount="1000.00")

    # when
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM funds_ledgerentry WHERE id = %s", [entry.pk])

    # then
    assert "append-only table funds_ledgerentry" in str(raised.value)
    assert stored_row(entry.pk) == (Decimal("1000.00"), "arrived", "")
    assert LedgerEntry.objects.count() == 1


def test_queryset_update_and_delete_of_ledger_rows_are_refused():
    # given
    entry = make_entry(amount="1000.00")
    changes = ObjectChange.objects.count()

    # when / then: the queryset refuses with the model's own error, before the database would
    with pytest.raises(AppendOnlyError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(note="changed")
    with pytest.raises(AppendOnlyError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()  # bypasses Model.delete()

    # then
    assert stored_row(entry.pk) == (Decimal("1000.00"), "arrived", "")
    assert ObjectChange.objects.count() == changes


def test_saving_an_existing_ledger_entry_is_refused():
    # given
    entry = make_entry(amount="1000.00")
    changes = ObjectChange.objects.count()

    # when
    entry.amount = Decimal("2000.00")
    with pytest.raises(AppendOnlyError) as raised:
        entry.save()

    # then
    assert str(raised.value) == "资金分录 只能新增，不能修改；请录入冲正分录。"
    assert stored_row(entry.pk) == (Decimal("1000.00"), "arrived", "")
    assert ObjectChange.objects.count() == changes


def test_deleting_a_ledger_entry_is_refused():
    # given
    entry = make_entry(amount="1000.00")
    changes = ObjectChange.objects.count()

    # when
    with pytest.raises(AppendOnlyError) as raised:
        entry.delete()

    # then
    assert str(raised.value) == "资金分录 只能新增，不能删除；请录入冲正分录。"
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()
    assert ObjectChange.objects.count() == changes


def test_inserting_ledger_rows_is_allowed():
    make_entry(amount="1000.00")
    make_entry(amount="500.00")

    assert LedgerEntry.objects.count() == 2


def test_install_sql_knows_both_databases_and_refuses_others():
    assert len(install_sql("postgresql", "funds_ledgerentry")) == 3
    assert len(install_sql("sqlite", "funds_ledgerentry")) == 4
    with pytest.raises(NotImplementedError):
        install_sql("mysql", "funds_ledgerentry")
