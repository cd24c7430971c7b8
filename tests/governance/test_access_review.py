"""The IG lead's access review of the audit log, and its CSV export."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.audit.models import AuditEvent
from joinedup.audit.services import audit_record
from tests import factories as f
from tests.governance import governance_support as gs
from tests.people import people_support as ps

URL = reverse("governance:access_review")


def viewed(user, person, basis="own_organisation"):
    return audit_record(
        actor=user, action="view", obj=person, person_public_id=person.public_id, basis=basis
    )


def test_shows_events_of_the_ig_leads_organisation(client, ig_lead, clinician, trust):
    someone = gs.person(trust)
    viewed(clinician, someone)
    ps.login(client, ig_lead)
    response = client.get(URL)
    assert response.status_code == 200
    assert clinician.username in response.text
    assert str(someone.public_id) in response.text


def test_leaves_out_other_organisations_events(client, ig_lead, outsider, trust):
    viewed(outsider, gs.person(trust))
    ps.login(client, ig_lead)
    assert outsider.username not in client.get(URL).text


def test_filters_by_username(client, ig_lead, clinician, partnership_lead, trust):
    someone = gs.person(trust)
    viewed(clinician, someone)
    viewed(partnership_lead, someone)
    ps.login(client, ig_lead)
    response = client.get(URL, {"username": partnership_lead.username})
    assert partnership_lead.username in response.text
    assert clinician.username not in response.text


def test_filters_by_person(client, ig_lead, clinician, trust):
    kit, sam = gs.person(trust), gs.person(trust, given_name="Sam")
    viewed(clinician, kit)
    viewed(clinician, sam)
    ps.login(client, ig_lead)
    response = client.get(URL, {"person": str(sam.public_id)})
    assert str(sam.public_id) in response.text
    assert str(kit.public_id) not in response.text


def test_filters_by_basis_and_action(client, ig_lead, clinician, trust):
    someone = gs.person(trust)
    viewed(clinician, someone, basis="break_glass")
    audit_record(actor=clinician, action="update", obj=someone, basis="own_organisation")
    ps.login(client, ig_lead)
    page = client.get(URL, {"basis": "break_glass"})
    assert page.context["page"].paginator.count == 1
    page = client.get(URL, {"action": "update"})
    assert [e.action for e in page.context["page"].object_list] == ["update"]


def test_filters_by_date_range(client, ig_lead, clinician, trust):
    viewed(clinician, gs.person(trust))
    ps.login(client, ig_lead)
    assert client.get(URL, {"date_to": "2000-01-01"}).context["page"].paginator.count == 0
    assert client.get(URL, {"date_from": "2000-01-01"}).context["page"].paginator.count == 1


def test_a_bad_date_is_a_form_error_not_a_500(client, ig_lead):
    ps.login(client, ig_lead)
    response = client.get(URL, {"date_from": "31/02/2026"})
    assert response.status_code == 200
    assert "Enter the from date as year-month-day" in response.text


def test_a_bad_person_id_is_a_form_error(client, ig_lead):
    ps.login(client, ig_lead)
    response = client.get(URL, {"person": "not-a-uuid"})
    assert response.status_code == 200
    assert "Enter a person id" in response.text


def test_a_to_date_before_the_from_date_is_a_form_error(client, ig_lead):
    ps.login(client, ig_lead)
    response = client.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert "The to date must be the same as or after the from date" in response.text


def test_a_clinician_is_refused_with_a_reason(client, clinician):
    ps.login(client, clinician)
    response = client.get(URL)
    assert response.status_code == 403
    assert "information governance lead" in response.text


def test_a_clinician_is_refused_the_csv(client, clinician):
    ps.login(client, clinician)
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_csv_export_is_an_attachment_of_the_filtered_events(client, ig_lead, clinician, trust):
    kit, sam = gs.person(trust), gs.person(trust, given_name="Sam")
    viewed(clinician, kit)
    viewed(clinician, sam)
    ps.login(client, ig_lead)
    response = client.get(URL, {"person": str(kit.public_id), "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["person_public_id"] for row in rows] == [str(kit.public_id)]
    assert rows[0]["actor_username"] == clinician.username


def test_csv_export_is_itself_audited(client, ig_lead, clinician, trust):
    viewed(clinician, gs.person(trust))
    ps.login(client, ig_lead)
    b"".join(client.get(URL, {"format": "csv", "basis": "own_organisation"}).streaming_content)
    export = AuditEvent.objects.get(action="export", actor=ig_lead)
    assert export.detail["filters"] == {"basis": "own_organisation"}
    assert export.detail["count"] == 1


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, ig_lead, trust):
    sneaky = f.member(trust, "clinician", username="=HYPERLINK(1)")
    viewed(sneaky, gs.person(trust))
    ps.login(client, ig_lead)
    body = b"".join(client.get(URL, {"format": "csv"}).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_the_page_costs_the_same_queries_at_two_sizes(client, ig_lead, clinician, trust):
    someone = gs.person(trust)
    ps.login(client, ig_lead)
    viewed(clinician, someone)
    client.get(URL)  # the first request of a session does its one-off work
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for _ in range(30):
        viewed(clinician, someone)
    with CaptureQueriesContext(connection) as large:
        client.get(URL, {"page": "2"})
    assert len(small) == len(large)
