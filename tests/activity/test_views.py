"""Activity's staff pages: a person's contacts, recording one, a group session and its
register, and the organisation's activity page; each a bounded number of queries."""

import pytest
from django.urls import reverse

from joinedup.activity.models import Contact, GroupSession
from tests import factories as f
from tests.access import record_support as rs
from tests.activity import activity_support as support
from tests.people import people_support as ps

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(trust, day_centre, day_centre_worker, volunteer, clinician):
    return support.world(trust, day_centre, day_centre_worker, volunteer, clinician, people=3)


def contacts_url(person) -> str:
    return reverse("activity:person_contacts", args=[person.public_id])


def create_url(person) -> str:
    return reverse("activity:contact_create", args=[person.public_id])


def register_url(session) -> str:
    return reverse("activity:register", args=[session.public_id])


def activity_url(organisation, **query) -> str:
    url = reverse("activity:organisation", args=[organisation.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def contact_form(w, **extra) -> dict:
    today = support.days_ago(1)
    return {
        "kind": "befriending",
        "service": str(w.day_centre_service.public_id),
        "date_day": str(today.day),
        "date_month": str(today.month),
        "date_year": str(today.year),
        "time": "14:30",
        "duration_minutes": "90",
        "attendance": "attended",
        "note": "",
        **extra,
    }


# --- The record page links here ------------------------------------------------------------


def test_the_record_page_links_to_the_persons_contacts(client, w):
    ps.login(client, w.worker)
    page = client.get(reverse("people:detail", args=[w.people[0].public_id]))
    assert contacts_url(w.people[0]) in page.text
    assert create_url(w.people[0]) in page.text


# --- Recording a contact -------------------------------------------------------------------


def test_recording_a_contact_from_the_form(client, w):
    ps.login(client, w.worker)
    response = client.post(create_url(w.people[0]), contact_form(w))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.kind, contact.duration_minutes) == ("befriending", 90)
    page = client.get(response.url)
    assert "The contact is recorded" in page.text
    assert "Befriending visit" in page.text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"duration_minutes": "-5"}, "Enter the duration in whole minutes"),
        ({"duration_minutes": "99999"}, "Enter the duration in whole minutes"),
        ({"time": "25:61"}, "Enter a real time"),
        ({"attendance": ""}, "Choose whether they attended"),
        ({"date_day": "31", "date_month": "2"}, "Date must be a real date"),
    ],
    ids=["negative-duration", "huge-duration", "bad-time", "no-attendance", "bad-date"],
)
def test_bad_input_redisplays_the_form_naming_the_field(client, w, extra, message):
    ps.login(client, w.worker)
    response = client.post(create_url(w.people[0]), contact_form(w, **extra))
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [{"kind": "seance"}, {"attendance": "came_late"}, {"service": "not-offered"}],
    ids=["unknown-kind", "attendance-out-of-choices", "service-not-offered"],
)
def test_a_value_no_page_offered_is_a_400_and_writes_nothing(client, w, extra):
    ps.login(client, w.worker)
    response = client.post(create_url(w.people[0]), contact_form(w, **extra))
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_another_organisations_service_is_not_offered(client, w):
    ps.login(client, w.worker)
    response = client.post(
        create_url(w.people[0]), contact_form(w, service=str(w.clinic.public_id))
    )
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_recording_for_a_person_the_team_cannot_see_is_a_404(client, w, trust):
    stranger = rs.person(trust)
    ps.login(client, w.worker)
    assert client.get(create_url(stranger)).status_code == 404
    assert client.post(create_url(stranger), contact_form(w)).status_code == 404
    assert not Contact.objects.exists()


def test_a_role_that_does_not_record_activity_is_told_why(client, w, day_centre):
    coordinator = f.member(day_centre, "referral_coordinator")
    ps.login(client, coordinator)
    response = client.get(create_url(w.people[0]))
    assert response.status_code == 403
    assert "does not record activity" in response.text


# --- A person's contacts -------------------------------------------------------------------


def test_the_contacts_list_shows_the_partners_contacts_the_viewer_may_see(client, w, trust):
    support.contacts(w.people[0], w.day_centre, w.worker, kind="befriending")
    support.contacts(w.people[0], trust, w.clinician, kind="inpatient_day", duration_minutes=1440)
    ps.login(client, w.volunteer)
    page = client.get(contacts_url(w.people[0]))
    assert "Befriending visit" in page.text
    assert "In-patient day" in page.text  # shared with volunteers under the agreement


def test_a_contact_the_viewer_may_not_see_is_a_404(client, w, outsider):
    [contact] = support.contacts(w.people[0], w.day_centre, w.worker)
    ps.login(client, outsider)
    url = reverse("activity:contact_detail", args=[contact.public_id])
    assert client.get(url).status_code == 404
    ps.login(client, w.volunteer)
    assert client.get(url).status_code == 200


