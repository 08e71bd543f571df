"""Runs keep findings: new ones open, changed ones update, gone ones close themselves with a note, nothing
is deleted; people change a finding's status with a reason and comment on it; `duikou findings`."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from duikou.accounts.choices import Role
from duikou.checks.findings import run_checks
from duikou.checks.models import CheckRun, Finding, FindingComment
from duikou.checks.rules.choices import FindingStatus
from duikou.checks.services import add_comment, change_status
from duikou.checks.tasks import checks_after_import, next_night
from duikou.core.models import ImportBatch, ObjectChange
from duikou.funds.choices import EntryKind
from duikou.testing import make_entry, make_project, make_supporter, make_user

from .rule_helpers import AS_OF, make_rule

pytestmark = pytest.mark.django_db


def mismatched_project():
    return make_project(total_investment=Decimal("1000100"))


def test_a_run_opens_a_finding_with_its_rule_subject_value_threshold_and_rows():
    project = mismatched_project()
    rule = make_rule("total_mismatch")
    run = run_checks(as_of=AS_OF)
    (finding,) = Finding.objects.all()
    assert (finding.rule, finding.key, finding.project, finding.supporter, finding.division) == (
        rule,
        f"project:{project.pk}",
        project,
        project.supporter,
        project.division,
    )
    assert (finding.value, finding.threshold, finding.status, finding.holds) == (
        Decimal("1000100.0000"),
        Decimal("1000000.0000"),
        FindingStatus.OPEN,
        True,
    )
    assert finding.subject == project
    assert finding.rows_url == project.get_absolute_url()
    assert run.counts == {"total-mismatch": {"found": 1, "new": 1, "changed": 0, "closed": 0, "reopened": 0}}


def test_a_second_run_with_nothing_changed_writes_nothing():
    mismatched_project()
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    changes = ObjectChange.objects.count()
    run = run_checks(as_of=AS_OF)
    assert ObjectChange.objects.count() == changes
    assert run.counts["total-mismatch"] == {"found": 1, "new": 0, "changed": 0, "closed": 0, "reopened": 0}
    assert CheckRun.objects.count() == 2


def test_a_finding_that_stops_holding_closes_itself_with_a_note_and_reopens_when_it_holds_again():
    project = mismatched_project()
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    project.total_investment = Decimal("1000000")
    project.save()
    run = run_checks(as_of=AS_OF)
    finding = Finding.objects.get()
    assert (finding.status, finding.holds, run.counts["total-mismatch"]["closed"]) == (
        FindingStatus.RESOLVED,
        False,
        1,
    )
    assert finding.closed_at is not None
    (note,) = finding.comments.all()
    assert (note.author, note.from_status, note.to_status) == (
        None,
        FindingStatus.OPEN,
        FindingStatus.RESOLVED,
    )
    assert note.text == "2024-12-31 核查时该问题已不再成立，自动关闭。"
    project.total_investment = Decimal("1000200")
    project.save()
    run = run_checks(as_of=AS_OF)
    finding.refresh_from_db()
    assert (finding.status, finding.holds, finding.value, run.counts["total-mismatch"]["reopened"]) == (
        FindingStatus.OPEN,
        True,
        Decimal("1000200.0000"),
        1,
    )
    assert [c.to_status for c in finding.comments.order_by("pk")] == [
        FindingStatus.RESOLVED,
        FindingStatus.OPEN,
    ]


def test_a_false_positive_stays_one_while_it_holds_and_is_never_deleted():
    mismatched_project()
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    finding = Finding.objects.get()
    change_status(finding, acting_user=None, status=FindingStatus.FALSE_POSITIVE, comment="配套资金另有来源")
    run_checks(as_of=AS_OF)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FALSE_POSITIVE
    Finding.objects.filter(pk=finding.pk)  # still there
    rule = finding.rule
    rule.is_enabled = False
    rule.save()
    run_checks(as_of=AS_OF)
    assert Finding.objects.filter(pk=finding.pk, holds=True).exists()  # a disabled rule closes nothing


def test_a_value_that_changes_updates_the_finding_in_place():
    project = mismatched_project()
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    first = Finding.objects.get()
    project.total_investment = Decimal("1000500")
    project.save()
    run = run_checks(as_of=AS_OF)
    finding = Finding.objects.get()
    assert finding.pk == first.pk and finding.value == Decimal("1000500.0000")
    assert finding.last_changed_run == run and run.counts["total-mismatch"]["changed"] == 1


def test_a_run_for_one_year_leaves_other_years_alone():
    mismatched_project(), make_project(plan_year=2023, total_investment=Decimal("5"))
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    assert Finding.objects.filter(holds=True).count() == 2
    run_checks(as_of=AS_OF, year=2024)
    assert Finding.objects.filter(holds=True).count() == 2


def test_status_changes_need_a_reason_an_allowed_move_and_the_permission():
    mismatched_project()
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    finding = Finding.objects.get()
    office = make_user("office", role=Role.COORDINATION_OFFICE)
    change_status(finding, acting_user=office, status=FindingStatus.ACKNOWLEDGED, comment="已通知前指核实")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACKNOWLEDGED
    (entry,) = finding.comments.all()
    assert (entry.author, entry.text, entry.from_status, entry.to_status) == (
        office,
        "已通知前指核实",
        FindingStatus.OPEN,
        FindingStatus.ACKNOWLEDGED,
    )
    with pytest.raises(ValidationError) as refused:
        change_status(finding, acting_user=office, status=FindingStatus.RESOLVED, comment="  ")
    assert refused.value.message_dict == {"comment": ["请说明理由。"]}
    change_status(finding, acting_user=office, status=FindingStatus.RESOLVED, comment="已更正总投资")
    with pytest.raises(ValidationError) as refused:
        change_status(finding, acting_user=office, status=FindingStatus.ACKNOWLEDGED, comment="x")
    assert refused.value.message_dict == {"status": ["不能从“已解决”改为“已确认”。"]}
    auditor = make_user("auditor", role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        change_status(finding, acting_user=auditor, status=FindingStatus.OPEN, comment="x")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED and finding.comments.count() == 2


def test_comments_are_kept_in_the_thread_and_a_supporter_answers_only_its_own():
    project = mismatched_project()
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    finding = Finding.objects.get()
    own = make_user("shanghai", role=Role.SUPPORTER_EDITOR, organization=project.supporter)
    comment = add_comment(finding, acting_user=own, text="正在补录地方配套")
    assert (comment.author, comment.text, comment.from_status) == (own, "正在补录地方配套", "")
    other = make_user("zhejiang", role=Role.SUPPORTER_EDITOR, organization=make_supporter("浙江省"))
    with pytest.raises(PermissionDenied):
        add_comment(finding, acting_user=other, text="x")
    with pytest.raises(ValidationError):
        add_comment(finding, acting_user=own, text="")
    assert FindingComment.objects.count() == 1


def test_findings_command_prints_json_with_rule_subject_period_value_threshold_and_url():
    project = mismatched_project()
    make_rule("total_mismatch")
    make_rule("idle_balance")
    make_entry(project, kind=EntryKind.ARRIVED, amount="500", value_date=datetime.date(2023, 1, 1))
    out = StringIO()
    call_command("findings", "--json", "--as-of", "2024-12-31", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["as_of"] == "2024-12-31"
    assert sorted(
        (f["rule"], f["subject"], f["period"], f["value"], f["threshold"]) for f in payload["findings"]
    ) == [
        ("idle-balance", str(project), "2024年度", "500", "0"),
        ("total-mismatch", str(project), "2024年度", "1000100", "1000000"),
    ]
    assert {f["url"] for f in payload["findings"]} == {
        project.get_absolute_url(),
        f"/ledger/?programme={project.programme_id}&project={project.pk}",
    }
    out = StringIO()
    call_command("findings", "--rule", "idle-balance", "--year", "2024", "--as-of", "2024-12-31", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].startswith("[中] idle-balance · ")


def test_findings_command_refuses_an_unknown_rule():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No rule nope"):
        call_command("findings", "--rule", "nope", stdout=StringIO())


def test_a_finished_import_queues_a_run_when_its_transaction_commits(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        batch = ImportBatch.objects.create(kind=ImportBatch.Kind.IMPORT, label="x.xlsx")
        batch.finished = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
        batch.save(update_fields=["counts", "finished"])
    queued = DBTaskResult.objects.filter(task_path="duikou.checks.tasks.run_checks_task")
    assert [task.args_kwargs["kwargs"] for task in queued] == [
        {"trigger": "import", "import_batch_id": batch.pk}
    ]
    reference = ImportBatch(kind=ImportBatch.Kind.REFERENCE, label="load-reference", finished=batch.finished)
    with django_capture_on_commit_callbacks(execute=True):
        checks_after_import(ImportBatch, reference)
    assert queued.count() == 1


def test_the_nightly_run_is_at_two_in_the_morning_local_time():
    from django.utils import timezone

    evening = timezone.make_aware(datetime.datetime(2024, 5, 1, 22, 0))
    assert timezone.localtime(next_night(evening)).replace(tzinfo=None) == datetime.datetime(2024, 5, 2, 2, 0)
    small_hours = timezone.make_aware(datetime.datetime(2024, 5, 1, 1, 0))
    assert timezone.localtime(next_night(small_hours)).replace(tzinfo=None) == datetime.datetime(
        2024, 5, 1, 2, 0
    )
