"""The `oruk-import` scenario of `joinedup bench` (DESIGN.md §9): import a synthetic Open
Referral UK file of N services, then import it again.

Targets at 100,000 services on PostgreSQL: each import within 60 s and 1 GiB peak
resident memory, the second (which must change nothing) as fast as the first.

`generate_file` writes the file service by service (never the whole array in memory),
deterministically from `seed`: the same seed gives the same bytes, so a re-run imports
the same ids and finds them unchanged. Services share organisations (20 to one) and
locations (each organisation has three), as in a real directory.
"""

import json
import os
import random
import resource
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from joinedup.directory.oruk import vocabulary as v
from joinedup.directory.oruk.importer import oruk_import
from joinedup.directory.oruk.serialize import vocabulary_term_dict
from joinedup.directory.taxonomy_data import DATA as TAXONOMY_DATA
from joinedup.directory.taxonomy_data import NAMESPACE, term_uuid

SERVICES_PER_ORGANISATION = 20
LOCATIONS_PER_ORGANISATION = 3
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LOCALITIES = (
    "Armley",
    "Beeston",
    "Chapeltown",
    "Headingley",
    "Horsforth",
    "Kirkstall",
    "Meanwood",
    "Morley",
    "Pudsey",
    "Rothwell",
    "Seacroft",
    "Wetherby",
)
NEEDS = (
    "befriending",
    "talking-therapies",
    "peer-support",
    "housing",
    "employment",
    "carers-support",
    "day-centres",
    "crisis",
    "physical-activity",
    "money-debt-benefits",
)
FIVE_WAYS = ("connect", "be-active", "take-notice", "keep-learning", "give")
KINDS = ("talking group", "drop-in", "helpline", "support service", "course", "clinic")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _id(seed: int, kind: str, n: int | str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"bench/{seed}/{kind}/{n}"))


def _shipped_terms() -> dict[str, dict]:
    """The shipped terms the generator uses, as ORUK taxonomy_term objects."""
    found = {}
    for taxonomy in json.loads(TAXONOMY_DATA.read_text())["taxonomies"]:

        def walk(terms, parent=None, taxonomy=taxonomy):
            for term in terms:
                found[term["code"]] = {
                    "id": str(term_uuid(taxonomy["slug"], term["code"])),
                    "name": term["name"],
                    "description": term.get("description", ""),
                    **({"parent_id": parent} if parent else {}),
                    "taxonomy": taxonomy["name"],
                    "taxonomy_id": str(uuid.uuid5(NAMESPACE, taxonomy["slug"])),
                    "term": term["code"],
                }
                walk(term.get("children", []), found[term["code"]]["id"])

        walk(taxonomy["terms"])
    return found


def _attribute(owner: str, term: dict, value: str | None = None) -> dict:
    data = {
        "id": str(v.derived_id(owner, f"attribute/{term['id']}")),
        "link_id": owner,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }
    if value is not None:
        data["value"] = value
    return data


def _choice(owner: str, code: str) -> dict:
    return _attribute(owner, vocabulary_term_dict(v.TERMS_BY_CODE[code]))