# The person, the relationship behind it, the page's count and rows, the basis for the
# audit, and the permission to record.
CONTACTS_QUERIES = 5


@pytest.mark.parametrize("size", [1, 30])
def test_the_contacts_list_takes_the_same_number_of_queries_however_many(
    client, w, django_assert_num_queries, size
):
    support.contacts(w.people[0], w.day_centre, w.worker, n=size)
    ps.login(client, w.worker)
    client.get(contacts_url(w.people[0]))
    audit = ps.audit_append_queries(w.worker)
    with django_assert_num_queries(ps.REQUEST_QUERIES + CONTACTS_QUERIES - 1 + audit):
        response = client.get(contacts_url(w.people[0]))
    assert len(response.context["page"].object_list) == min(size, 25)


# --- Group sessions and the register -------------------------------------------------------


def session_form(w, **extra) -> dict:
    day = support.days_ago(1)
    return {
        "title": "Wednesday wellbeing group",
        "service": str(w.day_centre_service.public_id),
        "kind": "day_centre",
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "time": "10:00",
        "duration_minutes": "180",
        **extra,
    }


def test_creating_a_session_leads_to_its_register(client, w):
    ps.login(client, w.worker)
    response = client.post(reverse("activity:session_create"), session_form(w))
    session = GroupSession.objects.get()
    assert response.status_code == 302
    assert response.url == register_url(session)
    page = client.get(response.url)
    assert "Wednesday wellbeing group" in page.text
    for person in w.people:  # the caseload, offered to add
        assert person.family_name.upper() in page.text


def test_a_session_for_another_organisations_service_is_a_400(client, w):
    ps.login(client, w.worker)
    response = client.post(
        reverse("activity:session_create"), session_form(w, service=str(w.clinic.public_id))
    )
    assert response.status_code == 400
    assert not GroupSession.objects.exists()


def register_post(rows: dict, find: str = "") -> dict:
    return {"find": find, **{f"p_{p.public_id}": status for p, status in rows.items()}}


def test_taking_the_register_in_the_browser_writes_a_contact_each(client, w):
    session = support.session(w)
    ps.login(client, w.worker)
    rows = {w.people[0]: "attended", w.people[1]: "did_not_attend", w.people[2]: ""}
    response = client.post(register_url(session), register_post(rows))
    assert response.status_code == 302
    assert Contact.objects.filter(group_session=session).count() == 2
    page = client.get(response.url)
    assert "1 attended, 1 did not attend" in page.text


def test_the_register_saved_twice_holds_one_line_per_person(client, w):
    session = support.session(w)
    ps.login(client, w.worker)
    client.post(register_url(session), register_post({w.people[0]: "attended"}))
    client.post(register_url(session), register_post({w.people[0]: "did_not_attend"}))
    assert Contact.objects.get(group_session=session).attendance == "did_not_attend"


def test_someone_on_the_register_must_keep_an_answer(client, w):
    session = support.session(w)
    ps.login(client, w.worker)
    client.post(register_url(session), register_post({w.people[0]: "attended"}))
    response = client.post(register_url(session), register_post({w.people[0]: ""}))
    assert response.status_code == 200
    assert "they are on the register" in response.text


def test_a_register_for_another_organisations_session_is_a_404_and_writes_nothing(client, w, trust):
    session = support.session(w)
    trust_worker = f.member(trust, "practitioner")
    ps.login(client, trust_worker)
    assert client.get(register_url(session)).status_code == 404
    response = client.post(register_url(session), register_post({w.people[0]: "attended"}))
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_a_person_not_on_the_caseload_is_refused_and_nothing_is_written(client, w, trust):
    stranger = rs.person(trust)
    rs.relationship(stranger, trust, since=ps.an_hour_ago())
    session = support.session(w)
    ps.login(client, w.worker)
    response = client.post(
        register_url(session), register_post({w.people[0]: "attended", stranger: "attended"})
    )
    assert response.status_code == 400
    assert "not on your team" in response.text
    assert not Contact.objects.exists()


def test_an_attendance_out_of_its_choices_is_a_400(client, w):
    session = support.session(w)
    ps.login(client, w.worker)
    response = client.post(register_url(session), register_post({w.people[0]: "came_late"}))
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_the_register_can_find_someone_on_the_caseload(client, w):
    session = support.session(w)
    ps.login(client, w.worker)
    page = client.get(register_url(session) + f"?find={w.people[1].family_name}")
    rows = page.context["sheet"].candidates
    assert [r.person for r in rows] == [w.people[1]]


