"""`joinedup import-oruk FILE`: import an Open Referral UK file (DESIGN.md §7, §10)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from joinedup.directory.oruk.importer import (
    BATCH_SIZE,
    ImportFailed,
    ImportRefused,
    ImportReport,
    oruk_import,
)
from joinedup.directory.oruk.reader import OrukFileError

SHOWN_NOTES = 20
ENTITIES = (
    "services",
    "organisations",
    "locations",
    "service at locations",
    "contacts",
    "schedules",
    "taxonomy terms",
    "localities",
)


class _Raw:
    """tqdm redraws its bar with partial lines; Django's OutputWrapper would end each one."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


class Command(BaseCommand):
    help = (
        "Import an Open Referral UK file: a JSON array of full services, or a list page "
        "whose contents are full services. Upserts by id; all or nothing unless "
        "--per-record."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ORUK JSON file")
        parser.add_argument(
            "--per-record",
            action="store_true",
            help="import the valid records and report the invalid ones "
            "(by default one invalid record stops the whole import)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count; write nothing"
        )
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="records written at a time"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: there is no such file")
        bar = tqdm(
            total=path.stat().st_size,
            unit="B",
            unit_scale=True,
            desc="Importing",
            file=_Raw(self.stderr),
            disable=True if options["no_progress"] else None,
        )
        try:
            report = oruk_import(
                path=path,
                per_record=options["per_record"],
                dry_run=options["dry_run"],
                batch_size=max(1, options["batch_size"]),
                on_progress=lambda position, _: bar.update(position - bar.n),
            )
        except OrukFileError as exc:
            raise CommandError(f"{file}: {exc}") from None
        except ImportRefused as refused:
            bar.close()
            self._problems(refused.report)
            raise CommandError(f"{file}: {refused}") from None
        except ImportFailed as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        finally:
            bar.close()
        self._summary(file, report)
        if report.invalid_records:
            self._problems(report)
            raise CommandError(
                f"{file}: {report.invalid_records} of {report.records} records were not valid "
                "and were not imported"
            )

    def _problems(self, report: ImportReport) -> None:
        for problem in report.problems:
            self.stderr.write(str(problem))
        shown = {p.index for p in report.problems}
        if report.invalid_records > len(shown):
            self.stderr.write(
                f"… and more problems in {report.invalid_records - len(shown)} other records"
            )

    def _summary(self, file: str, report: ImportReport) -> None:
        verb = "Checked" if report.dry_run else "Imported"
        self.stdout.write(f"{verb} {report.imported} of {report.records} records from {file}.")
        for entity in ENTITIES:
            if entity in report.counts:
                self.stdout.write(f"  {entity}: {report.counts[entity]}")
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")
        for note in report.notes[:SHOWN_NOTES]:
            self.stdout.write(f"Note: {note}")
        if report.note_count > SHOWN_NOTES:
            self.stdout.write(f"… and {report.note_count - SHOWN_NOTES} more notes")
