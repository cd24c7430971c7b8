"""joinedup's directory as Open Referral UK objects (plain dicts, ready for JSON).

The shapes are those of the UK profile's compiled schemas: `service_dict` is a full
service (`schema/service.json`), `service_list_dict` a list item (`service_list.json`)
and so on. Empty values are left out rather than sent as "" or null, because the
schemas type them as strings, numbers or URIs. A few HSDS 3.0 fields that the UK profile
leaves out but allows are sent too (`phones`, `address_2`, a contact's `email` and
`department`, an attribute's `value` and `link_entity`), because without them a referrer
would lose the phone number and the eligibility text.

Nested lists are sorted here, in Python, so that the same data gives the same JSON on
SQLite and on PostgreSQL, whose collations order names differently.

Every function expects the relations it reads to be loaded already (see `selectors`),
so serialising a page never issues a query per row.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from joinedup.directory.models import (
    Contact,
    Locality,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    Weekday,
)
from joinedup.directory.oruk import vocabulary as v

WEEKDAY_ORDER = {day: n for n, day in enumerate(Weekday.values)}


def _put(target: dict, key: str, value: Any) -> None:
    if value is not None and value != "" and value != []:
        target[key] = value


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC, to the microsecond the database keeps, so an import of an export
    finds the same time and leaves the service unchanged."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _phones(owner_id, number: str) -> list[dict]:
    return [{"id": str(v.derived_id(owner_id, "phone")), "number": number}] if number else []


# Taxonomies ---------------------------------------------------------------------------


def taxonomy_term_dict(term: TaxonomyTerm) -> dict:
    """A term of a taxonomy held in the database (its taxonomy and parent loaded)."""
    data = {
        "id": str(term.public_id),
        "name": term.name,
        "description": term.description,
    }
    if term.parent_id:
        data["parent_id"] = str(term.parent.public_id)
    data["taxonomy"] = term.taxonomy.name
    data["taxonomy_id"] = str(term.taxonomy.public_id)
    data["term"] = term.code
    _put(data, "term_uri", term.term_uri)
    return data


def vocabulary_term_dict(term: v.VocabularyTerm) -> dict:
    data = {"id": str(term.id), "name": term.name, "description": term.description}
    if term.parent_id:
        data["parent_id"] = str(term.parent_id)
    data["taxonomy"] = v.TAXONOMY_NAME
    data["taxonomy_id"] = str(v.TAXONOMY_ID)
    data["term"] = term.code
    return data


def any_term_dict(term: TaxonomyTerm | v.VocabularyTerm) -> dict:
    if isinstance(term, v.VocabularyTerm):
        return vocabulary_term_dict(term)
    return taxonomy_term_dict(term)


def taxonomy_dict(taxonomy: Taxonomy, *, terms: list[TaxonomyTerm] | None = None) -> dict:
    data = {
        "id": str(taxonomy.public_id),
        "name": taxonomy.name,
        "description": taxonomy.description,
    }
    _put(data, "uri", taxonomy.uri)
    _put(data, "version", taxonomy.version)
    if terms is not None:
        data["taxonomy_terms"] = [taxonomy_term_dict(t) for t in terms]
    return data


def vocabulary_taxonomy_dict(*, with_terms: bool = False) -> dict:
    data = {
        "id": str(v.TAXONOMY_ID),
        "name": v.TAXONOMY_NAME,
        "description": v.TAXONOMY_DESCRIPTION,
        "version": "1",
    }
    if with_terms:
        data["taxonomy_terms"] = [vocabulary_term_dict(t) for t in v.TERMS]
    return data


def any_taxonomy_dict(taxonomy: Taxonomy | None) -> dict:
    """A taxonomy of the database, or joinedup's own vocabulary (None)."""
    return vocabulary_taxonomy_dict() if taxonomy is None else taxonomy_dict(taxonomy)


# Attributes ---------------------------------------------------------------------------


def _attribute(owner_id, link_entity: str, term: dict, value: str | None = None) -> dict:
    data = {
        "id": str(v.derived_id(owner_id, f"attribute/{term['id']}")),
        "link_id": str(owner_id),
        "link_entity": link_entity,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }
    _put(data, "value", value)
    return data


