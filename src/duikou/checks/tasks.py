"""The checks in the background (django-tasks, run by `duikou db_worker`): after every import, and nightly.

- After an import: `core.ImportBatch` rows are saved with `finished` when an import or a generated data set
  commits; a `post_save` receiver (`checks/apps.py` connects it) queues `run_checks_task` with
  `transaction.on_commit`, so a rolled-back import queues nothing and the import does not wait.
- Nightly: `run_checks_task(trigger="nightly")` queues its own next run for the next night at
  `NIGHTLY_HOUR` (local time) before it runs; `ensure_nightly_run()` (`duikou findings --nightly`, and
  `make demo`) starts the chain once, and does nothing when a nightly run is already queued.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from duikou.core.context import change_context

from .rules.choices import RunTrigger

logger = logging.getLogger(__name__)
NIGHTLY_HOUR = 2  # 02:00 local time: after the day's imports, before people look at the dashboards


def next_night(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next NIGHTLY_HOUR o'clock, local time, strictly after `now`."""
    local = timezone.localtime(now or timezone.now())
    candidate = local.replace(hour=NIGHTLY_HOUR, minute=0, second=0, microsecond=0)
    if candidate <= local:
        candidate += datetime.timedelta(days=1)
    return candidate


@task()
def run_checks_task(trigger: str = RunTrigger.IMPORT, import_batch_id: int | None = None) -> dict:
    """Run every enabled rule of every programme; returns the run's per-rule counts."""
    from .findings import run_checks

    if trigger == RunTrigger.NIGHTLY:
        schedule_nightly()  # the next night first: a failing run must not break the chain
    note = f"checks after import batch {import_batch_id}" if import_batch_id else f"checks ({trigger})"
    with change_context(user=None, source="system", note=note):
        run = run_checks(trigger=trigger)
    return run.counts if run is not None else {}


def nightly_run_queued() -> bool:
    """Whether a nightly run waits in the database queue (the chain is alive)."""
    from django_tasks_db.models import DBTaskResult

    # READY and not yet due (`ready()` would leave out a run waiting for tonight).
    return (
        DBTaskResult.objects.filter(status="READY", task_path=run_checks_task.module_path)
        .filter(args_kwargs__kwargs__trigger=RunTrigger.NIGHTLY)
        .exists()
    )


def schedule_nightly() -> None:
    run_checks_task.using(run_after=next_night()).enqueue(trigger=RunTrigger.NIGHTLY)


def ensure_nightly_run() -> bool:
    """Queue the nightly run unless one is queued; returns whether it queued one."""
    try:
        if nightly_run_queued():
            return False
    except Exception:  # another tasks backend (immediate, dummy): no queue to look into
        logger.info("checks: no database queue to look for a nightly run in")
    schedule_nightly()
    return True


def checks_after_import(sender, instance, update_fields=None, **kwargs) -> None:
    """`post_save` of `core.ImportBatch`: an import or a generated data set that finished queues a run of
    the checks once its transaction commits (reference loads do not: they change no project or entry)."""
    if instance.kind == instance.Kind.REFERENCE or instance.finished is None:
        return
    if update_fields is not None and "finished" not in update_fields:
        return
    batch_id = instance.pk
    transaction.on_commit(
        lambda: run_checks_task.enqueue(trigger=RunTrigger.IMPORT, import_batch_id=batch_id)
    )
