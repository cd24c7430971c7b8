"""`joinedup demo`: load the synthetic partnership and print the demo accounts."""

import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from benchmarks.generator import SIZES, size_named
from joinedup.demo.accounts import password_check
from joinedup.demo.loading import DatabaseState, database_state, partnership_load

LOGIN_PATH = "/accounts/login/"


def _when(marker) -> str:
    return f"{timezone.localtime(marker.created_at):%d %b %Y at %H:%M}"


class Command(BaseCommand):
    help = (
        "Load the synthetic demo partnership (organisations, services, localities) and one "
        "account per role and organisation kind. Refuses a database holding anything it "
        "did not load itself, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="demo")
        parser.add_argument(
            "--services",
            type=int,
            help="rescale a generated size (ics, national) to this many services",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--password", help="the demo accounts' password (otherwise one is generated)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="ERASE whatever the database holds, real data included, and load the demo",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the demo is already loaded (what `make demo` runs)",
        )

    def handle(self, *args, **options):
        try:
            size = size_named(options["size"], services=options["services"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        password = options["password"] or secrets.token_urlsafe(15)
        try:
            password_check(password)
        except ValidationError as exc:
            raise CommandError("The password is refused: " + " ".join(exc.messages)) from exc

        state, marker, inventory = database_state()
        if state is DatabaseState.REAL and not options["force"]:
            raise CommandError(
                "This database holds data that `joinedup demo` did not load "
                f"({inventory.describe()} in all), so it may be real: nothing was changed. "
                "To erase it and load the demo anyway, run again with --force."
            )
        if state is DatabaseState.DEMO and options["if_empty"]:
            self._already_loaded(marker)
            return
        if state is DatabaseState.DEMO:
            self.stdout.write(f"Replacing the demo partnership loaded on {_when(marker)}.")

        progress = size.is_generated and options["verbosity"] > 0
        result = partnership_load(
            size=size,
            seed=options["seed"],
            password=password,
            erase=state is not DatabaseState.EMPTY,
            progress=progress,
        )
        self._loaded(result, password, generated=not options["password"])

    def _loaded(self, result, password: str, *, generated: bool) -> None:
        marker = result.marker
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the {marker.size} partnership (seed {marker.seed}): "
                f"{marker.organisations} organisations, {marker.services} services, "
                f"{result.counts.get('localities', 0)} localities, "
                f"{result.counts.get('people', 0)} people, {len(result.accounts)} staff "
                f"accounts, in {marker.build_seconds:.1f} s."
            )
        )
        self._accounts_table(result.accounts)
        self._portal_table(result.portal_accounts)
        where = "generated; it is shown only now" if generated else "as given"
        self.stdout.write(f"\nEvery account's password ({where}): {password}")
        self.stdout.write(f"Log in at {LOGIN_PATH} ; all the data is synthetic.")

    def _already_loaded(self, marker) -> None:
        self.stdout.write(
            f"The demo partnership is already loaded ({marker.size}, seed {marker.seed}, "
            f"{marker.services} services, on {_when(marker)}); nothing changed."
        )
        self.stdout.write(
            f"Log in at {LOGIN_PATH} as, for example, volunteer.riverside-mind or "
            "clinician.north-cmht, with the password printed when it was loaded. "
            "To choose a new one: joinedup demo --password 'a-new-passphrase'"
        )

    def _accounts_table(self, accounts) -> None:
        width = max(len(a.username) for a in accounts)
        self.stdout.write(f"\n{'account':<{width}}  {'role':<28}  organisation (team)")
        for account in accounts:
            where = account.organisation_slug + (f" ({account.team})" if account.team else "")
            self.stdout.write(f"{account.username:<{width}}  {account.role.label:<28}  {where}")

    def _portal_table(self, usernames) -> None:
        """The people's own accounts: they log in at /portal/ and see their own record."""
        if not usernames:
            return
        self.stdout.write("\nPeople (portal) — a person's own account, at /portal/:")
        for username in usernames:
            self.stdout.write(f"  {username}")
