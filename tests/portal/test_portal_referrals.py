"""The person sees where their referrals stand, in the portal."""

import pytest
from django.urls import reverse

from tests.portal import portal_support as pp
from tests.referrals import referral_support as rs


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return rs.world(trust, day_centre, clinician, befriending)


def test_the_person_sees_their_referral_its_status_and_next_step(client, w, clinician):
    referral = rs.refer(w, clinician)
    alex = pp.portal_account(w.person)
    pp.portal_login(client, alex)
    response = client.get(reverse("portal:referrals"))
    assert response.status_code == 200
    assert referral.reference in response.text
    assert "Submitted" in response.text
    assert "The service acknowledges it by" in response.text


def test_the_status_follows_the_service_at_once(client, w, clinician):
    referral = rs.refer(w, clinician)
    alex = pp.portal_account(w.person)
    pp.portal_login(client, alex)
    rs.act(w.receiver, referral, "acknowledge")
    rs.act(w.receiver, referral, "accept")
    assert "Accepted" in client.get(reverse("portal:referrals")).text


def test_someone_elses_referrals_never_appear(client, w, clinician, trust):
    from joinedup.people.models import Person

    other = Person.objects.create(
        given_name="Sam", family_name="Other", created_by_organisation=trust
    )
    mine = pp.portal_account(other, email="sam@example.org")
    rs.refer(w, clinician)
    pp.portal_login(client, mine)
    assert "JU-" not in client.get(reverse("portal:referrals")).text
