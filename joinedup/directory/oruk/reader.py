"""An ORUK file read one record at a time, so a file of any size is held in memory one
service at a time.

A file is a JSON array of full services or a list page whose `contents` are full
services (DESIGN.md §7); a single full service (as the standard's own example is) is
read as a file of one. Whatever is wrong with the file as a whole (not UTF-8, not
JSON, empty, another shape) is an `OrukFileError` with a one-line message that says
where, never a parser's traceback.
"""

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson

CHUNK_SIZE = 64 * 1024
READ_SIZE = 1024 * 1024  # bytes read at a time for the standard library's decoder
_SPACE = re.compile(r"[ \t\r\n]*")
_WHITESPACE = b" \t\r\n"
_UNEXPECTED = re.compile(r"Unexpected symbol '(.*)' at (\d+)$", re.DOTALL)


class OrukFileError(Exception):
    """The file as a whole cannot be read as ORUK; the message says why and where."""


class Utf8Stream:
    """A binary file handed to the JSON parser, refusing a byte that is not UTF-8 with its
    position (the parser would only say "invalid bytes"), and counting what it has read."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.position = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._line = 1
        self._line_start = 0
        self._started = False

    def read(self, size: int = -1) -> bytes:
        return self._read(size)[0]

    def read_text(self, size: int) -> str | None:
        """The next characters (about `size` bytes of them), or None at the end."""
        chunk, text = self._read(size)
        return text if chunk else None

    def _read(self, size: int) -> tuple[bytes, str]:
        if size == 0:
            return b"", ""
        chunk = self.raw.read(size if size > 0 else CHUNK_SIZE)
        if not self._started:
            self._started = True
            if chunk.startswith(codecs.BOM_UTF8):
                # A byte-order mark is legal in UTF-8 text but not in JSON; spreadsheet
                # tools add one, so it is skipped rather than refused.
                self.position = len(codecs.BOM_UTF8)
                self._line_start = self.position
                chunk = chunk[len(codecs.BOM_UTF8) :]
        text = self._check(chunk)
        self._advance(chunk)
        return chunk, text

    def _check(self, chunk: bytes) -> str:
        pending = len(self._decoder.getstate()[0])
        try:
            return self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            offset = max(exc.start - pending, 0)
            raise OrukFileError(self._not_utf8(chunk, offset)) from None

    def _not_utf8(self, chunk: bytes, offset: int) -> str:
        before = chunk[:offset]
        line = self._line + before.count(b"\n")
        last_newline = before.rfind(b"\n")
        line_start = self.position + last_newline + 1 if last_newline >= 0 else self._line_start
        byte = self.position + offset
        bad = chunk[offset] if offset < len(chunk) else None
        shown = (
            f" is 0x{bad:02X} ({bytes([bad]).decode('cp1252', 'replace')!r} in Latin-1)"
            if bad
            else ""
        )
        return (
            f"the file is not UTF-8: byte {byte + 1:,} "
            f"(line {line}, column {byte - line_start + 1}){shown}; "
            "save it as UTF-8 and import it again"
        )

    def _advance(self, chunk: bytes) -> None:
        newlines = chunk.count(b"\n")
        if newlines:
            self._line += newlines
            self._line_start = self.position + chunk.rfind(b"\n") + 1
        self.position += len(chunk)


class OrukFile:
    """The records of one file, streamed; `position` is how far the parser has read."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.size = self.path.stat().st_size
        self._stream: Utf8Stream | None = None

    @property
    def position(self) -> int:
        return self._stream.position if self._stream else 0

    def records(self) -> Iterator[Any]:
        shape = self._shape()
        with self.path.open("rb") as raw:
            self._stream = Utf8Stream(raw)
            if shape == "array":
                try:
                    yield from _ArrayItems(self._stream)
                except _Malformed as exc:
                    raise OrukFileError(self._syntax_error(exc)) from None
                return
            prefix = {"page": "contents.item", "service": ""}[shape]
            try:
                yield from ijson.items(self._stream, prefix, use_float=True)
            except ijson.JSONError as exc:
                raise OrukFileError(self._syntax_error(exc)) from None

    def _shape(self) -> str:
        """'array', 'page' or 'service', or an error saying what the file holds instead."""
        with self.path.open("rb") as raw:
            stream = Utf8Stream(raw)
            if not _has_content(stream):
                raise OrukFileError("the file is empty: expected a JSON array of services")
        with self.path.open("rb") as raw:
            events = ijson.parse(Utf8Stream(raw), use_float=True)
            try:
                return _shape_of(events)
            except ijson.JSONError as exc:
                raise OrukFileError(self._syntax_error(exc)) from None

    def _syntax_error(self, exc: Exception) -> str:
        """Where the JSON goes wrong. The fast parser says only what went wrong, so the
        file is read again with ijson's pure-Python parser, which counts characters."""
        with self.path.open("rb") as raw:
            try:
                for _ in ijson.get_backend("python").basic_parse(Utf8Stream(raw)):
                    pass
            except ijson.IncompleteJSONError:
                return (
                    "the file is not valid JSON: it ends before the JSON does "
                    f"({self.size:,} bytes; is it cut short?)"
                )
            except ijson.JSONError as located:
                return "the file is not valid JSON: " + self._locate(str(located))
        return "the file is not valid JSON: " + str(exc).strip().splitlines()[0]

    def _locate(self, message: str) -> str:
        match = _UNEXPECTED.match(message)
        if not match:
            if message.startswith("Additional data"):
                return "there is more after the end of the JSON value"
            return message
        symbol, position = match.group(1), int(match.group(2))
        line, column = _line_and_column(self.path, position)
        return f"unexpected {symbol!r} at line {line}, column {column} (character {position + 1:,})"


