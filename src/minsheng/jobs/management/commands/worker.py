"""``minsheng worker``: runs background tasks from the database queue and enqueues the
periodic jobs when they are due. No broker server to run."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import OperationalError, close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.utils import is_locked_database_exception

from minsheng.jobs.schedule import scheduler_tick

logger = logging.getLogger("minsheng.jobs")


def _scheduler_loop(stop: threading.Event, every_seconds: float) -> None:
    while not stop.is_set():
        try:
            names = scheduler_tick()
            if names:
                logger.info("enqueued periodic jobs: %s", ", ".join(names))
        except Exception:  # keep the scheduler alive; the error is logged with its traceback
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(every_seconds)


class Command(DbWorkerCommand):
    help = "Run background tasks and enqueue periodic jobs (Ctrl-C stops)."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule", action="store_true", help="Do not enqueue periodic jobs."
        )
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=30.0,
            help="Seconds between checks for due periodic jobs (default 30).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        no_schedule = options.pop("no_schedule")
        every = options.pop("schedule_every")
        options["reload"] = False  # the reloader would start a second scheduler
        stop = threading.Event()
        if not no_schedule and not options.get("batch"):
            threading.Thread(
                target=_scheduler_loop, args=(stop, every), name="scheduler", daemon=True
            ).start()
        pause = 1.0
        try:
            while True:
                try:
                    super().handle(*args, **options)
                    return
                except OperationalError as exc:
                    # A long write elsewhere holds SQLite's lock past the busy timeout: wait
                    # and carry on instead of exiting (the site must not lose its worker).
                    if not is_locked_database_exception(exc):
                        raise
                    logger.warning("database is locked; the worker retries in %.0f s", pause)
                    close_old_connections()
                    time.sleep(pause)
                    pause = min(pause * 2, 60.0)
        finally:
            stop.set()
