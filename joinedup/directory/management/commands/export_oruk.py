"""`joinedup export-oruk [--output FILE]`: the directory as an Open Referral UK file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from joinedup.directory.oruk.exporter import export_services


class _Raw:
    """Django's OutputWrapper ends every write with a newline; the JSON is written in pieces."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


class Command(BaseCommand):
    help = (
        "Write every service as Open Referral UK JSON: an array of full services, which "
        "import-oruk reads back. To standard output unless --output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE")

    def handle(self, *args, output: str | None = None, **options):
        if output is None:
            count = export_services(out=_Raw(self.stdout))
            where = "standard output"
        else:
            path = Path(output)
            try:
                with path.open("w", encoding="utf-8") as out:
                    count = export_services(out=out)
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
            where = output
        # Standard error, so that standard output stays nothing but the JSON.
        self.stderr.write(f"Exported {count} services to {where}.")
