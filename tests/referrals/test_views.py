"""Referrals in the browser's pages: the common form, a referral's page, worklists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from joinedup.referrals.models import Attachment, Referral, Status
from tests.people import people_support as ps
from tests.referrals import referral_support as rs


@pytest.fixture
def w(trust, day_centre, clinician, befriending, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return rs.world(trust, day_centre, clinician, befriending)


def form_url(service) -> str:
    return f"{reverse('referrals:create')}?service={service.public_id}"


def form_data(w, **extra) -> dict:
    return {
        "service": str(w.befriending.public_id),
        "person": str(w.person.public_id),
        "reason": rs.REASON,
        "what_matters": "Getting out of the flat",
        "urgency": "routine",
        "consent_to_share": "on",
        "idempotency_key": "form-1",
        **extra,
    }


def test_the_form_offers_the_people_on_the_referrers_caseload(client, w, clinician):
    ps.login(client, clinician)
    response = client.get(form_url(w.befriending))
    assert response.status_code == 200
    assert "RIVERS, Alex" in response.text


def test_sending_the_form_makes_a_submitted_referral_and_shows_it(client, w, clinician):
    ps.login(client, clinician)
    response = client.post(form_url(w.befriending), form_data(w))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.public_id])
    page = client.get(response.url)
    assert referral.reference in page.text
    assert "The service acknowledges it by" in page.text


def test_sending_the_same_form_twice_makes_one_referral(client, w, clinician):
    ps.login(client, clinician)
    client.post(form_url(w.befriending), form_data(w))
    client.post(form_url(w.befriending), form_data(w))
    assert Referral.objects.count() == 1


def test_missing_fields_are_named_and_nothing_is_written(client, w, clinician):
    ps.login(client, clinician)
    response = client.post(form_url(w.befriending), form_data(w, reason="", consent_to_share=""))
    assert response.status_code == 200
    assert "Say why you are referring them" in response.text
    assert "Confirm the person agrees to the referral" in response.text
    assert not Referral.objects.exists()


def test_a_person_not_on_the_caseload_is_a_forged_value(client, w, clinician, day_centre):
    [stranger] = ps.people_on_caseload(day_centre, 1)
    ps.login(client, clinician)
    response = client.post(form_url(w.befriending), form_data(w, person=str(stranger.public_id)))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_an_allowed_attachment_is_kept_under_a_random_name(client, w, clinician):
    ps.login(client, clinician)
    upload = SimpleUploadedFile("gp letter.pdf", b"%PDF-1.4 synthetic", "application/pdf")
    client.post(form_url(w.befriending), {**form_data(w), "attachment": upload})
    attachment = Attachment.objects.get()
    assert attachment.original_name == "gp letter.pdf"
    assert "gp letter" not in attachment.file.name
    download = client.get(reverse("referrals:attachment", args=[attachment.public_id]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 synthetic"


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("script.exe", 10, "must be a PDF, Word, OpenDocument, text, PNG or JPEG file"),
        ("huge.pdf", 5 * 1024 * 1024 + 1, "must be 5 MB or smaller"),
    ],
)
def test_a_disallowed_or_oversized_attachment_is_refused(client, w, clinician, name, size, message):
    ps.login(client, clinician)
    upload = SimpleUploadedFile(name, b"x" * size)
    response = client.post(form_url(w.befriending), {**form_data(w), "attachment": upload})
    assert message in response.text
    assert not Referral.objects.exists()
    assert not Attachment.objects.exists()


def test_the_receiving_team_acknowledges_from_the_page(client, w, clinician):
    referral = rs.refer(w, clinician)
    ps.login(client, w.receiver)
    url = reverse("referrals:act", args=[referral.public_id])
    response = client.post(url, {"action": "acknowledge", "version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACKNOWLEDGED


def test_acting_on_a_stale_page_is_refused_with_a_conflict(client, w, clinician):
    referral = rs.refer(w, clinician)
    seen = referral.version
    rs.act(w.receiver, referral, "acknowledge")
    ps.login(client, w.receiver)
    url = reverse("referrals:act", args=[referral.public_id])
    response = client.post(url, {"action": "acknowledge", "version": seen})
    assert response.status_code == 409
    assert "Your action was not applied" in response.text


def test_a_decline_without_a_destination_is_shown_as_an_error(client, w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    referral.refresh_from_db()
    ps.login(client, w.receiver)
    url = reverse("referrals:act", args=[referral.public_id])
    response = client.post(url, {"action": "decline", "version": referral.version, "reason": "No"})
    assert response.status_code == 200
    assert "Nobody leaves without a destination" in response.text
    referral.refresh_from_db()
    assert referral.status == Status.ACKNOWLEDGED


def test_another_organisation_sees_a_404(client, w, clinician, outsider):
    referral = rs.refer(w, clinician)
    ps.login(client, outsider)
    assert client.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 404


def test_the_worklists_show_the_referral_to_both_teams(client, w, clinician):
    referral = rs.refer(w, clinician)
    ps.login(client, w.receiver)
    incoming = client.get(reverse("referrals:incoming"))
    assert referral.reference in incoming.text
    assert incoming.context["page"].counts["new"] == 1
    ps.login(client, clinician)
    assert referral.reference in client.get(reverse("referrals:outgoing")).text


def test_a_volunteer_has_no_worklist(client, w, volunteer):
    ps.login(client, volunteer)
    assert client.get(reverse("referrals:incoming")).status_code == 403


def test_the_referral_page_issues_the_same_number_of_queries_as_its_journey_grows(
    client, w, clinician
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    referral = rs.refer(w, clinician)
    url = reverse("referrals:detail", args=[referral.public_id])
    ps.login(client, clinician)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    rs.act(w.receiver, referral, "acknowledge")
    rs.act(w.receiver, referral, "redirect", reason="Counselling", services=[w.counselling])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["view"].journey) == 2
    assert len(page.context["view"].transitions) == 3
    assert len(many) == len(few)
