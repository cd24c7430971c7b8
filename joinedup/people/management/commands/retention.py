"""`joinedup retention`: erase record entries past their retention period, now.

The worker does this daily (settings.JOINEDUP_PERIODIC_TASKS); this command is for the
IG lead who wants to see what is due (`--dry-run`) or apply it at once.
"""

from django.core.management.base import BaseCommand

from joinedup.people import services


class Command(BaseCommand):
    help = (
        "Erase record entries past their category's retention period (the rules are kept "
        "in the admin): content goes, the entry stays as a stub with when and why."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what is due, and erase nothing"
        )

    def handle(self, *args, **options):
        report = services.retention_apply(dry_run=options["dry_run"])
        verb = "would erase" if report.dry_run else "erased"
        self.stdout.write(
            f"Retention: {verb} {report.entries} entr{'y' if report.entries == 1 else 'ies'} "
            f"of {report.people} {'person' if report.people == 1 else 'people'}"
        )
