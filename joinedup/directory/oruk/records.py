"""One ORUK service record turned into the rows joinedup keeps, checked by joinedup's rules.

Nothing here touches the database: a `Catalogue` of the taxonomies and terms joinedup
knows is handed in. A record that breaks a rule raises `InvalidRecord` with every
problem found, each naming its field (`service_at_locations[0].location.latitude`).

A row is a dict of the model fields the record decides. A key that is missing was not
said by the record and is left as it is (or defaulted, for a new row): a feed from
another directory knows nothing of capacity or referral routes and must not wipe what
joinedup's staff keep up to date. Lists (`schedules`, `contacts`, `attributes`, …) are
the same: absent means "as it is", present (even empty) means "exactly these".
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from joinedup.directory import validators
from joinedup.directory.models import Weekday
from joinedup.directory.oruk import vocabulary as v
from joinedup.directory.oruk.schemas import Problem, shown

MAX_AGE = 130
COORDINATE = Decimal("0.000001")
_WEEKDAYS = frozenset(Weekday.values)
_PHONES_REMEMBERED = 100_000
_IDS_REMEMBERED = 65_536
_SHARED_REMEMBERED = 20_000


class InvalidRecord(Exception):
    def __init__(self, problems: list[Problem]):
        problems = sorted(set(problems))
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# What joinedup knows ------------------------------------------------------------------


@dataclass(frozen=True)
class KnownTaxonomy:
    pk: int
    public_id: uuid.UUID
    slug: str
    name: str
    shipped: bool  # loaded from joinedup's own data: its terms are not changed by imports


@dataclass(frozen=True)
class KnownTerm:
    pk: int
    public_id: uuid.UUID
    taxonomy_pk: int
    code: str
    name: str


@dataclass
class Catalogue:
    taxonomies: list[KnownTaxonomy]
    terms: list[KnownTerm]

    def __post_init__(self):
        self.taxonomy_by_id = {t.public_id: t for t in self.taxonomies}
        self.taxonomy_by_name = {}
        for taxonomy in self.taxonomies:
            self.taxonomy_by_name[taxonomy.slug.lower()] = taxonomy
            self.taxonomy_by_name[taxonomy.name.lower()] = taxonomy
        self.term_by_id = {}
        self.term_by_text_id = {}
        self.term_by_code = {}
        self.term_by_pk = {}
        for term in self.terms:
            self.add_term(term)

    def add_term(self, term: KnownTerm) -> None:
        self.term_by_id[term.public_id] = term
        self.term_by_text_id[str(term.public_id)] = term
        self.term_by_code[(term.taxonomy_pk, term.code)] = term
        self.term_by_pk[term.pk] = term

    def names(self) -> str:
        return ", ".join([t.name for t in self.taxonomies] + [v.TAXONOMY_NAME])


# Rows ---------------------------------------------------------------------------------


@dataclass
class TermRow:
    public_id: uuid.UUID
    taxonomy_pk: int
    code: str
    name: str
    description: str
    term_uri: str
    parent_id: uuid.UUID | None
    path: str  # where the record names it, for messages


@dataclass
class ServiceRecord:
    """Everything one valid record says, ready to be written."""

    index: int
    public_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation: dict[str, Any]
    service: dict[str, Any]
    last_modified: datetime | None = None
    locations: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    links: list[tuple[uuid.UUID, uuid.UUID]] | None = None  # (service_at_location, location)
    contacts: dict[uuid.UUID, dict[str, Any]] | None = None
    schedules: dict[uuid.UUID, dict[str, Any]] | None = None
    term_ids: list[uuid.UUID] | None = None
    new_terms: dict[uuid.UUID, TermRow] = field(default_factory=dict)
    localities: list[tuple[str, str]] | None = None  # (name, description)
    notes: list[str] = field(default_factory=list)
    # The ids of the service's own parts, which must be unique in a file: (kind, id, path).
    part_ids: list[tuple[str, uuid.UUID, str]] = field(default_factory=list)


# Helpers ------------------------------------------------------------------------------


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class _Reading:
    """The problems found so far in one record, and small checked readers of its fields."""

    def __init__(self):
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def text(self, data: dict, key: str, path: str, *, limit: int | None = None, required=False):
        value = data.get(key)
        if value is None:
            if required:
                self.problem(_at(path, key), "is required")
            return ""
        if not isinstance(value, str):
            self.problem(_at(path, key), f"{shown(value)} is not a string")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(_at(path, key), "is required and may not be blank")
        if limit and len(value) > limit:
            self.problem(
                _at(path, key), f"is {len(value)} characters long; joinedup keeps at most {limit}"
            )
        return value

    def uuid(self, value: Any, path: str, key: str = "id") -> uuid.UUID | None:
        try:
            return as_uuid(str(value))
        except ValueError:
            self.problem(_at(path, key), f"{shown(value)} is not a valid uuid")
            return None

    # Web and email addresses are checked by the schema's `uri` and `email` formats.

    def url(self, data: dict, key: str, path: str) -> str:
        value = self.text(data, key, path, limit=200)
        if value and not value.lower().startswith(("http://", "https://")):
            self.problem(_at(path, key), f"{shown(value)} is not a web address (http or https)")
        return value

    def email(self, data: dict, key: str, path: str) -> str:
        value = self.text(data, key, path, limit=254)
        if value and "@" not in value:
            self.problem(_at(path, key), f"{shown(value)} is not an email address")
        return value

    def phone(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            self.problem(where, f"{shown(value)} is not a string")
            return ""
        normalised = _normalised_phone(value)
        if normalised is None:
            self.problem(where, f"{shown(value)} is not a telephone number")
            return ""
        return normalised

    def first_phone(self, data: dict, path: str) -> str | None:
        """The first of `phones`, HSDS 3.0's list; None when the record has no `phones`."""
        phones = data.get("phones")
        if phones is None:
            return None
        where = _at(path, "phones")
        if not isinstance(phones, list):
            self.problem(where, f"{shown(phones)} is not an array")
            return None
        if not phones:
            return ""
        first = phones[0]
        if not isinstance(first, dict) or "number" not in first:
            self.problem(_at(where, 0), "needs a number")
            return ""
        return self.phone(first["number"], _at(_at(where, 0), "number"))

    def age(self, data: dict, key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if float(value).is_integer() and 0 <= value <= MAX_AGE:
            return int(value)
        self.problem(key, f"{shown(value)} is not a whole number of years from 0 to {MAX_AGE}")
        return None

    def coordinate(self, data: dict, key: str, path: str, bound: int) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        where = _at(path, key)
        try:
            number = Decimal(str(value)).quantize(COORDINATE)
        except InvalidOperation:
            self.problem(where, f"{shown(value)} is not a number")
            return None
        if not -bound <= number <= bound:
            self.problem(
                where, f"{shown(value)} is out of range: it must be from -{bound} to {bound}"
            )
            return None
        return number

    def time(self, data: dict, key: str, path: str) -> time | None:
        value = data.get(key)
        if not value:
            return None
        try:
            # "9:30" is how people write times; ISO 8601 wants "09:30".
            return time.fromisoformat(f"0{value}" if value[1:2] == ":" else value)
        except (TypeError, ValueError):
            self.problem(_at(path, key), f"{shown(value)} is not a time of day like 09:30")
            return None


@lru_cache(maxsize=_IDS_REMEMBERED)
def as_uuid(text: str) -> uuid.UUID:
    """Organisations, locations and terms repeat in every service of a file; parsing each of
    their ids again would be a tenth of an import's time."""
    return uuid.UUID(text)


@lru_cache(maxsize=_PHONES_REMEMBERED)
def _normalised_phone(value: str) -> str | None:
    """Checking a number takes 0.1 ms, and a file repeats its numbers (an organisation's
    switchboard in each of its services), so the answers are remembered."""
    try:
        return validators.normalise_phone(value)
    except ValidationError:
        return None


def _term_id_text(attribute: dict) -> str:
    term = attribute.get("taxonomy_term") or {}
    return str(attribute.get("taxonomy_term_id") or term.get("id") or "").lower()


# The record ---------------------------------------------------------------------------


class RecordReader:
    """Turns one full ORUK service (already valid against the schema) into rows."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self._remembered: dict[tuple[str, Any], tuple[dict, dict]] = {}

    def _shared(self, r: _Reading, kind: str, data: dict, read) -> dict | None:
        """An organisation or location is repeated in every service of it in a file; when
        it is the same as last time (dicts compare in C), its row is not read again."""
        key = (kind, data.get("id"))
        seen = self._remembered.get(key)
        if seen is not None and seen[0] == data:
            return dict(seen[1])
        problems = len(r.problems)
        row = read()
        if row is not None and len(r.problems) == problems:
            if len(self._remembered) >= _SHARED_REMEMBERED:
                self._remembered.clear()
            self._remembered[key] = (data, row)
            return dict(row)
        return row

    def read(self, index: int, data: dict) -> ServiceRecord:
        r = _Reading()
        service_id = r.uuid(data["id"], "")
        organisation = data.get("organization")
        if organisation is None:
            r.problem(
                "organization", "is required: joinedup keeps every service with its organisation"
            )
            raise InvalidRecord(r.problems)
        org_id = r.uuid(organisation["id"], "organization")
        record = ServiceRecord(
            index=index,
            public_id=service_id,
            organisation_id=org_id,
            organisation=self._shared(
                r, "organization", organisation, lambda: self._organisation(r, organisation)
            ),
            service=self._service(r, data),
        )
        if data.get("organization_id") and str(data["organization_id"]) != str(organisation["id"]):
            r.problem("organization_id", "is not the id of the service's organization")
        record.last_modified = self._last_modified(r, data)
        self._locations(r, data, record)
        self._contacts(r, data, record)
        self._schedules(r, data, record)
        self._service_areas(r, data, record)
        self._attributes(r, data, record)
        self._fees_from_cost_options(data, record)
        if r.problems:
            raise InvalidRecord(r.problems)
        return record

    # the service itself

    def _service(self, r: _Reading, data: dict) -> dict[str, Any]:
        row = {
            "name": r.text(data, "name", "", limit=250, required=True),
            "description": r.text(data, "description", ""),
            "url": r.url(data, "url", ""),
            "email": r.email(data, "email", ""),
            "status": data["status"],
            "fees": r.text(data, "fees", ""),
            "minimum_age": r.age(data, "minimum_age"),
            "maximum_age": r.age(data, "maximum_age"),
        }
        low, high = row["minimum_age"], row["maximum_age"]
        if low is not None and high is not None and low > high:
            r.problem("maximum_age", f"{high} is less than the minimum age, {low}")
        phone = r.first_phone(data, "")
        if phone is not None:
            row["phone"] = phone
        return row

    def _last_modified(self, r: _Reading, data: dict) -> datetime | None:
        value = data.get("last_modified")
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            r.problem("last_modified", f"{shown(value)} is not a date and time")
            return None
        if moment.tzinfo is None:
            r.problem("last_modified", f"{shown(value)} has no time zone (add Z for UTC)")
            return None
        return moment

    def _fees_from_cost_options(self, data: dict, record: ServiceRecord) -> None:
        """joinedup keeps fees as text; a feed with only cost options still says what it costs."""
        options = data.get("cost_options") or []
        if record.service["fees"] or not options:
            return
        parts = []
        for option in options:
            words = [option.get("option", "")]
            if option.get("amount") is not None:
                words.append(f"£{option['amount']:g}")
            words.append(option.get("amount_description", ""))
            parts.append(" ".join(w for w in words if w))
        record.service["fees"] = "; ".join(p for p in parts if p)

    # the organisation

    def _organisation(self, r: _Reading, data: dict) -> dict[str, Any]:
        path = "organization"
        row = {
            "name": r.text(data, "name", path, limit=250, required=True),
            "description": r.text(data, "description", path),
            "email": r.email(data, "email", path),
            "website": r.url(data, "website", path),
        }
        phone = r.first_phone(data, path)
        if phone is not None:
            row["phone"] = phone
        if "organization_identifiers" in data:
            row.update(self._identifiers(r, data["organization_identifiers"], path))
        for i, attribute in enumerate(data.get("attributes") or []):
            where = _at(_at(path, "attributes"), i)
            meaning = self._vocabulary_meaning(attribute)
            if meaning is None or meaning.attribute.link_entity != "organization":
                # Other classifications of an organisation have no place in joinedup.
                continue
            self._apply(r, row, meaning, attribute, where)
        return row

    def _identifiers(self, r: _Reading, identifiers: list, path: str) -> dict[str, str]:
        found = {"ods_code": "", "charity_number": ""}
        for i, identifier in enumerate(identifiers):
            where = _at(_at(_at(path, "organization_identifiers"), i), "identifier")
            scheme = (identifier.get("identifier_scheme") or "").strip().upper()
            kind = (identifier.get("identifier_type") or "").lower()
            value = identifier["identifier"]
            if scheme == v.ODS_SCHEME or (not scheme and "ods" in kind):
                found["ods_code"] = self._checked(
                    r, validators.normalise_ods_code(value), validators.validate_ods_code, where
                )
            elif scheme in v.CHARITY_SCHEMES or (not scheme and "charity" in kind):
                number = v.charity_number_from(scheme, value)
                found["charity_number"] = self._checked(
                    r,
                    validators.normalise_charity_number(number),
                    validators.validate_charity_number,
                    where,
                )
        return found

    def _checked(self, r: _Reading, value: str, check, where: str) -> str:
        try:
            check(value)
        except ValidationError as exc:
            r.problem(where, f"{shown(value)}: {exc.messages[0]}")
            return ""
        return value

    # locations

    def _locations(self, r: _Reading, data: dict, record: ServiceRecord) -> None:
        if "service_at_locations" not in data:
            return
        record.links = []
        seen_locations = set()
        for i, link in enumerate(data["service_at_locations"]):
            path = _at("service_at_locations", i)
            link_id = r.uuid(link["id"], path)
            location = link.get("location")
            if location is None:
                r.problem(
                    _at(path, "location"),
                    "is required: joinedup links a service to a location it holds",
                )
                continue
            location_id = r.uuid(location["id"], f"{path}.location")
            row = self._shared(
                r,
                "location",
                location,
                lambda p=path, loc=location: self._location(r, loc, _at(p, "location"), record),
            )
            if row is None or location_id is None:
                continue
            if location_id in seen_locations:
                r.problem(_at(path, "location"), "the service is already linked to this location")
                continue
            seen_locations.add(location_id)
            record.locations[location_id] = row
            record.links.append((link_id, location_id))
            record.part_ids.append(("service_at_location", link_id, _at(path, "id")))

    def _location(self, r: _Reading, data: dict, path: str, record: ServiceRecord):
        addresses = data.get("addresses") or []
        if not addresses:
            record.notes.append(
                f"{path}: has no postal address; joinedup keeps only locations with a "
                "UK address, so it was left out"
            )
            return None
        address = next((a for a in addresses if a.get("address_type") == "physical"), addresses[0])
        where = _at(_at(path, "addresses"), addresses.index(address))
        name = r.text(data, "name", path, limit=250) or r.text(
            address, "address_1", where, limit=250
        )
        postcode = r.text(address, "postal_code", where)
        try:
            validators.validate_postcode(postcode)
        except ValidationError:
            r.problem(_at(where, "postal_code"), f"{shown(postcode)} is not a UK postcode")
        accessibility = "\n".join(
            (item.get("description") or item.get("accessibility") or "").strip()
            for item in data.get("accessibility") or []
        ).strip()
        return {
            "name": name,
            "description": r.text(data, "description", path),
            "address_1": r.text(address, "address_1", where, limit=250, required=True),
            "address_2": r.text(address, "address_2", where, limit=250),
            "city": r.text(address, "city", where, limit=100, required=True),
            "region": r.text(address, "state_province", where, limit=100)
            or r.text(address, "region", where, limit=100),
            "postcode": validators.normalise_postcode(postcode),
            "latitude": r.coordinate(data, "latitude", path, 90),
            "longitude": r.coordinate(data, "longitude", path, 180),
            "accessibility": accessibility,
        }

    # contacts and schedules

    def _contacts(self, r: _Reading, data: dict, record: ServiceRecord) -> None:
        if "contacts" not in data:
            return
        record.contacts = {}
        for i, contact in enumerate(data["contacts"]):
            path = _at("contacts", i)
            contact_id = r.uuid(contact["id"], path)
            row = {
                "name": r.text(contact, "name", path, limit=200, required=True),
                "title": r.text(contact, "title", path, limit=200),
                "department": r.text(contact, "department", path, limit=200),
                "email": r.email(contact, "email", path),
                "phone": r.first_phone(contact, path) or "",
            }
            if contact_id in record.contacts:
                r.problem(_at(path, "id"), "is the id of another contact of this service")
            record.contacts[contact_id] = row
            record.part_ids.append(("contact", contact_id, _at(path, "id")))

    def _schedules(self, r: _Reading, data: dict, record: ServiceRecord) -> None:
        if "schedules" not in data:
            return
        record.schedules = {}
        for i, schedule in enumerate(data["schedules"]):
            path = _at("schedules", i)
            schedule_id = r.uuid(schedule["id"], path)
            for slot_id, row in self._slots(r, schedule, path, schedule_id, record):
                if slot_id in record.schedules:
                    r.problem(_at(path, "id"), "is the id of another schedule of this service")
                record.schedules[slot_id] = row
                record.part_ids.append(("schedule", slot_id, _at(path, "id")))

    def _slots(self, r: _Reading, data: dict, path: str, schedule_id, record: ServiceRecord):
        """joinedup keeps weekly opening hours, one row a day: `byday: "TH,FR"` gives two."""
        freq = data.get("freq") or "WEEKLY"
        days = [d.strip().upper() for d in (data.get("byday") or "").split(",") if d.strip()]
        opens, closes = r.time(data, "opens_at", path), r.time(data, "closes_at", path)
        if freq != "WEEKLY" or not days or not (opens and closes):
            record.notes.append(
                f"{path}: only weekly opening hours (byday, opens_at, closes_at) are kept; "
                "this schedule was left out"
            )
            return []
        unknown = [d for d in days if d not in _WEEKDAYS]
        if unknown:
            r.problem(
                _at(path, "byday"),
                f"{shown(data['byday'])} has days that are not MO, TU, WE, TH, FR, SA or SU",
            )
            return []
        if opens >= closes:
            r.problem(
                _at(path, "closes_at"),
                f"{closes.isoformat()} is not after opens_at, {opens.isoformat()}",
            )
            return []
        description = r.text(data, "description", path, limit=250)
        row = {"opens_at": opens, "closes_at": closes, "description": description}
        if len(days) == 1:
            return [(schedule_id, {**row, "weekday": days[0]})]
        return [(v.derived_id(schedule_id, day), {**row, "weekday": day}) for day in days]

    # service areas and attributes

    def _service_areas(self, r: _Reading, data: dict, record: ServiceRecord) -> None:
        if "service_areas" not in data:
            return
        record.localities = []
        for i, area in enumerate(data["service_areas"]):
            path = _at("service_areas", i)
            name = r.text(area, "name", path, limit=200) or r.text(
                area, "service_area", path, limit=200
            )
            if not name:
                r.problem(
                    _at(path, "name"),
                    "is required: joinedup matches a service area to a locality by its name",
                )
                continue
            description = r.text(area, "service_area", path)
            record.localities.append((name, "" if description == name else description))

    def _attributes(self, r: _Reading, data: dict, record: ServiceRecord) -> None:
        if "attributes" not in data:
            return
        record.term_ids = []
        for i, attribute in enumerate(data["attributes"]):
            known = self.catalogue.term_by_text_id.get(_term_id_text(attribute))
            if known is not None:
                if known.public_id not in record.term_ids:
                    record.term_ids.append(known.public_id)
                continue
            path = _at("attributes", i)
            meaning = self._vocabulary_meaning(attribute)
            if meaning is not None:
                if meaning.attribute.link_entity != "service":
                    r.problem(
                        path,
                        f"{meaning.attribute.name} describes an organisation: "
                        "put it in organization.attributes",
                    )
                    continue
                self._apply(r, record.service, meaning, attribute, path)
                continue
            term_id = self._term(r, attribute, path, record)
            if term_id and term_id not in record.term_ids:
                record.term_ids.append(term_id)

    def _vocabulary_meaning(self, attribute: dict) -> v.AttributeMeaning | None:
        term = attribute.get("taxonomy_term") or {}
        meaning = v.MEANINGS_BY_TEXT_ID.get(_term_id_text(attribute))
        if meaning is None and v.is_vocabulary_taxonomy(
            taxonomy_id=term.get("taxonomy_id"), taxonomy=term.get("taxonomy")
        ):
            meaning = v.MEANINGS_BY_CODE.get(term.get("term") or "")
        return meaning

    def _apply(self, r: _Reading, row: dict, meaning: v.AttributeMeaning, data: dict, path: str):
        attribute = meaning.attribute
        if meaning.choice is not None:
            row[attribute.field] = meaning.choice.value
        elif attribute.choices:
            example = attribute.choice_code(attribute.choices[0])
            r.problem(path, f"{attribute.name} needs one of its choices, like {example}")
        elif data.get("value") in (None, ""):
            row[attribute.field] = attribute.empty
        else:
            try:
                row[attribute.field] = attribute.parse(str(data["value"]))
            except ValueError as exc:
                r.problem(_at(path, "value"), f"{shown(data['value'])} {exc}")

    def _term(self, r: _Reading, attribute: dict, path: str, record: ServiceRecord):
        """The id of a known term, or of a new term of a taxonomy joinedup holds."""
        term = attribute.get("taxonomy_term")
        raw_id = (term or {}).get("id") or attribute.get("taxonomy_term_id")
        if raw_id is None:
            r.problem(_at(path, "taxonomy_term"), "is required: an attribute names a taxonomy term")
            return None
        term_id = r.uuid(raw_id, path, "taxonomy_term_id")
        if term_id is None or term_id in self.catalogue.term_by_id:
            return term_id
        if term is None:
            r.problem(
                _at(path, "taxonomy_term_id"),
                f"{shown(str(term_id))} is not a taxonomy term joinedup knows",
            )
            return None
        taxonomy = self._taxonomy_of(term)
        where = _at(path, "taxonomy_term")
        if taxonomy is None:
            named = term.get("taxonomy_id") or term.get("taxonomy")
            r.problem(
                _at(where, "taxonomy"),
                f"unknown taxonomy {shown(named) if named else '(none named)'}: "
                f"joinedup knows {self.catalogue.names()}",
            )
            return None
        code = r.text(term, "term", where, limit=100) or slugify(term["name"])[:100]
        if taxonomy.shipped:
            known = self.catalogue.term_by_code.get((taxonomy.pk, code))
            if known is None:
                r.problem(
                    where,
                    f"{shown(code)} is not a term of {taxonomy.name}, "
                    "which joinedup ships and keeps as it is",
                )
            return known.public_id if known else None
        parent = term.get("parent_id")
        record.new_terms[term_id] = TermRow(
            public_id=term_id,
            taxonomy_pk=taxonomy.pk,
            code=code,
            name=r.text(term, "name", where, limit=200, required=True),
            description=r.text(term, "description", where),
            term_uri=r.url(term, "term_uri", where),
            parent_id=r.uuid(parent, where, "parent_id") if parent else None,
            path=where,
        )
        return term_id

    def _taxonomy_of(self, term: dict) -> KnownTaxonomy | None:
        if term.get("taxonomy_id"):
            try:
                found = self.catalogue.taxonomy_by_id.get(uuid.UUID(str(term["taxonomy_id"])))
            except ValueError:
                found = None
            if found:
                return found
        name = (term.get("taxonomy") or "").strip().lower()
        return self.catalogue.taxonomy_by_name.get(name) if name else None
