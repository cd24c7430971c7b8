"""The records of an ORUK file read and checked, in this process or in a second one.

Reading the JSON, checking each record against the schema and turning it into rows is
pure work on the file: it needs nothing from the database but the `Catalogue` of
taxonomies and terms. On a large file it is half of an import's processor time, so it
runs in a second process (forked, so it starts at once with everything loaded) while
this one writes the batches it has already been handed: on two cores the reading and
the writing overlap. Small files are read here, where a process would cost more than
it saves. Both ways give the same records, in the order of the file, with the same
problems.
"""

import gc
import multiprocessing
import queue as queues
import traceback
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joinedup.directory.oruk.reader import OrukFile, OrukFileError
from joinedup.directory.oruk.records import (
    Catalogue,
    InvalidRecord,
    KnownTerm,
    RecordReader,
    ServiceRecord,
)
from joinedup.directory.oruk.schemas import Problem, service_problems

# A file of at least this many bytes (about 500 services) is read in a second process.
PROCESS_FROM_BYTES = 4 * 2**20
CHUNK_SIZE = 250  # records handed over at a time
QUEUED_CHUNKS = 8  # how far the reading may run ahead of the writing: memory stays bounded
WAIT_SECONDS = 1.0


@dataclass
class Checked:
    """One record of the file: its rows, or what is wrong with it."""

    index: int  # from 1, in the order of the file
    record_id: Any  # the record's `id` as written, for messages
    position: int  # bytes of the file read once this record was
    record: ServiceRecord | None = None
    problems: list[Problem] = field(default_factory=list)


class RecordChecker:
    """Checks records one after another: the schema, joinedup's rules, and that the ids of
    services and of their own parts are used once in the file."""

    def __init__(self, catalogue: Catalogue):
        # A copy: terms new in this file are known here as soon as a record that
        # defines them is read, before the database has them (see `_know_new_terms`).
        self.catalogue = Catalogue(
            taxonomies=list(catalogue.taxonomies), terms=list(catalogue.terms)
        )
        self.reader = RecordReader(self.catalogue)
        # Which record first used each id of a service or of a service's own part.
        self.seen: dict[str, dict[uuid.UUID, int]] = defaultdict(dict)

    def check(self, index: int, data: Any, position: int) -> Checked:
        checked = Checked(index, data.get("id") if isinstance(data, dict) else None, position)
        try:
            problems = service_problems(data)
            if problems:
                raise InvalidRecord(problems)
            record = self.reader.read(index, data)
            if duplicates := self._duplicates(record):
                raise InvalidRecord(duplicates)
        except InvalidRecord as invalid:
            checked.problems = invalid.problems
            return checked
        self._know_new_terms(record)
        checked.record = record
        return checked

    def _duplicates(self, record: ServiceRecord) -> list[Problem]:
        """Ids of services and of their own parts must be unique in a file; organisations,
        locations and terms are shared between services, so theirs repeat."""
        found = []
        if (first := self.seen["service"].get(record.public_id)) is not None:
            found.append(Problem("id", f"record {first} has the same id"))
        for kind, part_id, path in record.part_ids:
            if (first := self.seen[kind].get(part_id)) is not None:
                found.append(
                    Problem(path, f"{part_id} is also the id of a {kind} in record {first}")
                )
        if not found:
            self.seen["service"][record.public_id] = record.index
            for kind, part_id, _ in record.part_ids:
                self.seen[kind][part_id] = record.index
        return found

    def _know_new_terms(self, record: ServiceRecord) -> None:
        """A later record may name a term this one defines by its id alone. The term has
        no pk until it is written: the writer checks that it was (`pk` 0 here)."""
        for term in record.new_terms.values():
            if term.public_id not in self.catalogue.term_by_id:
                self.catalogue.add_term(
                    KnownTerm(0, term.public_id, term.taxonomy_pk, term.code, term.name)
                )


def checked_records(
    path: Path | str, catalogue: Catalogue, *, in_process: bool | None = None
) -> Iterator[Checked]:
    """Every record of the file, checked, in order. Raises OrukFileError when the file as a
    whole cannot be read. `in_process` None: a second process for a large file."""
    if in_process is None:
        in_process = Path(path).stat().st_size < PROCESS_FROM_BYTES
    if in_process or "fork" not in multiprocessing.get_all_start_methods():
        return _checked_here(path, catalogue)
    return _checked_elsewhere(path, catalogue)


def _checked_here(path: Path | str, catalogue: Catalogue) -> Iterator[Checked]:
    source = OrukFile(path)
    checker = RecordChecker(catalogue)
    for index, data in enumerate(source.records(), start=1):
        yield checker.check(index, data, source.position)


STOP_SECONDS = 2.0


def _checked_elsewhere(path: Path | str, catalogue: Catalogue) -> Iterator[Checked]:
    context = multiprocessing.get_context("fork")
    handed = context.Queue(maxsize=QUEUED_CHUNKS)
    process = context.Process(
        target=_check_file, args=(path, catalogue, handed), name="oruk-reader", daemon=True
    )
    process.start()
    try:
        while True:
            kind, payload = _next_message(handed, process)
            if kind == "records":
                yield from payload
            elif kind == "done":
                return
            elif kind == "refused":
                raise OrukFileError(payload)
            else:
                raise RuntimeError(f"reading the file failed:\n{payload}")
    finally:
        # Stopped early (an error in this process, or the caller gave up): the reader may
        # be blocked on a full queue, so it is ended rather than waited for.
        if process.is_alive():
            process.terminate()
            process.join(timeout=STOP_SECONDS)
        if process.is_alive():
            # SIGTERM is not always enough: a handler the fork inherited, or a child
            # already flushing its queue into a pipe nobody reads, would wait forever.
            process.kill()
        process.join()
        handed.close()


def _next_message(handed, process) -> tuple[str, Any]:
    while True:
        try:
            return handed.get(timeout=WAIT_SECONDS)
        except queues.Empty:
            if not process.is_alive():
                try:
                    return handed.get(timeout=WAIT_SECONDS)
                except queues.Empty:
                    raise RuntimeError(
                        f"the process reading the file stopped (exit code {process.exitcode})"
                    ) from None


def _check_file(path: Path | str, catalogue: Catalogue, handed) -> None:
    """The second process: read and check the file, handing the records over in chunks."""
    try:
        chunk = []
        for checked in _checked_here(path, catalogue):
            chunk.append(checked)
            if len(chunk) >= CHUNK_SIZE:
                handed.put(("records", chunk))
                chunk = []
                # What this process keeps (the ids seen) grows to millions of objects,
                # which the cycle collector would walk again and again.
                gc.freeze()
        if chunk:
            handed.put(("records", chunk))
        handed.put(("done", None))
    except OrukFileError as exc:
        handed.put(("refused", str(exc)))
    except BaseException:  # whatever it is, the writer must hear of it
        handed.put(("crashed", traceback.format_exc()))
    finally:
        handed.close()
        handed.join_thread()
