"""Fund ledger import (资金到位 / 拨付 / 支出): one row per posting, through the funds service's rules.

The ledger is append-only, so an import only ever adds entries. A row identical to an entry already
posted (same kind, amount, value date, project or supporter and division, and document reference) is
"unchanged" — importing the same file twice posts nothing the second time — and a correction is a
reversing entry posted on the entry's page, never an edited row.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core.imports import ColumnSpec, Importer, ParsedRow, RowErrors
from duikou.core.scoping import EVERYTHING, ScopedImporterMixin
from duikou.programmes.imports import ReferenceResolving
from duikou.projects.models import Project

from .choices import EntryKind
from .models import LedgerEntry, PeriodLock
from .services import post_entry

LEDGER_COLUMNS = [
    ColumnSpec(
        "project", gettext_lazy("项目编号"), kind="project", aliases=("项目代码", "project code", "project")
    ),
    ColumnSpec(
        "kind",
        gettext_lazy("类型"),
        kind="choice",
        aliases=("资金类型", "分录类型", "业务类型", "kind", "type"),
        choices=tuple(EntryKind.choices),
        required=True,
    ),
    ColumnSpec(
        "amount", gettext_lazy("金额"), kind="amount", aliases=("资金金额", "发生额", "amount"), required=True
    ),
    ColumnSpec(
        "value_date",
        gettext_lazy("发生日期"),
        kind="date",
        aliases=("日期", "到位日期", "拨付日期", "value date", "date"),
        required=True,
    ),
    ColumnSpec("fiscal_year", gettext_lazy("资金年度"), kind="int", aliases=("年度", "fiscal year")),
    ColumnSpec(
        "supporter",
        gettext_lazy("支援方"),
        kind="organization",
        aliases=("援疆省市", "支援省市", "supporter"),
    ),
    ColumnSpec("division", gettext_lazy("受援地"), kind="division", aliases=("受援县市", "县市", "division")),
    ColumnSpec(
        "document_reference",
        gettext_lazy("凭证/文号"),
        aliases=("凭证号", "文号", "凭证", "document reference"),
    ),
    ColumnSpec("note", gettext_lazy("摘要"), aliases=("备注", "说明", "note")),
    ColumnSpec("programme", gettext_lazy("援助计划"), kind="programme", aliases=("programme", "program")),
]


# What a row sets on an entry; `post_entry` receives the same.
POSTED_FIELDS = (
    "programme",
    "kind",
    "amount",
    "value_date",
    "fiscal_year",
    "supporter",
    "division",
    "project",
    "document_reference",
    "note",
)


class LedgerEntryImporter(ScopedImporterMixin, ReferenceResolving, Importer):
    kind = "ledger"
    title = gettext_lazy("资金台账")
    model = LedgerEntry
    columns = LEDGER_COLUMNS
    natural_key = None  # identical rows are separate postings; see `build` for re-imports

    def prepare(self, keys):
        self.prepare_references()
        # Only the projects in the importing user's scope: another supporter's code is "no such project", as
        # on the posting form, not a scope refusal that tells it exists.
        projects = Project.objects.filter(code__in=self.column_texts("project"))
        in_scope = Project.access_rule.q(getattr(self, "access_scope", EVERYTHING))
        if in_scope is not None:
            projects = projects.filter(in_scope)
        self.projects = {
            project.code: project for project in projects.select_related("programme", "supporter", "division")
        }
        self.claimed: set[int] = set()  # stored entries already matched by an earlier row of this file
        self._stored_by_date: dict = {}
        self.projects_by_id = {project.pk: project for project in self.projects.values()}
        # The closed periods (结账), read once: each row's clean() checks its value date against them
        # without a query; `post_entry` checks again when the rows are written.
        self.period_locks = list(PeriodLock.active().select_related("supporter"))

    def save(self, row, batch):
        """Through the funds service, like every posting (it takes the project's lock)."""
        entry = row.instance
        post_entry(**{name: getattr(entry, name) for name in POSTED_FIELDS}, import_batch=batch)

    def build(self, row: ParsedRow, values: dict):
        problems = []
        project = None
        if values.get("project"):
            project = self.projects.get(values["project"])
            if project is None:
                problems.append(("project", _("没有编号为“{code}”的项目。").format(code=values["project"])))
        programme = self.resolve_programme(values.get("programme"), problems)
        supporter = self.resolve_supporter(values.get("supporter"), problems)
        division = self.resolve_division(values.get("division"), problems)
        if project is None and not values.get("project"):
            for name, value in (("supporter", values.get("supporter")), ("division", values.get("division"))):
                if not value:
                    problems.append((name, _("未填项目编号时须填写此项。")))
        if problems:
            raise RowErrors(problems)

        if project is not None:  # the project's parties, as funds.services.post_entry does
            programme, supporter, division = project.programme, project.supporter, project.division
        value_date = values.get("value_date")
        entry = LedgerEntry(
            programme=programme,
            kind=values.get("kind"),
            amount=values.get("amount"),
            value_date=value_date,
            fiscal_year=values.get("fiscal_year") or (value_date.year if value_date else None),
            supporter=supporter,
            division=division,
            project=project,
            document_reference=values.get("document_reference") or "",
            note=values.get("note") or "",
        )
        entry.period_locks = self.period_locks
        row.existing = self._posted_twin(entry)
        return row.existing or entry

    def _posted_twin(self, entry: LedgerEntry) -> LedgerEntry | None:
        """The stored entry this row repeats (a re-import), each stored entry matched once."""
        if entry.amount is None or entry.value_date is None or entry.kind is None:
            return None
        for twin in self._stored_on(entry.value_date).get(_twin_key(entry), ()):
            if twin.pk not in self.claimed:
                self.claimed.add(twin.pk)
                return twin
        return None

    def _stored_on(self, value_date) -> dict[tuple, list[LedgerEntry]]:
        """The stored entries (not reversals) of one value date, by everything a row states: one query per
        date the file names, not one per row."""
        if value_date not in self._stored_by_date:
            by_key: dict[tuple, list[LedgerEntry]] = {}
            stored_entries = LedgerEntry.objects.filter(value_date=value_date, reverses__isnull=True)
            for stored in stored_entries.order_by("pk"):
                if stored.project_id in self.projects_by_id:  # clean() reads it: the one loaded already
                    stored.project = self.projects_by_id[stored.project_id]
                by_key.setdefault(_twin_key(stored), []).append(stored)
            self._stored_by_date[value_date] = by_key
        return self._stored_by_date[value_date]


def _twin_key(entry: LedgerEntry) -> tuple:
    """What a row states about a posting besides its date: equal keys on one date are twins."""
    return (
        entry.programme_id,
        entry.kind,
        entry.amount,
        entry.fiscal_year,
        entry.supporter_id,
        entry.division_id,
        entry.project_id,
        entry.document_reference,
    )