class _Malformed(ValueError):
    """The JSON is not valid; where, `OrukFile._syntax_error` finds out."""


def _no_constant(name: str):
    raise _Malformed(f"{name} is not JSON")


class _ArrayItems:
    """The items of a JSON array, the whole file, decoded one at a time by the standard
    library's decoder (in C: a third of ijson's time, which builds each value through
    callbacks), from a buffer of text refilled as it runs out. Accepts exactly what
    ijson accepts: not NaN or Infinity, nothing after the array."""

    def __init__(self, stream: Utf8Stream):
        self.stream = stream
        self.text = ""
        self.at = 0
        self.ended = False
        self.decoder = json.JSONDecoder(parse_constant=_no_constant)

    def __iter__(self) -> Iterator[Any]:
        if self._next_character() != "[":
            raise _Malformed("expected an array")
        self.at += 1
        if self._next_character() == "]":
            self.at += 1
        else:
            while True:
                yield self._value()
                following = self._next_character()
                self.at += 1
                if following == "]":
                    break
                if following != ",":
                    raise _Malformed("expected , or ] after an item")
        if self._next_character():
            raise _Malformed("more after the end of the array")

    def _more(self, size: int) -> None:
        text = self.stream.read_text(size)
        if text is None:
            self.ended = True
            return
        self.text = self.text[self.at :] + text
        self.at = 0

    def _next_character(self) -> str:
        """The next character that is not white space, or "" at the end of the file."""
        while True:
            self.at = _SPACE.match(self.text, self.at).end()
            if self.at < len(self.text):
                return self.text[self.at]
            if self.ended:
                return ""
            self._more(READ_SIZE)

    def _value(self) -> Any:
        self._next_character()
        size = READ_SIZE
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.at)
            except json.JSONDecodeError as exc:
                if self.ended or not _cut_short(exc, len(self.text)):
                    raise _Malformed(exc.msg) from None
            else:
                # A number ending where the text read so far does may go on.
                if end < len(self.text) or self.ended:
                    self.at = end
                    return value
            # Read as much again each time, so that a long record is decoded a few
            # times, not once a chunk.
            self._more(max(size, len(self.text)))
            size *= 2


def _cut_short(error: json.JSONDecodeError, length: int) -> bool:
    """Whether the decoder failed only because the text read so far stops inside a value:
    within a string, or within a few characters of the end (`tru`, `1.5e`, `"\\u00`)."""
    return error.msg.startswith("Unterminated string") or error.pos >= length - 16


def _has_content(stream: Utf8Stream) -> bool:
    while chunk := stream.read(CHUNK_SIZE):
        if chunk.strip(_WHITESPACE):
            return True
    return False


def _shape_of(events) -> str:
    _, event, _ = next(events)
    if event == "start_array":
        return "array"
    if event != "start_map":
        raise OrukFileError(
            "the file holds a single JSON value, not an array of services or a list page"
        )
    keys = []
    for prefix, event, value in events:
        if prefix == "" and event == "map_key":
            keys.append(value)
            if value == "contents":
                _, event, _ = next(events)
                if event != "start_array":
                    raise OrukFileError("the list page's contents is not an array of services")
                return "page"
        elif prefix == "" and event == "end_map":
            break
    if "id" in keys:
        return "service"
    raise OrukFileError(
        "the file is a JSON object with no contents: expected an array of services "
        "or a list page whose contents are services"
    )


def _line_and_column(path: Path, position: int) -> tuple[int, int]:
    """Line and column (from 1) of the character at `position`, read in chunks."""
    line, seen, line_start = 1, 0, 0
    with path.open(encoding="utf-8-sig") as text:
        while seen <= position and (chunk := text.read(CHUNK_SIZE)):
            part = chunk[: max(position - seen, 0)]
            newlines = part.count("\n")
            if newlines:
                line += newlines
                line_start = seen + part.rfind("\n") + 1
            seen += len(chunk)
    return line, position - line_start + 1
