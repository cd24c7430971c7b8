"""The service page: everything a referrer needs, the edit link for those who may edit,
the change history for partner staff, and a fixed query count."""

import datetime
import uuid

import pytest
from django.urls import reverse

from joinedup.access.roles import Role
from joinedup.directory import services
from joinedup.directory.models import CapacityStatus, Contact, Schedule, ServiceAtLocation
from tests import factories as f
from tests.directory.views_data import five_ways_tag, full_service, populate, shipped_term


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # force_login proves no second factor, and the roles that edit may need one; the
    # second factor has its own tests in tests/accounts.
    settings.JOINEDUP_2FA_REQUIRED = False


def page_of(service) -> str:
    return reverse("directory:service_detail", args=[service.public_id])


@pytest.fixture
def detailed(befriending, trust):
    """Befriending with every detail a referrer looks for filled in."""
    befriending.minimum_age = 18
    befriending.eligibility_criteria = "Adults who feel isolated."
    befriending.referral_instructions = "Phone the coordinator, or fill in our form."
    befriending.capacity_status = CapacityStatus.WAITLIST
    befriending.waiting_time_days = 21
    befriending.is_joint_offer = True
    befriending.url = "https://riverside.example.org/befriending"
    befriending.email = "befriending@riverside.example.org"
    befriending.phone = "0113 496 0000"
    befriending.fees = "A donation of £2 if you can."
    befriending.save()
    befriending.joint_partners.add(trust)
    befriending.taxonomy_terms.add(five_ways_tag())
    Contact.objects.create(
        service=befriending, name="Pat Jones", title="Coordinator", phone="0113 496 0001"
    )
    for weekday, opens in (("SU", 10), ("MO", 9), ("FR", 9)):
        Schedule.objects.create(
            service=befriending,
            weekday=weekday,
            opens_at=datetime.time(opens),
            closes_at=datetime.time(16),
        )
    centre = f.LocationFactory(
        organisation=befriending.organisation,
        name="Riverside Centre",
        accessibility="Step-free entrance and a hearing loop.",
    )
    ServiceAtLocation.objects.create(service=befriending, location=centre)
    return befriending


def test_service_page_is_public(client, befriending):
    assert client.get(page_of(befriending)).status_code == 200


@pytest.mark.parametrize(
    "expected",
    [
        "Riverside Mind",
        "A volunteer befriender visits weekly",
        "18 years and over",
        "Adults who feel isolated.",
        "North",
        "Yes – people can refer themselves",
        "Phone the coordinator, or fill in our form.",
        '<strong class="nhsuk-tag nhsuk-tag--yellow">Waiting list</strong>',
        "21 days (about 3 weeks)",
        "City NHS Trust",
        "Loneliness and isolation",
        "Pat Jones",
        "Coordinator",
        "0113 496 0001",
        "Riverside Centre",
        "Step-free entrance and a hearing loop.",
        "https://riverside.example.org/befriending",
        "befriending@riverside.example.org",
        "0113 496 0000",
        "A donation of £2 if you can.",
        "Last updated:",
    ],
)
def test_service_page_shows_what_a_referrer_needs(client, detailed, expected):
    assert expected in client.get(page_of(detailed)).content.decode()


def test_service_page_shows_five_ways_to_wellbeing_tags(client, detailed):
    tag = five_ways_tag()
    assert f'nhsuk-tag--aqua-green">{tag.name}<' in client.get(page_of(detailed)).content.decode()


def test_service_page_links_to_its_organisation(client, befriending):
    content = client.get(page_of(befriending)).content.decode()
    assert reverse("directory:organisation_detail", args=["riverside-mind"]) in content


def test_opening_times_run_monday_to_sunday(client, detailed):
    content = client.get(page_of(detailed)).content.decode()
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    positions = [content.index(f'scope="row">{day}<') for day in days]
    assert positions == sorted(positions)


def test_days_without_opening_times_are_shown_closed(client, detailed):
    content = client.get(page_of(detailed)).content.decode()
    assert 'scope="row">Tuesday</th>\n        <td class="nhsuk-table__cell">Closed' in content


def test_service_not_accepting_referrals_says_so_prominently(client, befriending):
    befriending.accepting_referrals = False
    befriending.save()
    content = client.get(page_of(befriending)).content.decode()
    assert "Not accepting referrals at the moment" in content


def test_unknown_service_is_not_found(client, db):
    assert client.get(reverse("directory:service_detail", args=[uuid.uuid4()])).status_code == 404


def test_malformed_service_id_is_not_found(client, db):
    assert client.get("/directory/services/not-a-uuid/").status_code == 404


def test_own_staff_see_the_edit_link(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    content = client.get(page_of(befriending)).content.decode()
    assert reverse("directory:service_edit", args=[befriending.public_id]) in content


@pytest.mark.parametrize("persona", ["volunteer", "outsider", "commissioner"])
def test_staff_who_may_not_edit_see_no_edit_link(client, befriending, persona, request):
    client.force_login(request.getfixturevalue(persona))
    content = client.get(page_of(befriending)).content.decode()
    assert "Edit this service" not in content


def test_visitors_see_no_edit_link(client, befriending):
    assert "Edit this service" not in client.get(page_of(befriending)).content.decode()


def test_partnership_lead_sees_the_edit_link_on_any_service(client, befriending, partnership_lead):
    client.force_login(partnership_lead)
    assert "Edit this service" in client.get(page_of(befriending)).content.decode()


def test_partner_staff_see_the_change_history(client, befriending, day_centre_worker, volunteer):
    services.service_update(
        actor=day_centre_worker, service=befriending, data={"waiting_time_days": 14}
    )
    client.force_login(volunteer)
    content = client.get(page_of(befriending)).content.decode()
    assert "Change history" in content
    assert "Current waiting time in days" in content
    assert day_centre_worker.get_full_name() in content


def test_visitors_do_not_see_the_change_history(client, befriending):
    assert "Change history" not in client.get(page_of(befriending)).content.decode()


def _service_in_a_directory_of(size: int):
    north = f.LocalityFactory(name="North", slug="north")
    populate(size - 1, localities=[north], terms=[shipped_term("befriending")])
    return full_service(localities=[north], terms=[shipped_term("befriending"), five_ways_tag()])


@pytest.mark.parametrize("size", [3, 30])
def test_service_page_query_count_does_not_grow_for_visitors(
    db, client, django_assert_num_queries, size
):
    service = _service_in_a_directory_of(size)
    # the service, then its localities, partners, contacts, terms, schedules, locations
    with django_assert_num_queries(7):
        assert client.get(page_of(service)).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_service_page_query_count_does_not_grow_for_staff(
    db, client, django_assert_num_queries, size
):
    service = _service_in_a_directory_of(size)
    editor = f.member(service.organisation, Role.PRACTITIONER)
    services.service_update(actor=editor, service=service, data={"waiting_time_days": 3})
    client.force_login(editor)
    # session, user, memberships; the 7 above; the history (1); then simple_history
    # reads both many-to-many fields of both records for each consecutive pair: the
    # service has 4 records (created, terms set, localities set, updated), so 3 x 4.
    # That grows with the service's own history (up to service_history's limit), not
    # with the size of the directory. Last, the session saves the acting membership
    # (savepoint, update, release). And the header's count of unread notifications (1).
    with django_assert_num_queries(27):
        assert client.get(page_of(service)).status_code == 200
