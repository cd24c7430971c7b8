"""`joinedup serve`: its configuration, and stopping its two processes together."""

import signal
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.demo.management.commands import serve

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_web_workers_must_be_a_positive_whole_number(monkeypatch):
    monkeypatch.setenv("JOINEDUP_WEB_WORKERS", "none")

    with pytest.raises(CommandError, match="JOINEDUP_WEB_WORKERS"):
        call_command("serve")


def test_gunicorn_serves_the_wsgi_application_on_the_bind_address():
    command = serve._gunicorn_command("0.0.0.0:9000", "3")

    assert command[2:4] == ["gunicorn", "joinedup.wsgi:application"]
    assert command[command.index("--bind") + 1] == "0.0.0.0:9000"
    assert command[command.index("--workers") + 1] == "3"


def test_waiting_returns_the_child_that_exited():
    quick = subprocess.Popen([sys.executable, "-c", "pass"])
    slow = subprocess.Popen(SLEEPER)
    try:
        assert serve._wait_for_stop_or_exit([("worker", quick), ("web", slow)], []) == "worker"
    finally:
        slow.kill()
        slow.wait()


def test_a_stop_request_ends_the_wait_without_naming_a_child():
    slow = subprocess.Popen(SLEEPER)
    try:
        assert serve._wait_for_stop_or_exit([("web", slow)], [signal.SIGTERM]) is None
    finally:
        slow.kill()
        slow.wait()


def test_stopping_sends_each_running_child_sigterm():
    children = [("web", subprocess.Popen(SLEEPER)), ("worker", subprocess.Popen(SLEEPER))]

    serve._stop(children)

    assert [process.returncode for _, process in children] == [-signal.SIGTERM] * 2
