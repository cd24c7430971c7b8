"""Scoring an outcome measure from its definition: pure functions over plain data, no
database, so the published scoring rules are tested on their own (tests/outcomes).

A measure is data (`Measure` and its `MeasureItem` rows, or a JSON definition like
data/measures.json): its items, each with the whole numbers it may be answered with,
and a scoring definition —

    {"scores": [{"key": "total", "label": "…", "method": "sum" | "mean",
                 "items": ["a", "b", …], "reverse": ["b"], "decimals": 0,
                 "min_answered": 2, "better": "lower" | "higher",
                 "bands": [{"from": 0, "label": "Minimal"}, {"from": 5, …}],
                 "reliable_change": 6, "reliable_change_source": "…", "note": "…"}],
     "flags": [{"key": "…", "item": "a", "above": 0, "message": "…"}]}

- a score is the sum or the mean of its items; a reverse-scored item counts as
  (its minimum + its maximum − the answer); a measure has as many scores (subscales) as
  it names, each reported on its own;
- an item that allows "not applicable" (an answer of None) is left out of a mean; the
  mean is only given when at least `min_answered` items apply (DIALOG's treatment
  items). A sum may not include such an item: a sum of fewer items is not the same scale;
- bands are thresholds: a score is in the last band whose `from` it reaches, and the
  first band starts at the lowest possible score, so every score has exactly one band;
- a flag is raised when an item is answered above a value (PHQ-9 item 9): a prompt for
  the clinician, not a diagnosis.

`parse` checks a definition whole and names what is wrong; `check_answers` names each
answer that is missing, unknown or out of range; `score` computes.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError

KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
METHODS = ("sum", "mean")
BETTER = ("lower", "higher")
NOT_APPLICABLE = None  # the answer that says an item does not apply


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    number: int  # 1-based, as the questionnaire prints it
    text: str
    minimum: int
    maximum: int
    options: tuple[Option, ...]
    not_applicable: bool = False

    def label_of(self, value) -> str:
        if value is NOT_APPLICABLE:
            return "Not applicable"
        return next((o.label for o in self.options if o.value == value), str(value))


@dataclass(frozen=True)
class Band:
    start: Decimal
    label: str
    end: Decimal | None = None  # where the next band starts (None: the top of the range)

    def describe(self, integer: bool, maximum: Decimal) -> str:
        """The band's range in words: "5–9" for whole-number scores, else "from 1 to under 4"."""
        if integer:
            last = (self.end - 1) if self.end is not None else maximum
            first = _plain(self.start)
            return first if last == self.start else f"{first}–{_plain(last)}"
        if self.end is None:
            return f"{_plain(self.start)} to {_plain(maximum)}"
        return f"from {_plain(self.start)} to under {_plain(self.end)}"


@dataclass(frozen=True)
class ScoreRule:
    key: str
    label: str
    method: str
    items: tuple[str, ...]
    reverse: frozenset[str]
    decimals: int
    min_answered: int
    minimum: Decimal
    maximum: Decimal
    bands: tuple[Band, ...]
    better: str
    reliable_change: Decimal | None = None
    reliable_change_source: str = ""
    note: str = ""

    @property
    def integer(self) -> bool:
        return self.decimals == 0

    def band_for(self, value) -> Band | None:
        if value is None or not self.bands:
            return None
        number = Decimal(str(value))
        found = None
        for band in self.bands:
            if number >= band.start:
                found = band
        return found


@dataclass(frozen=True)
class Flag:
    key: str
    item: str
    above: int
    message: str


@dataclass(frozen=True)
class Definition:
    items: tuple[Item, ...]
    scores: tuple[ScoreRule, ...]
    flags: tuple[Flag, ...]

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)

    def score(self, key: str) -> ScoreRule:
        return next(s for s in self.scores if s.key == key)


@dataclass(frozen=True)
class Scored:
    """What `score` computes, as it is stored on an OutcomeRecord."""

    scores: dict  # score key -> int, float, or None (not enough items apply)
    bands: dict  # score key -> band label (scores with bands only)
    flags: list  # [{"key", "item", "message"}]


