"""`joinedup worker`: runs background tasks (notifications, target checks, imports), and
queues the periodic ones (settings.JOINEDUP_PERIODIC_TASKS) when they fall due."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from joinedup.core import periodic


def _schedule(stop: threading.Event, every: float) -> None:
    """Queue the periodic tasks that are due, every `every` seconds, until stopped."""
    while not stop.is_set():
        try:
            periodic.enqueue_due()
        except Exception:  # a database blip must not stop the scheduler for good
            periodic.logger.exception("could not queue the periodic tasks")
        try:
            close_old_connections()
        except Exception:
            periodic.logger.exception("could not close the scheduler's connection")
        stop.wait(every)
    try:
        connection.close()
    except Exception:
        periodic.logger.exception("could not close the scheduler's connection")


class Command(BaseCommand):
    help = (
        "Run the background-task worker: django-tasks' database backend, every queue. "
        "Stops cleanly on Ctrl-C or SIGTERM, after the task in hand."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name",
            default="*",
            help="queues to run, comma-separated; '*' (the default) runs them all",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait between looks at an empty queue",
        )
        parser.add_argument(
            "--batch", action="store_true", help="run what is queued now, then exit"
        )
        parser.add_argument("--max-tasks", type=int, help="exit after this many tasks")
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=60.0,
            help="seconds between checks for periodic tasks that are due (not with --batch)",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="do not queue periodic tasks (another worker does)",
        )

    def handle(self, *args, **options):
        worker_options = {
            "queue_name": options["queue_name"],
            "interval": options["interval"],
            "batch": options["batch"],
            # The autoreloader restarts on code changes, abandoning a task half-run.
            "reload": False,
            "verbosity": options["verbosity"],
        }
        if options["max_tasks"]:
            worker_options["max_tasks"] = options["max_tasks"]
        stop = threading.Event()
        scheduler = None
        if not (options["batch"] or options["no_schedule"]):
            scheduler = threading.Thread(
                target=_schedule,
                args=(stop, options["schedule_every"]),
                name="joinedup-periodic",
                daemon=True,
            )
            scheduler.start()
        try:
            call_command("db_worker", **worker_options)
        finally:
            stop.set()
            if scheduler is not None:
                # The scheduler finishes what it is doing and closes its connection
                # before the worker returns: nothing of it outlives the command.
                scheduler.join(timeout=30)
