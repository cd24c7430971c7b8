"""Break-glass through the API: a clinician opens time-limited access to a person with
no care relationship with their team, by NHS number or by id; everyone else is refused
without learning whether the person exists."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from joinedup.access.models import BreakGlass
from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from tests import factories as f
from tests.access import record_support as rs
from tests.api_support import bearer, problem_fields, send_json
from tests.people import api_record_support as ars
from tests.people import people_support as ps

BREAK_GLASS = "/api/v1/break-glass"
REASON = "Brought to A&E in crisis overnight; need the risk history now"
PERSON_NOT_FOUND = ars.PERSON_NOT_FOUND


def person_url(person_or_id, suffix: str = "") -> str:
    public_id = getattr(person_or_id, "public_id", person_or_id)
    return f"/api/v1/people/{public_id}{suffix}"


def spaced(nhs_number: str) -> str:
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"


def written() -> tuple[int, int]:
    return BreakGlass.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def stranger(day_centre):
    """Known to the day centre only: the trust's clinician has no relationship with them."""
    (person,) = ps.people_on_caseload(day_centre, 1)
    return person


@pytest.fixture
def unknown_nhs_number(stranger) -> str:
    return ps.valid_nhs_number(10_000)


def open_by_nhs_number(client, user, nhs_number, **extra):
    body = {"nhs_number": nhs_number, "reason": REASON, "duration_minutes": 60, **extra}
    return send_json(client, "post", BREAK_GLASS, body, bearer(user))


# --- by NHS number


def test_a_clinician_breaks_glass_by_nhs_number_and_then_sees_the_person(
    client, clinician, stranger
):
    assert client.get(person_url(stranger), headers=bearer(clinician)).status_code == 404
    response = open_by_nhs_number(client, clinician, spaced(stranger.nhs_number))
    assert response.status_code == 201
    body = response.json()
    assert (body["person"], body["reason"], body["active"], body["review"]) == (
        str(stranger.public_id),
        REASON,
        True,
        "pending",
    )
    after = client.get(person_url(stranger), headers=bearer(clinician))
    assert after.status_code == 200
    assert after.json()["basis"] == "break_glass"


def test_breaking_glass_is_audited_with_its_reason_kept_for_review(client, clinician, stranger):
    open_by_nhs_number(client, clinician, stranger.nhs_number)
    event = AuditEvent.objects.get(action="break_glass")
    assert (event.person_public_id, event.basis) == (stranger.public_id, "break_glass")
    assert BreakGlass.objects.get().reason == REASON


def test_the_access_lasts_as_long_as_asked(client, clinician, stranger):
    body = open_by_nhs_number(client, clinician, stranger.nhs_number, duration_minutes=30).json()
    started = dt.datetime.fromisoformat(body["started_at"])
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert expires - started == dt.timedelta(minutes=30)


def test_an_nhs_number_no_one_has_is_a_404_like_any_unknown_person(
    client, clinician, unknown_nhs_number
):
    before = written()
    response = open_by_nhs_number(client, clinician, unknown_nhs_number)
    assert response.status_code == 404
    assert response.json() == PERSON_NOT_FOUND
    # No access is opened; the failed lookup itself is logged for the IG lead.
    assert written() == (before[0], before[1] + 1)
    assert AuditEvent.objects.latest("sequence").action == "break_glass_not_found"


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.PRACTITIONER, Role.COMMISSIONER])
@pytest.mark.parametrize("known", [True, False])
def test_other_roles_are_refused_whether_or_not_the_person_exists(
    client, trust, stranger, unknown_nhs_number, role, known
):
    user = f.member(trust, role, username=f"not-a-clinician-{role}")
    nhs_number = stranger.nhs_number if known else unknown_nhs_number
    response = open_by_nhs_number(client, user, nhs_number)
    assert response.status_code == 403
    assert "only clinicians may" in response.json()["detail"]
    assert written() == (0, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nhs_number": "943 476 5918"}, "nhs_number"),
        ({"nhs_number": "12345"}, "nhs_number"),
        ({"nhs_number": "9" * 21}, "nhs_number"),
        ({"reason": "need it"}, "reason"),
        ({"reason": " " * 25 + "short"}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"reason": REASON + "\x00"}, "reason"),
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"duration_minutes": 12 * 60 + 1}, "duration_minutes"),
        ({"duration_minutes": "an hour"}, "duration_minutes"),
        ({"organisation": "city-nhs-trust"}, "organisation"),
        ({"expires_at": "2099-01-01T00:00:00Z"}, "expires_at"),
    ],
)
def test_a_bad_request_is_a_422_naming_the_field_before_anyone_is_looked_up(
    client, clinician, stranger, change, field
):
    body = {"nhs_number": stranger.nhs_number, "reason": REASON, **change}
    response = send_json(client, "post", BREAK_GLASS, body, bearer(clinician))
    assert response.status_code == 422
    assert problem_fields(response) == [field]
    assert written() == (0, 0)


