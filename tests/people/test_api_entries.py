"""A person's record entries through the API: the current versions one may see, adding
an entry, one entry with its versions, and correcting by a new version."""

import uuid

import pytest

from joinedup.access.categories import Category
from joinedup.audit.models import AuditEvent
from joinedup.people import services
from joinedup.people.models import RecordEntry
from tests.api_support import bearer, problem_fields, send_json
from tests.people import api_record_support as ars
from tests.people import people_support as ps

ENTRY_NOT_FOUND = ars.ENTRY_NOT_FOUND
PERSON_NOT_FOUND = ars.PERSON_NOT_FOUND["detail"]
NEW_ENTRY = {"category": "clinical", "title": "Review", "text": "Seen at home; settled."}


def entries_url(person) -> str:
    return f"/api/v1/people/{person.public_id}/entries"


def entry_url(entry) -> str:
    return f"/api/v1/entries/{entry.public_id}"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["title"] for e in response.json()["results"]]


def correct(clinician, entry, text: str = "Corrected") -> RecordEntry:
    return services.entry_correct(
        actor=clinician, entry=entry, title=entry.title, text=text, reason="typo"
    )


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


# --- listing


def test_a_clinician_lists_their_organisations_entries_newest_first(client, clinician, world):
    listed = titles(client.get(entries_url(world.person), headers=bearer(clinician)))
    assert sorted(listed) == sorted(["Shared care plan", "Medication review", "Best time to call"])


def test_each_entry_says_what_it_is_whose_it_is_and_who_wrote_it(client, clinician, world):
    body = client.get(
        entries_url(world.person), {"category": "clinical"}, headers=bearer(clinician)
    ).json()
    (entry,) = body["results"]
    assert entry["id"] == str(world.clinical.public_id)
    assert entry["category"] == "clinical"
    assert entry["owner"]["slug"] == "city-nhs-trust"
    assert entry["author"]["role"] == "clinician"
    assert (entry["sealed"], entry["corrects"]) == (False, None)
    assert entry["created_at"]


def test_a_corrected_entry_is_listed_once_as_its_newest_version(client, clinician, world):
    new = correct(clinician, world.clinical)
    body = client.get(
        entries_url(world.person), {"category": "clinical"}, headers=bearer(clinician)
    ).json()
    assert [(e["id"], e["corrects"]) for e in body["results"]] == [
        (str(new.public_id), str(world.clinical.public_id))
    ]


def test_a_volunteer_at_a_partner_sees_what_the_agreement_shares_and_nothing_clinical(
    client, volunteer, world
):
    listed = titles(client.get(entries_url(world.person), headers=bearer(volunteer)))
    assert sorted(listed) == ["Best time to call", "Shared care plan"]


def test_a_partner_entry_no_agreement_covers_is_not_listed(
    client, clinician, day_centre_worker, world
):
    ps.entry(world.person, world.plan.owning_organisation, clinician, Category.RISK, "Trust risk")
    ps.entry(
        world.person,
        day_centre_worker.acting_membership.organisation,
        day_centre_worker,
        Category.RISK,
        "Day centre risk",
    )
    listed = titles(
        client.get(entries_url(world.person), {"category": "risk"}, headers=bearer(clinician))
    )
    assert listed == ["Trust risk"]


def test_entries_can_be_filtered_by_several_categories(client, clinician, world):
    response = client.get(
        entries_url(world.person), {"category": ["contact", "care_plan"]}, headers=bearer(clinician)
    )
    assert sorted(titles(response)) == ["Best time to call", "Shared care plan"]


def test_the_page_of_entries_shown_is_audited(client, volunteer, world):
    client.get(entries_url(world.person), headers=bearer(volunteer))
    event = AuditEvent.objects.get(action="view")
    assert event.person_public_id == world.person.public_id
    assert sorted(event.detail["entries"]) == sorted(
        [str(world.plan.public_id), str(world.contact.public_id)]
    )


@pytest.mark.parametrize("how", ["invisible", "unknown", "malformed"])
def test_the_entries_of_a_person_one_may_not_see_are_the_same_404(client, outsider, world, how):
    url = {
        "invisible": entries_url(world.person),
        "unknown": f"/api/v1/people/{uuid.uuid4()}/entries",
        "malformed": "/api/v1/people/12/entries",
    }[how]
    response = client.get(url, headers=bearer(outsider))
    assert response.status_code == 404
    assert response.json()["detail"] == PERSON_NOT_FOUND