@dataclass(frozen=True)
class Change:
    """A score against the baseline: how much it moved, and whether reliably."""

    delta: int | float
    direction: str  # "improvement", "deterioration", "no_reliable_change" or "" (no threshold)

    @property
    def label(self) -> str:
        return {
            "improvement": "Reliable improvement",
            "deterioration": "Reliable deterioration",
            "no_reliable_change": "No reliable change",
        }.get(self.direction, "")


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def as_number(value: Decimal, decimals: int) -> int | float:
    """A score as it is stored in JSON: a whole number, or a float of `decimals` places."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


# --- Reading a definition --------------------------------------------------------------


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_item(raw, number: int, errors: list[str]) -> Item | None:
    where = f"Item {number}"
    if not isinstance(raw, Mapping):
        errors.append(f"{where} must be an object")
        return None
    key = raw.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        errors.append(f"{where}: the key must be lower-case letters, digits and _ (got {key!r})")
        return None
    where = f"Item {number} ({key})"
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        errors.append(f"{where}: give the question's text")
    low, high = raw.get("min"), raw.get("max")
    if not (_whole(low) and _whole(high) and low < high):
        errors.append(f"{where}: min and max must be whole numbers, min below max")
        return None
    options = []
    for option in raw.get("options") or []:
        if not (
            isinstance(option, Mapping)
            and _whole(option.get("value"))
            and isinstance(option.get("label"), str)
        ):
            errors.append(f"{where}: each option needs a whole-number value and a label")
            return None
        options.append(Option(option["value"], option["label"]))
    if [o.value for o in options] != list(range(low, high + 1)):
        errors.append(f"{where}: give one option for each answer from {low} to {high}, in order")
    return Item(
        key=key,
        number=number,
        text=(text or "").strip(),
        minimum=low,
        maximum=high,
        options=tuple(options),
        not_applicable=bool(raw.get("not_applicable", False)),
    )


def _parse_bands(raw, where: str, low: Decimal, high: Decimal, errors: list[str]):
    if raw in (None, []):
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(b, Mapping) and _number(b.get("from")) and isinstance(b.get("label"), str)
        for b in raw
    ):
        errors.append(f"{where}: each band needs a number 'from' and a 'label'")
        return ()
    starts = [Decimal(str(b["from"])) for b in raw]
    if starts[0] != low:
        errors.append(f"{where}: the first band must start at the lowest score, {_plain(low)}")
    if any(b <= a for a, b in pairwise(starts)):
        errors.append(f"{where}: bands must start at increasing scores")
    if starts[-1] > high:
        errors.append(f"{where}: a band starts above the highest score, {_plain(high)}")
    ends = [*starts[1:], None]
    return tuple(
        Band(start, b["label"], end) for start, b, end in zip(starts, raw, ends, strict=True)
    )


def _parse_score(raw, items: dict[str, Item], errors: list[str]) -> ScoreRule | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("key"), str):
        errors.append("Each score needs a key")
        return None
    key = raw["key"]
    where = f"Score {key}"
    if not KEY.match(key):
        errors.append(f"{where}: the key must be lower-case letters, digits and _")
    method = raw.get("method")
    if method not in METHODS:
        errors.append(f"{where}: the method must be one of {', '.join(METHODS)}")
        return None
    names = raw.get("items")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        errors.append(f"{where}: name the items it scores")
        return None
    unknown = [n for n in names if n not in items]
    if unknown or len(set(names)) != len(names):
        errors.append(f"{where}: unknown or repeated items: {', '.join(unknown) or 'repeated'}")
        return None
    members = [items[n] for n in names]
    reverse = raw.get("reverse") or []
    if not isinstance(reverse, list) or any(r not in names for r in reverse):
        errors.append(f"{where}: reverse-scored items must be among its items")
        return None
    decimals = raw.get("decimals", 0 if method == "sum" else 2)
    if not _whole(decimals) or not 0 <= decimals <= 4:
        errors.append(f"{where}: decimals must be a whole number from 0 to 4")
        return None
    min_answered = raw.get("min_answered", len(names))
    if not _whole(min_answered) or not 1 <= min_answered <= len(names):
        errors.append(f"{where}: min_answered must be from 1 to the number of its items")
        return None
    if method == "sum":
        if any(i.not_applicable for i in members) or min_answered != len(names):
            errors.append(f"{where}: a sum needs every item answered (none 'not applicable')")
        if decimals:
            errors.append(f"{where}: a sum of whole numbers has no decimals")
        low = Decimal(sum(i.minimum for i in members))
        high = Decimal(sum(i.maximum for i in members))
    else:
        if len({(i.minimum, i.maximum) for i in members}) != 1:
            errors.append(f"{where}: the items of a mean must share one range")
        low, high = Decimal(members[0].minimum), Decimal(members[0].maximum)
    better = raw.get("better", "higher")
    if better not in BETTER:
        errors.append(f"{where}: 'better' must be 'lower' or 'higher'")
    threshold = raw.get("reliable_change")
    if threshold is not None and not (_number(threshold) and threshold > 0):
        errors.append(f"{where}: reliable_change must be a positive number")
        threshold = None
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        errors.append(f"{where}: give it a label")
        label = key
    return ScoreRule(
        key=key,
        label=label,
        method=method,
        items=tuple(names),
        reverse=frozenset(reverse),
        decimals=decimals,
        min_answered=min_answered,
        minimum=low,
        maximum=high,
        bands=_parse_bands(raw.get("bands"), where, low, high, errors),
        better=better,
        reliable_change=Decimal(str(threshold)) if threshold is not None else None,
        reliable_change_source=str(raw.get("reliable_change_source", "")),
        note=str(raw.get("note", "")),
    )


def _parse_flag(raw, items: dict[str, Item], errors: list[str]) -> Flag | None:
    if not (
        isinstance(raw, Mapping)
        and isinstance(raw.get("key"), str)
        and raw.get("item") in items
        and _whole(raw.get("above"))
        and isinstance(raw.get("message"), str)
    ):
        errors.append("Each flag needs a key, one of the measure's items, 'above' and a message")
        return None
    return Flag(raw["key"], raw["item"], raw["above"], raw["message"])


def parse(items: list, scoring: Mapping) -> Definition:
    """The definition, checked whole; ValidationError naming every problem otherwise."""
    errors: list[str] = []
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": "A measure needs at least one item"})
    parsed = [_parse_item(raw, n, errors) for n, raw in enumerate(items, start=1)]
    by_key = {i.key: i for i in parsed if i is not None}
    if len(by_key) != len(parsed) and not errors:
        errors.append("Item keys must be unique")
    item_errors = list(errors)
    if item_errors:
        raise ValidationError({"items": item_errors})
    if not isinstance(scoring, Mapping) or not scoring.get("scores"):
        raise ValidationError({"scoring": "Define at least one score"})
    scores = [_parse_score(raw, by_key, errors) for raw in scoring["scores"]]
    keys = [s.key for s in scores if s is not None]
    if len(set(keys)) != len(keys):
        errors.append("Score keys must be unique")
    flags = [_parse_flag(raw, by_key, errors) for raw in scoring.get("flags") or []]
    if errors:
        raise ValidationError({"scoring": errors})
    return Definition(items=tuple(parsed), scores=tuple(scores), flags=tuple(flags))


# --- Answers and scores ----------------------------------------------------------------


def answer_field(key: str) -> str:
    """How an answer is named in errors (the API's field)."""
    return f"answers.{key}"


def check_answers(definition: Definition, answers) -> dict[str, str]:
    """Every problem with `answers` ({item key: whole number, or None for not
    applicable}), by field: missing, not applicable where it may not be, out of range,
    not a whole number, or not an item of the measure. Empty when all is well."""
    if not isinstance(answers, Mapping):
        return {"answers": "Give the answers as an object of item keys to numbers"}
    errors: dict[str, str] = {}
    for item in definition.items:
        field = answer_field(item.key)
        where = f"Question {item.number}"
        if item.key not in answers:
            errors[field] = f"{where}: choose an answer"
            continue
        value = answers[item.key]
        if value is NOT_APPLICABLE:
            if not item.not_applicable:
                errors[field] = f"{where} must be answered: it cannot be 'not applicable'"
        elif not _whole(value) or not item.minimum <= value <= item.maximum:
            errors[field] = (
                f"{where}: the answer must be a whole number from {item.minimum} to {item.maximum}"
            )
    known = {item.key for item in definition.items}
    for key in answers:
        if key not in known:
            errors[answer_field(str(key)[:60])] = (
                f"'{str(key)[:60]}' is not a question of this measure"
            )
    return errors


def _value(rule: ScoreRule, item: Item, answer: int) -> int:
    return item.minimum + item.maximum - answer if item.key in rule.reverse else answer


def score_one(definition: Definition, rule: ScoreRule, answers: Mapping) -> int | float | None:
    values = [
        _value(rule, definition.item(key), answers[key])
        for key in rule.items
        if answers[key] is not NOT_APPLICABLE
    ]
    if len(values) < rule.min_answered:
        return None
    total = Decimal(sum(values))
    if rule.method == "sum":
        return as_number(total, 0)
    return as_number(total / Decimal(len(values)), rule.decimals)


def score(definition: Definition, answers: Mapping) -> Scored:
    """The scores, bands and flags of answers that `check_answers` found good."""
    problems = check_answers(definition, answers)
    if problems:
        raise ValidationError(problems)
    scores, bands = {}, {}
    for rule in definition.scores:
        value = score_one(definition, rule, answers)
        scores[rule.key] = value
        band = rule.band_for(value)
        if band is not None:
            bands[rule.key] = band.label
    flags = [
        {"key": flag.key, "item": flag.item, "message": flag.message}
        for flag in definition.flags
        if answers[flag.item] is not NOT_APPLICABLE and answers[flag.item] > flag.above
    ]
    return Scored(scores=scores, bands=bands, flags=flags)


def change(rule: ScoreRule, baseline, value) -> Change | None:
    """`value` against `baseline` (either may be None: then there is no change to show).
    With a reliable-change threshold, a move of at least that much in the better
    direction is a reliable improvement, in the worse one a reliable deterioration."""
    if baseline is None or value is None:
        return None
    delta = Decimal(str(value)) - Decimal(str(baseline))
    number = as_number(delta, rule.decimals)
    if rule.reliable_change is None:
        return Change(number, "")
    better = -delta if rule.better == "lower" else delta
    if better >= rule.reliable_change:
        return Change(number, "improvement")
    if -better >= rule.reliable_change:
        return Change(number, "deterioration")
    return Change(number, "no_reliable_change")
