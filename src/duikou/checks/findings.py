"""Running the checks: measure every enabled rule, then bring its findings up to date.

`run_checks()` is what the checks page's button, `duikou findings`, the run after an import and the nightly
task call. For each rule it asks the rule kind (`checks.rules`) for the subjects that fail now and reconciles
them with the stored findings, by key:

- a new failing subject opens a finding;
- a finding that still holds is rewritten only when what it says changed (value, threshold, rows …), so a
  nightly run writes no change-log row for findings that stand still;
- a finding that stops holding is resolved, with a note in its thread (a false positive stays one);
- a resolved finding that holds again is opened again, with a note.

Nothing is deleted: findings never vanish silently. Writes are change-logged, so the caller opens a change
context (the web request has one; commands and tasks open their own).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core.models import ImportBatch
from duikou.programmes.models import Programme

from .models import CheckRule, CheckRun, Finding, FindingComment
from .rules.base import CheckContext, Hit
from .rules.choices import FindingStatus, RunTrigger

# The fields a run writes from a hit; a stored finding is rewritten only when one of them differs.
HIT_FIELDS = (
    "subject_label",
    "message",
    "value",
    "threshold",
    "comparator",
    "unit",
    "year",
    "period",
    "supporter_id",
    "division_id",
    "project_id",
    "other_project_id",
    "rows_url",
    "details",
)
# Kinds whose measured value is an age that grows every day (days since completion, days to a term's end):
# the value alone changing does not rewrite the finding (its message names the dates).
AGEING_KINDS = {"completed_not_accepted", "term_ending_without_successor"}


def default_as_of() -> datetime.date:
    """Today; or, when the database holds a generated demo data set, the day it describes (its as-of date):
    the demo's world stops there, and measuring ages against today would find what was never planted."""
    today = datetime.date.today()
    generated = ImportBatch.objects.filter(kind=ImportBatch.Kind.GENERATED).order_by("-started").first()
    if generated is not None and generated.parameters.get("as_of"):
        return min(today, datetime.date.fromisoformat(generated.parameters["as_of"]))
    return today


@dataclass
class RuleOutcome:
    rule: CheckRule
    hits: list[Hit] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    closed: int = 0
    reopened: int = 0

    def as_dict(self) -> dict:
        return {
            "found": len(self.hits),
            "new": self.new,
            "changed": self.changed,
            "closed": self.closed,
            "reopened": self.reopened,
        }


def run_checks(
    *,
    programme: Programme | None = None,
    rule_codes: list[str] | None = None,
    year: int | None = None,
    as_of: datetime.date | None = None,
    trigger: str = RunTrigger.COMMAND,
    user=None,
) -> CheckRun:
    """Run the enabled rules of a programme (all programmes when None) and update their findings.

    Args:
        programme: the programme whose rules run; None runs every programme's.
        rule_codes: only these rules (codes); None runs every enabled rule.
        year: only this year's subjects; the findings of other years are left as they are.
        as_of: the day measured (default `default_as_of()`).
        trigger: what started the run (`RunTrigger`).
        user: who started it, if a person did.

    Returns:
        The last `CheckRun` (one per programme), with per-rule counts; `run.outcomes` holds the rules' hits.
    """
    as_of = as_of or default_as_of()
    programmes = [programme] if programme is not None else list(Programme.objects.order_by("pk"))
    run = None
    for each in programmes:
        run = _run_programme(each, rule_codes=rule_codes, year=year, as_of=as_of, trigger=trigger, user=user)
    return run


def _run_programme(programme, *, rule_codes, year, as_of, trigger, user) -> CheckRun:
    rules = CheckRule.objects.filter(programme=programme, is_enabled=True).order_by("code")
    if rule_codes:
        rules = rules.filter(code__in=rule_codes)
    rules = list(rules)
    run = CheckRun.objects.create(
        trigger=trigger,
        as_of=as_of,
        user=user if getattr(user, "is_authenticated", False) else None,
        programme=programme,
        year=year,
        rule_codes=[rule.code for rule in rules],
    )
    context = CheckContext(programme=programme, as_of=as_of, year=year)
    outcomes = []
    for rule in rules:
        implementation = rule.implementation
        if implementation is None:
            continue
        with transaction.atomic():
            outcome = RuleOutcome(rule, list(implementation(rule).evaluate(context)))
            _reconcile(outcome, run, year)
        outcomes.append(outcome)
    run.counts = {outcome.rule.code: outcome.as_dict() for outcome in outcomes}
    run.finished = timezone.now()
    run.save(update_fields=["counts", "finished"])
    run.outcomes = outcomes
    return run


