"""`joinedup bench-run STEP`: one step of `joinedup bench`, in a process of its own.

`joinedup bench` starts one of these per database with DATABASE_URL pointing at it, so
settings load fresh for that database; the step prints its figures as one JSON line.
It refuses any database not named `joinedup_bench_…`, because `build` erases what it
finds there.
"""

import json
import secrets
import time
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from benchmarks import search, yardsticks
from benchmarks.generator import SIZES, size_named
from joinedup.demo.loading import (
    DatabaseState,
    database_state,
    partnership_load,
    partnership_top_up,
)
from joinedup.directory.models import Service, ServiceStatus

BENCH_DATABASE_PREFIX = "joinedup_bench_"


class Command(BaseCommand):
    help = "Internal to `joinedup bench`: build, search or oruk-import on one bench database."

    def add_arguments(self, parser):
        parser.add_argument(
            "step", choices=["build", "search", "oruk-import", "access", "referrals", "joint"]
        )
        parser.add_argument("--size", choices=list(SIZES), default="small")
        parser.add_argument("--services", type=int)
        parser.add_argument("--referrals", type=int, help="build: referrals of history")
        parser.add_argument("--clients", type=int, default=16, help="referrals: submitters")
        parser.add_argument("--submit-seconds", type=float, default=20.0)
        parser.add_argument("--submit-warmup", type=float, default=5.0)
        parser.add_argument("--web-workers", type=int, default=4)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--requests", type=int, default=120)
        parser.add_argument("--warmup", type=int, default=30)
        parser.add_argument("--workdir", type=Path)
        parser.add_argument(
            "--stages",
            default="",
            help="build: comma-separated generator stages the database must hold at their "
            "current version (e.g. people); a database built without them is rebuilt",
        )
        parser.add_argument("--per-persona", type=int, default=10, help="access: cases each")

    def handle(self, *args, **options):
        _require_bench_database()
        # Static files are not collected for benchmarks; whitenoise's warning says so on
        # every run and measures nothing.
        warnings.filterwarnings("ignore", message="No directory at")
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        migrate_seconds = round(time.perf_counter() - started, 2)
        step = options["step"].replace("-", "_")
        figures = getattr(self, f"_{step}")(options)
        figures.setdefault("migrate_seconds", migrate_seconds)
        self.stdout.write(json.dumps(figures, default=str))

    def _build(self, options) -> dict:
        size = size_named(
            options["size"], services=options["services"], referrals=options["referrals"]
        )
        state, marker, _ = database_state()
        same = (
            state is DatabaseState.DEMO
            and marker.size == size.label
            and marker.seed == options["seed"]
        )
        if same and _holds_stages(marker, options["stages"]):
            return {"reused": True, **_marker_figures(marker)}
        if same and (new := _never_written(marker, options["stages"])):
            # Built before these stages existed: write just them, not the whole of it.
            started = time.perf_counter()
            marker = partnership_top_up(
                size=size, seed=options["seed"], stages=new, progress=size.is_generated
            )
            _settle()
            figures = _marker_figures(marker)
            return {"reused": True, "topped_up": new, **figures,
                    "top_up_seconds": round(time.perf_counter() - started, 2)}  # fmt: skip
        result = partnership_load(
            size=size,
            seed=options["seed"],
            # Nobody logs in to a bench database; the F yardstick uses force_login.
            password=secrets.token_urlsafe(15),
            erase=state is not DatabaseState.EMPTY,
            progress=size.is_generated,
        )
        _settle()
        return {"reused": False, **_marker_figures(result.marker), "rows": result.counts}

    def _search(self, options) -> dict:
        client = Client(HTTP_HOST=_served_host())
        measured = dict(seed=options["seed"], runs=options["runs"], warmup=options["warmup"])
        return {
            "services": Service.objects.count(),
            "active_services": Service.objects.filter(status=ServiceStatus.ACTIVE).count(),
            "search": search.run(client=client, requests=options["requests"], **measured),
            "framework": yardsticks.framework(
                client=client,
                requests=options["requests"],
                runs=options["runs"],
                warmup=options["warmup"],
            ),
        }

    def _access(self, options) -> dict:
        return _access_figures(options)

    def _referrals(self, options) -> dict:
        from benchmarks import referral_load
        from joinedup.referrals import selectors as referral_selectors

        host = _served_host()
        worklists = referral_load.worklists(
            host=host, runs=options["runs"], warmup=options["warmup"]
        )
        submit = referral_load.submit(
            seed=options["seed"],
            clients=options["clients"],
            seconds=options["submit_seconds"],
            warmup_seconds=options["submit_warmup"],
            workers=options["web_workers"],
        )
        return {
            "referrals": referral_selectors.table_counts()["referrals"],
            "worklists": worklists,
            "submit": submit,
            "framework": yardsticks.framework(
                client=Client(HTTP_HOST=host),
                requests=options["requests"],
                runs=options["runs"],
                warmup=options["warmup"],
            ),
        }

    def _joint(self, options) -> dict:
        from benchmarks import joint_load

        host = _served_host()
        return {
            "joint": joint_load.run(host=host, runs=options["runs"], warmup=options["warmup"]),
            "framework": yardsticks.framework(
                client=Client(HTTP_HOST=host),
                requests=options["requests"],
                runs=options["runs"],
                warmup=options["warmup"],
            ),
        }

    def _oruk_import(self, options) -> dict:
        try:
            from benchmarks import oruk
        except ModuleNotFoundError as exc:
            if exc.name != "benchmarks.oruk":
                raise
            raise CommandError(
                "The oruk-import scenario (benchmarks/oruk.py) is not in this checkout yet"
            ) from exc
        services = options["services"] or 100_000
        workdir = options["workdir"] or Path(settings.VAR_DIR) / "bench-oruk"
        workdir.mkdir(parents=True, exist_ok=True)
        return oruk.run(services=services, seed=options["seed"], workdir=workdir)


