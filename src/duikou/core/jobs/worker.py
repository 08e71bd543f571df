"""Run the queued background tasks now, in this process, with django-tasks' own database worker.

`duikou db_worker` polls the queue and claims tasks in their own transactions; tests cannot use its loop
(it closes "old" database connections, the test's transaction among them), so they drain the queue with
this: the same `Worker.run_task` that `db_worker` calls, on the same stored tasks.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks(backend_name: str = "default") -> int:
    """Run every task that is ready, oldest first, until none is left; return how many ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id="in-process",
        excluded_queue_names=[],
    )
    count = 0
    while True:
        task_result = DBTaskResult.objects.ready().filter(backend_name=backend_name).get_locked()
        if task_result is None:
            return count
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        count += 1
