"""GET/POST /api/v1/people and GET/PATCH /api/v1/people/{id}: who may see whom, which of
their details each role sees, adding (or joining) a record, and changing it."""

import datetime as dt
import uuid

import pytest

from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.people.models import CareRelationship, Person, RelatedPerson
from tests import factories as f
from tests.access import record_support as rs
from tests.api_support import bearer, problem_fields, send_json
from tests.people import api_record_support as ars
from tests.people import people_support as ps

PEOPLE = "/api/v1/people"
ALEX = {
    "given_name": "Alex",
    "family_name": "Rivers",
    "date_of_birth": "1980-05-01",
    "postcode": "ls1 4ap",
    "nhs_number": "943 476 5919",
}
N = ps.ALEX_NHS_NUMBER
SPACED_NHS_NUMBER = f"{N[:3]} {N[3:6]} {N[6:]}"
NOT_FOUND = ars.PERSON_NOT_FOUND


def person_url(person) -> str:
    return f"{PEOPLE}/{person.public_id}"


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def written() -> tuple[int, int, int]:
    return Person.objects.count(), CareRelationship.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


@pytest.fixture
def gp_practice(db):
    return f.OrganisationFactory(name="Leeds Road Surgery", kind="gp_practice", ods_code="B86001")


# --- the list


def test_the_list_needs_a_token(client, world):
    response = client.get(PEOPLE)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_clinician_lists_the_people_on_their_team_caseload(client, clinician, world):
    listed = results(client.get(PEOPLE, headers=bearer(clinician)))
    assert [p["id"] for p in listed] == [str(world.person.public_id)]
    assert (listed[0]["given_name"], listed[0]["family_name"]) == ("Alex", "Rivers")


def test_someone_without_a_care_relationship_lists_no_one(client, outsider, world):
    assert results(client.get(PEOPLE, headers=bearer(outsider))) == []


def test_a_commissioner_lists_no_one(client, commissioner, world):
    assert results(client.get(PEOPLE, headers=bearer(commissioner))) == []


def test_a_volunteer_gets_contact_details_but_no_demographics(client, volunteer, world):
    (alex,) = results(client.get(PEOPLE, headers=bearer(volunteer)))
    assert alex["contact"]["phone"] == "0113 496 0000"
    assert alex["contact"]["postcode"] == "LS1 4AP"
    assert alex["demographics"] is None
    assert "1980" not in str(alex) and ps.ALEX_NHS_NUMBER not in str(alex)


def test_a_clinician_gets_demographics_and_contact_details(client, clinician, world):
    (alex,) = results(client.get(PEOPLE, headers=bearer(clinician)))
    assert alex["demographics"]["date_of_birth"] == "1980-05-01"
    assert alex["demographics"]["nhs_number"] == ps.ALEX_NHS_NUMBER
    assert alex["demographics"]["ethnic_category"] is None
    assert alex["contact"]["phone"] == "0113 496 0000"


def test_each_person_listed_says_why_they_are_visible(client, trust, clinician, world, day_centre):
    stranger = rs.person(day_centre)
    rs.break_glass(
        clinician,
        stranger,
        started_at=ps.an_hour_ago(),
        expires_at=ps.an_hour_ago() + dt.timedelta(hours=2),
    )
    listed = results(client.get(PEOPLE, headers=bearer(clinician)))
    bases = {p["id"]: p["basis"] for p in listed}
    assert bases == {
        str(world.person.public_id): "own_organisation",
        str(stranger.public_id): "break_glass",
    }


@pytest.mark.parametrize("q", ["rivers", "Alex Riv", SPACED_NHS_NUMBER])
def test_the_list_finds_a_person_by_name_or_nhs_number(client, clinician, world, trust, q):
    ps.people_on_caseload(trust, 2)
    listed = results(client.get(PEOPLE, {"q": q}, headers=bearer(clinician)))
    assert [p["family_name"] for p in listed] == ["Rivers"]


