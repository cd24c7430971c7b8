"""`joinedup worker`: runs background tasks (notifications, target checks, imports)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


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
        call_command("db_worker", **worker_options)
