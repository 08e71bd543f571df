"""The calibrated synthetic national data set: `generate_dataset(scale=1, seed=1)` builds SF1.

Deterministic by seed: the same scale and seed give the same projects, codes,
amounts, dates, people and labels on any database. Rows are built in memory as
plain dicts and written with `core.bulk.BulkWriter` (COPY on PostgreSQL),
each with its change-log row, under one `ImportBatch`.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from duikou.core.bulk import BulkWriter, indexes_and_foreign_keys_deferred
from duikou.core.context import change_context
from duikou.core.models import ImportBatch, ObjectChange
from duikou.dashboards.rollups import analyze as analyze_rollups
from duikou.demo.models import PlantedAnomaly
from duikou.funds.models import ArrivalConfirmation, LedgerEntry
from duikou.outcomes.models import Measurement
from duikou.projects.models import Project, ProjectStatusChange
from duikou.talent.models import Assignment

from ..calibration import FIRST_YEAR, LAST_YEAR, PLANTED_PER_SCALE
from .anomalies import Planter, label, planted_count
from .ledger import LedgerFactory
from .measurements import MeasurementFactory
from .people import AssignmentFactory
from .plans import build_plans
from .projects import ProjectFactory
from .world import load_world

AS_OF = datetime.date(LAST_YEAR, 12, 31)


def dataset_present() -> bool:
    return Project.objects.exists()


def _describe_project(row):
    return f"{row['code']} {row['name']}"


def _describe_entry(row):
    return f"{row['kind']} {row['amount']} 元 · {row['value_date']}"


def generate_dataset(*, scale: float = 1.0, seed: int = 1, user=None, progress=print) -> ImportBatch:
    """Build and load the data set in one transaction; returns its import batch (with counts and timings)."""
    started = time.perf_counter()
    timings = {}
    outer_progress = progress

    def progress(message):
        outer_progress(f"[{time.perf_counter() - started:6.1f} s] {message}")

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A demo load can be re-run: not waiting for the WAL flush at commit is a safe trade here.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.GENERATED,
            label=f"generate --scale {scale} --seed {seed}",
            created_by=user,
            parameters={"scale": scale, "seed": seed, "as_of": AS_OF.isoformat()},
        )
        with change_context(user=user, source="system", import_batch=batch, note=batch.label):
            writer = BulkWriter()
            rows, labels = build_rows(scale=scale, seed=seed, writer=writer, progress=progress)
            timings["build_seconds"] = round(time.perf_counter() - started, 2)
            write_started = time.perf_counter()
            loaded = [
                Project,
                ProjectStatusChange,
                LedgerEntry,
                ArrivalConfirmation,
                Assignment,
                Measurement,
                PlantedAnomaly,
                ObjectChange,
            ]
            with indexes_and_foreign_keys_deferred(loaded):
                write_rows(writer, rows, labels, batch, progress)
            writer.finish()
            plan_counts = build_plans(load_world())  # through the plan services, now that the projects are in
            progress(f"  年度计划 {plan_counts['AnnualPlan']} 份（{LAST_YEAR} 年）· annual plans")
            analyze_rollups()  # the triggers kept the rollups exact during the load; refresh their statistics
            timings["write_seconds"] = round(time.perf_counter() - write_started, 2)
        batch.counts = {label.split(".")[-1]: count for label, count in writer.counts.items()} | plan_counts
        batch.parameters = {**batch.parameters, **timings, "vendor": connection.vendor}
        batch.finished = timezone.now()
        batch.save()
    return batch


def write_rows(writer: BulkWriter, rows: dict, labels: list[dict], batch: ImportBatch, progress) -> None:
    """Parents before children, each table with its change-log rows."""
    writer.write(Project, rows["projects"], _describe_project)
    writer.write(
        ProjectStatusChange,
        rows["status_changes"],
        lambda r: f"{r['project_id']}: {r['from_status'] or '—'} → {r['to_status']}",
    )
    progress(f"  写入项目 {len(rows['projects']):,} 个 · projects written")
    writer.write(LedgerEntry, rows["ledger"], _describe_entry)
    writer.write(ArrivalConfirmation, rows["confirmations"], lambda r: f"{r['state']} · {r['entry_id']}")
    progress(f"  写入资金分录 {len(rows['ledger']):,} 笔 · ledger entries written")
    writer.write(Assignment, rows["assignments"], lambda r: f"{r['person_name']}（{r['host_unit']}）")
    writer.write(Measurement, rows["measurements"], lambda r: f"{r['indicator_id']} {r['value']}")
    progress(f"  写入干部人才 {len(rows['assignments']):,} 人次、成效数据 {len(rows['measurements']):,} 条")
    label_rows = [
        {
            "id": key,
            "kind": item["kind"],
            "project_id": item["project"]["id"] if item["project"] else None,
            "other_project_id": item["other_project"]["id"] if item["other_project"] else None,
            "supporter_id": item["supporter_id"],
            "year": item["year"],
            "detail": item["detail"],
            "import_batch_id": batch.pk,
        }
        for item, key in zip(labels, writer.reserve_ids(PlantedAnomaly, len(labels)), strict=True)
    ]
    writer.write(PlantedAnomaly, label_rows, str, log=False)


def build_rows(*, scale: float, seed: int, writer: BulkWriter, progress=print) -> tuple[dict, list[dict]]:
    """All rows of the data set, and the labels of what was planted."""
    world = load_world()
    rng = random.Random(seed)
    now = timezone.now()
    factory = ProjectFactory(world, rng, scale, AS_OF)
    labels: list[dict] = []

    placed = []
    low_years = _low_livelihood_years(world, rng, scale)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        year_projects = factory.build_year(year)
        for supporter in world.top_supporters:
            own = [p for p in year_projects if p["_top"] is supporter]
            if not own:
                continue
            if (supporter.name, year) in low_years:
                share = factory.lower_livelihood_share(own)
                labels.append(
                    label(
                        "low_livelihood_share",
                        supporter_id=supporter.id,
                        year=year,
                        share=str(share.quantize(Decimal("0.0001"))),
                    )
                )
            else:
                factory.ensure_livelihood_share(own)
        placed.extend(year_projects)
    progress(f"  规划项目 {len(placed):,} 个 · projects placed")

    extra = sum(planted_count(kind, scale) for kind in ("near_duplicate", "phase", "near_miss"))
    factory.ids = iter(writer.reserve_ids(Project, len(placed) + extra))  # now that the count is known
    projects = [factory.complete(p, world.programme.pk, now) for p in placed]

    planter = Planter(factory, rng, scale)
    planter.late_supporter_years(projects)
    planter.completed_not_accepted(projects)
    planter.idle_balance(projects)
    planter.total_mismatch(projects)
    planter.office_buildings(projects)
    planter.duplicate_documents(projects)
    projects.extend(planter.similar_projects(projects, world.programme.pk, now))

    status_changes = []
    for project in projects:
        for from_status, to_status, on in project["_steps"]:
            status_changes.append(
                {
                    "id": None,
                    "created": now,
                    "last_updated": now,
                    "project_id": project["id"],
                    "from_status": from_status,
                    "to_status": to_status,
                    "effective_on": on,
                    "changed_by_id": None,
                    "note": "",
                }
            )
    for row, key in zip(
        status_changes, writer.reserve_ids(ProjectStatusChange, len(status_changes)), strict=True
    ):
        row["id"] = key

    ledger = LedgerFactory(rng, AS_OF, lambda n: writer.reserve_ids(LedgerEntry, n), now)
    for project in projects:
        ledger.for_project(project, idle=project.get("_idle", False))
    planter.ledger_anomalies(projects, ledger)
    ledger.correct_some()
    entries = ledger.assign_ids()
    # A generator of its own (seeded from the seed), so the answers do not shift the people and outcomes.
    confirmations = ledger.confirmations(
        random.Random(f"{seed}:confirmations"), lambda n: writer.reserve_ids(ArrivalConfirmation, n)
    )
    progress(f"  资金分录 {len(entries):,} 笔、到位确认 {len(confirmations):,} 笔 · ledger entries built")

    assignments = AssignmentFactory(world, rng, scale, AS_OF, now).build()
    for row, key in zip(assignments, writer.reserve_ids(Assignment, len(assignments)), strict=True):
        row["id"] = key

    outcome = MeasurementFactory(world, rng, scale, AS_OF, now)
    for project in projects:
        outcome.for_project(project)
    outcome.for_pairings()
    outcome.calibrate_jobs()
    for row, key in zip(outcome.rows, writer.reserve_ids(Measurement, len(outcome.rows)), strict=True):
        row["id"] = key

    labels.extend(planter.labels)
    return {
        "projects": projects,
        "status_changes": status_changes,
        "ledger": entries,
        "confirmations": confirmations,
        "assignments": assignments,
        "measurements": outcome.rows,
    }, labels


def _low_livelihood_years(world, rng: random.Random, scale: float) -> set[tuple[str, int]]:
    """Which supporter-years get a planted 民生 share below target (not the last year, not tiny ones)."""
    count = planted_count("low_livelihood_share", scale)
    candidates = [
        (s.name, year)
        for s in world.top_supporters
        if s.weight >= 4
        for year in range(FIRST_YEAR + 2, LAST_YEAR)
    ]
    return set(rng.sample(candidates, count))


__all__ = ["AS_OF", "PLANTED_PER_SCALE", "dataset_present", "generate_dataset"]