class _Generator:
    def __init__(self, seed: int):
        self.seed = seed
        self.terms = _shipped_terms()

    def organisation(self, n: int) -> dict:
        rng = random.Random(f"{self.seed}/organisation/{n}")
        org_id = _id(self.seed, "organisation", n)
        nhs = n % 4 == 0
        scheme, identifier = ("GB-NHS", f"Y{n:05d}") if nhs else ("GB-CHC", str(3_000_000 + n))
        kind = "organisation-kind/nhs_trust" if nhs else "organisation-kind/vcse"
        return {
            "id": org_id,
            "name": f"{rng.choice(LOCALITIES)} {'NHS Trust' if nhs else 'Community Action'} {n}",
            "description": "A partner of the mental health partnership, made up for testing.",
            "website": f"https://org{n}.example.org/",
            "phones": [
                {"id": _id(self.seed, "org-phone", n), "number": f"0113 496 {n % 1000:04d}"}
            ],
            "organization_identifiers": [
                {
                    "id": _id(self.seed, "identifier", n),
                    "identifier_scheme": scheme,
                    "identifier_type": "ODS code" if nhs else "Charity number",
                    "identifier": identifier,
                }
            ],
            "attributes": [_choice(org_id, kind)],
        }

    def location(self, organisation: int, n: int) -> dict:
        rng = random.Random(f"{self.seed}/location/{organisation}/{n}")
        location_id = _id(self.seed, "location", f"{organisation}/{n}")
        postcode = (
            f"LS{rng.randint(1, 29)} {rng.randint(1, 9)}"
            f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        )
        return {
            "id": location_id,
            "location_type": "physical",
            "name": f"{rng.choice(LOCALITIES)} Community Centre {organisation}-{n}",
            "latitude": round(53.70 + rng.random() * 0.2, 6),
            "longitude": round(-1.70 + rng.random() * 0.3, 6),
            "addresses": [
                {
                    "id": str(v.derived_id(location_id, "address")),
                    "location_id": location_id,
                    "address_1": f"{rng.randint(1, 200)} {rng.choice(LOCALITIES)} Road",
                    "city": "Leeds",
                    "state_province": "West Yorkshire",
                    "postal_code": postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            ],
        }

    def service(self, n: int, organisation: dict, locations: list[dict]) -> dict:
        rng = random.Random(f"{self.seed}/service/{n}")
        service_id = _id(self.seed, "service", n)
        needs = rng.sample(NEEDS, 2)
        name = f"{self.terms[needs[0]]['name']} {rng.choice(KINDS)} {n}"
        return {
            "id": service_id,
            "organization_id": organisation["id"],
            "name": name,
            "description": (
                f"{name}: support for adults in {rng.choice(LOCALITIES)} with "
                f"{self.terms[needs[1]]['name'].lower()}, run by trained staff and volunteers."
            ),
            "url": f"https://org.example.org/services/{n}",
            "status": "active" if rng.random() < 0.95 else "inactive",
            "minimum_age": rng.choice((16, 18, 18, 25)),
            "maximum_age": rng.choice((65, 99, 120)),
            "last_modified": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T09:00:00Z",
            "phones": [{"id": _id(self.seed, "phone", n), "number": f"0113 496 {n % 1000:04d}"}],
            "schedules": self.schedules(rng, service_id, n),
            "service_areas": [
                {
                    "id": _id(self.seed, "area", f"{n}/{name}"),
                    "service_id": service_id,
                    "name": name,
                }
                for name in rng.sample(LOCALITIES, rng.randint(1, 2))
            ],
            "service_at_locations": [
                {
                    "id": _id(self.seed, "service_at_location", f"{n}/{location['id']}"),
                    "service_id": service_id,
                    "location_id": location["id"],
                    "location": location,
                }
                for location in rng.sample(locations, rng.randint(1, 2))
            ],
            "organization": organisation,
            "contacts": [
                {
                    "id": _id(self.seed, "contact", n),
                    "service_id": service_id,
                    "name": f"Duty worker {n}",
                    "title": "Referrals coordinator",
                    "email": f"referrals{n}@example.org",
                }
            ],
            "attributes": self.attributes(rng, service_id, needs),
        }

    def schedules(self, rng: random.Random, service_id: str, n: int) -> list[dict]:
        days = sorted(rng.sample(WEEKDAYS[:5], rng.randint(1, 5)), key=WEEKDAYS.index)
        return [
            {
                "id": _id(self.seed, "schedule", f"{n}/{day}"),
                "service_id": service_id,
                "freq": "WEEKLY",
                "byday": day,
                "opens_at": f"{rng.choice((9, 10)):02d}:00:00",
                "closes_at": f"{rng.choice((16, 17)):02d}:00:00",
            }
            for day in days
        ]

    def attributes(self, rng: random.Random, service_id: str, needs: list[str]) -> list[dict]:
        found = [_attribute(service_id, self.terms[code]) for code in needs]
        found.append(_attribute(service_id, self.terms[rng.choice(FIVE_WAYS)]))
        capacity = rng.choice(("capacity", "capacity", "waitlist", "no-capacity"))
        for code in (
            f"capacity-status/{capacity}",
            "accepting-referrals/yes",
            f"accepts-self-referrals/{rng.choice(('yes', 'no'))}",
            "accepts-professional-referrals/yes",
            "joint-offer/no",
        ):
            found.append(_choice(service_id, code))
        waiting = vocabulary_term_dict(v.TERMS_BY_CODE["waiting-time-days"])
        found.append(_attribute(service_id, waiting, str(rng.randint(0, 60))))
        return found

    def services(self, count: int) -> Iterator[dict]:
        organisations = max(1, -(-count // SERVICES_PER_ORGANISATION))
        for o in range(organisations):
            organisation = self.organisation(o)
            locations = [self.location(o, n) for n in range(LOCATIONS_PER_ORGANISATION)]
            first = o * SERVICES_PER_ORGANISATION
            for n in range(first, min(first + SERVICES_PER_ORGANISATION, count)):
                yield self.service(n, organisation, locations)


def generate_file(path: Path | str, *, services: int, seed: int = 1) -> None:
    """Write a JSON array of `services` full ORUK services to `path`, one a line."""
    with Path(path).open("w", encoding="utf-8") as out:
        out.write("[")
        for n, service in enumerate(_Generator(seed).services(services)):
            out.write(",\n" if n else "\n")
            out.write(json.dumps(service, ensure_ascii=False))
        out.write("\n]\n")


def _peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    # Linux reports ru_maxrss in KiB: the high-water mark so far (of this process, or of
    # the largest of its children that have ended: the import's reading process).
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _database_cpu() -> float | None:
    """Processor seconds of the PostgreSQL backend serving this connection, read from
    /proc when the server runs on this machine (None otherwise): what the import costs
    the database, which a busy machine's wall clock hides."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields (counted from the pid), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed_import(path: Path) -> dict:
    database = _database_cpu()
    started, cpu, reader = time.perf_counter(), time.process_time(), _children_cpu()
    report = oruk_import(path=path)
    seconds = time.perf_counter() - started
    services = report.counts["services"]
    database_after = _database_cpu()
    own, reading = _peak_rss_mib(), _peak_rss_mib(resource.RUSAGE_CHILDREN)
    return {
        "seconds": round(seconds, 2),
        # Processor time: on a busy machine, closer to what the import costs than the
        # wall clock. The file is read and checked in a second process (`reader`) while
        # this one writes; the database's own share is `database_cpu_seconds`.
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "reader_cpu_seconds": round(_children_cpu() - reader, 2),
        "database_cpu_seconds": (
            round(database_after - database, 2) if database is not None else None
        ),
        "services_per_second": round(report.records / seconds) if seconds else None,
        "created": services.created,
        "updated": services.updated,
        "unchanged": services.unchanged,
        # Both processes' high-water marks added up: what the import holds at most.
        "peak_rss_mib": round(own + reading, 1),
        "writer_peak_rss_mib": own,
        "reader_peak_rss_mib": reading,
        "load_average": round(os.getloadavg()[0], 2),
    }


def run(*, services: int, seed: int = 1, workdir: Path | str) -> dict:
    """Generate the file, import it, import it again; the figures of both imports.

    Writes into the database Django is configured for: run it against a scratch one.
    """
    path = Path(workdir) / f"oruk-{services}-seed{seed}.json"
    started = time.perf_counter()
    generate_file(path, services=services, seed=seed)
    generated = time.perf_counter() - started
    return {
        "scenario": "oruk-import",
        "services": services,
        "file_mib": round(path.stat().st_size / 2**20, 1),
        "generate_seconds": round(generated, 2),
        "import": _timed_import(path),
        "reimport": _timed_import(path),
        "targets": {"seconds": 60, "peak_rss_mib": 1024},
    }
