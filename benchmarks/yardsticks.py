"""Yardsticks measured in the same run as every figure, because shared machines are noisy
(DESIGN.md §9): F, a logged-in trivial view through the whole middleware stack; P,
pgbench on the same PostgreSQL server. (The third, the same scenario at small size, is
the search scenario run against the small database.)"""

import os
import re
import shutil
import subprocess
from urllib.parse import urlsplit

from django.test import Client

from benchmarks.measure import measure_runs

# A volunteer sees no clinical data, so no second factor stands between them and the page.
FRAMEWORK_ACCOUNT = "volunteer.riverside-mind"
FRAMEWORK_PATH = "/"


def framework(*, client: Client, requests: int, runs: int, warmup: int) -> dict:
    """F: the home page as a logged-in member: sessions, authentication, the acting
    membership, CSP and a template render, with no directory query."""
    from joinedup.accounts.models import User

    client.force_login(User.objects.get(username=FRAMEWORK_ACCOUNT))

    def call(_):
        response = client.get(FRAMEWORK_PATH)
        if response.status_code != 200:
            raise RuntimeError(f"{FRAMEWORK_PATH} answered {response.status_code}")

    figures = measure_runs(call, list(range(requests)), runs=runs, warmup=warmup)
    client.logout()
    return {"view": f"GET {FRAMEWORK_PATH} logged in as {FRAMEWORK_ACCOUNT}", **figures}


def _libpq_args(url: str, database: str) -> tuple[list[str], dict[str, str]]:
    parts = urlsplit(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if parts.username:
        args += ["-U", parts.username]
    env = {"PGPASSWORD": parts.password} if parts.password else {}
    return [*args, database], env


def pgbench(*, server_url: str, database: str, seconds: int, clients: int = 2) -> dict:
    """P: pgbench's select-only load on the server the benchmarks use, into a scratch
    database `database` (initialised at scale 1 each time)."""
    if shutil.which("pgbench") is None:
        return {"skipped": "pgbench is not installed (Debian: apt-get install postgresql-client)"}
    target, env = _libpq_args(server_url, database)
    run_env = {**os.environ, **env}
    subprocess.run(
        ["pgbench", "-i", "-s", "1", "-q", *target], check=True, env=run_env, capture_output=True
    )
    result = subprocess.run(
        ["pgbench", "-S", "-T", str(seconds), "-c", str(clients), "-j", str(clients), *target],
        check=True,
        env=run_env,
        capture_output=True,
        text=True,
    )
    return _pgbench_figures(result.stdout, seconds=seconds, clients=clients)


def _pgbench_figures(output: str, *, seconds: int, clients: int) -> dict:
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", output)
    latency = re.search(r"latency average = ([0-9.]+) ms", output)
    if not tps or not latency:
        raise RuntimeError(f"could not read pgbench's output:\n{output}")
    return {
        "test": f"pgbench -S (select only), {clients} clients, {seconds} s",
        "tps": round(float(tps.group(1)), 1),
        "latency_ms": float(latency.group(1)),
    }
