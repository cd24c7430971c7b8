"""What changed between two versions of a care plan, section by section (difflib).

Pure functions over the versions' content (the snapshots `careplans.services` writes),
so they are tested without a database. Text in the person's own words is compared word
by word, lists (offers, the care team) line by line. The templates mark insertions with
<ins> and deletions with <del>, each with words a screen reader reads ("added",
"removed"), never colour alone.
"""

import re
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
TEXT, LINES = "text", "lines"

# (key, heading, how it is compared), in the order the plan shows them.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("what_matters", "What matters to me", TEXT),
    ("goals", "My goals", TEXT),
    ("strengths", "My strengths", TEXT),
    ("offers", "Offers of care", LINES),
    ("crisis_plan", "Crisis and contingency plan", TEXT),
    ("care_team", "Care team", LINES),
    ("review_date", "Review date", LINES),
    ("locality", "Reviewed by the joint referral meeting of", LINES),
)
HEADINGS = {key: heading for key, heading, _ in SECTIONS}
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    kind: str  # equal, insert or delete
    text: str

    @property
    def inserted(self) -> bool:
        return self.kind == INSERT

    @property
    def deleted(self) -> bool:
        return self.kind == DELETE


@dataclass(frozen=True)
class SectionDiff:
    key: str
    heading: str
    mode: str  # text (segments run on) or lines (one segment a line)
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return any(s.kind != EQUAL for s in self.segments)


def offer_line(offer: dict) -> str:
    parts = [f"{offer.get('service', '')}, {offer.get('organisation', '')}"]
    if offer.get("worker"):
        parts.append(f"with {offer['worker']}")
    if offer.get("frequency"):
        parts.append(offer["frequency"])
    return " – ".join(parts)


def member_line(member: dict) -> str:
    who = member.get("organisation", "")
    if member.get("worker"):
        who = f"{member['worker']}, {who}"
    role = member.get("role", "")
    line = f"{who}: {role}"
    if member.get("care_coordinator") and role.lower() != "care coordinator":
        line += " (care coordinator)"
    if member.get("single_point_of_contact"):
        line += " (single point of contact)"
    return line


def review_line(value: str) -> str:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return f"{day.day} {day:%B %Y}"


def section_lines(content: dict, key: str) -> list[str]:
    """A list section as the lines it is compared by."""
    if key == "offers":
        return [offer_line(o) for o in content.get("offers", [])]
    if key == "care_team":
        return [member_line(m) for m in content.get("care_team", [])]
    if key == "review_date":
        line = review_line(content.get("review_date", ""))
        return [line] if line else []
    return [content.get(key, "")] if content.get(key) else []


def _merged(segments: list[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if out and out[-1].kind == segment.kind and segment.kind != EQUAL:
            out[-1] = Segment(segment.kind, out[-1].text + segment.text)
        elif out and out[-1].kind == segment.kind == EQUAL:
            out[-1] = Segment(EQUAL, out[-1].text + segment.text)
        else:
            out.append(segment)
    return tuple(out)


def _readable(opcodes: list, before: list[str]) -> list:
    """Opcodes with the spaces between two changes taken into the change: "twice a
    week" → "every day" reads as one replacement, not four interleaved ones."""
    marked = [
        ("replace", *rest)
        if op == "equal"
        and 0 < i < len(opcodes) - 1
        and all(not t.strip() for t in before[rest[0] : rest[1]])
        else (op, *rest)
        for i, (op, *rest) in enumerate(opcodes)
    ]
    merged: list = []
    for op, a1, a2, b1, b2 in marked:
        if merged and op != "equal" and merged[-1][0] != "equal":
            _, pa1, _, pb1, _ = merged[-1]
            merged[-1] = ("replace", pa1, a2, pb1, b2)
        else:
            merged.append((op, a1, a2, b1, b2))
    return merged


def _diff_tokens(before: list[str], after: list[str], joiner: str) -> list[Segment]:
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    segments: list[Segment] = []
    for op, a1, a2, b1, b2 in _readable(matcher.get_opcodes(), before):
        if op == "equal":
            segments.append(Segment(EQUAL, joiner.join(after[b1:b2])))
        if op in ("delete", "replace"):
            segments.append(Segment(DELETE, joiner.join(before[a1:a2])))
        if op in ("insert", "replace"):
            segments.append(Segment(INSERT, joiner.join(after[b1:b2])))
    return segments


def diff_text(before: str, after: str) -> tuple[Segment, ...]:
    """Word by word: the text of `after`, with what was removed and added marked."""
    return _merged(_diff_tokens(_TOKENS.findall(before or ""), _TOKENS.findall(after or ""), ""))


def diff_lines(before: list[str], after: list[str]) -> tuple[Segment, ...]:
    """Line by line: one segment a line, kept apart so each can be a list item."""
    segments = []
    for op, a1, a2, b1, b2 in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            segments += [Segment(EQUAL, line) for line in after[b1:b2]]
        if op in ("delete", "replace"):
            segments += [Segment(DELETE, line) for line in before[a1:a2]]
        if op in ("insert", "replace"):
            segments += [Segment(INSERT, line) for line in after[b1:b2]]
    return tuple(segments)


def diff(before: dict | None, after: dict) -> list[SectionDiff]:
    """Every section of `after`, compared with `before` (None: the first version, shown
    as it is, nothing marked)."""
    sections = []
    for key, heading, mode in SECTIONS:
        if mode == TEXT:
            new = after.get(key, "")
            old = new if before is None else before.get(key, "")
            segments = diff_text(old, new)
        else:
            new_lines = section_lines(after, key)
            old_lines = new_lines if before is None else section_lines(before, key)
            segments = diff_lines(old_lines, new_lines)
        sections.append(SectionDiff(key, heading, mode, segments))
    return sections


def changed_sections(before: dict | None, after: dict) -> list[str]:
    """The keys of the sections that differ (all of them for a first version)."""
    if before is None:
        return [key for key, _, _ in SECTIONS]
    changed = []
    for key, _, mode in SECTIONS:
        if mode == TEXT:
            differs = (before.get(key) or "") != (after.get(key) or "")
        else:
            differs = section_lines(before, key) != section_lines(after, key)
        if differs:
            changed.append(key)
    return changed
