"""Two users posting against the same project at once lose nothing (issue 5, item 8).

Real concurrency needs real connections: each thread opens its own PostgreSQL connection (Django gives every
thread one) and closes it when done; the test data are committed (`transaction=True`) so that the threads see
them. A barrier starts the threads together. PostgreSQL only: SQLite serialises every writer on one file lock,
which proves nothing about row locks.

What could be lost, and what holds it:
- postings to one project: `post_entry` locks the project row (`_lock_project`), so the postings queue on it;
  each is its own insert and its change-log row, and the dashboards' rollups add it with `INSERT … ON CONFLICT
  DO UPDATE` (docs/decisions/0003), so the totals stay exact;
- two reversals of one entry: `reverse_entry` locks the entry, so the second sees the first and is refused;
- two API edits of one project: the row is read `FOR UPDATE` (core/api/views.py), so the second edit starts
  from the first's result instead of writing back the fields it read before (a lost update);
- two page edits of one project: the form carries the version it was opened with and the save is refused
  when the row changed since (core/views.py `ObjectFormView.check_unchanged_since_loaded`).
"""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, connections
from rest_framework.test import APIClient

from duikou.accounts.choices import Role
from duikou.core.choices import TokenScope
from duikou.core.context import change_context
from duikou.core.models import ObjectChange
from duikou.core.tokens import issue_token
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.funds.services import fund_totals, post_entry, reverse_entry
from duikou.projects.models import Project
from duikou.testing import make_entry, make_project, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs DATABASE_URL pointing to PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 4
POSTINGS_PER_THREAD = 25


def run_together(work, count: int) -> list:
    """Run `work(index)` in `count` threads started at once; return their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # handed back to the test, which asserts on it
            results[index] = error
        finally:
            connections.close_all()  # this thread's connection: never left open behind the test

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (a deadlock?)"
    return results


def changes_of(model, pks) -> list[ObjectChange]:
    content_type = ContentType.objects.get_for_model(model)
    return list(ObjectChange.objects.filter(changed_object_type=content_type, changed_object_id__in=pks))


def test_concurrent_postings_against_one_project_all_land_and_the_balances_are_exact():
    # given
    project = make_project()
    kinds = [EntryKind.ARRIVED, EntryKind.DISBURSED, EntryKind.SPENT]

    def post_many(index):
        posted = []
        with change_context(source="test", note=f"poster {index}"):
            for number in range(POSTINGS_PER_THREAD):
                entry = post_entry(
                    project=Project.objects.get(pk=project.pk),
                    kind=kinds[number % len(kinds)],
                    amount=Decimal(f"{index + 1}{number:03d}.25"),
                    value_date=datetime.date(2024, 1 + number % 12, 1 + index),
                    note=f"thread {index} posting {number}",
                )
                posted.append(entry.pk)
        return posted

    # when
    results = run_together(post_many, THREADS)

    # then: every posting is there, once, with its change-log row, and the totals are the sums posted
    assert not [result for result in results if isinstance(result, Exception)], results
    posted = [pk for result in results for pk in result]
    assert len(posted) == len(set(posted)) == THREADS * POSTINGS_PER_THREAD
    assert set(LedgerEntry.objects.filter(project=project).values_list("pk", flat=True)) == set(posted)
    expected = {kind: Decimal("0.00") for kind in kinds}
    for index in range(THREADS):
        for number in range(POSTINGS_PER_THREAD):
            expected[kinds[number % len(kinds)]] += Decimal(f"{index + 1}{number:03d}.25")
    totals = fund_totals(LedgerEntry.objects.filter(project=project))
    assert (totals.arrived, totals.disbursed, totals.spent) == (
        expected[EntryKind.ARRIVED],
        expected[EntryKind.DISBURSED],
        expected[EntryKind.SPENT],
    )
    assert len(changes_of(LedgerEntry, posted)) == THREADS * POSTINGS_PER_THREAD
    # the dashboards' rollups, kept by triggers, agree with the ledger they summarise
    from duikou.dashboards.rollups.maintenance import differences

    assert differences() == {}


def test_two_reversals_of_one_entry_at_once_post_one():
    # given
    entry = make_entry(amount="1000.00")

    def reverse(index):
        with change_context(source="test", note=f"reverser {index}"):
            return reverse_entry(
                LedgerEntry.objects.get(pk=entry.pk),
                reason=f"第{index}次",
                value_date=datetime.date(2024, 6, 1),
            )

    # when
    results = run_together(reverse, 2)

    # then
    reversals = [result for result in results if isinstance(result, LedgerEntry)]
    refusals = [result for result in results if isinstance(result, ValidationError)]
    assert (len(reversals), len(refusals)) == (1, 1), results
    assert refusals[0].messages == ["该分录已冲正，不能重复冲正。"]
    assert list(LedgerEntry.objects.filter(reverses=entry).values_list("pk", flat=True)) == [reversals[0].pk]


def test_two_api_edits_of_one_project_at_once_lose_nothing():
    # given: two scripts, each changing its own field of the same project again and again
    project = make_project()
    user = make_user("syncer", role=Role.SUPPORTER_EDITOR, organization=project.supporter)
    tokens = [issue_token(user, scope=TokenScope.WRITE)[1] for _ in range(2)]
    fields = ["name", "document_reference"]
    rounds = 15

    def edit(index):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[index]}")
        statuses = []
        for number in range(rounds):
            response = client.patch(
                f"/api/projects/{project.pk}/", {fields[index]: f"{fields[index]}-{number}"}, format="json"
            )
            statuses.append(response.status_code)
        return statuses

    # when
    results = run_together(edit, 2)

    # then: every edit landed, and none wrote back the other's field as it had read it
    assert results == [[200] * rounds, [200] * rounds], results
    project.refresh_from_db()
    assert (project.name, project.document_reference) == (
        f"name-{rounds - 1}",
        f"document_reference-{rounds - 1}",
    )
    updates = [change for change in changes_of(Project, [project.pk]) if change.action == "update"]
    assert len(updates) == 2 * rounds
    assert all(len(change.changed_fields) == 1 for change in updates), [c.changed_fields for c in updates]


def test_two_page_edits_of_one_project_at_once_save_one_and_refuse_the_other(client):
    # given: two officers opened the same edit page
    project = make_project(name="原名")
    officers = [make_user(f"officer-{index}", role=Role.PLATFORM_ADMIN) for index in range(2)]
    url = f"/projects/{project.pk}/edit/"
    from django.test import Client

    clients = []
    forms = []
    for officer in officers:
        browser = Client()
        browser.force_login(officer)
        page = browser.get(url)
        form = page.context["form"]
        data = {name: form[name].value() for name in form.fields}
        forms.append({key: ("" if value is None else value) for key, value in data.items()})
        clients.append(browser)

    def save(index):
        data = {**forms[index], "name": f"改名{index}"}
        return clients[index].post(url, data).status_code

    # when
    results = run_together(save, 2)

    # then: one saved (302 to the project), the other got the form back (200) with the reason
    assert sorted(results) == [200, 302], results
    project.refresh_from_db()
    winner = results.index(302)
    assert project.name == f"改名{winner}"
    updates = [change for change in changes_of(Project, [project.pk]) if change.action == "update"]
    assert [change.changed_fields for change in updates] == [["name"]]