def test_a_short_reason_gets_the_same_answer_whether_or_not_the_person_exists(
    client, clinician, stranger, unknown_nhs_number
):
    answers = [
        open_by_nhs_number(client, clinician, number, reason="need it").json()
        for number in (stranger.nhs_number, unknown_nhs_number)
    ]
    assert answers[0] == answers[1]


# --- by id


def test_a_clinician_who_knows_the_id_breaks_glass_by_it(client, clinician, stranger):
    body = {"reason": REASON, "duration_minutes": 15}
    response = send_json(
        client, "post", person_url(stranger, "/break-glass"), body, bearer(clinician)
    )
    assert response.status_code == 201
    assert response.json()["person"] == str(stranger.public_id)
    assert client.get(person_url(stranger), headers=bearer(clinician)).status_code == 200


@pytest.mark.parametrize("person_id", ["6b1f0c52-6a57-4e0f-9d0e-2f4b8d5f1a11", "not-a-uuid"])
def test_breaking_glass_for_an_id_no_one_has_is_the_same_404(client, clinician, person_id):
    body = {"reason": REASON}
    response = send_json(
        client, "post", person_url(person_id, "/break-glass"), body, bearer(clinician)
    )
    assert response.status_code == 404
    assert response.json() == PERSON_NOT_FOUND
    assert written() == (0, 0)


@pytest.mark.parametrize("person_id", ["stranger", "unknown"])
def test_a_volunteer_breaking_glass_by_id_is_refused_whether_or_not_the_person_exists(
    client, volunteer, stranger, person_id
):
    target = stranger.public_id if person_id == "stranger" else uuid.uuid4()
    body = {"reason": REASON}
    response = send_json(
        client, "post", person_url(target, "/break-glass"), body, bearer(volunteer)
    )
    assert response.status_code == 403
    assert written() == (0, 0)


# --- the caller's own accesses


def test_a_clinician_lists_their_own_accesses_to_a_person(client, trust, clinician, stranger):
    colleague = f.member(trust, Role.CLINICIAN, username="another-clinician")
    mine = open_by_nhs_number(client, clinician, stranger.nhs_number).json()
    open_by_nhs_number(client, colleague, stranger.nhs_number)
    response = client.get(person_url(stranger, "/break-glass"), headers=bearer(clinician))
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["results"]] == [mine["id"]]


def test_an_expired_access_is_still_listed_to_the_clinician_who_opened_it(
    client, clinician, stranger
):
    long_ago = timezone.now() - dt.timedelta(days=3)
    access = rs.break_glass(
        clinician, stranger, started_at=long_ago, expires_at=long_ago + dt.timedelta(hours=1)
    )
    assert client.get(person_url(stranger), headers=bearer(clinician)).status_code == 404
    response = client.get(person_url(stranger, "/break-glass"), headers=bearer(clinician))
    assert [(a["id"], a["active"]) for a in response.json()["results"]] == [
        (str(access.public_id), False)
    ]


def test_reading_ones_own_accesses_is_audited(client, clinician, stranger):
    open_by_nhs_number(client, clinician, stranger.nhs_number)
    client.get(person_url(stranger, "/break-glass"), headers=bearer(clinician))
    event = AuditEvent.objects.get(action="view")
    assert event.person_public_id == stranger.public_id


@pytest.mark.parametrize("person_id", ["stranger", "unknown", "malformed"])
def test_a_clinician_who_never_broke_glass_for_someone_unseen_gets_the_same_404(
    client, clinician, stranger, person_id
):
    target = {"stranger": stranger.public_id, "unknown": uuid.uuid4(), "malformed": "x"}[person_id]
    response = client.get(person_url(target, "/break-glass"), headers=bearer(clinician))
    assert response.status_code == 404
    assert response.json() == PERSON_NOT_FOUND


def test_a_clinician_with_a_care_relationship_and_no_access_gets_an_empty_list(
    client, clinician, trust, day_centre
):
    world = ps.shared_world(trust, day_centre, clinician)
    response = client.get(person_url(world.person, "/break-glass"), headers=bearer(clinician))
    assert (response.status_code, response.json()["results"]) == (200, [])


def test_other_roles_may_not_list_break_glass_accesses(
    client, volunteer, trust, day_centre, clinician
):
    world = ps.shared_world(trust, day_centre, clinician)
    response = client.get(person_url(world.person, "/break-glass"), headers=bearer(volunteer))
    assert response.status_code == 403