# The session, the group's last meeting, the register's lines, the caseload to add from,
# the facilitators.
REGISTER_QUERIES = 5


@pytest.mark.parametrize("size", [2, 12])
def test_the_register_page_takes_the_same_number_of_queries_however_big(
    client, w, django_assert_num_queries, size
):
    people = [*w.people, *ps.people_on_caseload(w.day_centre, size)]
    last = support.session(w, when=support.days_ago(9))
    session = support.session(w)
    for person in people:
        for meeting in (last, session):
            support.contacts(
                person,
                w.day_centre,
                w.worker,
                kind="day_centre",
                group_session=meeting,
                starts_at=meeting.starts_at,
            )
    ps.login(client, w.worker)
    client.get(register_url(session))
    audit = ps.audit_append_queries(w.worker)
    with django_assert_num_queries(ps.REQUEST_QUERIES + REGISTER_QUERIES + audit):
        response = client.get(register_url(session))
    assert len(response.context["sheet"].rows) == len(people)


# --- The organisation's activity page ------------------------------------------------------


def test_the_activity_page_shows_the_units_by_kind(client, w):
    session = support.session(w)
    for i, person in enumerate(w.people):
        support.contacts(
            person,
            w.day_centre,
            w.worker,
            kind="day_centre",
            duration_minutes=180,
            group_session=session,
            starts_at=session.starts_at,
            attendance="attended" if i < 2 else "did_not_attend",
        )
    ps.login(client, w.worker)
    page = client.get(activity_url(w.day_centre))
    assert page.status_code == 200
    report = page.context["report"]
    assert report.value("person_contacts") == 2
    assert report.value("support_hours") == 6
    assert "Day-centre visit" in page.text


def test_someone_elsewhere_may_not_see_an_organisations_activity(client, w, outsider):
    ps.login(client, outsider)
    assert client.get(activity_url(w.day_centre)).status_code == 403


def test_a_partnership_lead_sees_a_members_aggregates_with_small_numbers_withheld(client, w, trust):
    lead = f.member(trust, "partnership_lead")
    big = ps.people_on_caseload(w.day_centre, 5)
    for person in big:
        support.contacts(person, w.day_centre, w.worker, kind="day_centre")
    support.contacts(w.people[0], w.day_centre, w.worker, kind="befriending")
    ps.login(client, lead)
    page = client.get(activity_url(w.day_centre))
    assert page.status_code == 200
    report = page.context["report"]
    kinds = {r.kind: r for r in report.rows}
    assert kinds["day_centre"].values["person_contacts"] == 5
    assert "befriending" not in kinds
    assert kinds["other"].withheld
    assert report.total.withheld
    assert "Withheld: fewer than 5 people" in page.text
    assert w.people[0].family_name not in page.text


def test_staff_of_the_organisation_see_their_own_small_numbers(client, w):
    support.contacts(w.people[0], w.day_centre, w.worker, kind="befriending")
    ps.login(client, w.worker)
    report = client.get(activity_url(w.day_centre)).context["report"]
    assert report.value("person_contacts", "befriending") == 1
    assert not report.total.withheld


def test_a_bad_period_is_named_and_the_default_is_shown(client, w):
    ps.login(client, w.worker)
    page = client.get(activity_url(w.day_centre, start="2025-03-10", end="2025-03-01"))
    assert page.status_code == 200
    assert "The last day must be on or after the first day" in page.text


def test_activity_goes_to_the_workers_own_organisation(client, w):
    ps.login(client, w.worker)
    response = client.get(reverse("activity:index"))
    assert response.url == activity_url(w.day_centre)


def test_a_commissioner_is_offered_the_partnerships_members(client, w, trust):
    commissioner = f.member(trust, "commissioner")
    ps.login(client, commissioner)
    page = client.get(reverse("activity:index"))
    assert w.day_centre.name in page.text


# The organisation, its services, the frameworks (the partnerships it is in, theirs, the
# built-in one), the framework's units and their weights, the figures by kind and in total.
ACTIVITY_QUERIES = 9


@pytest.mark.parametrize("size", [2, 40])
def test_the_activity_page_takes_the_same_number_of_queries_however_many_contacts(
    client, w, django_assert_num_queries, size
):
    for person in w.people:
        support.contacts(person, w.day_centre, w.worker, n=size, kind="day_centre")
        support.contacts(person, w.day_centre, w.volunteer, n=size, kind="befriending")
    ps.login(client, w.worker)
    client.get(activity_url(w.day_centre))
    with django_assert_num_queries(ps.REQUEST_QUERIES + ACTIVITY_QUERIES):
        response = client.get(activity_url(w.day_centre))
    assert response.context["report"].value("person_contacts") == 2 * size * len(w.people)
