"""Change over time, as data for a server-rendered SVG chart and the table beside it.

Pure: from records already read (and audited) by the selectors to the numbers a
template draws — no database, no JavaScript, no inline styles (the Content Security
Policy allows neither): every colour and size is an SVG presentation attribute.

Each score of each measure gets one chart: the records in time order, evenly spaced;
the measure's bands shaded behind them; a ring for a baseline, a dot for a review or
discharge; and, where the measure has a reliable-change threshold (PHQ-9, GAD-7), a
dashed line where a reliable improvement from the latest baseline begins. Change is
always measured from the latest baseline on or before the record.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import dateformat, timezone

from joinedup.outcomes import scoring

WIDTH, HEIGHT = 600, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 160, 24, 56
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
INSET = 24  # the first and last points sit this far inside the plot
DATE_LABELS_UP_TO = 6  # more points than this: only the first and last dates are written
SHADES = ("#e8edee", "#ffffff")
BLUE = "#005eb8"


@dataclass(frozen=True)
class Result:
    """One score of one record, with its band and its change from the baseline."""

    rule: scoring.ScoreRule
    value: int | float | None
    band: str
    band_range: str
    change: scoring.Change | None
    baseline: int | float | None

    @property
    def change_text(self) -> str:
        return change_text(self.change)


def change_text(change: scoring.Change | None) -> str:
    if change is None:
        return ""
    delta = change.delta
    text = "No change" if delta == 0 else (f"+{delta}" if delta > 0 else f"−{-delta}")
    return f"{text} ({change.label.lower()})" if change.label else text


def _band_range(rule: scoring.ScoreRule, label: str) -> str:
    band = next((b for b in rule.bands if b.label == label), None)
    return band.describe(rule.integer, rule.maximum) if band else ""


def results(definition: scoring.Definition, record, baseline) -> list[Result]:
    out = []
    for rule in definition.scores:
        value = record.scores.get(rule.key)
        before = baseline.scores.get(rule.key) if baseline is not None else None
        band = record.bands.get(rule.key, "")
        out.append(
            Result(
                rule=rule,
                value=value,
                band=band,
                band_range=_band_range(rule, band),
                change=scoring.change(rule, before, value) if baseline is not record else None,
                baseline=before,
            )
        )
    return out


@dataclass(frozen=True)
class Point:
    record: object
    value: int | float
    band: str
    change: scoring.Change | None
    x: float
    y: float
    is_baseline: bool
    date_label: str = ""

    @property
    def change_text(self) -> str:
        return change_text(self.change)

    @property
    def label_y(self) -> float:
        """Where the value is written: above the point, or below it at the very top."""
        return round(self.y - 14 if self.y - 14 > TOP + 4 else self.y + 26, 1)


@dataclass(frozen=True)
class BandArea:
    label: str
    range_text: str
    y: float
    height: float
    label_y: float
    fill: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str

    @property
    def label_y(self) -> float:
        return round(self.y + 5, 1)


@dataclass
class Chart:
    id: str
    measure: object
    rule: scoring.ScoreRule
    points: list[Point]
    bands: list[BandArea] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    threshold_y: float | None = None
    threshold_label: str = ""
    title: str = ""
    desc: str = ""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_width: int = PLOT_WIDTH
    plot_height: int = PLOT_HEIGHT

    @property
    def plot_right(self) -> int:
        return LEFT + PLOT_WIDTH

    @property
    def plot_bottom(self) -> int:
        return TOP + PLOT_HEIGHT

    @property
    def band_label_x(self) -> int:
        return LEFT + PLOT_WIDTH + 8

    @property
    def tick_x(self) -> int:
        return LEFT - 5

    @property
    def tick_label_x(self) -> int:
        return LEFT - 8

    @property
    def threshold_label_x(self) -> int:
        return LEFT + 6

    @property
    def threshold_label_y(self) -> float | None:
        return None if self.threshold_y is None else round(self.threshold_y - 6, 1)

    @property
    def date_y(self) -> int:
        return TOP + PLOT_HEIGHT + 24

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass
class MeasureGroup:
    """A measure's charts (one per score) and its records that raised a flag."""

    measure: object
    definition: scoring.Definition
    charts: list[Chart]
    flagged: list


def _y(rule: scoring.ScoreRule, value) -> float:
    span = rule.maximum - rule.minimum
    share = (rule.maximum - Decimal(str(value))) / span
    return round(TOP + float(share) * PLOT_HEIGHT, 1)


def _x(index: int, count: int) -> float:
    if count == 1:
        return round(LEFT + PLOT_WIDTH / 2, 1)
    return round(LEFT + INSET + index * (PLOT_WIDTH - 2 * INSET) / (count - 1), 1)


def _plain(value) -> str:
    return scoring._plain(Decimal(str(value)))


def _ticks(rule: scoring.ScoreRule) -> list[Tick]:
    if rule.bands:
        values = [b.start for b in rule.bands] + [rule.maximum]
    else:
        values = [rule.minimum + n for n in range(int(rule.maximum - rule.minimum) + 1)]
    return [Tick(_y(rule, v), _plain(v)) for v in dict.fromkeys(values)]


