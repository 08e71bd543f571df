"""Background jobs (DESIGN.md: django-tasks with the database backend): long imports and large exports run
in `duikou db_worker`, with their progress on `core.BackgroundJob` for the page's progress bar.

    from duikou.core.jobs import start_job, JobProgress
"""

from .services import JobProgress, current_progress, job_file, start_job

__all__ = ["JobProgress", "current_progress", "job_file", "start_job"]
