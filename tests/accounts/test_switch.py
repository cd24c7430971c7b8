from django.urls import reverse

from joinedup.access.roles import Role
from tests import factories as f


def _two_hats(day_centre, trust):
    user = f.member(day_centre, Role.VOLUNTEER, username="sam.two-hats")
    f.MembershipFactory(user=user, organisation=trust, role=Role.PEER_WORKER)
    return user


def test_a_user_with_several_memberships_is_offered_the_switch(client, day_centre, trust):
    client.force_login(_two_hats(day_centre, trust))
    response = client.get(reverse("core:home"))
    assert b"Switch organisation or role" in response.content


def test_switching_changes_the_organisation_and_role_acted_as(client, day_centre, trust):
    user = _two_hats(day_centre, trust)
    client.force_login(user)
    peer = user.memberships.get(organisation=trust)
    response = client.post(reverse("accounts:switch"), {"membership": str(peer.pk)})
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.wsgi_request.user.acting_membership == peer


def test_switching_to_someone_elses_membership_is_refused(client, day_centre, trust, clinician):
    client.force_login(_two_hats(day_centre, trust))
    theirs = clinician.memberships.get()
    response = client.post(reverse("accounts:switch"), {"membership": str(theirs.pk)})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert client.get(reverse("core:home")).wsgi_request.user.acting_membership != theirs


def test_switching_does_not_follow_a_redirect_to_another_site(client, day_centre, trust):
    user = _two_hats(day_centre, trust)
    client.force_login(user)
    peer = user.memberships.get(organisation=trust)
    response = client.post(
        reverse("accounts:switch"), {"membership": str(peer.pk), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:home")


def test_the_switch_page_needs_a_login(client, db):
    response = client.get(reverse("accounts:switch"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