def _content_types(hits: list[Hit]) -> dict[str, ContentType]:
    labels = {hit.subject_model for hit in hits if hit.subject_model}
    types = {}
    for label in labels:
        app_label, model = label.split(".")
        types[label] = ContentType.objects.get_by_natural_key(app_label, model)
    return types


def _reconcile(outcome: RuleOutcome, run: CheckRun, year: int | None) -> None:
    """Bring the rule's stored findings in line with its hits (see the module docstring)."""
    rule, now = outcome.rule, timezone.now()
    stored = Finding.objects.filter(rule=rule)
    if year is not None:
        stored = stored.filter(year=year)
    existing = {finding.key: finding for finding in stored}
    content_types = _content_types(outcome.hits)
    ageing = rule.kind in AGEING_KINDS
    created, updated, comments = [], [], []
    seen = set()
    for hit in outcome.hits:
        if hit.key in seen:
            continue  # one subject once per run
        seen.add(hit.key)
        values = {name: getattr(hit, name) for name in HIT_FIELDS}
        subject_type = content_types.get(hit.subject_model)
        values["subject_type_id"] = subject_type.pk if subject_type else None
        values["subject_id"] = hit.subject_id if subject_type else None
        finding = existing.get(hit.key)
        if finding is None:
            created.append(
                Finding(
                    rule=rule,
                    key=hit.key,
                    severity=rule.severity,
                    status=FindingStatus.OPEN,
                    holds=True,
                    first_found=now,
                    last_changed_run=run,
                    **values,
                )
            )
            continue
        changed = [
            name
            for name, value in values.items()
            if getattr(finding, name) != value and not (ageing and name in ("value", "message"))
        ]
        if finding.severity != rule.severity:
            finding.severity = rule.severity
            changed.append("severity")
        if not finding.holds:
            finding.holds = True
            changed.append("holds")
            if finding.status == FindingStatus.RESOLVED:
                comments.append(
                    _status_note(finding, FindingStatus.OPEN, _("再次核查时该问题重新出现，已重新打开。"))
                )
                finding.status, finding.closed_at = FindingStatus.OPEN, None
                changed += ["status", "closed_at"]
                outcome.reopened += 1
        if changed:
            for name, value in values.items():
                setattr(finding, name, value)
            finding.last_changed_run, finding.last_updated = run, now
            updated.append(finding)
            outcome.changed += 1
    for key, finding in existing.items():
        if key in seen or not finding.holds:
            continue
        finding.holds = False
        finding.last_changed_run, finding.last_updated = run, now
        if finding.status in (FindingStatus.OPEN, FindingStatus.ACKNOWLEDGED):
            comments.append(
                _status_note(
                    finding,
                    FindingStatus.RESOLVED,
                    _("{date} 核查时该问题已不再成立，自动关闭。").format(date=run.as_of.isoformat()),
                )
            )
            finding.status, finding.closed_at = FindingStatus.RESOLVED, now
            outcome.closed += 1
        updated.append(finding)
    outcome.new = len(created)
    if created:
        Finding.objects.bulk_create(created, batch_size=500)
    if updated:
        Finding.objects.bulk_update(
            updated,
            [
                *HIT_FIELDS,
                "subject_type_id",
                "subject_id",
                "severity",
                "status",
                "holds",
                "closed_at",
                "last_changed_run",
                "last_updated",
            ],
            batch_size=500,
        )
    if comments:
        FindingComment.objects.bulk_create(comments, batch_size=500)


def _status_note(finding: Finding, to_status: str, text: str) -> FindingComment:
    """The thread entry a run leaves when it changes a finding's status (no author: the checks)."""
    return FindingComment(
        finding=finding, author=None, text=text, from_status=finding.status, to_status=to_status
    )
