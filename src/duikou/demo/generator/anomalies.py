"""Plant known anomalies at known rates, and label them, so checks can measure themselves.

Each planter changes generated rows in a way a real data set goes wrong and
returns the labels (`demo.PlantedAnomaly` rows). Near-duplicates come with
near-misses (similar but distinct projects) and phases (二期 of the same
project), so a duplicate detector can be scored on precision as well as recall.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from functools import lru_cache

from duikou.core.text import to_simplified
from duikou.demo.models import AnomalyKind
from duikou.projects.choices import ProjectStatus

from .. import names
from ..calibration import FIRST_YEAR, LAST_YEAR, MIN_PLANTED, PLANTED_PER_SCALE
from .dates import add_days
from .ledger import DONE
from .projects import ProjectFactory, round_hundred

# Statuses of a project whose funds arrive (approved and after).
ARRIVING = {
    ProjectStatus.APPROVED,
    ProjectStatus.UNDER_CONSTRUCTION,
    ProjectStatus.COMPLETED,
    ProjectStatus.ACCEPTED,
    ProjectStatus.HANDED_OVER,
}


def planted_count(kind: str, scale: float) -> int:
    return max(MIN_PLANTED, round(PLANTED_PER_SCALE[kind] * scale))


def label(kind: str, project: dict | None = None, other: dict | None = None, **detail) -> dict:
    return {
        "kind": kind,
        "project": project,
        "other_project": other,
        "supporter_id": detail.pop("supporter_id", None),
        "year": detail.pop("year", None),
        "detail": detail,
    }


@lru_cache(maxsize=1)
def _simplified_to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    return _simplified_to_traditional().convert(text)


class Planter:
    def __init__(self, factory: ProjectFactory, rng: random.Random, scale: float):
        self.factory, self.rng, self.scale = factory, rng, scale
        self.as_of = factory.as_of
        self.used: set[int] = set()  # projects already carrying an anomaly
        self.labels: list[dict] = []

    def pick(self, projects: list[dict], count: int, condition) -> list[dict]:
        candidates = [p for p in projects if p["id"] not in self.used and condition(p)]
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        self.used.update(p["id"] for p in chosen)
        return chosen

    # -- supporter-years behind a dated benchmark (checks.rules.rates) -------------
    def late_supporter_years(self, projects: list[dict]) -> None:
        """Plant supporter-years whose funds arrive late (到位率), whose new projects start late (开工率), and
        whose projects due in the year finish late (完工率): each rule's benchmarks fail there and, since the
        generator keeps every other supporter-year on time, nowhere else."""
        by_year: dict[tuple[str, int], list[dict]] = {}
        for project in projects:
            by_year.setdefault((project["_top"].name, project["plan_year"]), []).append(project)
        candidates = sorted(
            key
            for key in by_year
            if key[0] in self.heavy_supporters and FIRST_YEAR + 2 <= key[1] <= LAST_YEAR - 1
        )
        kinds = (AnomalyKind.LOW_ARRIVAL_RATE, AnomalyKind.LOW_START_RATE, AnomalyKind.LOW_COMPLETION_RATE)
        chosen = self.rng.sample(
            candidates, min(len(candidates), sum(planted_count(kind, self.scale) for kind in kinds))
        )
        plants = {
            AnomalyKind.LOW_ARRIVAL_RATE: self.late_arrivals,
            AnomalyKind.LOW_START_RATE: self.late_starts,
            AnomalyKind.LOW_COMPLETION_RATE: self.late_completions,
        }
        for kind in kinds:
            for _ in range(planted_count(kind, self.scale)):
                if not chosen:
                    break
                name, year = chosen.pop()
                supporter = by_year[(name, year)][0]["_top"]
                if kind == AnomalyKind.LOW_COMPLETION_RATE:  # the projects due in the year, of any plan year
                    subjects = [
                        p for p in projects if p["_top"] is supporter and p["planned_end"].year == year
                    ]
                else:
                    subjects = by_year[(name, year)]
                late = plants[kind](subjects, year)
                if late:
                    self.used.update(p["id"] for p in late)
                    self.labels.append(label(kind, supporter_id=supporter.id, year=year, projects=len(late)))

    @property
    def heavy_supporters(self) -> set[str]:
        """Supporters large enough that one late project does not decide their year at any scale."""
        return {s.name for s in self.factory.world.top_supporters if s.weight >= 4}

    def late_arrivals(self, projects: list[dict], year: int) -> list[dict]:
        """The largest approved projects, two fifths of the year's 援疆资金, get their funds only in October
        or November (`LedgerFactory.arrive`): the 30 June and 30 September benchmarks both fail."""
        approved = sorted(
            (p for p in projects if p["id"] not in self.used and p["status"] in ARRIVING),
            key=lambda p: (-p["aid_amount"], p["code"]),
        )
        total = sum(p["aid_amount"] for p in projects)
        late, late_total = [], Decimal(0)
        for project in approved:
            if late_total >= total * Decimal("0.4"):
                break
            project["_late_arrival"] = True
            late.append(project)
            late_total += project["aid_amount"]
        return late

    def late_starts(self, projects: list[dict], year: int) -> list[dict]:
        """A third of the new projects start in June to August, and one in four of those only in October:
        below 90% by 31 May and below 97% by 30 September."""
        started = [
            p
            for p in projects
            if p["id"] not in self.used and p["construction_type"] == "new" and p["actual_start"] is not None
        ]
        late = self.rng.sample(started, min(len(started), max(2, round(len(started) / 3))))
        for index, project in enumerate(late):
            if index % 4 == 0:
                on = datetime.date(year, 10, 1) + datetime.timedelta(days=self.rng.randint(0, 45))
            else:
                on = datetime.date(year, 6, 1) + datetime.timedelta(days=self.rng.randint(0, 90))
            self.delay_start(project, on)
        return late

    def late_completions(self, projects: list[dict], year: int) -> list[dict]:
        """One in six of the projects due to finish in the year finishes in the first quarter of the next."""
        done = [p for p in projects if p["id"] not in self.used and p["actual_end"] is not None]
        late = self.rng.sample(done, min(len(done), max(1, round(len(done) / 6))))
        for project in late:
            on = datetime.date(year + 1, 1, 10) + datetime.timedelta(days=self.rng.randint(0, 80))
            self.shift_from(project, ProjectStatus.COMPLETED, on)
        return late

    def delay_start(self, project: dict, on: datetime.date) -> None:
        """Start the project on `on`; it still finishes when planned (the time is made up), unless it would
        finish within a month of the new start — then every later step moves with the start."""
        steps = project["_steps"]
        index = next(i for i, step in enumerate(steps) if step[1] == ProjectStatus.UNDER_CONSTRUCTION)
        later = steps[index + 1 :]
        if later and later[0][2] < on + datetime.timedelta(days=30):
            self.shift_from(project, ProjectStatus.UNDER_CONSTRUCTION, on)
            return
        from_status, to_status, _day = steps[index]
        project["_steps"] = [*steps[:index], (from_status, to_status, on), *later]
        project["_steps"] = [step for step in project["_steps"] if step[2] <= self.as_of]
        ProjectFactory.apply_steps(project)

    def shift_from(self, project: dict, status: str, on: datetime.date) -> None:
        """Move the step to `status`, and every step after it, so that it falls on `on`."""
        steps = project["_steps"]
        index = next(i for i, step in enumerate(steps) if step[1] == status)
        delta = on - steps[index][2]
        shifted = steps[:index] + [(a, b, day + delta) for a, b, day in steps[index:]]
        project["_steps"] = [step for step in shifted if step[2] <= self.as_of]
        ProjectFactory.apply_steps(project)

    # -- single-project anomalies -------------------------------------------
    def completed_not_accepted(self, projects):
        cutoff = add_days(self.as_of, -365)
        for project in self.pick(
            projects,
            planted_count("completed_not_accepted", self.scale),
            lambda p: (
                p["status"] in (ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER)
                and p["actual_end"] <= cutoff
            ),
        ):
            project["_steps"] = [
                s
                for s in project["_steps"]
                if s[1] not in (ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER)
            ]
            ProjectFactory.apply_steps(project)
            self.labels.append(
                label(
                    AnomalyKind.COMPLETED_NOT_ACCEPTED,
                    project,
                    completed_on=project["actual_end"].isoformat(),
                )
            )

    def idle_balance(self, projects):
        """Funds arrived, the project stalled at 批复, nothing disbursed for well over a year."""
        for project in self.pick(
            projects,
            planted_count("idle_balance", self.scale),
            lambda p: 2020 <= p["plan_year"] <= 2023 and p["is_fixed_asset"] and p["status"] in DONE,
        ):
            project["_steps"] = [
                s
                for s in project["_steps"]
                if s[1] in ("", ProjectStatus.RESERVE, ProjectStatus.PLANNED, ProjectStatus.APPROVED)
            ]
            ProjectFactory.apply_steps(project)
            project["_idle"] = True
            self.labels.append(
                label(AnomalyKind.IDLE_BALANCE, project, approved_on=project["_steps"][-1][2].isoformat())
            )

    def total_mismatch(self, projects):
        for project in self.pick(projects, planted_count("total_mismatch", self.scale), lambda p: True):
            delta = round_hundred(project["total_investment"] * Decimal(str(self.rng.uniform(0.05, 0.2))))
            recorded = project["total_investment"] + (delta if self.rng.random() < 0.5 else -delta)
            self.labels.append(
                label(
                    AnomalyKind.TOTAL_MISMATCH,
                    project,
                    recorded=str(recorded),
                    sources_total=str(project["total_investment"]),
                )
            )
            project["total_investment"] = recorded

    def office_buildings(self, projects):
        for project in self.pick(
            projects,
            planted_count("office_building", self.scale),
            lambda p: (
                p["_category"] == "livelihood" and p["is_fixed_asset"] and p["_place"].level == "county"
            ),
        ):
            project["name"] = names.office_building_name(self.rng, project["_place"].name)
            self.labels.append(label(AnomalyKind.OFFICE_BUILDING, project, name=project["name"]))

    def duplicate_documents(self, projects):
        by_place_year: dict[tuple, list[dict]] = {}
        for project in projects:
            if project["id"] not in self.used:
                by_place_year.setdefault((project["division_id"], project["plan_year"]), []).append(project)
        groups = [g for _, g in sorted(by_place_year.items()) if len(g) >= 2]
        for group in self.rng.sample(
            groups, min(planted_count("duplicate_document", self.scale), len(groups))
        ):
            first, second = self.rng.sample(group, 2)
            self.used.update((first["id"], second["id"]))
            second["document_reference"] = first["document_reference"]
            self.labels.append(
                label(
                    AnomalyKind.DUPLICATE_DOCUMENT,
                    first,
                    second,
                    document_reference=first["document_reference"],
                )
            )

    # -- pairs of projects -----------------------------------------------------
    def similar_projects(self, projects, programme_id, now) -> list[dict]:
        """New projects that duplicate, re-phase or nearly resemble existing ones; returns the new rows."""
        created = []
        plans = [
            (AnomalyKind.NEAR_DUPLICATE, planted_count("near_duplicate", self.scale)),
            (AnomalyKind.PHASE, planted_count("phase", self.scale)),
            (AnomalyKind.NEAR_MISS, planted_count("near_miss", self.scale)),
        ]
        for kind, count in plans:
            sources = self.pick(
                projects,
                count,
                lambda p: (
                    p["is_fixed_asset"]
                    and p["_place"].level == "county"
                    and p["plan_year"] <= 2024
                    and "（" not in p["name"]
                ),
            )
            for source in sources:
                twin = self.twin(source, kind, programme_id, now)
                self.used.add(twin["id"])
                created.append(twin)
        return created

    def twin(self, source: dict, kind: str, programme_id: int, now) -> dict:
        rng, factory = self.rng, self.factory
        year = source["plan_year"] + (rng.choice((0, 1)) if kind != AnomalyKind.PHASE else rng.choice((1, 2)))
        year = min(year, 2025)
        supporter = source["_supporter"]
        if kind == AnomalyKind.NEAR_DUPLICATE:
            # Another supporter paired with the same county, where one exists (a province and its city).
            alternatives = [
                s
                for s in factory.world.supporters.values()
                if s.id != supporter.id and any(p.id == source["_place"].id for p, _ in s.pairings)
            ]
            if alternatives:
                supporter = rng.choice(sorted(alternatives, key=lambda s: s.name))
        twin = {
            "_top": source["_top"],
            "_supporter": supporter,
            "_place": source["_place"],
            "_category": source["_category"],
            "implementation_level": source["implementation_level"],
            "plan_year": year,
            "aid_amount": round_hundred(source["aid_amount"] * Decimal(str(rng.uniform(0.8, 1.2)))),
        }
        factory.complete(twin, programme_id, now)
        twin["is_fixed_asset"] = True
        if kind == AnomalyKind.NEAR_DUPLICATE:
            variant = rng.choice(("reworded", "traditional", "reworded+traditional", "other_channel"))
            name = names.reword(rng, source["name"]) if "reworded" in variant else source["name"]
            if "traditional" in variant:
                name = to_traditional(name)
                if to_simplified(name) == name:  # nothing to convert: reword instead
                    name = names.reword(rng, source["name"])
            if variant == "other_channel" or supporter.id == source["_supporter"].id:
                twin["is_in_plan"] = not source["is_in_plan"]
            detail = {"variant": variant}
        elif kind == AnomalyKind.PHASE:
            name = (
                source["name"].replace("建设项目", "（二期）建设项目")
                if "建设项目" in source["name"]
                else source["name"] + "（二期）"
            )
            detail = {"phase": "二期"}
        else:
            name = self.near_miss_name(source)
            detail = {"difference": "different facility"}
        twin["name"] = name
        self.labels.append(label(kind, source, twin, **detail))
        return twin

    def near_miss_name(self, source: dict) -> str:
        """Same place and kind of work, a different facility (第二中学 vs 第四中学, another town)."""
        name = source["name"]
        for ordinal in names.ORDINALS[:6]:
            if f"第{ordinal}" in name:
                others = [o for o in names.ORDINALS[:9] if o != ordinal]
                return name.replace(f"第{ordinal}", f"第{self.rng.choice(others)}", 1)
        for head in sorted(names.TOWN_HEADS, key=len, reverse=True):  # 墩巴格 before 巴格
            if head in name:
                others = [h for h in names.TOWN_HEADS if h != head and h not in name]
                return name.replace(head, self.rng.choice(others), 1)
        for industry in names.INDUSTRIES + names.CROPS:
            if industry in name:
                others = [i for i in names.INDUSTRIES + names.CROPS if i != industry and i not in name]
                return name.replace(industry, self.rng.choice(others), 1)
        place = source["_place"].name
        for _ in range(20):
            name = names.project_name(self.rng, source["_category"], place, source["_supporter"].short_name)
            if name != source["name"]:
                return name
        return f"{place}{self.rng.choice(names.TOWN_HEADS)}{source['name'].removeprefix(place)}"

    # -- ledger anomalies --------------------------------------------------------
    def ledger_anomalies(self, projects, ledger):
        for project in self.pick(
            projects, planted_count("disbursed_beyond_arrived", self.scale), lambda p: p["status"] in DONE
        ):
            extra = round_hundred(project["aid_amount"] * Decimal(str(self.rng.uniform(0.1, 0.3))))
            ledger.entry(project, "disbursed", extra, add_days(project["actual_end"], -5), note="资金拨付")
            self.labels.append(label(AnomalyKind.DISBURSED_BEYOND_ARRIVED, project, excess=str(extra)))
        for project in self.pick(
            projects,
            planted_count("spent_over_approved", self.scale),
            lambda p: p["status"] in (ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER),
        ):
            extra = round_hundred(project["aid_amount"] * Decimal(str(self.rng.uniform(0.15, 0.3))))
            on = add_days(project["actual_end"], -10)
            for kind, note in (("arrived", "追加资金到位"), ("disbursed", "追加拨付"), ("spent", "完成投资")):
                ledger.entry(project, kind, extra, on, note=note)
            self.labels.append(label(AnomalyKind.SPENT_OVER_APPROVED, project, overrun=str(extra)))
