"""Who may be a person's care coordinator: the rule as data, decided here once.

Pure functions over plain values (no database), so the rule is tested with worked
examples; `careplans.selectors.coordinator_rules_for` gathers the values and
`careplans.services` asks `coordinator_refusal` before writing anything.

The default (a partnership that has recorded no rule) is the Care Programme Approach's:
care coordination is a statutory role (seed 000), so only staff of a statutory
organisation — an NHS trust, a GP practice, a local authority or public health — may
hold it. A partnership may record another rule (`CoordinatorRule`):

- `statutory_only`: the default, recorded explicitly;
- `any_partner`: staff of any organisation that is a member of that partnership;
- `named_kinds`: staff of an organisation of one of the kinds named, that is a member of
  that partnership.

The rules that apply to a plan are those recorded by the partnerships its owning
organisation belongs to (today). A coordinator is eligible when one of them allows it:
each rule is a partnership's own agreement, and the plan is held within each of them.
With none recorded, the default applies.
"""

from dataclasses import dataclass

from joinedup.directory.models import STATUTORY_KINDS, OrganisationKind

STATUTORY_WORDS = "an NHS trust, a GP practice, a local authority or public health"


@dataclass(frozen=True)
class RecordedRule:
    """One partnership's recorded rule, with the organisations that are its members."""

    partnership: str
    rule: str
    kinds: frozenset[str] = frozenset()
    members: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """The organisation a would-be coordinator works for."""

    organisation_id: int
    name: str
    kind: str


def allows(rule: RecordedRule, candidate: Candidate) -> bool:
    if rule.rule == "any_partner":
        return candidate.organisation_id in rule.members
    if rule.rule == "named_kinds":
        return candidate.kind in rule.kinds and candidate.organisation_id in rule.members
    return candidate.kind in STATUTORY_KINDS  # statutory_only, and anything unknown


def _kind_words(kinds) -> str:
    labels = {k.value: k.label for k in OrganisationKind}
    names = sorted(labels.get(k, k) for k in kinds)
    return " or ".join(names) if names else "no kind"


def _describe(rule: RecordedRule) -> str:
    if rule.rule == "any_partner":
        return f"{rule.partnership} lets staff of any of its member organisations coordinate"
    if rule.rule == "named_kinds":
        return (
            f"{rule.partnership} lets staff of its member organisations of these kinds "
            f"coordinate: {_kind_words(rule.kinds)}"
        )
    return f"{rule.partnership} keeps care coordination for staff of statutory organisations"


def coordinator_refusal(candidate: Candidate, rules: list[RecordedRule]) -> str | None:
    """Why staff of `candidate` may not be the care coordinator (None if they may)."""
    if not rules:
        if candidate.kind in STATUTORY_KINDS:
            return None
        return (
            f"{candidate.name} is not a statutory organisation. The care coordinator must be "
            f"staff of {STATUTORY_WORDS}, unless the partnership has recorded another rule"
        )
    if any(allows(rule, candidate) for rule in rules):
        return None
    return f"Staff of {candidate.name} may not be the care coordinator: " + "; ".join(
        _describe(rule) for rule in rules
    )
