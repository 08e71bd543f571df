"""Dispatched cadres and professionals: batches of 3-year cadres, 1.5-year professionals, and others."""

from __future__ import annotations

import datetime
import random

from .. import names
from ..calibration import ASSIGNMENTS_PER_YEAR, FIRST_YEAR, LAST_YEAR, TERM_MONTHS
from .dates import add_days, add_months, random_date
from .projects import apportion
from .world import World

# Kinds that arrive with a batch (every three years) or rotate within it (professionals, 18 months).
BATCH_KINDS = {"cadre": 36, "professional": 18}


class AssignmentFactory:
    def __init__(self, world: World, rng: random.Random, scale: float, as_of: datetime.date, now):
        self.world, self.rng, self.scale, self.as_of, self.now = world, rng, scale, as_of, now
        self.rows: list[dict] = []

    def arrival_waves(self, kind: str) -> list[datetime.date]:
        """When people of `kind` arrive: batch starts (and mid-batch rotations), or every year."""
        if kind in BATCH_KINDS:
            waves = []
            for batch in self.world.batches:
                if batch.starts.year > LAST_YEAR or batch.ends.year < FIRST_YEAR:
                    continue
                waves.append(batch.starts)
                if kind == "professional":
                    waves.append(add_months(batch.starts, 18))
            return [w for w in waves if w <= self.as_of]
        return [datetime.date(year, 2, 15) for year in range(FIRST_YEAR, LAST_YEAR + 1)]

    def build(self) -> list[dict]:
        for kind, per_year in ASSIGNMENTS_PER_YEAR.items():
            waves = self.arrival_waves(kind)
            per_wave = per_year * (LAST_YEAR - FIRST_YEAR + 1) / max(len(waves), 1)
            for wave in waves:
                count = max(1, round(per_wave * self.scale))
                shares = apportion(count, {s.name: s.weight for s in self.world.top_supporters})
                for supporter in self.world.top_supporters:
                    for _ in range(shares[supporter.name]):
                        self.rows.append(self.assignment(kind, supporter, wave))
        return self.rows

    def assignment(self, kind: str, supporter, wave: datetime.date) -> dict:
        rng = self.rng
        places = [
            p
            for p, since in supporter.pairings
            if p.level in ("county", "xpcc_division", "prefecture")
            and (p.valid_from is None or p.valid_from <= wave)
        ]
        place = rng.choice(places)
        start = (
            add_days(wave, rng.randint(-20, 40))
            if kind != "short_term"
            else random_date(rng, wave, datetime.date(wave.year, 11, 30))
        )
        months = TERM_MONTHS[kind] if kind != "short_term" else rng.choice((1, 2, 3, 6))
        if kind in ("teacher", "doctor") and rng.random() < 0.4:
            months = 18
        planned_end = add_months(start, months)
        actual_end = None
        if planned_end <= self.as_of:
            actual_end = add_days(planned_end, rng.randint(-10, 10))
            if rng.random() < 0.03:  # called back early (health, family)
                actual_end = random_date(rng, add_days(start, 30), planned_end)
            actual_end = max(actual_end, add_days(start, 1))
        place_name = place.short_name if place.is_xpcc else place.name
        team = ""
        if kind == "teacher" and rng.random() < 0.6:
            team = f"{place_name}第一中学“组团式”教育援疆团队"
        elif kind == "doctor" and rng.random() < 0.6:
            team = f"{place_name}人民医院“组团式”医疗援疆团队"
        batch = self.world.batch_on(start)
        now = self.now
        return {
            "id": None,
            "created": now,
            "last_updated": now,
            "description": "",
            "comments": "",
            "programme_id": self.world.programme.pk,
            "batch_id": batch.pk if batch and kind in BATCH_KINDS else None,
            "person_name": names.person_name(rng),
            "kind": kind,
            "sending_organization": supporter.name + rng.choice(names.SENDING_UNITS),
            "supporter_id": supporter.id,
            "host_division_id": place.id,
            "host_unit": rng.choice(names.HOST_UNITS[kind]).format(place=place_name),
            "post": rng.choice(names.POSTS[kind]),
            "start_date": start,
            "planned_end": planned_end,
            "actual_end": actual_end,
            "team": team,
        }
