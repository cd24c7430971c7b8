"""`joinedup serve`: the web server and the background worker, started and stopped together."""

import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 20


class Command(BaseCommand):
    help = (
        "Collect static files, then serve joinedup with gunicorn on JOINEDUP_BIND (default "
        "127.0.0.1:8000) with JOINEDUP_WEB_WORKERS workers (default 2), and run "
        "`joinedup worker` beside it. Ctrl-C or SIGTERM stops both."
    )

    def handle(self, *args, **options):
        bind = os.environ.get("JOINEDUP_BIND", "127.0.0.1:8000")
        workers = os.environ.get("JOINEDUP_WEB_WORKERS", "2")
        if not workers.isdigit() or int(workers) < 1:
            raise CommandError("JOINEDUP_WEB_WORKERS must be a whole number, 1 or more")
        call_command("collectstatic", interactive=False, verbosity=0)
        stopping = []
        for signum in STOP_SIGNALS:
            signal.signal(signum, lambda signum, frame: stopping.append(signum))
        children = [
            self._start("web", _gunicorn_command(bind, workers)),
            self._start("worker", [sys.executable, "-m", "joinedup.cli", "worker"]),
        ]
        self.stdout.write(f"joinedup is serving at http://{bind}/  (Ctrl-C stops it)")
        exited = _wait_for_stop_or_exit(children, stopping)
        _stop(children)
        if exited is not None and not stopping:
            raise CommandError(f"the {exited} process stopped unexpectedly; stopped the rest")

    def _start(self, name: str, command: list[str]) -> tuple[str, subprocess.Popen]:
        # In a session of its own, a child does not receive the terminal's Ctrl-C as well:
        # each gets exactly one SIGTERM from here, which both treat as "finish and stop"
        # (a second signal would make the worker abandon the task in hand).
        return name, subprocess.Popen(command, start_new_session=True)


def _gunicorn_command(bind: str, workers: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "joinedup.wsgi:application",
        "--bind",
        bind,
        "--workers",
        workers,
        "--access-logfile",
        "-",
        "--graceful-timeout",
        str(GRACE_SECONDS),
        *_without_control_socket(),
    ]


def _without_control_socket() -> list[str]:
    # gunicorn 27 opens a control socket at one path per user by default, so a second
    # `joinedup serve` on the machine would fight over it; nothing here uses it.
    from gunicorn.config import KNOWN_SETTINGS

    if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
        return ["--no-control-socket"]
    return []


def _wait_for_stop_or_exit(children, stopping: list) -> str | None:
    """Block until we are asked to stop, or one child exits; return that child's name."""
    while not stopping:
        for name, process in children:
            if process.poll() is not None:
                return name
        time.sleep(0.5)
    return None


def _stop(children) -> None:
    for _, process in children:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS + 5
    for _, process in children:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
