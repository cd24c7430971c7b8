"""What joinedup adds to Open Referral UK, with ids that are the same in every installation.

ORUK 3 has no fields for capacity, referral routes or eligibility criteria, so joinedup
publishes them as attributes: terms of its own "joinedup attributes" taxonomy. A choice
(a capacity status, yes or no) is a term of its own, so a consumer that reads only the
UK profile still sees "Capacity status: Waiting list"; free text and numbers travel in
the attribute's `value`, an HSDS 3.0 field the UK profile leaves out but does not forbid.

Objects joinedup keeps as fields rather than rows (an address, a phone, an attribute, a
service area) get ids made from the ids of their owners, so an export always gives the
same ids and an import of it matches them again.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from joinedup.directory.models import CapacityStatus, OrganisationKind, Reach
from joinedup.directory.taxonomy_data import NAMESPACE, term_uuid

VERSION = "3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"

TAXONOMY_SLUG = "joinedup-attributes"
TAXONOMY_ID = uuid.uuid5(NAMESPACE, TAXONOMY_SLUG)
TAXONOMY_NAME = "joinedup attributes"
TAXONOMY_DESCRIPTION = (
    "How to refer, capacity and eligibility of a service, and the kind of an organisation: "
    "what joinedup publishes beyond the fields of Open Referral UK."
)


def derived_id(owner: uuid.UUID | str, kind: str) -> uuid.UUID:
    """A stable id for a part of `owner` that joinedup keeps as a field, not a row."""
    return uuid.uuid5(NAMESPACE, f"{owner}/{kind}")


@dataclass(frozen=True)
class Choice:
    value: Any  # what the model field holds
    code: str  # the term code's last part
    label: str


@dataclass(frozen=True)
class Attribute:
    """One piece of joinedup data published as an ORUK attribute of a service or organisation.

    With `choices`, each value is a term (`capacity-status/waitlist`); without, the
    attribute's own term is sent with the value, as text, in `value`.
    """

    code: str
    name: str
    description: str
    field: str
    link_entity: str = "service"
    choices: tuple[Choice, ...] = ()
    parse: Callable[[str], Any] | None = field(default=None, compare=False)
    empty: Any = ""  # what the field holds when the attribute has no value

    @property
    def term_id(self) -> uuid.UUID:
        return term_uuid(TAXONOMY_SLUG, self.code)

    def choice_code(self, choice: Choice) -> str:
        return f"{self.code}/{choice.code}"

    def choice_for(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


def _yes_no() -> tuple[Choice, ...]:
    return (Choice(True, "yes", "Yes"), Choice(False, "no", "No"))


def _text_choices(choices) -> tuple[Choice, ...]:
    return tuple(Choice(value, value, str(label)) for value, label in choices)


MAX_WAITING_DAYS = 3650


def parse_days(text: str) -> int:
    """A waiting time: a whole number of days, up to ten years."""
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not number.is_integer() or not 0 <= number <= MAX_WAITING_DAYS:
        raise ValueError(f"is not a whole number of days from 0 to {MAX_WAITING_DAYS}")
    return int(number)


SERVICE_ATTRIBUTES = (
    Attribute(
        "capacity-status",
        "Capacity status",
        "Whether the service can take new people now (HL7 Gravity SDOH capacity codes).",
        "capacity_status",
        choices=_text_choices(CapacityStatus.choices),
    ),
    Attribute(
        "accepting-referrals",
        "Accepting referrals",
        "Whether the service is taking referrals at the moment.",
        "accepting_referrals",
        choices=_yes_no(),
    ),
    Attribute(
        "accepts-self-referrals",
        "Accepts self-referrals",
        "Whether a person can refer themselves, without a GP or other professional.",
        "accepts_self_referrals",
        choices=_yes_no(),
    ),
    Attribute(
        "accepts-professional-referrals",
        "Accepts professional referrals",
        "Whether a GP, nurse, social worker or support worker can refer someone.",
        "accepts_professional_referrals",
        choices=_yes_no(),
    ),
    Attribute(
        "joint-offer",
        "Joint offer",
        "Whether several partners deliver the service together.",
        "is_joint_offer",
        choices=_yes_no(),
    ),
    Attribute(
        "waiting-time-days",
        "Current waiting time in days",
        "How many days someone referred now waits to be seen; the number is the value.",
        "waiting_time_days",
        parse=parse_days,
        empty=None,
    ),
    Attribute(
        "eligibility-criteria",
        "Eligibility criteria",
        "Who the service is for, beyond the age range; the text is the value.",
        "eligibility_criteria",
        parse=str,
    ),
    Attribute(
        "referral-instructions",
        "How to refer",
        "What a referrer or the person needs to do or send; the text is the value.",
        "referral_instructions",
        parse=str,
    ),
)
ORGANISATION_ATTRIBUTES = (
    Attribute(
        "organisation-kind",
        "Kind of organisation",
        "NHS trust, GP practice, local authority, public health, VCSE or independent sector.",
        "kind",
        link_entity="organization",
        choices=_text_choices(OrganisationKind.choices),
    ),
    Attribute(
        "organisation-reach",
        "Reach",
        "Whether the organisation works locally or nationally.",
        "reach",
        link_entity="organization",
        choices=_text_choices(Reach.choices),
    ),
)
ATTRIBUTES = SERVICE_ATTRIBUTES + ORGANISATION_ATTRIBUTES


@dataclass(frozen=True)
class VocabularyTerm:
    """A term of the joinedup attributes taxonomy, as `/api/oruk/taxonomy_terms` lists it."""

    code: str
    name: str
    description: str
    parent_code: str | None = None

    @property
    def id(self) -> uuid.UUID:
        return term_uuid(TAXONOMY_SLUG, self.code)

    @property
    def parent_id(self) -> uuid.UUID | None:
        return term_uuid(TAXONOMY_SLUG, self.parent_code) if self.parent_code else None


def _terms() -> tuple[VocabularyTerm, ...]:
    terms = []
    for attribute in ATTRIBUTES:
        terms.append(VocabularyTerm(attribute.code, attribute.name, attribute.description))
        for choice in attribute.choices:
            terms.append(
                VocabularyTerm(
                    attribute.choice_code(choice),
                    f"{attribute.name}: {choice.label}",
                    f"{attribute.name}: {choice.label}.",
                    parent_code=attribute.code,
                )
            )
    return tuple(terms)


TERMS = _terms()
TERMS_BY_ID = {term.id: term for term in TERMS}
TERMS_BY_CODE = {term.code: term for term in TERMS}


@dataclass(frozen=True)
class AttributeMeaning:
    """What one incoming attribute term says: the attribute, and the choice if it names one."""

    attribute: Attribute
    choice: Choice | None


def _meanings() -> dict[str, AttributeMeaning]:
    meanings = {}
    for attribute in ATTRIBUTES:
        meanings[attribute.code] = AttributeMeaning(attribute, None)
        for choice in attribute.choices:
            meanings[attribute.choice_code(choice)] = AttributeMeaning(attribute, choice)
    return meanings


MEANINGS_BY_CODE = _meanings()
MEANINGS_BY_ID = {term_uuid(TAXONOMY_SLUG, code): m for code, m in MEANINGS_BY_CODE.items()}
MEANINGS_BY_TEXT_ID = {str(term_id): m for term_id, m in MEANINGS_BY_ID.items()}


def is_vocabulary_taxonomy(*, taxonomy_id: str | None, taxonomy: str | None) -> bool:
    if taxonomy_id and taxonomy_id.lower() == str(TAXONOMY_ID):
        return True
    return bool(taxonomy) and taxonomy.strip().lower() in (TAXONOMY_SLUG, TAXONOMY_NAME.lower())


# Organisation identifiers, by their org-id.guide list codes.
ODS_SCHEME = "GB-NHS"
ODS_TYPE = "ODS code"
CHARITY_SCHEMES = {
    "GB-CHC": "Charity number (England and Wales)",
    "GB-SC": "Charity number (Scotland)",
    "GB-NIC": "Charity number (Northern Ireland)",
}


def charity_scheme(number: str) -> str:
    if number.startswith("SC"):
        return "GB-SC"
    if number.startswith("NIC"):
        return "GB-NIC"
    return "GB-CHC"


def charity_identifier(number: str) -> str:
    """Northern Ireland's register lists its numbers without joinedup's NIC prefix."""
    return number.removeprefix("NIC")


def charity_number_from(scheme: str, identifier: str) -> str:
    identifier = identifier.strip().upper()
    if scheme == "GB-NIC" and not identifier.startswith("NIC"):
        return f"NIC{identifier}"
    return identifier