def _vocabulary_attributes(obj, attributes: tuple[v.Attribute, ...]) -> list[dict]:
    found = []
    for attribute in attributes:
        current = getattr(obj, attribute.field)
        if attribute.choices:
            choice = attribute.choice_for(current)
            if choice is None:
                continue
            term = v.TERMS_BY_CODE[attribute.choice_code(choice)]
            found.append(
                _attribute(obj.public_id, attribute.link_entity, vocabulary_term_dict(term))
            )
        elif current is not None and current != "":
            term = v.TERMS_BY_ID[attribute.term_id]
            found.append(
                _attribute(
                    obj.public_id,
                    attribute.link_entity,
                    vocabulary_term_dict(term),
                    value=str(current),
                )
            )
    return found


def _term_sort_key(term: TaxonomyTerm) -> tuple:
    return (term.taxonomy.slug, term.code, str(term.public_id))


def service_attributes(service: Service) -> list[dict]:
    """Needs and tags first (by taxonomy and code), then joinedup's own attributes."""
    terms = sorted(service.taxonomy_terms.all(), key=_term_sort_key)
    needs = [_attribute(service.public_id, "service", taxonomy_term_dict(term)) for term in terms]
    return needs + _vocabulary_attributes(service, v.SERVICE_ATTRIBUTES)


# Organisations ------------------------------------------------------------------------


def organisation_identifiers(organisation: Organisation) -> list[dict]:
    found = []
    if organisation.ods_code:
        found.append((v.ODS_SCHEME, v.ODS_TYPE, organisation.ods_code))
    if organisation.charity_number:
        scheme = v.charity_scheme(organisation.charity_number)
        found.append(
            (
                scheme,
                v.CHARITY_SCHEMES[scheme],
                v.charity_identifier(organisation.charity_number),
            )
        )
    return [
        {
            "id": str(v.derived_id(organisation.public_id, f"identifier/{scheme}")),
            "organization_id": str(organisation.public_id),
            "identifier_scheme": scheme,
            "identifier_type": kind,
            "identifier": identifier,
        }
        for scheme, kind, identifier in found
    ]


def organisation_list_dict(organisation: Organisation) -> dict:
    data = {
        "id": str(organisation.public_id),
        "name": organisation.name,
        "description": organisation.description,
    }
    _put(data, "email", organisation.email)
    _put(data, "website", organisation.website)
    return data


def organisation_dict(organisation: Organisation, *, services: list[Service] | None = None):
    """A full organisation; with `services`, their one-to-one fields too."""
    data = organisation_list_dict(organisation)
    # Always sent, even empty: an import reads a missing list as "keep what you have".
    data["phones"] = _phones(organisation.public_id, organisation.phone)
    data["organization_identifiers"] = organisation_identifiers(organisation)
    data["attributes"] = _vocabulary_attributes(organisation, v.ORGANISATION_ATTRIBUTES)
    if services is not None:
        data["services"] = [service_list_dict(s, with_organisation=False) for s in services]
    return data


# Locations ----------------------------------------------------------------------------


def address_dict(location: Location) -> dict:
    data = {
        "id": str(v.derived_id(location.public_id, "address")),
        "location_id": str(location.public_id),
        "address_1": location.address_1,
    }
    _put(data, "address_2", location.address_2)
    data.update(
        {
            "city": location.city,
            "state_province": location.region,
            "postal_code": location.postcode,
            "country": "GB",
            "address_type": "physical",
        }
    )
    return data


def location_list_dict(location: Location) -> dict:
    data = {"id": str(location.public_id), "location_type": "physical", "name": location.name}
    _put(data, "description", location.description)
    _put(data, "latitude", _number(location.latitude))
    _put(data, "longitude", _number(location.longitude))
    return data


def location_dict(location: Location) -> dict:
    data = location_list_dict(location)
    data["addresses"] = [address_dict(location)]
    if location.accessibility:
        data["accessibility"] = [
            {
                "id": str(v.derived_id(location.public_id, "accessibility")),
                "location_id": str(location.public_id),
                "description": location.accessibility,
            }
        ]
    return data


# Services -----------------------------------------------------------------------------


