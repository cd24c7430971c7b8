"""The standard's JSON schemas, copied into `schema/`, and checking a record against them.

Every record is checked against the compiled `service.json` by `jsonschema-rs` (a Rust
implementation, about 0.05 ms a service, formats included); `jsonschema`, the reference
implementation, takes about 1.3 ms, which alone would spend two minutes on a file of
100,000 services. A record that fails is checked again by `jsonschema`, whose errors,
worded here, name every problem of the record at once.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_DIR = Path(__file__).parent / "schema"
_ARTICLE = {"array": "an", "integer": "an", "object": "an"}


@dataclass(frozen=True, order=True)
class Problem:
    """What is wrong with one field of a record; `path` as `contacts[0].name`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@cache
def schema(name: str) -> dict:
    """One of the standard's schemas, by file name without `.json`."""
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _fast_service_validator():
    return jsonschema_rs.Draft202012Validator(schema("service"), validate_formats=True)


@cache
def service_validator() -> Draft202012Validator:
    return Draft202012Validator(schema("service"), format_checker=FormatChecker())


def path_text(parts) -> str:
    """('service_at_locations', 0, 'location') -> 'service_at_locations[0].location'."""
    text = ""
    for part in parts:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def shown(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def service_problems(record: Any) -> list[Problem]:
    """Where `record` departs from the compiled `service.json`; [] when it does not."""
    fast = _fast_service_validator()
    if fast.is_valid(record):
        return []
    problems = {_describe(e) for e in service_validator().iter_errors(record)}
    # jsonschema checks the uri and date-time formats only with optional packages.
    return sorted(problems or {_describe_fast(e) for e in fast.iter_errors(record)})


def _describe(error) -> Problem:
    path = list(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return Problem(path_text([*path, missing]), "is required")
    if kind == "type":
        names = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(f"{_ARTICLE.get(n, 'a')} {n}" for n in names)
        return Problem(path_text(path), f"{shown(value)} is not {wanted}")
    if kind == "enum":
        return Problem(path_text(path), f"{shown(value)} is not one of {', '.join(expected)}")
    if kind == "format":
        return Problem(path_text(path), f"{shown(value)} is not a valid {expected}")
    return Problem(path_text(path), error.message)


def _describe_fast(error) -> Problem:
    path = path_text(error.instance_path)
    if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Format):
        return Problem(path, f"{shown(error.instance)} is not a valid {error.kind.format}")
    return Problem(path, error.message)
