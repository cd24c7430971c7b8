"""The shared record's pages cost the same SQL queries however much data there is
(DESIGN.md §9), on the generator's partnership as the demo's personas see it: a trust
clinician (own organisation), Riverside Mind's volunteer and practitioner (through the
information-sharing agreement, with consents and objections in play).

Each test measures a page at the small size, grows the data — more people (the
generator's next ones), and a longer record for the person shown — and measures again.
The policy is compiled to SQL once per role and reused (`access.record._compiled`);
the last tests check it filters exactly as the expressions it is compiled from.
"""

from dataclasses import replace
from datetime import timedelta
from itertools import islice

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarks import people as generated
from benchmarks.generator import Loaded, Partnership, load, size_named
from joinedup.access import record
from joinedup.accounts.models import Membership, User
from joinedup.directory.models import Organisation
from joinedup.partnerships.models import Partnership as PartnershipRow
from joinedup.people.models import CareRelationship, Consent, Person, RecordEntry
from tests.people import people_support as ps

PERSONAS = ("clinician.north-cmht", "volunteer.riverside-mind", "practitioner.riverside-mind")
SMALL = size_named("small")


@pytest.fixture
def small(db):
    return load(Partnership(SMALL, seed=1))


def as_user(username: str) -> User:
    user = User.objects.get(username=username)
    user.acting_membership = Membership.objects.get(user=user)
    return user


def grow(to: int) -> None:
    """The generator's next people after the small size's, up to `to` in all."""
    partnership = Partnership(replace(SMALL, people=to), seed=1)
    _, by_locality = generated.plan_footprints(partnership)
    loaded = Loaded(
        organisations=dict(Organisation.objects.values_list("slug", "id")),
        users=dict(User.objects.values_list("username", "id")),
    )
    partnerships = dict(PartnershipRow.objects.values_list("slug", "id"))
    plans = list(islice(generated.plan_people(partnership, by_locality), SMALL.people, to))
    with generated._keeping_created_at(Person, RecordEntry):
        generated._write_batch(plans, loaded, partnerships)


def lengthen(person: Person, author: User, entries: int = 12) -> None:
    """A longer record for `person`: more entries of every kind, consents, relationships."""
    owner = Organisation.objects.get(slug="city-nhs-trust")
    riverside = Organisation.objects.get(slug="riverside-mind")
    since = timezone.now() - timedelta(days=30)
    for n in range(entries):
        category = ("contact", "care_plan", "activity", "clinical", "risk", "outcomes")[n % 6]
        ps.entry(person, owner, author, category, f"Visit {n}")
    for state in ("explicit", "implied", "objection"):
        Consent.objects.create(
            person=person,
            organisation=riverside if state == "objection" else None,
            partnership=None if state == "objection" else PartnershipRow.objects.first(),
            category="outcomes",
            state=state,
            how_given="in_person",
            recorded_by=author,
            recorded_at=since,
        )
    for organisation in (owner, riverside):
        CareRelationship.objects.create(
            person=person, organisation=organisation, kind="care_team", since=since, reason="x"
        )


def queries(client, path: str, status: int = 200) -> int:
    client.get(path)  # a session's first request does one-off work
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == status
    return len(captured)


def logged_in(client, username: str) -> User:
    user = as_user(username)
    ps.login(client, user)
    return user


def visible(user) -> list[Person]:
    return list(record.person_visibility(user, Person.objects.all()).order_by("pk"))


@pytest.mark.parametrize("username", PERSONAS)
def test_the_people_list_costs_the_same_queries_with_more_people(client, small, username):
    logged_in(client, username)
    before = queries(client, reverse("people:list"))
    shown_before = client.get(reverse("people:list")).context["page"].paginator.count

    grow(60)

    assert queries(client, reverse("people:list")) == before
    assert client.get(reverse("people:list")).context["page"].paginator.count > shown_before


@pytest.mark.parametrize("username", PERSONAS)
def test_a_name_search_costs_the_same_queries_with_more_people(client, small, username):
    user = logged_in(client, username)
    family = visible(user)[0].family_name
    path = client.post(reverse("people:list"), {"q": family})["Location"]
    before = queries(client, path)
    assert family.upper() in client.get(path).text

    grow(60)

    assert queries(client, path) == before