def test_the_list_pages_with_links(client, trust, clinician, db):
    ps.people_on_caseload(trust, 3)
    first = client.get(PEOPLE, {"page_size": 2}, headers=bearer(clinician)).json()
    assert (first["count"], first["pages"], len(first["results"])) == (3, 2, 2)
    assert first["next"] == "http://testserver/api/v1/people?page_size=2&page=2"


def test_a_page_past_the_end_is_empty(client, clinician, world):
    body = client.get(PEOPLE, {"page": 3}, headers=bearer(clinician)).json()
    assert (body["results"], body["count"], body["next"]) == ([], 1, None)


def test_the_page_shown_is_audited_naming_each_person(client, clinician, world):
    client.get(PEOPLE, headers=bearer(clinician))
    event = AuditEvent.objects.get(action="list")
    assert event.detail["people"] == [str(world.person.public_id)]
    assert event.actor_id == clinician.pk


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "many"}, "page_size"),
        ({"q": "nul\x00byte"}, "q"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_a_bad_list_parameter_is_a_422_naming_it(client, clinician, world, query, field):
    response = client.get(PEOPLE, query, headers=bearer(clinician))
    assert response.status_code == 422
    assert problem_fields(response) == [field]


# token, count, page, then one audit append naming the page's people — however many
LIST_QUERIES = 3


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_takes_the_same_number_of_queries_however_many_people(
    client, trust, clinician, django_assert_num_queries, size
):
    ps.people_on_caseload(trust, size)
    headers = bearer(clinician)
    expected = LIST_QUERIES + ars.audit_append_queries(clinician)
    with django_assert_num_queries(expected):
        response = client.get(PEOPLE, {"page_size": 100}, headers=headers)
    assert len(results(response)) == size


# --- one person


def test_a_person_has_their_carers_and_your_team_relationships(client, clinician, world):
    RelatedPerson.objects.create(
        person=world.person,
        name="Jo Rivers",
        relationship="sister",
        is_carer=True,
        phone="07700 900123",
        consents_to_contact=True,
    )
    body = client.get(person_url(world.person), headers=bearer(clinician)).json()
    assert [(r["name"], r["is_carer"], r["phone"]) for r in body["related_people"]] == [
        ("Jo Rivers", True, "07700 900123")
    ]
    assert [(r["kind"], r["organisation"]["slug"]) for r in body["relationships"]] == [
        ("caseload", "city-nhs-trust")
    ]
    assert body["basis"] == "own_organisation"


def test_a_carer_who_has_not_consented_to_contact_has_no_number_shown(client, clinician, world):
    RelatedPerson.objects.create(
        person=world.person, name="Jo Rivers", relationship="sister", phone="07700 900123"
    )
    (carer,) = client.get(person_url(world.person), headers=bearer(clinician)).json()[
        "related_people"
    ]
    assert (carer["consents_to_contact"], carer["phone"], carer["email"]) == (False, None, None)


def test_other_organisations_care_relationships_are_not_shown(client, volunteer, world):
    body = client.get(person_url(world.person), headers=bearer(volunteer)).json()
    assert [r["organisation"]["slug"] for r in body["relationships"]] == ["riverside-mind"]


def test_a_volunteer_gets_no_demographics_of_one_person(client, volunteer, world):
    body = client.get(person_url(world.person), headers=bearer(volunteer)).json()
    assert body["demographics"] is None
    assert body["contact"]["phone"] == "0113 496 0000"


def test_viewing_a_person_is_audited(client, clinician, world):
    client.get(person_url(world.person), headers=bearer(clinician))
    event = AuditEvent.objects.get(action="view")
    assert (event.person_public_id, event.basis) == (world.person.public_id, "own_organisation")


@pytest.mark.parametrize("how", ["invisible", "unknown", "malformed"])
def test_a_person_one_may_not_see_is_the_same_404_as_one_who_does_not_exist(
    client, outsider, world, how
):
    url = {
        "invisible": person_url(world.person),
        "unknown": f"{PEOPLE}/{uuid.uuid4()}",
        "malformed": f"{PEOPLE}/not-a-uuid",
    }[how]
    response = client.get(url, headers=bearer(outsider))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert not AuditEvent.objects.exists()


# --- adding a person


def test_a_clinician_adds_a_person_to_their_team_caseload(client, clinician, trust):
    response = send_json(client, "post", PEOPLE, ALEX, headers=bearer(clinician))
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"http://testserver{PEOPLE}/{body['id']}"
    assert body["demographics"]["nhs_number"] == "9434765919"
    assert body["contact"]["postcode"] == "LS1 4AP"
    assert [r["organisation"]["slug"] for r in body["relationships"]] == ["city-nhs-trust"]
    assert client.get(response["Location"], headers=bearer(clinician)).status_code == 200


def test_a_person_may_be_registered_with_a_gp_practice(client, clinician, gp_practice):
    body = send_json(
        client, "post", PEOPLE, {**ALEX, "gp_practice": gp_practice.slug}, bearer(clinician)
    ).json()
    assert body["demographics"]["gp_practice"]["slug"] == gp_practice.slug


def test_adding_a_person_known_by_nhs_number_joins_their_record(
    client, clinician, day_centre_worker
):
    first = send_json(client, "post", PEOPLE, ALEX, bearer(clinician)).json()
    response = send_json(
        client, "post", PEOPLE, {**ALEX, "given_name": "Al"}, bearer(day_centre_worker)
    )
    assert response.status_code == 201
    assert response.json()["id"] == first["id"]
    assert Person.objects.count() == 1


def test_a_likely_duplicate_is_a_409_saying_how_to_confirm_and_nothing_of_the_person(
    client, clinician, day_centre_worker
):
    known = {**ALEX, "nhs_number": "", "phone": "0113 496 0999"}
    send_json(client, "post", PEOPLE, known, bearer(clinician))
    before = written()
    response = send_json(
        client, "post", PEOPLE, {**ALEX, "nhs_number": ""}, bearer(day_centre_worker)
    )
    assert response.status_code == 409
    assert '"confirm_same_person": true' in response.json()["detail"]
    assert problem_fields(response) == ["confirm_same_person"]
    existing = Person.objects.get()
    assert str(existing.public_id) not in response.text
    assert "0113 496 0999" not in response.text
    assert written() == before


def test_confirming_the_same_person_joins_their_record(client, clinician, day_centre_worker):
    first = send_json(client, "post", PEOPLE, {**ALEX, "nhs_number": ""}, bearer(clinician)).json()
    response = send_json(
        client,
        "post",
        PEOPLE,
        {**ALEX, "nhs_number": "", "confirm_same_person": True},
        bearer(day_centre_worker),
    )
    assert response.status_code == 201
    assert response.json()["id"] == first["id"]
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nhs_number": "943 476 5918"}, "nhs_number"),
        ({"nhs_number": "12345"}, "nhs_number"),
        ({"postcode": "NOT A CODE"}, "postcode"),
        ({"email": "not-an-email"}, "email"),
        ({"given_name": "x" * 101}, "given_name"),
        ({"given_name": ""}, "given_name"),
        ({"family_name": "Riv\x00ers"}, "family_name"),
        ({"communication_needs": "x" * 2001}, "communication_needs"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1 May 1980"}, "date_of_birth"),
        ({"date_of_birth": 19800501}, "date_of_birth"),
        ({"ethnic_category": "Q"}, "ethnic_category"),
        ({"interpreter_required": "perhaps"}, "interpreter_required"),
        ({"gp_practice": "no-such-practice"}, "gp_practice"),
        ({"gp_practice": "riverside-mind"}, "gp_practice"),
        ({"created_by_organisation": 1}, "created_by_organisation"),
        ({"portal_user": 1}, "portal_user"),
        ({"surname": "Rivers"}, "surname"),
    ],
)
def test_a_bad_person_is_a_422_naming_the_field_and_nothing_is_written(
    client, clinician, day_centre, change, field
):
    before = written()
    response = send_json(client, "post", PEOPLE, {**ALEX, **change}, bearer(clinician))
    assert response.status_code == 422
    assert set(problem_fields(response)) == {field}
    assert written() == before


