"""`joinedup outcome-measure-define FILE`: add or replace outcome measures from a JSON
file of definitions, in the form of joinedup/outcomes/data/measures.json — a data
change, no code. All or nothing: one bad definition writes none."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from joinedup.outcomes import services


class Command(BaseCommand):
    help = "Add or replace outcome measures from a JSON file of definitions"

    def add_arguments(self, parser):
        parser.add_argument("file", help='JSON: {"measures": [definition, ...]}')

    def handle(self, *args, file: str, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                definitions = json.load(handle)["measures"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            with transaction.atomic():
                for definition in definitions:
                    measure = services.measure_define(definition=definition)
                    self.stdout.write(f"{measure.short_name} ({measure.code}) defined")
        except ValidationError as exc:
            raise CommandError(f"Nothing was written: {exc.messages}") from exc
