"""`joinedup bench`: performance against the targets of DESIGN.md §9, on PostgreSQL.

Each size gets a database of its own on the server of JOINEDUP_BENCH_DATABASE_URL
(`joinedup_bench_ics_s1` …), built once by the generator and reused while its size and
seed match. Every step runs in a `joinedup bench-run` process with DATABASE_URL set to
that database, so settings load fresh and nothing is shared between sizes.

Beside every figure are the yardsticks measured in the same run: F (a logged-in trivial
view), P (pgbench on the same server) and the same scenario at small size.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from benchmarks import yardsticks

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
# label: (generator size, services override)
BENCH_SIZES = {
    "small": ("small", None),
    "10k": ("ics", 10_000),
    "ics": ("ics", None),
    "national": ("national", None),
}
SEARCH_P95_TARGET_MS = {"ics": 50.0, "national": 100.0}
# benchmarks.search measures every search twice; both are held to the targets.
SEARCH_STATES = ("cold", "warm")
SEARCH_STATE_MEANING = {
    "cold": "search cache emptied before every timed search — every count and facet computed",
    "warm": "every search of the mix run once first — repeated searches, served by the cache",
}
RATIO_SIZES, RATIO_TARGET = ("national", "10k"), 2.0
# The referrals scenario: label: (generator size, referrals of history, database). The
# ratio's small end is the demo partnership with 10,000 referrals of history; its large
# end the ICS size, with its million (the database the search and access scenarios use).
REFERRAL_SIZES = {
    "r10k": ("demo", 10_000),
    "ics": ("ics", None),
}
REFERRAL_RATIO_SIZES = ("ics", "r10k")
# The joint-working scenario: label: (generator size, the stages its pages need). The
# demo partnership (its meetings and plans made through the services) is the small end;
# the ICS, with the bulk history of plans and meetings over its million referrals, the
# large one.
JOINT_SIZES = {
    "demo": ("demo", "careplans,meetings"),
    "ics": ("ics", "people,referral_history,careplan_history,meeting_history"),
}
# DESIGN.md §9, when the scenario does not name its own targets.
ORUK_TARGETS = {"seconds": 60.0, "peak_rss_mib": 1024.0}


class Command(BaseCommand):
    help = (
        "Benchmark joinedup on PostgreSQL against DESIGN.md §9: `bench search` (directory "
        "search p50/p95/p99 at ICS and national size) or `bench oruk-import`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "scenario", choices=["search", "oruk-import", "access", "referrals", "joint"]
        )
        parser.add_argument(
            "--sizes",
            default="ics,national",
            help="comma-separated, of small, 10k, ics, national (small always runs as a "
            "yardstick; 10k runs with national for the 100k/10k ratio)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=5, help="medians are over these")
        parser.add_argument("--requests", type=int, default=120, help="searches per run")
        parser.add_argument("--warmup", type=int, default=30)
        parser.add_argument("--services", type=int, default=100_000, help="oruk-import size")
        parser.add_argument("--pgbench-seconds", type=int, default=10)
        parser.add_argument(
            "--clients", type=int, default=16, help="referrals: concurrent submitting clients"
        )
        parser.add_argument(
            "--submit-seconds", type=float, default=20.0, help="referrals: submission timed for"
        )
        parser.add_argument(
            "--web-workers", type=int, default=4, help="referrals: gunicorn workers serving"
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="rebuild the bench databases even if built"
        )
        parser.add_argument("--json", type=Path, help="also write every figure to this file")

    def handle(self, *args, **options):
        server = os.environ.get("JOINEDUP_BENCH_DATABASE_URL", DEFAULT_SERVER)
        _require_postgresql(server)
        if options["scenario"] == "search":
            report = self._search(server, options)
        elif options["scenario"] == "access":
            report = self._access(server, options)
        elif options["scenario"] == "referrals":
            report = self._referrals(server, options)
        elif options["scenario"] == "joint":
            report = self._joint(server, options)
        else:
            report = self._oruk_import(server, options)
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2, default=str))
            self.stdout.write(f"Figures written to {options['json']}")

    # --- search ----------------------------------------------------------------------

    def _search(self, server: str, options) -> dict:
        labels = _search_labels(options["sizes"])
        seed = options["seed"]
        report = {"scenario": "search", "seed": seed, "runs": options["runs"], "sizes": {}}
        load_before = _load_average()
        report["pgbench_before"] = self._pgbench(server, options)
        for label in labels:
            database = f"joinedup_bench_{label}_s{seed}"
            url = _prepare_database(server, database, rebuild=options["rebuild"])
            size, services = BENCH_SIZES[label]
            self.stderr.write(f"--- {label}: building or reusing {database}")
            build_args = ["--size", size, "--seed", str(seed)]
            if services:
                build_args += ["--services", str(services)]
            build = _bench_run("build", build_args, url)
            self.stderr.write(f"--- {label}: measuring search")
            measured = _bench_run("search", _measure_args(options), url)
            report["sizes"][label] = {"database": database, "build": build, **measured}
        report["pgbench_after"] = self._pgbench(server, options)
        report["load_average"] = {"before": load_before, "after": _load_average()}
        report["verdicts"] = _verdicts(report["sizes"])
        self._print_search(report)
        return report

    def _pgbench(self, server: str, options) -> dict:
        self.stderr.write("--- P: pgbench")
        _prepare_database(server, "joinedup_bench_pgbench", rebuild=False)
        return yardsticks.pgbench(
            server_url=server, database="joinedup_bench_pgbench", seconds=options["pgbench_seconds"]
        )

    def _print_search(self, report: dict) -> None:
        out = self.stdout.write
        sizes = report["sizes"]
        first = next(iter(sizes.values()))
        out(
            f"\njoinedup bench search — seed {report['seed']}, medians of {report['runs']} runs "
            f"of {first['search']['requests']} searches, via {first['search']['via']}"
        )
        for state in SEARCH_STATES:
            verdicts = report["verdicts"][state]
            out(f"\n{state.upper()}: {SEARCH_STATE_MEANING[state]}")
            out(
                f"{'size':<9}{'services':>9}{'build s':>9}{'p50 ms':>9}{'p95 ms':>9}"
                f"{'p99 ms':>9}{'target p95':>12}  result   {'F p50':>7}{'F p95':>7}"
            )
            for label, figures in sizes.items():
                out(_search_row(label, figures, verdicts.get(label), state))
            ratio = verdicts.get("ratio")
            if ratio:
                out(
                    f"{state} ratio p95({RATIO_SIZES[0]}) ÷ p95({RATIO_SIZES[1]}) = "
                    f"{ratio['value']:.2f}   target ≤ {RATIO_TARGET:g}   {ratio['result']}"
                )
        out("(build s: * = built by an earlier run and reused; F = the logged-in yardstick)")
        load = report.get("load_average")
        if load:
            out(f"load average (1, 5, 15 min): before {load['before']}, after {load['after']}")
        for when in ("pgbench_before", "pgbench_after"):
            out(f"P ({when.split('_')[1]}): {_pgbench_text(report[when])}")
        out("F: " + first["framework"]["view"])
        for label, figures in sizes.items():
            self._print_details(label, figures)

    def _print_details(self, label: str, figures: dict) -> None:
        search = figures["search"]
        for state in SEARCH_STATES:
            primary = _primary(figures, state)
            by_kind = ", ".join(f"{k} {v:g}" for k, v in primary["by_kind_p95"].items())
            queries = ", ".join(f"{k} {v}" for k, v in primary["queries"].items())
            self.stdout.write(f"{label} {state}: p95 by kind (ms): {by_kind}")
            self.stdout.write(f"{label} {state}: SQL queries per search: {queries}")
            for name, ways in search["ways"].items():
                if name != search["via"]:
                    other = ways[state]
                    self.stdout.write(
                        f"{label} {state}: also via {name}: p50 {other['p50']:g}, "
                        f"p95 {other['p95']:g}, p99 {other['p99']:g} ms"
                    )
        for note in search["notes"]:
            self.stdout.write(f"{label}: note: {note}")

    # --- access: the people list and the record page ------------------------------------

    def _access(self, server: str, options) -> dict:
        """The shared record's pages at each size (small always, as the yardstick). A
        database built before the generator's people stage (its marker does not record
        it at the current version) is rebuilt."""
        from benchmarks import access

        seed = options["seed"]
        report = {"scenario": "access", "seed": seed, "runs": options["runs"], "sizes": {}}
        report["pgbench_before"] = self._pgbench(server, options)
        for label in _access_labels(options["sizes"]):
            database = f"joinedup_bench_{label}_s{seed}"
            url = _prepare_database(server, database, rebuild=options["rebuild"])
            size, services = BENCH_SIZES[label]
            self.stderr.write(f"--- {label}: building or reusing {database}")
            build_args = ["--size", size, "--seed", str(seed), "--stages", "people"]
            if services:
                build_args += ["--services", str(services)]
            build = _bench_run("build", build_args, url)
            self.stderr.write(f"--- {label}: measuring the people list and record page")
            measured = _bench_run("access", _measure_args(options), url)
            report["sizes"][label] = {"database": database, "build": build, **measured}
        report["pgbench_after"] = self._pgbench(server, options)
        report["target_p95_ms"] = access.P95_TARGET_MS
        self._print_access(report)
        return report

    def _print_access(self, report: dict) -> None:
        out = self.stdout.write
        target = report["target_p95_ms"]
        out(
            f"\njoinedup bench access — seed {report['seed']}, medians of {report['runs']} runs; "
            f"target p95 ≤ {target:g} ms (the worklist's, DESIGN.md §9: none is named for "
            "these pages)"
        )
        out(
            f"{'size':<9}{'page':<9}{'people':>9}{'build s':>9}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'p99 ms':>9}  result     {'queries':<12}{'F p50':>7}{'F p95':>7}"
        )
        for label, figures in report["sizes"].items():
            build = figures["build"]
            built = f"{build['build_seconds']:.0f}" + ("*" if build["reused"] else "")
            framework = figures["framework"]
            for kind, page in figures["access"]["pages"].items():
                queries = sorted(set(figures["access"]["queries"].get(kind, {}).values()))
                over = page["p95"] - target
                result = "PASS" if over <= 0 else f"MISS +{over:.0f}"
                out(
                    f"{label:<9}{kind:<9}{figures['people']:>9}{built:>9}{page['p50']:>9.1f}"
                    f"{page['p95']:>9.1f}{page['p99']:>9.1f}  {result:<10} "
                    f"{'/'.join(map(str, queries)):<12}{framework['p50']:>7.1f}"
                    f"{framework['p95']:>7.1f}"
                )
        out("(queries: per request, one figure per persona where they differ; F = the "
            "logged-in yardstick; build s: * = reused)")  # fmt: skip
        for when in ("pgbench_before", "pgbench_after"):
            out(f"P ({when.split('_')[1]}): {_pgbench_text(report[when])}")
        first = next(iter(report["sizes"].values()))
        out("personas: " + ", ".join(first["access"]["personas"]))

    # --- joint working: the meeting's agenda and the care plan page ---------------------

    def _joint(self, server: str, options) -> dict:
        """The agenda, minutes and care plan pages at the demo's size and the ICS's."""
        from benchmarks import joint_load

        seed = options["seed"]
        report = {"scenario": "joint", "seed": seed, "runs": options["runs"], "sizes": {}}
        load_before = _load_average()
        report["pgbench_before"] = self._pgbench(server, options)
        for label in _joint_labels(options["sizes"]):
            size, stages = JOINT_SIZES[label]
            database = f"joinedup_bench_{label}_s{seed}"
            url = _prepare_database(server, database, rebuild=options["rebuild"])
            self.stderr.write(f"--- {label}: building or reusing {database}")
            build = _bench_run(
                "build", ["--size", size, "--seed", str(seed), "--stages", stages], url
            )
            self.stderr.write(f"--- {label}: measuring the agenda and care plan pages")
            measured = _bench_run("joint", _measure_args(options), url)
            report["sizes"][label] = {"database": database, "build": build, **measured}
        report["pgbench_after"] = self._pgbench(server, options)
        report["load_average"] = {"before": load_before, "after": _load_average()}
        report["target_p95_ms"] = joint_load.PAGE_P95_TARGET_MS
        report["queries_constant"] = joint_load.queries_constant(report["sizes"])
        self._print_joint(report)
        return report

    def _print_joint(self, report: dict) -> None:
        out = self.stdout.write
        target = report["target_p95_ms"]
        out(
            f"\njoinedup bench joint — seed {report['seed']}, medians of {report['runs']} runs; "
            f"target p95 ≤ {target:g} ms (the worklist's, DESIGN.md §9: none is named for "
            "these pages)"
        )
        out(
            f"{'size':<6}{'page':<10}{'pages':>6}{'items':>6}{'p50 ms':>8}{'p95 ms':>8}"
            f"{'p99 ms':>8}  {'result':<10}{'queries':<10}{'F p50':>7}{'F p95':>7}"
        )
        for label, figures in report["sizes"].items():
            joint, framework = figures["joint"], figures["framework"]
            for kind, page in joint["pages"].items():
                over = page["p95"] - target
                result = "PASS" if over <= 0 else f"MISS +{over:.0f}"
                counts = sorted({n for pair in joint["queries"][kind].values() for n in pair})
                shown = joint["shown"][kind]
                out(
                    f"{label:<6}{kind:<10}{shown['pages']:>6}{shown['items']:>6}"
                    f"{page['p50']:>8.1f}{page['p95']:>8.1f}{page['p99']:>8.1f}  {result:<10}"
                    f"{'/'.join(map(str, counts)):<10}{framework['p50']:>7.1f}"
                    f"{framework['p95']:>7.1f}"
                )
            tables = ", ".join(f"{k} {v:,}" for k, v in joint["tables"].items())
            out(f"  {label}: {tables}")
        constant = "the same" if report["queries_constant"] else "NOT the same"
        out(f"queries per page and persona: {constant} at every size (DESIGN.md §9)")
        out("(items: the most agenda items on a meeting's page, or versions of a plan; "
            "queries: per request, fewest/most over the personas)")  # fmt: skip
        for when in ("pgbench_before", "pgbench_after"):
            out(f"P ({when.split('_')[1]}): {_pgbench_text(report[when])}")

    # --- referrals: worklists over history, and submission under load -----------------

    def _referrals(self, server: str, options) -> dict:
        from benchmarks import referral_load

        seed = options["seed"]
        report = {"scenario": "referrals", "seed": seed, "runs": options["runs"], "sizes": {}}
        load_before = _load_average()
        report["pgbench_before"] = self._pgbench(server, options)
        for label in _referral_labels(options["sizes"]):
            size, referrals = REFERRAL_SIZES[label]
            database = f"joinedup_bench_{label}_s{seed}"
            url = _prepare_database(server, database, rebuild=options["rebuild"])
            self.stderr.write(f"--- {label}: building or reusing {database}")
            build_args = ["--size", size, "--seed", str(seed)]
            build_args += ["--stages", "people,referral_history"]
            if referrals:
                build_args += ["--referrals", str(referrals)]
            build = _bench_run("build", build_args, url)
            self.stderr.write(f"--- {label}: measuring worklists and submission")
            args = [
                *_measure_args(options),
                "--clients", str(options["clients"]),
                "--submit-seconds", str(options["submit_seconds"]),
                "--web-workers", str(options["web_workers"]),
            ]  # fmt: skip
            measured = _bench_run("referrals", args, url)
            report["sizes"][label] = {"database": database, "build": build, **measured}
        report["pgbench_after"] = self._pgbench(server, options)
        report["load_average"] = {"before": load_before, "after": _load_average()}
        report["targets"] = {
            "worklist_p95_ms": referral_load.WORKLIST_P95_TARGET_MS,
            "worklist_ratio": referral_load.WORKLIST_RATIO_TARGET,
            "submit_per_second": referral_load.SUBMIT_RATE_TARGET,
            "submit_p99_ms": referral_load.SUBMIT_P99_TARGET_MS,
        }
        self._print_referrals(report)
        return report

    def _print_referrals(self, report: dict) -> None:
        out = self.stdout.write
        targets = report["targets"]
        out(
            f"\njoinedup bench referrals — seed {report['seed']}, medians of {report['runs']} "
            f"runs; worklist target p95 ≤ {targets['worklist_p95_ms']:g} ms"
        )
        out(
            f"{'size':<6}{'referrals':>10}{'build s':>9}  {'page':<8}{'p50 ms':>8}{'p95 ms':>8}"
            f"{'p99 ms':>8}  {'result':<10}{'queries':<10}{'F p50':>7}{'F p95':>7}"
        )
        sizes = report["sizes"]
        for label, figures in sizes.items():
            build = figures["build"]
            built = f"{build['build_seconds']:.0f}" + ("*" if build["reused"] else "")
            framework = figures["framework"]
            work = figures["worklists"]
            for kind, page in [*work["pages"].items(), ("all", work["all"])]:
                over = page["p95"] - targets["worklist_p95_ms"]
                result = "PASS" if over <= 0 else f"MISS +{over:.0f}"
                queries = sorted(set(work["queries"].get(kind, {}).values()))
                out(
                    f"{label:<6}{figures['referrals']:>10}{built:>9}  {kind:<8}"
                    f"{page['p50']:>8.1f}{page['p95']:>8.1f}{page['p99']:>8.1f}  {result:<10}"
                    f"{'/'.join(map(str, queries)) or '-':<10}{framework['p50']:>7.1f}"
                    f"{framework['p95']:>7.1f}"
                )
        big, small = REFERRAL_RATIO_SIZES
        if big in sizes and small in sizes:
            ratio = sizes[big]["worklists"]["all"]["p95"] / sizes[small]["worklists"]["all"]["p95"]
            verdict = "PASS" if ratio <= targets["worklist_ratio"] else "MISS"
            out(
                f"worklist ratio p95({big}) ÷ p95({small}) = {ratio:.2f}   target ≤ "
                f"{targets['worklist_ratio']:g}   {verdict}"
            )
        out(
            f"\nsubmission: POST /api/v1/referrals, target ≥ {targets['submit_per_second']:g}/s "
            f"with p99 ≤ {targets['submit_p99_ms']:g} ms"
        )
        for label, figures in sizes.items():
            submit = figures["submit"]
            latency = submit["latency_ms"] or {"p50": 0, "p95": 0, "p99": 0}
            rate_ok = submit["per_second"] >= targets["submit_per_second"]
            p99_ok = latency["p99"] <= targets["submit_p99_ms"]
            out(
                f"{label:<6}{submit['clients']} clients, {submit['web_workers']} gunicorn workers: "
                f"{submit['per_second']:g}/s ({'PASS' if rate_ok else 'MISS'}), p50 "
                f"{latency['p50']:g} / p95 {latency['p95']:g} / p99 {latency['p99']:g} ms "
                f"({'PASS' if p99_ok else 'MISS'}); answers {submit['statuses']}"
            )
            for error in submit["errors"]:
                out(f"{label:<6}  error: {error}")
        load = report.get("load_average")
        if load:
            out(f"load average (1, 5, 15 min): before {load['before']}, after {load['after']}")
        for when in ("pgbench_before", "pgbench_after"):
            out(f"P ({when.split('_')[1]}): {_pgbench_text(report[when])}")
        for label, figures in sizes.items():
            work = figures["worklists"]
            opened = ", ".join(f"{k} {v}" for k, v in work["open_on_worklists"].items())
            out(f"{label}: open referrals on each persona's worklist: {opened}")

    # --- ORUK import -----------------------------------------------------------------

    def _oruk_import(self, server: str, options) -> dict:
        database = f"joinedup_bench_oruk_s{options['seed']}"
        # Always a fresh database: the scenario measures a first import and its re-run.
        url = _prepare_database(server, database, rebuild=True)
        with tempfile.TemporaryDirectory(prefix="joinedup-bench-oruk-") as workdir:
            args = ["--services", str(options["services"]), "--seed", str(options["seed"])]
            figures = _bench_run("oruk-import", [*args, "--workdir", workdir], url)
        self.stdout.write(f"\njoinedup bench oruk-import — {options['services']} services")
        targets = figures.get("targets") or ORUK_TARGETS
        for key, value in _flatten({k: v for k, v in figures.items() if k != "targets"}):
            self.stdout.write(f"{key:<28} {value!s:<12} {_oruk_verdict(key, value, targets)}")
        return {"scenario": "oruk-import", "database": database, "figures": figures}


def _require_postgresql(server: str) -> None:
    if urlsplit(server).scheme not in ("postgres", "postgresql", "pgsql"):
        raise CommandError(
            "joinedup bench measures PostgreSQL only (DESIGN.md §9); SQLite is the embedded "
            "default, not the production database. Set JOINEDUP_BENCH_DATABASE_URL to a "
            f"PostgreSQL server, like {DEFAULT_SERVER}"
        )
    try:
        psycopg.connect(server, connect_timeout=5).close()
    except psycopg.Error as exc:
        raise CommandError(f"cannot connect to the bench server: {exc}") from exc


def _search_labels(sizes: str) -> list[str]:
    wanted = {s.strip() for s in sizes.split(",") if s.strip()}
    unknown = wanted - set(BENCH_SIZES)
    if unknown:
        raise CommandError(f"unknown sizes {sorted(unknown)}: choose from {', '.join(BENCH_SIZES)}")
    wanted.add("small")
    if RATIO_SIZES[0] in wanted:
        wanted.add(RATIO_SIZES[1])
    return [label for label in BENCH_SIZES if label in wanted]


def _access_labels(sizes: str) -> list[str]:
    wanted = {s.strip() for s in sizes.split(",") if s.strip()}
    unknown = wanted - set(BENCH_SIZES)
    if unknown:
        raise CommandError(f"unknown sizes {sorted(unknown)}: choose from {', '.join(BENCH_SIZES)}")
    return [label for label in BENCH_SIZES if label in wanted | {"small"}]


def _joint_labels(sizes: str) -> list[str]:
    """The joint scenario's sizes: `ics` (the default) and always `demo`, the small end;
    `small` means `demo` here."""
    wanted = {s.strip() for s in sizes.split(",") if s.strip()}
    wanted = {"demo" if s == "small" else s for s in wanted if s != "national"}
    unknown = wanted - set(JOINT_SIZES)
    if unknown:
        raise CommandError(
            f"unknown sizes {sorted(unknown)} for joint: choose from {', '.join(JOINT_SIZES)}"
        )
    return [label for label in JOINT_SIZES if label in wanted | {"demo"}]


def _referral_labels(sizes: str) -> list[str]:
    """The referrals scenario's sizes: `ics` (the default) and always `r10k`, the ratio's
    small end; `small` and `10k` (the search scenario's) mean `r10k` here."""
    wanted = {s.strip() for s in sizes.split(",") if s.strip()}
    wanted = {"r10k" if s in {"small", "10k"} else s for s in wanted}
    unknown = wanted - set(REFERRAL_SIZES)
    if unknown:
        raise CommandError(
            f"unknown sizes {sorted(unknown)} for referrals: choose from "
            + ", ".join(REFERRAL_SIZES)
        )
    return [label for label in REFERRAL_SIZES if label in wanted | {"r10k"}]


def _database_url(server: str, database: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _prepare_database(server: str, database: str, *, rebuild: bool) -> str:
    with psycopg.connect(server, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        found = exists.fetchone() is not None
        name = sql.Identifier(database)
        if found and rebuild:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
            found = False
        if not found:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return _database_url(server, database)


def _bench_run(step: str, args: list[str], database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "joinedup.cli", "bench-run", step, *args]
    # stderr (progress bars, warnings) goes straight to the terminal; stdout is the JSON.
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise CommandError(f"bench-run {step} failed (exit {result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _measure_args(options) -> list[str]:
    return [
        "--seed",
        str(options["seed"]),
        "--runs",
        str(options["runs"]),
        "--requests",
        str(options["requests"]),
        "--warmup",
        str(options["warmup"]),
    ]


def _primary(figures: dict, state: str) -> dict:
    search = figures["search"]
    return search["ways"][search["via"]][state]


def _verdicts(sizes: dict) -> dict:
    """PASS or MISS for each target, cold and warm alike."""
    return {state: _state_verdicts(sizes, state) for state in SEARCH_STATES}


def _state_verdicts(sizes: dict, state: str) -> dict:
    verdicts = {}
    for label, target in SEARCH_P95_TARGET_MS.items():
        if label in sizes:
            p95 = _primary(sizes[label], state)["p95"]
            verdicts[label] = {
                "target_ms": target,
                "result": "PASS" if p95 <= target else "MISS",
                "over_ms": round(max(0.0, p95 - target), 2),
            }
    big, small = RATIO_SIZES
    if big in sizes and small in sizes:
        value = _primary(sizes[big], state)["p95"] / _primary(sizes[small], state)["p95"]
        verdicts["ratio"] = {
            "value": round(value, 2),
            "target": RATIO_TARGET,
            "result": "PASS" if value <= RATIO_TARGET else "MISS",
        }
    return verdicts


def _load_average() -> list[float]:
    """The machine's load average, printed with the search figures: the machine is shared."""
    return [round(value, 2) for value in os.getloadavg()]


def _search_row(label: str, figures: dict, verdict: dict | None, state: str) -> str:
    primary = _primary(figures, state)
    framework = figures["framework"]
    build = figures["build"]
    built = f"{build['build_seconds']:.0f}" + ("*" if build["reused"] else "")
    target, result = "", ""
    if verdict:
        target = f"≤ {verdict['target_ms']:g}"
        result = verdict["result"]
        if verdict["over_ms"]:
            result += f" +{verdict['over_ms']:g}"
    return (
        f"{label:<9}{figures['services']:>9}{built:>9}{primary['p50']:>9.1f}{primary['p95']:>9.1f}"
        f"{primary['p99']:>9.1f}{target:>12}  {result:<8} {framework['p50']:>7.1f}"
        f"{framework['p95']:>7.1f}"
    )


def _pgbench_text(figures: dict) -> str:
    if "skipped" in figures:
        return f"skipped: {figures['skipped']}"
    return f"{figures['tps']:g} TPS, latency {figures['latency_ms']:g} ms ({figures['test']})"


def _flatten(figures: dict, prefix: str = ""):
    for key, value in figures.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _oruk_verdict(key: str, value, targets: dict) -> str:
    """The target for a figure named like one of the scenario's targets (`import.seconds`)."""
    name = key.rsplit(".", 1)[-1]
    if name not in targets or not isinstance(value, int | float) or key.startswith("generate"):
        return ""
    limit = targets[name]
    return f"target ≤ {limit:g}  {'PASS' if value <= limit else 'MISS'}"