@pytest.mark.parametrize(
    ("query", "field"),
    [({"category": "gossip"}, "category.0"), ({"page_size": "0"}, "page_size")],
)
def test_a_bad_entries_parameter_is_a_422_naming_it(client, clinician, world, query, field):
    response = client.get(entries_url(world.person), query, headers=bearer(clinician))
    assert response.status_code == 422
    assert problem_fields(response) == [field]


# token, person, count, page, the basis of the audit event, then one audit append
# naming the page's entries — however many there are
LIST_QUERIES = 5


@pytest.mark.parametrize("size", [3, 30])
def test_the_entries_take_the_same_number_of_queries_however_many(
    client, clinician, trust, world, django_assert_num_queries, size
):
    for n in range(size):
        entry = ps.entry(world.person, trust, clinician, Category.CLINICAL, f"Note {n}")
        if n % 3 == 0:
            correct(clinician, entry)
    headers = bearer(clinician)
    expected = LIST_QUERIES + ars.audit_append_queries(clinician)
    with django_assert_num_queries(expected):
        response = client.get(entries_url(world.person), {"page_size": 100}, headers=headers)
    assert len(titles(response)) == size + 3


# --- adding an entry


def test_a_clinician_adds_an_entry_owned_by_their_organisation(client, clinician, world):
    response = send_json(client, "post", entries_url(world.person), NEW_ENTRY, bearer(clinician))
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"http://testserver/api/v1/entries/{body['id']}"
    assert (body["owner"]["slug"], body["category"], body["text"]) == (
        "city-nhs-trust",
        "clinical",
        "Seen at home; settled.",
    )
    assert AuditEvent.objects.filter(action="create", object_id=body["id"]).exists()


def test_a_sealed_entry_is_not_shared_with_partners(client, clinician, volunteer, world):
    body = {"category": "care_plan", "title": "Sealed plan note", "sealed": True}
    send_json(client, "post", entries_url(world.person), body, bearer(clinician))
    listed = titles(client.get(entries_url(world.person), headers=bearer(volunteer)))
    assert "Sealed plan note" not in listed


def test_a_volunteer_may_not_record_what_their_role_does_not_see(client, volunteer, world):
    before = RecordEntry.objects.count()
    response = send_json(client, "post", entries_url(world.person), NEW_ENTRY, bearer(volunteer))
    assert response.status_code == 403
    assert response.json()["detail"] == "A volunteer may not record clinical notes"
    assert RecordEntry.objects.count() == before


def test_adding_to_the_record_of_a_person_one_may_not_see_is_the_same_404(client, outsider, world):
    before = RecordEntry.objects.count()
    response = send_json(client, "post", entries_url(world.person), NEW_ENTRY, bearer(outsider))
    assert response.status_code == 404
    assert response.json()["detail"] == PERSON_NOT_FOUND
    assert RecordEntry.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": "x" * 20_001}, "text"),
        ({"title": "x" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"text": "a\x00b"}, "text"),
        ({"category": "gossip"}, "category"),
        ({"sealed": "perhaps"}, "sealed"),
        ({"owning_organisation": 1}, "owning_organisation"),
        ({"author": 1}, "author"),
        ({"person": str(uuid.uuid4())}, "person"),
    ],
)
def test_a_bad_entry_is_a_422_naming_the_field_and_nothing_is_written(
    client, clinician, world, change, field
):
    before = RecordEntry.objects.count(), AuditEvent.objects.count()
    response = send_json(
        client, "post", entries_url(world.person), {**NEW_ENTRY, **change}, bearer(clinician)
    )
    assert response.status_code == 422
    assert problem_fields(response) == [field]
    assert (RecordEntry.objects.count(), AuditEvent.objects.count()) == before


def test_the_longest_entry_allowed_is_accepted(client, clinician, world):
    body = {**NEW_ENTRY, "text": "x" * 20_000}
    response = send_json(client, "post", entries_url(world.person), body, bearer(clinician))
    assert response.status_code == 201


# --- one entry


def test_an_entry_comes_with_its_versions_oldest_first(client, clinician, world):
    second = correct(clinician, world.clinical, "Second")
    third = correct(clinician, second, "Third")
    body = client.get(entry_url(third), headers=bearer(clinician)).json()
    assert [v["text"] for v in body["versions"]] == ["", "Second", "Third"]
    assert [v["corrects"] for v in body["versions"]] == [
        None,
        str(world.clinical.public_id),
        str(second.public_id),
    ]
    assert (body["person"], body["superseded_by"]) == (str(world.person.public_id), None)


