"""`joinedup audit verify`: check that no audit event was altered, inserted or deleted."""

import re
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.audit.selectors import audit_verify
from joinedup.audit.services import audit_checkpoint_record

_ANCHOR = re.compile(r"^#?(\d+):([0-9a-fA-F]{64})$")


def _anchor(value: str) -> tuple[int, str]:
    match = _ANCHOR.match(value.strip())
    if not match:
        raise CommandError(f"--anchor takes EVENT:HASH as verify prints it, not {value!r}")
    return int(match.group(1)), match.group(2).lower()


class Command(BaseCommand):
    help = "Work with the audit log. `audit verify` checks its hash chain from the first event."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="COMMAND")
        verify = commands.add_parser(
            "verify",
            help="recompute every event's hash and report the first break in the chain",
        )
        verify.add_argument(
            "--anchor",
            metavar="EVENT:HASH",
            help="a head printed by an earlier verify and kept elsewhere: fail unless that "
            "event is still in the chain with that hash",
        )
        verify.add_argument(
            "--no-checkpoint",
            action="store_true",
            help="only read: do not keep the head as a checkpoint (for a replica or a copy)",
        )
        verify.add_argument(
            "--batch-size", type=int, default=5000, help="events read at a time (default 5000)"
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self.verify(
                anchor=options.get("anchor"),
                batch_size=options["batch_size"],
                checkpoint=not options["no_checkpoint"],
            )

    def verify(self, *, anchor: str | None, batch_size: int, checkpoint: bool) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.perf_counter()
        result = audit_verify(batch_size=batch_size, anchor=_anchor(anchor) if anchor else None)
        seconds = time.perf_counter() - started
        if not result.intact:
            raise CommandError(
                f"Audit chain broken at event #{result.broken_at}: {result.problem} "
                f"({result.checked} events before it verified)."
            )
        self.stdout.write(f"Audit chain intact: {result.checked} events ({seconds:.2f} s).")
        # Kept outside this database (a log, a ticket, a printout), the head lets a later
        # run prove the chain was not rewritten from an earlier point: --anchor.
        self.stdout.write(f"Head: {result.head_sequence}:{result.head_hash}")
        if checkpoint and self.keep_checkpoint(result.head_sequence, result.head_hash):
            self.stdout.write(f"Checkpoint kept at event #{result.head_sequence}.")

    def keep_checkpoint(self, sequence: int, hash: str) -> bool:
        try:
            return audit_checkpoint_record(sequence=sequence, hash=hash) is not None
        except ValidationError as exc:
            # Changed between the walk and now: worth a failure, not a traceback.
            raise CommandError(
                f"Audit chain changed during verification: {exc.messages[0]}"
            ) from exc
