"""Builders and checks shared by the Open Referral UK tests. Synthetic data only."""

import copy
import io
import itertools
import json
import uuid
from datetime import time
from decimal import Decimal
from pathlib import Path

import factory
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from joinedup.directory import models as d
from joinedup.directory.oruk.schemas import SCHEMA_DIR
from joinedup.directory.oruk.serialize import service_dict
from joinedup.directory.taxonomy_data import term_uuid
from tests import factories as f

EXAMPLES = Path(__file__).resolve().parent / "oruk_examples"
DIRECTORY_MODELS = (
    d.Organisation,
    d.Service,
    d.Location,
    d.ServiceAtLocation,
    d.Contact,
    d.Schedule,
    d.Locality,
    d.TaxonomyTerm,
    d.Service.taxonomy_terms.through,
    d.Service.localities.through,
)


# Schemas ------------------------------------------------------------------------------


def validator(name: str) -> Draft202012Validator:
    """A validator for one of the standard's schemas, resolving its relative $refs."""
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in SCHEMA_DIR.glob("*.json")
    ]
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def schema_errors(name: str, instance) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(name).iter_errors(instance)
    ]


# Models -------------------------------------------------------------------------------


def shipped_term(code: str, taxonomy: str = "joinedup-needs") -> d.TaxonomyTerm:
    return d.TaxonomyTerm.objects.get(taxonomy__slug=taxonomy, code=code)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Contact

    service = factory.SubFactory(f.ServiceFactory)
    name = factory.Sequence(lambda n: f"Duty worker {n}")


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Schedule

    service = factory.SubFactory(f.ServiceFactory)
    weekday = d.Weekday.MO
    opens_at = time(9, 0)
    closes_at = time(17, 0)


def add_location(service: d.Service, **fields) -> d.ServiceAtLocation:
    location = f.LocationFactory(organisation=service.organisation, **fields)
    return d.ServiceAtLocation.objects.create(service=service, location=location)


def rich_service(*, locations: int = 2, contacts: int = 2) -> d.Service:
    """A service with every relation ORUK can carry filled in."""
    trust = f.NhsTrustFactory(
        phone="0113 496 0000",
        website="https://riverside.example.org/",
        email="info@riverside.example.org",
    )
    service = f.ServiceFactory(
        organisation=trust,
        name="Community mental health team (North)",
        description="Assessment, care coordination and therapy for adults.",
        url="https://riverside.example.org/cmht-north",
        email="cmht.north@riverside.example.org",
        phone="0113 496 0001",
        fees="Free on the NHS.",
        minimum_age=18,
        maximum_age=65,
        eligibility_criteria="Registered with a GP practice in North Leeds.",
        referral_instructions="Send the common referral form with a recent risk assessment.",
        accepts_self_referrals=True,
        capacity_status=d.CapacityStatus.WAITLIST,
        waiting_time_days=21,
        is_joint_offer=True,
        taxonomy_terms=[
            shipped_term("community-mental-health"),
            shipped_term("connect", "five-ways-to-wellbeing"),
        ],
        localities=[f.LocalityFactory(name="North"), f.LocalityFactory(name="Inner North")],
    )
    for n in range(locations):
        add_location(
            service,
            name=f"Clinic {n}",
            address_2="Chapeltown",
            region="West Yorkshire",
            latitude=Decimal("53.812000") + n,
            longitude=Decimal("-1.535000"),
            accessibility="Step-free entrance and a hearing loop.",
        )
    for n in range(contacts):
        ContactFactory(
            service=service,
            name=f"Duty worker {n}",
            title="Team manager",
            department="Referrals",
            email=f"duty{n}@riverside.example.org",
            phone="0113 496 0002",
        )
    ScheduleFactory(service=service, weekday=d.Weekday.MO, description="Drop-in")
    ScheduleFactory(service=service, weekday=d.Weekday.WE, opens_at=time(13, 30))
    return service


def bare_service() -> d.Service:
    return f.ServiceFactory(name="Peer support group", description="Meet others.")


def serialised(service: d.Service) -> dict:
    from joinedup.directory.oruk.selectors import oruk_service_get

    return service_dict(oruk_service_get(public_id=service.public_id))


def directory_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DIRECTORY_MODELS}


# ORUK records -------------------------------------------------------------------------


_charity_numbers = itertools.count(1_100_000)


def record(**changes) -> dict:
    """A full ORUK service that joinedup accepts, with fresh ids (and a charity of its
    own); `changes` replace keys."""
    service_id, org_id, location_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    data = {
        "id": str(service_id),
        "name": "Befriending by phone",
        "description": "A weekly call from a trained volunteer.",
        "status": "active",
        "minimum_age": 18,
        "organization": {
            "id": str(org_id),
            "name": "Riverside Mind",
            "description": "A local mental health charity.",
            "organization_identifiers": [
                {
                    "id": str(uuid.uuid4()),
                    "identifier_scheme": "GB-CHC",
                    "identifier_type": "Charity number",
                    "identifier": str(next(_charity_numbers)),
                }
            ],
        },
        "service_at_locations": [
            {
                "id": str(uuid.uuid4()),
                "location": {
                    "id": str(location_id),
                    "location_type": "physical",
                    "name": "Riverside Centre",
                    "latitude": 53.8008,
                    "longitude": -1.5491,
                    "addresses": [
                        {
                            "id": str(uuid.uuid4()),
                            "address_1": "1 Riverside Way",
                            "city": "Leeds",
                            "state_province": "West Yorkshire",
                            "postal_code": "LS1 4AP",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "contacts": [{"id": str(uuid.uuid4()), "name": "Sam Volunteer", "title": "Coordinator"}],
        "schedules": [
            {
                "id": str(uuid.uuid4()),
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "10:00",
                "closes_at": "16:00",
            }
        ],
        "service_areas": [{"id": str(uuid.uuid4()), "name": "North"}],
        "attributes": [attribute("befriending")],
    }
    data.update(changes)
    return data


def attribute(code: str, taxonomy: str = "joinedup-needs") -> dict:
    term_id = str(term_uuid(taxonomy, code))
    return {
        "id": str(uuid.uuid4()),
        "taxonomy_term_id": term_id,
        "taxonomy_term": {"id": term_id, "name": code, "description": ""},
    }


def changed(data: dict, path: str, value) -> dict:
    """A copy of `data` with the value at `path` ('a.b[0].c') replaced (or removed if ...)."""
    data = copy.deepcopy(data)
    parts = path.replace("]", "").replace("[", ".").split(".")
    target = data
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


def write_json(tmp_path: Path, content, name: str = "services.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


# Commands -----------------------------------------------------------------------------


class Outcome:
    def __init__(self, stdout: str, stderr: str, error: CommandError | None):
        self.stdout, self.stderr, self.error = stdout, stderr, error

    @property
    def message(self) -> str:
        """Everything a person running the command reads."""
        return "\n".join([self.stdout, self.stderr, str(self.error or "")])


def run_command(name: str, *args) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return Outcome(out.getvalue(), err.getvalue(), exc)
    return Outcome(out.getvalue(), err.getvalue(), None)


def import_file(path: Path, *args) -> Outcome:
    return run_command("import_oruk", str(path), "--no-progress", *args)


def export_text() -> str:
    return run_command("export_oruk").stdout