def test_an_old_version_says_which_version_superseded_it(client, clinician, world):
    new = correct(clinician, world.clinical)
    body = client.get(entry_url(world.clinical), headers=bearer(clinician)).json()
    assert body["superseded_by"] == str(new.public_id)
    assert len(body["versions"]) == 2


def test_a_partner_sees_a_shared_entry_and_the_reading_is_audited(client, volunteer, world):
    response = client.get(entry_url(world.plan), headers=bearer(volunteer))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="view")
    assert (event.object_id, event.actor_id) == (str(world.plan.public_id), volunteer.pk)


@pytest.mark.parametrize("how", ["not_shared", "unknown", "malformed", "no_relationship"])
def test_an_entry_one_may_not_see_is_the_same_404_as_one_that_does_not_exist(
    client, volunteer, outsider, world, how
):
    user, url = {
        "not_shared": (volunteer, entry_url(world.clinical)),
        "unknown": (volunteer, f"/api/v1/entries/{uuid.uuid4()}"),
        "malformed": (volunteer, "/api/v1/entries/1"),
        "no_relationship": (outsider, entry_url(world.plan)),
    }[how]
    response = client.get(url, headers=bearer(user))
    assert response.status_code == 404
    assert response.json() == ENTRY_NOT_FOUND
    assert not AuditEvent.objects.exists()


# --- corrections


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(client, clinician, world):
    body = {"title": "Medication review", "text": "Dose is 10 mg", "reason": "wrong dose"}
    response = send_json(
        client, "post", f"{entry_url(world.clinical)}/corrections", body, bearer(clinician)
    )
    assert response.status_code == 201
    new = response.json()
    assert (new["corrects"], new["text"], new["correction_reason"]) == (
        str(world.clinical.public_id),
        "Dose is 10 mg",
        "wrong dose",
    )
    assert response["Location"].endswith(f"/api/v1/entries/{new['id']}")
    assert RecordEntry.objects.filter(pk=world.clinical.pk).exists()


def test_a_partner_may_not_correct_an_entry_they_can_see(client, volunteer, world):
    body = {"title": "Plan", "text": "changed", "reason": "I think it is wrong"}
    response = send_json(
        client, "post", f"{entry_url(world.plan)}/corrections", body, bearer(volunteer)
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the organisation that owns an entry may correct it"


def test_correcting_an_old_version_is_a_409(client, clinician, world):
    correct(clinician, world.clinical)
    body = {"title": "Review", "text": "again", "reason": "typo"}
    response = send_json(
        client, "post", f"{entry_url(world.clinical)}/corrections", body, bearer(clinician)
    )
    assert response.status_code == 409
    assert "newest version" in response.json()["detail"]


def test_correcting_an_entry_one_may_not_see_is_the_same_404(client, volunteer, world):
    body = {"title": "Review", "text": "x", "reason": "typo"}
    response = send_json(
        client, "post", f"{entry_url(world.clinical)}/corrections", body, bearer(volunteer)
    )
    assert response.status_code == 404
    assert response.json() == ENTRY_NOT_FOUND


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Review", "text": "x"}, "reason"),
        ({"title": "Review", "text": "x", "reason": ""}, "reason"),
        ({"title": "Review", "text": "x", "reason": "   "}, "reason"),
        ({"title": "Review", "text": "x" * 20_001, "reason": "typo"}, "text"),
        ({"title": "Review", "text": "x", "reason": "typo", "category": "risk"}, "category"),
    ],
)
def test_a_bad_correction_is_a_422_naming_the_field_and_nothing_is_written(
    client, clinician, world, body, field
):
    before = RecordEntry.objects.count()
    response = send_json(
        client, "post", f"{entry_url(world.clinical)}/corrections", body, bearer(clinician)
    )
    assert response.status_code == 422
    assert problem_fields(response) == [field]
    assert RecordEntry.objects.count() == before


def test_a_partner_organisations_entry_is_theirs_to_correct(
    client, clinician, day_centre_worker, world
):
    # The day centre's own note, on a person both teams see: the trust may not correct it,
    # and cannot even see it (no agreement shares risk with clinicians), so it is a 404.
    theirs = ps.entry(
        world.person,
        day_centre_worker.acting_membership.organisation,
        day_centre_worker,
        Category.RISK,
        "Day centre risk",
    )
    body = {"title": "Risk", "text": "x", "reason": "typo"}
    response = send_json(
        client, "post", f"{entry_url(theirs)}/corrections", body, bearer(clinician)
    )
    assert response.status_code == 404
    assert response.json() == ENTRY_NOT_FOUND