def test_a_person_without_a_family_name_is_a_422_naming_it(client, clinician):
    body = {k: v for k, v in ALEX.items() if k != "family_name"}
    response = send_json(client, "post", PEOPLE, body, bearer(clinician))
    assert problem_fields(response) == ["family_name"]


def test_a_body_that_is_not_json_is_a_problem_and_writes_nothing(client, clinician):
    response = send_json(client, "post", PEOPLE, "{not json", bearer(clinician))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not Person.objects.exists()


def test_a_volunteer_may_not_add_people(client, volunteer):
    response = send_json(client, "post", PEOPLE, ALEX, bearer(volunteer))
    assert response.status_code == 403
    assert response.json()["detail"] == "A volunteer may not add to people's records"
    assert written() == (0, 0, 0)


# --- changing a person


def test_a_change_touches_only_the_fields_sent(client, clinician, world):
    response = send_json(
        client, "patch", person_url(world.person), {"phone": "0113 496 0001"}, bearer(clinician)
    )
    assert response.status_code == 200
    assert response.json()["contact"]["phone"] == "0113 496 0001"
    world.person.refresh_from_db()
    assert (world.person.phone, world.person.postcode) == ("0113 496 0001", "LS1 4AP")


def test_null_clears_an_optional_choice(client, clinician, world):
    Person.objects.filter(pk=world.person.pk).update(ethnic_category="A", has_disability=True)
    body = {"ethnic_category": None, "has_disability": None}
    response = send_json(client, "patch", person_url(world.person), body, bearer(clinician))
    demographics = response.json()["demographics"]
    assert (demographics["ethnic_category"], demographics["has_disability"]) == (None, None)
    world.person.refresh_from_db()
    assert world.person.ethnic_category == ""


