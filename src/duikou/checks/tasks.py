"""The checks in the background (django-tasks, run by `duikou db_worker`): after every import, and nightly.

- After an import: `core.ImportBatch` rows are saved with `finished` when an import or a generated data set
  commits; a `post_save` receiver (`checks/apps.py` connects it) queues `run_checks_task` with
  `transaction.on_commit`, so a rolled-back import queues nothing and the import does not wait.
- After an import, too: `duplicates_after_import_task` compares the projects the import created or changed
  with their neighbourhoods (`checks.duplicates.scan_projects`) and adds the pairs found to the review queue
  (issue 6, item 3). The import itself only looks for names written the same way; rewordings (教学楼 →
  教学综合楼) are found here, seconds later, instead of at the next `duikou duplicates --save`.
- Nightly: `run_checks_task(trigger="nightly")` queues its own next run for the next night at
  `NIGHTLY_HOUR` (local time) before it runs; `ensure_nightly_run()` (`duikou findings --nightly`, and
  `make demo`) starts the chain once, and does nothing when a nightly run is already queued.
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
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
    the checks once its transaction commits (reference loads do not: they change no project or entry), and
    an import also the duplicate scan of its projects (a generated data set is scanned whole by
    `duikou duplicates --save`)."""
    if instance.kind == instance.Kind.REFERENCE or instance.finished is None:
        return
    if update_fields is not None and "finished" not in update_fields:
        return
    batch_id = instance.pk
    transaction.on_commit(
        lambda: run_checks_task.enqueue(trigger=RunTrigger.IMPORT, import_batch_id=batch_id)
    )
    if instance.kind == instance.Kind.IMPORT:
        transaction.on_commit(lambda: duplicates_after_import_task.enqueue(import_batch_id=batch_id))


SAVE_ATTEMPTS = 3


@task()
def duplicates_after_import_task(import_batch_id: int) -> dict:
    """Compare the projects an import created or changed with their neighbourhoods and add the likely
    duplicates to the review queue; pairs a reviewer decided never come back. Returns the counts.

    Safe to run beside another import's scan or `duikou duplicates --save`: the pairs are read and written
    in one transaction, and when another one saved one of the same pairs first (the unique pair), the
    saving starts again and finds it there.
    """
    from .duplicates.review import add_to_queue
    from .duplicates.scan import scan_projects

    candidates = scan_projects(projects_of_batch(import_batch_id))
    note = f"duplicates after import batch {import_batch_id}"
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            with change_context(user=None, source="system", note=note):
                return add_to_queue(candidates)
        except IntegrityError:
            if attempt == SAVE_ATTEMPTS:
                raise
            logger.info(
                "duplicates after import batch %s: a pair was saved meanwhile, again", import_batch_id
            )
    return {}


def projects_of_batch(import_batch_id: int):
    """The projects an import batch created or changed (its change log), as a queryset (a subquery: a
    1,000,000-row import sends no list of ids)."""
    from django.contrib.contenttypes.models import ContentType

    from duikou.core.models import ObjectChange
    from duikou.projects.models import Project

    changes = ObjectChange.objects.filter(
        import_batch_id=import_batch_id,
        changed_object_type=ContentType.objects.get_for_model(Project),
        action__in=[ObjectChange.Action.CREATE, ObjectChange.Action.UPDATE],
    )
    return Project.objects.filter(pk__in=changes.values("changed_object_id"))
