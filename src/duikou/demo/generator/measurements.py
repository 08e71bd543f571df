"""Outcome measurements: what completed projects achieved, and what each pairing did beyond projects."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from ..calibration import FIRST_YEAR, JOBS_PER_YEAR, LAST_YEAR
from .ledger import DONE
from .world import World

WAN = Decimal(10_000)
FOUR_PLACES = Decimal("0.0001")

# Follow-up years measured after completion, by indicator.
FOLLOW_UP_YEARS = {"jobs_created": 3, "beneficiaries": 5}


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


class MeasurementFactory:
    def __init__(self, world: World, rng: random.Random, scale: float, as_of: datetime.date, now):
        self.world, self.rng, self.scale, self.as_of, self.now = world, rng, scale, as_of, now
        self.rows: list[dict] = []

    def row(
        self,
        indicator: str,
        value,
        *,
        project: dict | None,
        division_id: int,
        supporter_id: int,
        period: tuple[datetime.date, datetime.date],
    ) -> dict:
        now = self.now
        row = {
            "id": None,
            "created": now,
            "last_updated": now,
            "description": "",
            "comments": "",
            "indicator_id": self.world.indicators[indicator].pk,
            "project_id": project["id"] if project else None,
            "division_id": division_id,
            "supporter_id": supporter_id,
            "period_start": period[0],
            "period_end": period[1],
            "value": Decimal(value).quantize(FOUR_PLACES) if not isinstance(value, int) else Decimal(value),
            "import_batch_id": None,
        }
        self.rows.append(row)
        return row

    def for_project(self, project: dict) -> None:
        if project["status"] not in DONE or project["actual_end"] is None:
            return
        rng, category, name = self.rng, project["_category"], project["name"]
        aid_wan = float(project["aid_amount"] / WAN)
        finished = project["actual_end"].year
        where = {
            "project": project,
            "division_id": project["division_id"],
            "supporter_id": project["supporter_id"],
        }
        if project["is_employment_oriented"]:
            jobs = max(1, round(aid_wan * rng.uniform(0.04, 0.12)))
            for offset in range(FOLLOW_UP_YEARS["jobs_created"] + 1):
                year = finished + offset
                if year > LAST_YEAR:
                    break
                value = jobs if offset == 0 else max(1, round(jobs * rng.uniform(0.15, 0.35)))
                self.row("jobs_created", value, period=year_period(year), **where)
                self.row(
                    "jobs_formerly_poor",
                    round(value * rng.uniform(0.2, 0.5)),
                    period=year_period(year),
                    **where,
                )
        if "学" in name or "幼儿园" in name:
            self.row(
                "school_places",
                max(30, round(aid_wan * rng.uniform(0.3, 1.2))),
                period=year_period(finished),
                **where,
            )
        if "医院" in name or "卫生院" in name or "保健院" in name:
            self.row(
                "hospital_beds",
                max(5, round(aid_wan * rng.uniform(0.03, 0.1))),
                period=year_period(finished),
                **where,
            )
        if category in ("livelihood", "culture_education"):
            served = max(50, round(aid_wan * rng.uniform(2, 8)))
            for offset in range(FOLLOW_UP_YEARS["beneficiaries"] + 1):
                if finished + offset > LAST_YEAR:
                    break
                self.row(
                    "beneficiaries",
                    round(served * rng.uniform(0.9, 1.1)),
                    period=year_period(finished + offset),
                    **where,
                )
        if category == "talent" or "培训" in name:
            self.row(
                "people_trained",
                max(20, round(aid_wan * rng.uniform(1, 4))),
                period=year_period(finished),
                **where,
            )
        if category == "exchanges":
            self.row(
                "exchange_participants",
                max(20, round(aid_wan * rng.uniform(2, 6))),
                period=year_period(finished),
                **where,
            )

    def for_pairings(self) -> None:
        """Work beyond projects, per supporter and paired division: 疆果东送, 十城百店, 结对认亲, 交流."""
        rng = self.rng
        for supporter in self.world.top_supporters:
            places = [p for p, _ in supporter.pairings if p.level in ("county", "xpcc_division")]
            # Smaller data sets keep fewer places, so the mix of rows stays proportional.
            places = places[: max(1, round(len(places) * min(self.scale, 1)))]
            for place in places:
                where = {"project": None, "division_id": place.id, "supporter_id": supporter.id}
                sales = rng.uniform(500, 3000)  # 万元 a quarter, per place
                stores, families = rng.randint(0, 3), rng.randint(200, 1500)
                for year in range(max(FIRST_YEAR + 2, 2012), LAST_YEAR + 1):
                    for quarter in range(4):
                        start = datetime.date(year, quarter * 3 + 1, 1)
                        end = datetime.date(
                            year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1
                        ) - datetime.timedelta(days=1)
                        self.row(
                            "produce_sales",
                            Decimal(str(round(sales * rng.uniform(0.7, 1.3), 2))),
                            period=(start, end),
                            **where,
                        )
                        self.row("exchange_participants", rng.randint(50, 800), period=(start, end), **where)
                    sales *= rng.uniform(1.05, 1.2)
                    stores += rng.randint(0, 2) if year >= 2018 else 0
                    families += rng.randint(0, 150)
                    self.row("stores", stores, period=year_period(year), **where)
                    self.row("paired_families", families, period=year_period(year), **where)

    def calibrate_jobs(self) -> Decimal:
        """Scale jobs so recent years create ~60,000 a year × scale (published: 120,000+ in two years)."""
        indicator_ids = {
            self.world.indicators["jobs_created"].pk,
            self.world.indicators["jobs_formerly_poor"].pk,
        }
        jobs_id = self.world.indicators["jobs_created"].pk
        recent = [
            r for r in self.rows if r["indicator_id"] == jobs_id and 2021 <= r["period_start"].year <= 2024
        ]
        total = sum(r["value"] for r in recent)
        if not total:
            return Decimal(1)
        factor = Decimal(JOBS_PER_YEAR * 4 * self.scale) / total
        for row in self.rows:
            if row["indicator_id"] in indicator_ids:
                row["value"] = max(Decimal(1), (row["value"] * factor).quantize(Decimal(1)))
        return factor