@pytest.mark.parametrize("username", PERSONAS)
def test_the_record_page_costs_the_same_queries_for_a_longer_record(client, small, username):
    user = logged_in(client, username)
    person = visible(user)[0]
    path = reverse("people:detail", args=[person.public_id])
    before = queries(client, path)

    grow(60)
    lengthen(person, as_user("clinician.north-cmht"))

    assert queries(client, path) == before


@pytest.mark.parametrize("username", PERSONAS)
def test_a_refused_record_costs_the_same_queries_with_more_people(client, small, username):
    user = logged_in(client, username)
    seen = {p.pk for p in visible(user)}
    hidden = Person.objects.exclude(pk__in=seen).order_by("pk").first()
    path = reverse("people:detail", args=[hidden.public_id])
    before = queries(client, path, status=404)

    grow(60)

    assert queries(client, path, status=404) == before


# --- the compiled policy is the policy ----------------------------------------------------


def _built(user, model, condition):
    viewer = record.Viewer.of(user)
    return set(model.objects.filter(condition(viewer, timezone.now())).values_list("pk", flat=True))


@pytest.mark.parametrize("username", [*PERSONAS, "peer_worker.riverside-mind"])
def test_the_compiled_entry_filter_shows_what_the_expressions_show(small, username):
    grow(60)
    user = as_user(username)

    compiled = set(
        record.entry_visibility(user, RecordEntry.objects.all()).values_list("pk", flat=True)
    )

    assert compiled == _built(user, RecordEntry, record._entry_condition)
    assert compiled  # every persona sees something of the generated record


@pytest.mark.parametrize("username", PERSONAS)
def test_the_compiled_person_filter_shows_whom_the_expressions_show(small, username):
    grow(60)
    user = as_user(username)

    compiled = set(
        record.person_visibility(user, Person.objects.all()).values_list("pk", flat=True)
    )

    assert compiled == _built(user, Person, record._person_condition)


def test_the_compiled_person_filter_works_inside_another_query(small):
    user = as_user("volunteer.riverside-mind")
    people = record.person_visibility(user, Person.objects.all())

    entries = RecordEntry.objects.filter(person__in=people).values_list("person_id", flat=True)

    assert set(entries) <= set(people.values_list("pk", flat=True))
    assert set(entries)


def test_a_withdrawn_consent_hides_the_entry_at_once_through_the_compiled_filter(small):
    user = as_user("practitioner.riverside-mind")
    risk = record.entry_visibility(user, RecordEntry.objects.filter(category="risk"))
    consented = risk.exclude(owning_organisation__slug="riverside-mind").first()
    assert consented is not None  # shared on the person's explicit consent

    Consent.objects.filter(person_id=consented.person_id, state="explicit").update(
        withdrawn_at=timezone.now() - timedelta(seconds=1)
    )

    assert not record.entry_visibility(user, RecordEntry.objects.filter(pk=consented.pk)).exists()


def _break_glass(user: User, person: Person) -> None:
    from joinedup.access.models import BreakGlass

    BreakGlass.objects.create(
        user=user,
        organisation=user.acting_membership.organisation,
        role=user.acting_membership.role,
        person=person,
        reason="Seen in A&E out of hours",
        started_at=timezone.now() - timedelta(minutes=5),
        expires_at=timezone.now() + timedelta(hours=1),
    )


@pytest.mark.parametrize("username", [*PERSONAS, "clinician.city-nhs-trust"])
def test_the_list_count_is_the_number_of_people_the_policy_shows(small, username):
    grow(60)
    user = as_user(username)
    if username.startswith("clinician"):
        # Someone reached by break-glass alone, and someone by both reasons.
        seen = {p.pk for p in visible(user)}
        _break_glass(user, Person.objects.exclude(pk__in=seen).first())
        _break_glass(user, Person.objects.get(pk=min(seen)))

    assert record.person_visibility_count(user) == len(visible(user))


def test_a_clinician_sees_whom_they_broke_glass_for_through_the_compiled_filter(small):
    user = as_user("clinician.city-nhs-trust")
    stranger = Person.objects.exclude(pk__in=[p.pk for p in visible(user)]).first()

    _break_glass(user, stranger)

    assert stranger in visible(user)
    assert record.person_basis(user, stranger) == "break_glass"