def test_changing_a_person_one_may_not_see_is_the_same_404(client, outsider, world):
    response = send_json(
        client, "patch", person_url(world.person), {"phone": "0"}, bearer(outsider)
    )
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    world.person.refresh_from_db()
    assert world.person.phone == "0113 496 0000"


def test_a_volunteer_may_not_change_a_person_they_see(client, volunteer, world):
    response = send_json(
        client, "patch", person_url(world.person), {"phone": "0"}, bearer(volunteer)
    )
    assert response.status_code == 403
    assert "volunteer" in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nhs_number": "943 476 5918"}, "nhs_number"),
        ({"given_name": None}, "given_name"),
        ({"postcode": "NOPE"}, "postcode"),
        ({"created_by_organisation": 2}, "created_by_organisation"),
    ],
)
def test_a_bad_change_is_a_422_naming_the_field_and_nothing_changes(
    client, clinician, world, change, field
):
    events = AuditEvent.objects.count()
    response = send_json(client, "patch", person_url(world.person), change, bearer(clinician))
    assert response.status_code == 422
    assert problem_fields(response) == [field]
    world.person.refresh_from_db()
    assert (world.person.nhs_number, world.person.given_name) == (ps.ALEX_NHS_NUMBER, "Alex")
    assert AuditEvent.objects.count() == events


def test_an_nhs_number_another_record_has_is_refused(client, clinician, world, trust):
    (other,) = ps.people_on_caseload(trust, 1)
    response = send_json(
        client, "patch", person_url(other), {"nhs_number": ps.ALEX_NHS_NUMBER}, bearer(clinician)
    )
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.nhs_number != ps.ALEX_NHS_NUMBER


def test_an_nhs_number_another_record_has_is_named_as_the_field(client, clinician, world, trust):
    (other,) = ps.people_on_caseload(trust, 1)
    response = send_json(
        client, "patch", person_url(other), {"nhs_number": ps.ALEX_NHS_NUMBER}, bearer(clinician)
    )
    assert problem_fields(response) == ["nhs_number"]


def test_the_policy_sees_the_membership_the_token_acts_as(client, trust, world):
    as_clinician = f.member(trust, Role.CLINICIAN, username="two-hats")
    as_commissioner = f.member(trust, Role.COMMISSIONER, username="two-hats")
    assert as_clinician.pk == as_commissioner.pk
    url = person_url(world.person)
    assert client.get(url, headers=bearer(as_clinician)).status_code == 200
    assert client.get(url, headers=bearer(as_commissioner)).status_code == 404