def service_list_dict(service: Service, *, with_organisation: bool = True) -> dict:
    """The one-to-one fields of a service (and its organisation's), as lists show them."""
    data = {
        "id": str(service.public_id),
        "organization_id": str(service.organisation.public_id),
        "name": service.name,
    }
    _put(data, "description", service.description)
    _put(data, "url", service.url)
    _put(data, "email", service.email)
    data["status"] = service.status
    _put(data, "fees", service.fees)
    _put(data, "minimum_age", service.minimum_age)
    _put(data, "maximum_age", service.maximum_age)
    data["last_modified"] = timestamp(service.updated_at)
    if with_organisation:
        data["organization"] = organisation_list_dict(service.organisation)
    return data


def schedule_dict(schedule: Schedule, service: Service) -> dict:
    data = {
        "id": str(schedule.public_id),
        "service_id": str(service.public_id),
        "freq": "WEEKLY",
        "byday": schedule.weekday,
        "opens_at": schedule.opens_at.isoformat(),
        "closes_at": schedule.closes_at.isoformat(),
    }
    _put(data, "description", schedule.description)
    return data


def service_area_dict(service: Service, locality: Locality) -> dict:
    data = {
        "id": str(v.derived_id(service.public_id, f"service_area/{locality.slug}")),
        "service_id": str(service.public_id),
        "name": locality.name,
    }
    _put(data, "service_area", locality.description)
    return data


def contact_dict(contact: Contact, service: Service) -> dict:
    data = {"id": str(contact.public_id), "service_id": str(service.public_id)}
    data["name"] = contact.name
    _put(data, "title", contact.title)
    _put(data, "department", contact.department)
    _put(data, "email", contact.email)
    _put(data, "phones", _phones(contact.public_id, contact.phone))
    return data


def service_at_location_dict(link: ServiceAtLocation, service: Service) -> dict:
    return {
        "id": str(link.public_id),
        "service_id": str(service.public_id),
        "location_id": str(link.location.public_id),
        "location": location_dict(link.location),
    }


def _schedule_key(schedule: Schedule) -> tuple:
    return (WEEKDAY_ORDER.get(schedule.weekday, 7), schedule.opens_at, str(schedule.public_id))


def service_dict(service: Service, *, with_locations: bool = True) -> dict:
    """A full service, as `schema/service.json` describes it."""
    data = service_list_dict(service, with_organisation=False)
    # Lists are always sent, even empty: an import reads a missing list as "keep yours".
    data["phones"] = _phones(service.public_id, service.phone)
    schedules = sorted(service.schedules.all(), key=_schedule_key)
    data["schedules"] = [schedule_dict(s, service) for s in schedules]
    data["service_areas"] = [
        service_area_dict(service, locality)
        for locality in sorted(service.localities.all(), key=lambda loc: (loc.slug, loc.name))
    ]
    if with_locations:
        links = sorted(
            service.at_locations.all(), key=lambda link: (link.location.name, str(link.public_id))
        )
        data["service_at_locations"] = [service_at_location_dict(link, service) for link in links]
    data["organization"] = organisation_dict(service.organisation)
    contacts = sorted(service.contacts.all(), key=lambda c: (c.name, str(c.public_id)))
    data["contacts"] = [contact_dict(c, service) for c in contacts]
    data["attributes"] = service_attributes(service)
    return data


# Service at location ------------------------------------------------------------------


def service_at_location_list_dict(link: ServiceAtLocation) -> dict:
    return {
        "id": str(link.public_id),
        "service_id": str(link.service.public_id),
        "location_id": str(link.location.public_id),
        "location": location_list_dict(link.location),
        "service": service_list_dict(link.service),
    }


def service_at_location_full_dict(link: ServiceAtLocation) -> dict:
    """`schema/service_at_location.json`: the link, its full location and its full service."""
    return {
        "id": str(link.public_id),
        "service_id": str(link.service.public_id),
        "location_id": str(link.location.public_id),
        "location": location_dict(link.location),
        "service": service_dict(link.service, with_locations=False),
    }


# Pages --------------------------------------------------------------------------------


def page_dict(*, items: list[dict], total: int, page: int, per_page: int) -> dict:
    """The standard's Page: Spring Data's page fields in snake case, then the contents."""
    total_pages = -(-total // per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not items,
        "contents": items,
    }
