"""`duikou findings`: run the checks and print what they found (Django's own `check` keeps its name)."""

import datetime
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from duikou.checks.findings import run_checks
from duikou.checks.models import CheckRule, Finding
from duikou.checks.rules.choices import RunTrigger
from duikou.checks.tasks import ensure_nightly_run
from duikou.core.context import change_context
from duikou.programmes.models import Programme


def plain(value) -> str | None:
    """A stored decimal without trailing zeros or exponent: 1000100.0000 → "1000100", 0.7999 → "0.7999"."""
    return None if value is None else f"{value.normalize():f}"


def finding_as_dict(finding: Finding) -> dict:
    base = settings.PUBLIC_URL
    return {
        "rule": finding.rule.code,
        "rule_name": finding.rule.name,
        "kind": finding.rule.kind,
        "severity": finding.severity,
        "status": finding.status,
        "subject": finding.subject_label,
        "key": finding.key,
        "supporter": finding.supporter.name if finding.supporter_id else None,
        "division": finding.division.code if finding.division_id else None,
        "project": finding.project.code if finding.project_id else None,
        "year": finding.year,
        "period": finding.period,
        "value": plain(finding.value),
        "threshold": plain(finding.threshold),
        "comparator": finding.comparator,
        "unit": finding.unit,
        "message": finding.message,
        "url": base + finding.rows_url if finding.rows_url else None,
        "finding_url": base + finding.get_absolute_url(),
    }


class Command(BaseCommand):
    help = (
        "运行核查规则并列出发现的问题（新发现、仍成立、已不成立的自动关闭）。"
        " Run the check rules and print the findings that hold (new ones opened, gone ones closed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rule", action="append", dest="rules", metavar="CODE", help="only this rule (repeatable)"
        )
        parser.add_argument("--year", type=int, help="only findings of this year")
        parser.add_argument("--programme", default=None, help="programme code (default: every programme)")
        parser.add_argument("--as-of", dest="as_of", help="measure as of this day (YYYY-MM-DD)")
        parser.add_argument(
            "--json", action="store_true", help='JSON: {"findings": [{"rule", "subject", …}]}'
        )
        parser.add_argument(
            "--nightly", action="store_true", help="also queue the nightly run (once; the worker runs it)"
        )

    def handle(self, *args, **options):
        programme = None
        if options["programme"]:
            programme = Programme.objects.filter(code=options["programme"]).first()
            if programme is None:
                raise CommandError(
                    f"没有援助计划 {options['programme']}。 No programme {options['programme']}."
                )
        codes = options["rules"]
        if codes:
            known = set(CheckRule.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = sorted(set(codes) - known)
            if unknown:
                raise CommandError(f"没有规则 {', '.join(unknown)}。 No rule {', '.join(unknown)}.")
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError as error:
                raise CommandError("--as-of 须为 YYYY-MM-DD。 --as-of must be YYYY-MM-DD.") from error
        with change_context(user=None, source="command", note="duikou findings"):
            run = run_checks(
                programme=programme,
                rule_codes=codes,
                year=options["year"],
                as_of=as_of,
                trigger=RunTrigger.COMMAND,
            )
        if options["nightly"]:
            ensure_nightly_run()
        if run is None:
            raise CommandError(
                "没有援助计划，请先运行 load-reference。 No programme: run load-reference first."
            )
        findings = Finding.objects.filter(
            holds=True, rule__code__in=run.rule_codes, rule__programme=run.programme
        )
        if options["year"] is not None:
            findings = findings.filter(year=options["year"])
        findings = findings.select_related("rule", "supporter", "division", "project").order_by(
            "rule__code", "year", "key"
        )
        if options["json"]:
            payload = {
                "as_of": run.as_of.isoformat(),
                "run": run.pk,
                "counts": run.counts,
                "findings": [finding_as_dict(finding) for finding in findings],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        shown = 0
        for finding in findings:
            self.stdout.write(
                f"[{finding.get_severity_display()}] {finding.rule.code} · {finding.subject_label} · "
                f"{finding.period} · {finding.message} {finding.rows_url}"
            )
            shown += 1
        summary = ", ".join(
            f"{code}: {counts['found']} (+{counts['new']} −{counts['closed']})"
            for code, counts in run.counts.items()
        )
        self.stdout.write(f"截至 {run.as_of} 共 {shown} 条 · {shown} findings as of {run.as_of}. {summary}")
