"""Projects: where, by whom, what, how much, and how far each has come by the as-of date."""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from duikou.core.text import match_key
from duikou.projects.choices import ImplementationLevel, ProjectStatus

from .. import names
from ..calibration import (
    CATEGORY_MIX,
    SIZE_SIGMA,
    SOUTH_SHARE,
    SUB_SUPPORTER_SHARE,
    SUPPORTER_CODES,
    UPPER_LEVEL_SHARE,
    YEARLY_FUNDS_YI,
    YEARLY_PROJECTS,
)
from .dates import add_days, add_months
from .world import Place, Supporter, World

HUNDRED = Decimal(100)  # amounts are planned in whole hundreds of yuan (0.01万元)
ZERO = Decimal("0.00")


def round_hundred(value: Decimal) -> Decimal:
    return (value / HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP) * HUNDRED


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` in proportion to `weights`, by largest remainder (deterministic)."""
    weight_sum = sum(weights.values())
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    counts = {key: math.floor(value) for key, value in exact.items()}
    rest = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: (counts[k] - exact[k], k))[:rest]:
        counts[key] += 1
    return counts


class ProjectFactory:
    """Builds the project rows of one data set, year by year."""

    def __init__(self, world: World, rng: random.Random, scale: float, as_of: datetime.date):
        self.world, self.rng, self.scale, self.as_of = world, rng, scale, as_of
        self.ids: Iterator[int] = iter(())  # primary keys, handed in once all projects are placed
        self.category_codes = list(CATEGORY_MIX)
        self.category_weights = [CATEGORY_MIX[c][0] for c in self.category_codes]
        self.livelihood = {code for code, c in world.categories.items() if c.counts_as_livelihood}
        self.sequence: dict[tuple[int, str], int] = {}
        self.document_sequence: dict[tuple[int, int], int] = {}
        self.used_names: set[tuple[int, str]] = set()

    # -- placement ------------------------------------------------------------
    def targets(
        self, supporter: Supporter, year: int
    ) -> tuple[list[tuple[Place, str]], list[tuple[Place, str]]]:
        """(grassroots targets, upper-level targets) the supporter's pairings allow in `year`."""
        start = datetime.date(year, 12, 31)
        grassroots, upper = [], []
        for place, since in supporter.pairings:
            if since is not None and since > start:
                continue
            if place.level == "prefecture":
                upper.append((place, ImplementationLevel.PREFECTURE))
            elif place.level == "xpcc_division":
                upper.append((place, ImplementationLevel.XPCC_DIVISION))
                grassroots.append((place, ImplementationLevel.REGIMENT))
            elif place.level in ("county", "regiment") and (
                place.valid_from is None or place.valid_from.year < year
            ):
                grassroots.append(
                    (place, "county" if place.level == "county" else ImplementationLevel.REGIMENT)
                )
        return grassroots, upper

    def place_project(self, supporter: Supporter, year: int) -> tuple[Supporter, Place, str]:
        rng = self.rng
        grassroots, upper = self.targets(supporter, year)
        if upper and (not grassroots or rng.random() < UPPER_LEVEL_SHARE):
            place, level = rng.choice(upper)
        else:
            place, level = rng.choice(grassroots)
            if level == "county":
                level = rng.choices(
                    [ImplementationLevel.COUNTY, ImplementationLevel.TOWNSHIP, ImplementationLevel.VILLAGE],
                    [0.6, 0.25, 0.15],
                )[0]
            elif level == ImplementationLevel.REGIMENT and rng.random() < 0.3:
                level = ImplementationLevel.COMPANY
        acting = supporter
        if place.level in ("county", "regiment"):
            subs = [
                s
                for s in self.world.sub_supporters_of(supporter)
                if any(p.id == place.id and (since is None or since.year <= year) for p, since in s.pairings)
            ]
            if subs and rng.random() < SUB_SUPPORTER_SHARE:
                acting = rng.choice(subs)
        return acting, place, level

    # -- one year ---------------------------------------------------------------
    def build_year(self, year: int) -> list[dict]:
        rng = self.rng
        count = max(len(self.world.top_supporters), round(YEARLY_PROJECTS[year] * self.scale))
        per_supporter = apportion(count, {s.name: s.weight for s in self.world.top_supporters})
        projects = []
        for supporter in self.world.top_supporters:
            for _ in range(per_supporter[supporter.name]):
                acting, place, level = self.place_project(supporter, year)
                category = rng.choices(self.category_codes, self.category_weights)[0]
                size = math.exp(rng.gauss(0, SIZE_SIGMA)) * CATEGORY_MIX[category][1]
                if level in (ImplementationLevel.PREFECTURE, ImplementationLevel.XPCC_DIVISION):
                    size *= 1.3
                projects.append(
                    {
                        "_top": supporter,
                        "_supporter": acting,
                        "_place": place,
                        "_category": category,
                        "_size": size,
                        "implementation_level": level,
                        "plan_year": year,
                    }
                )
        self._scale_to_funds(projects, year)
        return projects

    def _scale_to_funds(self, projects: list[dict], year: int):
        """Set each project's 援助资金 so the year sums to the published total and south share."""
        total = YEARLY_FUNDS_YI[year] * Decimal(100_000_000) * Decimal(str(self.scale))
        south = [p for p in projects if p["_place"].zone == "south"]
        other = [p for p in projects if p["_place"].zone != "south"]
        for group, share in ((south, SOUTH_SHARE[year]), (other, 1 - SOUTH_SHARE[year])):
            raw = sum(p["_size"] for p in group)
            for project in group:
                amount = total * share * Decimal(project["_size"] / raw)
                project["aid_amount"] = max(round_hundred(amount), Decimal("50000.00"))

    def livelihood_share(self, projects: list[dict]) -> Decimal:
        total = sum(p["aid_amount"] for p in projects)
        part = sum(p["aid_amount"] for p in projects if p["_category"] in self.livelihood)
        return part / total if total else Decimal(1)

    def ensure_livelihood_share(self, projects: list[dict], minimum=Decimal("0.81")):
        """Lift a supporter-year to the 民生 target by moving its largest other projects into 民生."""
        others = sorted(
            (p for p in projects if p["_category"] not in self.livelihood),
            key=lambda p: p["aid_amount"],
            reverse=True,
        )
        while self.livelihood_share(projects) < minimum and others:
            others.pop(0)["_category"] = "livelihood"

    def lower_livelihood_share(self, projects: list[dict], ceiling=Decimal("0.76")) -> Decimal:
        """Plant a supporter-year below the 民生 target (a known anomaly)."""
        livelihood = sorted(
            (p for p in projects if p["_category"] in self.livelihood), key=lambda p: p["aid_amount"]
        )
        while self.livelihood_share(projects) >= ceiling and livelihood:
            livelihood.pop(0)["_category"] = self.rng.choice(["exchanges", "talent"])
        return self.livelihood_share(projects)

    # -- the rest of each project -------------------------------------------
    def complete(self, project: dict, programme_id: int, now: datetime.datetime) -> dict:
        """Fill names, money, dates and status of a placed project."""
        rng, year = self.rng, project["plan_year"]
        supporter, place, category = project["_supporter"], project["_place"], project["_category"]
        fixed_share = CATEGORY_MIX[category][2]
        is_fixed_asset = rng.random() < fixed_share
        place_name = place.name if not place.is_xpcc else place.short_name
        name = self.unique_name(category, place, place_name, supporter.short_name, year)
        code_key = (year, SUPPORTER_CODES[supporter.name])
        self.sequence[code_key] = self.sequence.get(code_key, 0) + 1
        aid = project["aid_amount"]
        if is_fixed_asset:
            local = round_hundred(aid * Decimal(str(rng.uniform(0.6, 2.4))))
        else:
            local = round_hundred(aid * Decimal(str(rng.uniform(0, 0.3))))
        other = round_hundred(aid * Decimal(str(rng.uniform(0, 0.4)))) if rng.random() < 0.3 else ZERO
        project.update(
            {
                "id": next(self.ids),
                "created": now,
                "last_updated": now,
                "description": "",
                "comments": "",
                "programme_id": programme_id,
                "code": f"XJ-{year}-{code_key[1]}-{self.sequence[code_key]:04d}",
                "name": name,
                "supporter_id": supporter.id,
                "division_id": place.id,
                "category_id": self.world.categories[category].pk,
                "delivery_mode": "turnkey" if is_fixed_asset and rng.random() < 0.3 else "cheque",
                "construction_type": "continuing" if rng.random() < 0.12 else "new",
                "is_in_plan": rng.random() >= 0.05,
                "is_fixed_asset": is_fixed_asset,
                "local_matching": local,
                "other_funding": other,
                "total_investment": aid + local + other,
                "latitude": None,
                "longitude": None,
                "is_employment_oriented": category == "industry" or "就业" in name,
                "flagship": "百村千厂" if "百村千厂" in name else "",
                "document_reference": self.document_reference(place, year),
            }
        )
        self.schedule(project)
        return project

    def unique_name(
        self, category: str, place: Place, place_name: str, supporter_name: str, year: int
    ) -> str:
        """A name not yet used in this place, so only planted pairs look alike."""
        for _ in range(12):
            name = names.project_name(self.rng, category, place_name, supporter_name)
            key = (place.id, match_key(name))
            if key not in self.used_names:
                break
        else:
            name = name.replace(place_name, f"{place_name}{year}年", 1)
            key = (place.id, match_key(name))
        self.used_names.add(key)
        return name

    def document_reference(self, place: Place, year: int) -> str:
        key = (place.id, year)
        self.document_sequence[key] = self.document_sequence.get(key, 0) + 1
        return f"{place.short_name}发改投资〔{year}〕{self.document_sequence[key]}号"

    def schedule(self, project: dict):
        """Plan dates, then live the project's life up to the as-of date; set status and history."""
        rng, year, as_of = self.rng, project["plan_year"], self.as_of
        fixed = project["is_fixed_asset"]
        # Work starts with the construction season, early enough for the 开工率 benchmarks (≥ 90% of the new
        # projects by 31 May, 97% by 30 September; DOMAIN.md): 1 March to 10 May.
        planned_start = add_days(datetime.date(year, 3, 1), rng.randint(0, 70))
        months = rng.choice([6, 8, 10, 12, 12, 15, 18, 24, 30]) if fixed else rng.choice([3, 4, 6, 8])
        planned_end = add_months(planned_start, months)
        project["planned_start"], project["planned_end"] = planned_start, planned_end

        planned_on = datetime.date(year, rng.randint(1, 2), rng.randint(5, 20))
        steps = [
            ("", ProjectStatus.RESERVE, datetime.date(year - 1, rng.randint(9, 11), rng.randint(1, 28))),
            (ProjectStatus.RESERVE, ProjectStatus.PLANNED, planned_on),
        ]
        # Approval comes after the plan is issued and before the planned start (the 批复 gate).
        approved_on = max(add_days(planned_start, -rng.randint(10, 60)), add_days(planned_on, 7))
        fate = rng.random()
        if fate < 0.02:
            steps.append(
                (ProjectStatus.PLANNED, ProjectStatus.CANCELLED, add_days(approved_on, rng.randint(0, 40)))
            )
        elif fate < 0.035:
            steps.append(
                (ProjectStatus.PLANNED, ProjectStatus.ADJUSTED, add_days(approved_on, rng.randint(0, 40)))
            )
        elif fate < 0.045:
            # Approved, funds arrived, then the plan was adjusted: the funds go back (收回).
            steps.append((ProjectStatus.PLANNED, ProjectStatus.APPROVED, approved_on))
            steps.append(
                (ProjectStatus.APPROVED, ProjectStatus.ADJUSTED, add_days(approved_on, rng.randint(90, 200)))
            )
        else:
            steps.append((ProjectStatus.PLANNED, ProjectStatus.APPROVED, approved_on))
            # Most start within three weeks of the planned day, a few up to three months late (still before
            # 30 September); the supporter-years that start late are planted (`Planter.late_starts`).
            delay = rng.randint(0, 20) if rng.random() < 0.97 else rng.randint(21, 90)
            started = max(add_days(planned_start, delay), add_days(approved_on, 1))
            steps.append((ProjectStatus.APPROVED, ProjectStatus.UNDER_CONSTRUCTION, started))
            duration = (planned_end - planned_start).days * rng.uniform(0.85, 1.0)
            # Completed within the year it was planned to be (完工率 100% by 31 December); the late ones are
            # planted (`Planter.late_completions`).
            ended = min(
                add_days(started, int(duration)),
                datetime.date(planned_end.year, 12, 31) - datetime.timedelta(days=rng.randint(0, 20)),
            )
            ended = max(ended, add_days(started, 30))
            steps.append((ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED, ended))
            accepted = add_days(ended, rng.randint(30, 150))
            steps.append((ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED, accepted))
            if fixed:
                steps.append(
                    (
                        ProjectStatus.ACCEPTED,
                        ProjectStatus.HANDED_OVER,
                        add_days(accepted, rng.randint(20, 120)),
                    )
                )
        project["_steps"] = [step for step in steps if step[2] <= as_of]
        self.apply_steps(project)

    @staticmethod
    def apply_steps(project: dict):
        """Status and actual dates follow from the steps taken."""
        steps = project["_steps"]
        project["status"] = steps[-1][1]
        dates = {to: on for _, to, on in steps}
        project["actual_start"] = dates.get(ProjectStatus.UNDER_CONSTRUCTION)
        project["actual_end"] = dates.get(ProjectStatus.COMPLETED)
        project["accepted_on"] = dates.get(ProjectStatus.ACCEPTED)