def _bands(rule: scoring.ScoreRule) -> list[BandArea]:
    areas = []
    for n, band in enumerate(rule.bands):
        top = _y(rule, band.end if band.end is not None else rule.maximum)
        bottom = _y(rule, band.start)
        areas.append(
            BandArea(
                label=band.label,
                range_text=band.describe(rule.integer, rule.maximum),
                y=top,
                height=round(bottom - top, 1),
                label_y=round((top + bottom) / 2 + 5, 1),
                fill=SHADES[n % 2],
            )
        )
    return areas


def _date(record) -> str:
    return dateformat.format(timezone.localtime(record.completed_at), "j M Y")


def _baselines(records) -> list:
    """For each record, the latest baseline on or before it (itself, if a baseline)."""
    latest, out = None, []
    for record in records:
        if record.occasion == "baseline":
            latest = record
        out.append(latest)
    return out


def _describe(measure, rule: scoring.ScoreRule, points: list[Point]) -> str:
    def at(point: Point) -> str:
        band = f" ({point.band.lower()})" if point.band else ""
        return f"{_plain(point.value)}{band} on {_date(point.record)}"

    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"{measure.short_name} {rule.label.lower()}: {at(first)}, the only result so far."
    text = (
        f"{measure.short_name} {rule.label.lower()}, {len(points)} results: "
        f"from {at(first)} to {at(last)}."
    )
    if last.change is not None:
        text += f" Change from the baseline: {change_text(last.change)}."
    return text


def chart(measure, rule: scoring.ScoreRule, records) -> Chart | None:
    """The chart of one score over `records` (one measure's, oldest first); None if no
    record has this score (DIALOG treatment satisfaction with nothing applicable)."""
    baselines = _baselines(records)
    scored = [
        (record, baseline)
        for record, baseline in zip(records, baselines, strict=True)
        if record.scores.get(rule.key) is not None
    ]
    if not scored:
        return None
    count = len(scored)
    points = []
    for index, (record, baseline) in enumerate(scored):
        value = record.scores[rule.key]
        before = baseline.scores.get(rule.key) if baseline is not None else None
        points.append(
            Point(
                record=record,
                value=value,
                band=record.bands.get(rule.key, ""),
                change=None if baseline is record else scoring.change(rule, before, value),
                x=_x(index, count),
                y=_y(rule, value),
                is_baseline=record.occasion == "baseline",
                date_label=_date(record)
                if count <= DATE_LABELS_UP_TO or index in (0, count - 1)
                else "",
            )
        )
    result = Chart(
        id=f"chart-{measure.code}-{rule.key}".replace("_", "-"),
        measure=measure,
        rule=rule,
        points=points,
        bands=_bands(rule),
        ticks=_ticks(rule),
        title=f"{measure.short_name}: {rule.label} over time",
    )
    baseline = baselines[-1]
    before = baseline.scores.get(rule.key) if baseline is not None else None
    if rule.reliable_change is not None and before is not None:
        step = -rule.reliable_change if rule.better == "lower" else rule.reliable_change
        target = Decimal(str(before)) + step
        if rule.minimum <= target <= rule.maximum:
            result.threshold_y = _y(rule, target)
            result.threshold_label = f"Reliable improvement ({_plain(target)})"
    result.desc = _describe(measure, rule, points)
    return result


def with_results(records) -> list[tuple]:
    """Each record (oldest first) with its results: every score, its band and its change
    from the latest baseline on or before it among `records`."""
    by_measure: dict[int, list] = {}
    for record in records:
        by_measure.setdefault(record.measure_id, []).append(record)
    paired = {}
    for own in by_measure.values():
        definition = own[0].measure.definition()
        for record, baseline in zip(own, _baselines(own), strict=True):
            paired[record.pk] = results(definition, record, baseline)
    return [(record, paired[record.pk]) for record in records]


def groups(records) -> list[MeasureGroup]:
    """The charts of every measure among `records` (oldest first, measures with their
    items prefetched), in the measures' own order."""
    by_measure: dict[int, list] = {}
    for record in records:
        by_measure.setdefault(record.measure_id, []).append(record)
    measures = sorted(
        (group[0].measure for group in by_measure.values()),
        key=lambda m: (m.order, m.short_name),
    )
    out = []
    for measure in measures:
        own = by_measure[measure.pk]
        definition = measure.definition()
        charts = [chart(measure, rule, own) for rule in definition.scores]
        out.append(
            MeasureGroup(
                measure=measure,
                definition=definition,
                charts=[c for c in charts if c is not None],
                flagged=[r for r in own if r.flags],
            )
        )
    return out


def saved_message(record) -> str:
    """What was saved, in words: each score with its band."""
    definition = record.measure.definition()
    parts = []
    for rule in definition.scores:
        value = record.scores.get(rule.key)
        if value is None:
            continue
        band = record.bands.get(rule.key)
        parts.append(f"{rule.label.lower()} {value}" + (f" ({band.lower()})" if band else ""))
    return f"{record.measure.short_name} is saved: " + ", ".join(parts)
