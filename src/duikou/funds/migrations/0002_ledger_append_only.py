"""The database refuses UPDATE and DELETE of ledger rows, on PostgreSQL and SQLite alike."""

from django.db import migrations

from duikou.core.triggers import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [AppendOnlyTrigger("funds", "LedgerEntry")]
