"""Reading the versions of a plan: totals by category and by county, the difference between two versions,
and the statutory plan table (年度项目计划表, `projects.plan_table`) of one version."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from duikou.core.money import format_amount

from ..plan_table import PlanSection, PlanTable
from .guard import PLAN_FIELDS, field_label
from .models import AMOUNT_FIELDS, ZERO, PlanVersion, PlanVersionItem


def version_items(version: PlanVersion) -> list[PlanVersionItem]:
    return list(
        version.items.select_related("division", "category", "supporter").order_by(
            "category__order", "category__code", "code", "pk"
        )
    )


@dataclass
class TotalRow:
    """One line of a plan's totals: a category or a county, its project count and amounts (yuan)."""

    label: str
    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(AMOUNT_FIELDS, ZERO))

    def add(self, row) -> None:
        self.count += 1
        for name in AMOUNT_FIELDS:
            self.amounts[name] += getattr(row, name)

    @property
    def aid_amount(self) -> Decimal:
        return self.amounts["aid_amount"]

    @property
    def total_investment(self) -> Decimal:
        return self.amounts["total_investment"]


def totals_by(rows, key) -> list[TotalRow]:
    """Rows (projects or version items, with `division` and `category` read) grouped by `key(row)` → label,
    in the order the labels first appear; the caller orders the rows."""
    groups: dict[str, TotalRow] = {}
    for row in rows:
        label = key(row)
        groups.setdefault(label, TotalRow(label)).add(row)
    return list(groups.values())


def grand_total(rows, label: str) -> TotalRow:
    total = TotalRow(label)
    for row in rows:
        total.add(row)
    return total


@dataclass
class DiffRow:
    """One project that differs between two versions: added, removed, or changed (label, before, after)."""

    code: str
    name: str
    kind: str  # "added", "removed", "changed"
    changes: list[tuple[str, object, object]] = field(default_factory=list)


def _shown(item: PlanVersionItem, attname: str):
    if attname == "division_id":
        return item.division.name
    if attname == "category_id":
        return item.category.name
    if attname in ("implementation_level", "construction_type"):
        return getattr(item, f"get_{attname}_display")()
    return getattr(item, attname)


def version_diff(old: PlanVersion, new: PlanVersion) -> list[DiffRow]:
    """What changed from `old` to `new`: projects added, removed, and the plan facts changed, by code."""
    before = {item.project_id: item for item in version_items(old)}
    after = {item.project_id: item for item in version_items(new)}
    rows = []
    for project_id, item in after.items():
        previous = before.get(project_id)
        if previous is None:
            rows.append(DiffRow(item.code, item.name, "added"))
            continue
        changes = [
            (field_label(name), _shown(previous, name), _shown(item, name))
            for name in PLAN_FIELDS
            if getattr(previous, name) != getattr(item, name)
        ]
        if changes:
            rows.append(DiffRow(item.code, item.name, "changed", changes))
    for project_id, item in before.items():
        if project_id not in after:
            rows.append(DiffRow(item.code, item.name, "removed"))
    return sorted(rows, key=lambda row: row.code)


def version_plan_table(version: PlanVersion) -> PlanTable:
    """The statutory plan table of one issued version, from its snapshot (not from today's projects)."""
    plan = version.plan
    sections: dict[int, PlanSection] = {}
    for item in version_items(version):
        item.plan_year = plan.year  # read by plan_table.construction_period
        item.comments = ""
        section = sections.get(item.category_id)
        if section is None:
            section = sections[item.category_id] = PlanSection(title=item.category.name)
        section.add(item)
    return PlanTable(
        year=plan.year,
        supporter_name=plan.supporter.name,
        programme_name=plan.programme.short_name or plan.programme.name,
        sections=list(sections.values()),
    )


def adjustment_rows(adjustment) -> list[tuple[str, str, str]]:
    """An adjustment's changes as people read them: (field, before, after), amounts in 万元, "—" for none."""
    rows = []
    for name, (before, after) in adjustment.changes.items():
        is_amount = name in AMOUNT_FIELDS
        rows.append((field_label(name), _shown_value(before, is_amount), _shown_value(after, is_amount)))
    return rows


def _shown_value(value, is_amount: bool) -> str:
    if value is None or value == "":
        return "—"
    if is_amount:
        return format_amount(Decimal(value), "万元")
    return str(value)
