"""Ledger entries consistent with each project's status: planned, arrived, disbursed, spent, returned."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from duikou.funds.choices import ConfirmationState, EntryKind
from duikou.projects.choices import ProjectStatus

from ..calibration import CORRECTION_SHARE
from .dates import add_days, random_date
from .projects import HUNDRED, round_hundred

STARTED = {
    ProjectStatus.UNDER_CONSTRUCTION,
    ProjectStatus.COMPLETED,
    ProjectStatus.ACCEPTED,
    ProjectStatus.HANDED_OVER,
}
DONE = {ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER}
CHINA = ZoneInfo("Asia/Shanghai")  # recipients answer in office hours, local time
DISPUTE_REASONS = (
    "实际到账金额少于登记金额，差额待核实",
    "部分资金尚未到达州财政专户",
    "到账金额与拨款通知不一致",
)


def split(rng: random.Random, amount: Decimal, parts: int) -> list[Decimal]:
    """Split an amount into `parts` positive tranches of whole hundreds that add up exactly."""
    if parts <= 1 or amount < HUNDRED * parts:
        return [amount]
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    total_weight = sum(weights)
    tranches = [round_hundred(amount * Decimal(w / total_weight)) for w in weights[:-1]]
    tranches.append(amount - sum(tranches))
    return [t for t in tranches if t > 0]


class LedgerFactory:
    def __init__(self, rng: random.Random, as_of: datetime.date, ids_for, now: datetime.datetime):
        self.rng, self.as_of, self.ids_for, self.now = rng, as_of, ids_for, now
        self.entries: list[dict] = []

    def entry(self, project: dict, kind: str, amount: Decimal, on: datetime.date, **extra) -> dict:
        row = {
            "id": None,  # keys are given out when all entries are known
            "created": self.now,
            "programme_id": project["programme_id"],
            "kind": kind,
            "amount": amount,
            "value_date": min(on, self.as_of),
            "fiscal_year": project["plan_year"],
            "supporter_id": project["supporter_id"],
            "division_id": project["division_id"],
            "project_id": project["id"],
            "document_reference": extra.get("document_reference", ""),
            "import_batch_id": None,
            "reverses_id": None,
            "note": extra.get("note", ""),
            "_reverses": extra.get("reverses"),
        }
        self.entries.append(row)
        return row

    def post(
        self,
        project: dict,
        kind: str,
        total: Decimal,
        parts: int,
        first: datetime.date,
        last: datetime.date,
        note: str = "",
    ) -> list[dict]:
        """Post `total` of `kind` in up to `parts` tranches dated between first and last, in order."""
        rng = self.rng
        if total <= 0 or first > self.as_of:
            return []  # nothing has happened yet by the as-of date
        last = max(first, min(last, self.as_of))
        dates = sorted(random_date(rng, first, last) for _ in range(parts))
        rows = []
        for amount, on in zip(split(rng, total, parts), dates, strict=False):
            rows.append(self.entry(project, kind, amount, on, note=note))
        return rows

    def arrive(
        self,
        project: dict,
        total: Decimal,
        planned_on: datetime.date,
        *,
        until: datetime.date | None = None,
        is_late: bool = False,
    ) -> list[dict]:
        """Post the arrivals (到位) of a project's 援疆资金 in one to three tranches.

        On time, as the 到位率 benchmarks ask (≥ 80% by 30 June, 100% by 30 September; DOMAIN.md): the first
        tranche by 31 May, a later one by 30 June — or, for one in seven, between 1 July and 20 September.
        `is_late` (a planted late supporter-year): every tranche between 8 October and 30 November. Tranches
        dated after the as-of date have not arrived yet.
        """
        rng, year = self.rng, planned_on.year
        first = add_days(planned_on, 20)
        if is_late:
            windows = [(datetime.date(year, 10, 8), datetime.date(year, 11, 30))] * 3
        else:
            windows = [(first, datetime.date(year, 5, 31))] + [
                (first, datetime.date(year, 6, 30))
                if rng.random() < 6 / 7
                else (datetime.date(year, 7, 1), datetime.date(year, 9, 20))
                for _ in range(2)
            ]
        tranches = split(rng, total, rng.choice((1, 2, 2, 3)))
        rows = []
        for amount, (low, high) in zip(tranches, windows, strict=False):
            if until is not None:
                high = max(low, min(high, until))
            on = random_date(rng, low, max(low, high))
            if on <= self.as_of:
                rows.append(self.entry(project, EntryKind.ARRIVED, amount, on, note="资金到位"))
        rows.sort(key=lambda row: row["value_date"])
        return rows

    def for_project(self, project: dict, *, idle: bool = False) -> None:
        """The entries of one project, following its steps. `idle` plants an idle balance."""
        rng, steps = self.rng, {to: on for _, to, on in project["_steps"]}
        status, aid, year = project["status"], project["aid_amount"], project["plan_year"]
        planned_on = steps.get(ProjectStatus.PLANNED)
        if planned_on is None:
            return
        self.entry(
            project,
            EntryKind.PLAN,
            aid,
            add_days(planned_on, rng.randint(10, 40)),
            document_reference=f"援疆资金计划〔{year}〕",
            note="年度援疆资金计划下达",
        )
        approved_on = steps.get(ProjectStatus.APPROVED)
        if approved_on is None:
            # Cancelled or adjusted before approval: nothing arrived, and the plan is adjusted (调整) by the
            # project's 援疆资金, so the year's 到位率 is measured against what is still planned.
            dropped_on = steps.get(ProjectStatus.CANCELLED) or steps.get(ProjectStatus.ADJUSTED)
            if dropped_on is not None:
                self.entry(project, EntryKind.ADJUSTMENT, -aid, dropped_on, note="项目调整，计划核减")
            return
        arrivals = self.arrive(
            project,
            aid,
            planned_on,
            until=steps.get(ProjectStatus.ADJUSTED),
            is_late=project.get("_late_arrival", False),
        )
        arrived_total = sum((row["amount"] for row in arrivals), Decimal("0.00"))
        if not arrivals or idle:
            return
        if status == ProjectStatus.ADJUSTED:
            self.entry(
                project,
                EntryKind.RETURNED,
                arrived_total,
                add_days(steps[ProjectStatus.ADJUSTED], rng.randint(10, 60)),
                note="项目调整，资金收回",
            )
            return
        first_arrival = arrivals[0]["value_date"]
        if status in DONE:
            disbursed_share = 1.0
        elif status == ProjectStatus.UNDER_CONSTRUCTION:
            disbursed_share = rng.uniform(0.4, 0.95)
        else:
            disbursed_share = rng.uniform(0, 0.3)
        disbursed_total = round_hundred(arrived_total * Decimal(str(disbursed_share)))
        end = steps.get(ProjectStatus.COMPLETED, self.as_of)
        self.post(
            project,
            EntryKind.DISBURSED,
            disbursed_total,
            rng.randint(1, 5),
            add_days(first_arrival, 5),
            end,
            note="资金拨付",
        )
        started_on = steps.get(ProjectStatus.UNDER_CONSTRUCTION)
        if started_on is None:
            return
        if status in (ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER):
            spent_share = 1.0
        elif status == ProjectStatus.COMPLETED:
            spent_share = rng.uniform(0.9, 1.0)
        else:
            spent_share = rng.uniform(0.3, 0.85)
        spent_total = round_hundred(disbursed_total * Decimal(str(spent_share)))
        self.post(
            project,
            EntryKind.SPENT,
            spent_total,
            rng.randint(2, 8),
            add_days(started_on, 10),
            add_days(end, 60),
            note="完成投资",
        )

    def correct_some(self) -> int:
        """Replace a share of entries by a wrong posting, its reversal and the right posting."""
        rng, corrected = self.rng, 0
        originals = [e for e in self.entries if e["kind"] != EntryKind.PLAN]
        for entry in originals:
            if rng.random() >= CORRECTION_SHARE:
                continue
            right_amount = entry["amount"]
            wrong = dict(entry, amount=right_amount * 10, note=entry["note"] + "（录入错误）", _reverses=None)
            self.entries.append(wrong)
            reversal_on = min(add_days(entry["value_date"], rng.randint(1, 20)), self.as_of)
            self.entries.append(
                dict(
                    entry,
                    amount=-wrong["amount"],
                    value_date=reversal_on,
                    note="冲正：金额录入错误（多录一位）",
                    _reverses=wrong,
                )
            )
            corrected += 1
        return corrected

    def confirmations(self, rng: random.Random, ids_for) -> list[dict]:
        """The recipients' answers to the arrivals (对账, `funds.ArrivalConfirmation`), after assign_ids.

        Recipients confirm within days to weeks: almost every arrival older than three months is confirmed;
        of the last three months' four in five, of the last month's one in three; the rest is pending. One in
        a hundred answers is a dispute — part of the money not received (50–95%), with a reason. A reversed
        arrival and a reversal need no answer (`ArrivalConfirmation.entry_problem`).
        """
        reversed_ids = {entry["reverses_id"] for entry in self.entries if entry["reverses_id"]}
        rows = []
        for entry in self.entries:
            if entry["kind"] != EntryKind.ARRIVED or entry["reverses_id"] or entry["id"] in reversed_ids:
                continue
            age = (self.as_of - entry["value_date"]).days
            if rng.random() >= (0.35 if age < 30 else 0.8 if age < 90 else 0.985):
                continue  # not answered yet
            decided_on = min(add_days(entry["value_date"], rng.randint(2, 25)), self.as_of)
            decided_at = datetime.datetime.combine(
                decided_on, datetime.time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=CHINA
            )
            row = {
                "id": None,
                "created": self.now,
                "last_updated": self.now,
                "entry_id": entry["id"],
                "state": ConfirmationState.CONFIRMED,
                "amount_received": entry["amount"],
                "reason": "",
                "decided_by_id": None,
                "decided_at": decided_at,
            }
            if rng.random() < 0.01:
                row["state"] = ConfirmationState.DISPUTED
                row["amount_received"] = round_hundred(entry["amount"] * Decimal(str(rng.uniform(0.5, 0.95))))
                row["reason"] = rng.choice(DISPUTE_REASONS)
            rows.append(row)
        for row, key in zip(rows, ids_for(len(rows)), strict=True):
            row["id"] = key
        return rows

    def assign_ids(self) -> list[dict]:
        """Sort entries by date, as they were posted, and give out keys; reversals point at originals."""
        self.entries.sort(key=lambda e: (e["value_date"], e["project_id"], e["kind"]))
        for entry, key in zip(self.entries, self.ids_for(len(self.entries)), strict=True):
            entry["id"] = key
        for entry in self.entries:
            if entry["_reverses"] is not None:
                entry["reverses_id"] = entry["_reverses"]["id"]
        return self.entries