def _settle() -> None:
    """As autovacuum would leave a database after a build: visibility map and statistics
    (without them, the first plans over a freshly written table are guesses)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _holds_stages(marker, stages: str) -> bool:
    """Whether the marker's build wrote each of `stages` at the generator's version now."""
    from benchmarks.generator import STAGE_VERSIONS

    wanted = [name.strip() for name in stages.split(",") if name.strip()]
    built = getattr(marker, "stages", None) or {}
    return all(built.get(name) == STAGE_VERSIONS.get(name, 1) for name in wanted)


def _never_written(marker, stages: str) -> list[str]:
    """Of `stages` and the stages after them, those the marker's build never wrote (in
    the order of generator.STAGES) — or none, if any of `stages` was written at another
    version, which only a rebuild can bring up to date."""
    from benchmarks.generator import STAGE_VERSIONS, STAGES

    wanted = [name.strip() for name in stages.split(",") if name.strip()]
    built = getattr(marker, "stages", None) or {}
    if any(name in built and built[name] != STAGE_VERSIONS.get(name, 1) for name in wanted):
        return []
    missing = {name for name in wanted if name not in built}
    return [name for name, _ in STAGES if name in missing]


def _access_figures(options) -> dict:
    from benchmarks import access
    from joinedup.people import selectors as people_selectors

    host = _served_host()
    measured = dict(seed=options["seed"], runs=options["runs"], warmup=options["warmup"])
    return {
        "people": people_selectors.table_counts()["people"],
        "access": access.run(host=host, per_persona=options["per_persona"], **measured),
        "framework": yardsticks.framework(
            client=Client(HTTP_HOST=host),
            requests=options["requests"],
            runs=options["runs"],
            warmup=options["warmup"],
        ),
    }


def _require_bench_database() -> None:
    name = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql" or not name.startswith(BENCH_DATABASE_PREFIX):
        raise CommandError(
            f"bench-run works only on PostgreSQL databases named {BENCH_DATABASE_PREFIX}…, "
            "which `joinedup bench` creates; use `joinedup bench` instead"
        )


def _served_host() -> str:
    """A host name the settings accept, so requests are not refused as DisallowedHost."""
    for host in settings.ALLOWED_HOSTS:
        if host and host[0] not in ".*":
            return host
    return "localhost"


def _marker_figures(marker) -> dict:
    return {
        "size": marker.size,
        "seed": marker.seed,
        "counts": marker.counts,
        "services": marker.services,
        "build_seconds": marker.build_seconds,
        "built_at": marker.created_at.isoformat(),
    }
