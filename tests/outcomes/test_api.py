"""Outcome measures in the JSON API: the definitions; a person's records listed, made and
read under the same policy and audit as the pages; bad input a 4xx naming the field,
with nothing written."""

import pytest

from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.outcomes.models import OutcomeRecord
from tests import factories as f
from tests.api_support import bearer, problem_fields, send_json
from tests.outcomes import outcome_support as os_

MEASURES = "/api/v1/outcome-measures"
OUTCOMES = "/api/v1/outcomes"


@pytest.fixture
def w(trust, day_centre, clinician):
    return os_.world(trust, day_centre, clinician)


def without(key: str) -> dict:
    return {k: v for k, v in os_.answers("phq9", os_.PHQ9_MODERATE).items() if k != key}


def body(w, code="phq9", values=os_.PHQ9_MODERATE, **extra) -> dict:
    return {
        "person": str(w.person.public_id),
        "measure": code,
        "occasion": "baseline",
        "answers": os_.answers(code, values),
        **extra,
    }


def test_the_measures_are_listed_with_items_and_scoring_rules(client, w, clinician):
    response = client.get(MEASURES, headers=bearer(clinician))
    assert response.status_code == 200
    measures = {m["code"]: m for m in response.json()}
    assert list(measures)[:4] == ["ons4", "phq9", "gad7", "dialog"]
    phq9 = measures["phq9"]
    assert len(phq9["items"]) == 9
    assert phq9["items"][0]["options"][3] == {"value": 3, "label": "Nearly every day"}
    [total] = phq9["scores"]
    assert [(b["start"], b["label"], b["range"]) for b in total["bands"]] == [
        (0, "Minimal", "0–4"), (5, "Mild", "5–9"), (10, "Moderate", "10–14"),
        (15, "Moderately severe", "15–19"), (20, "Severe", "20–27"),
    ]  # fmt: skip
    assert total["reliable_change"] == 6
    assert phq9["flags"][0]["item"] == "self_harm"
    assert [i["not_applicable"] for i in measures["dialog"]["items"]][-3:] == [True] * 3


def test_the_measures_need_a_token(client, db):
    assert client.get(MEASURES).status_code == 401


def test_recording_a_measure_answers_201_with_its_scores(client, w, clinician):
    response = send_json(client, "post", OUTCOMES, body(w), bearer(clinician))
    assert response.status_code == 201, response.content
    data = response.json()
    record = OutcomeRecord.objects.get()
    assert response["Location"].endswith(f"{OUTCOMES}/{record.public_id}")
    assert data["scores"] == [
        {"key": "total", "label": "Depression severity (total)", "value": 10, "band": "Moderate",
         "change_from_baseline": None, "reliable_change": ""}
    ]  # fmt: skip
    assert data["flags"] == []
    assert data["organisation"]["name"] == "City NHS Trust"


def test_a_review_reports_its_change_from_the_baseline(client, w, clinician):
    os_.record(clinician, w.person, "gad7", [3, 3, 2, 2, 2, 2, 2], days=30)  # 16
    data = send_json(
        client, "post", OUTCOMES,
        body(w, "gad7", os_.GAD7_MODERATE, occasion="review"), bearer(clinician),
    ).json()  # fmt: skip
    [score] = data["scores"]
    assert (score["value"], score["change_from_baseline"], score["reliable_change"]) == (
        12,
        -4,
        "improvement",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answers": os_.answers("phq9", [1, 2, 1, 0, 3, 2, 1, 0, 4])}, "answers.self_harm"),
        ({"answers": {**os_.answers("phq9", os_.PHQ9_MODERATE), "mood": None}}, "answers.mood"),
        ({"answers": without("sleep")}, "answers.sleep"),
        ({"answers": {**os_.answers("phq9", os_.PHQ9_MODERATE), "extra": 1}}, "answers.extra"),
        ({"answers": {**os_.answers("phq9", os_.PHQ9_MODERATE), "mood": "two"}}, "answers.mood"),
        ({"measure": "bdi2"}, "measure"),
        ({"occasion": "halfway"}, "occasion"),
        ({"completed_at": "2999-01-01T00:00:00Z"}, "completed_at"),
    ],
    ids=["out-of-range", "not-applicable", "missing", "unknown-item", "not-a-number",
         "unknown-measure", "occasion", "future"],
)  # fmt: skip
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(
    client, w, clinician, change, field
):
    audited = AuditEvent.objects.count()
    response = send_json(client, "post", OUTCOMES, body(w, **change), bearer(clinician))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in " ".join(problem_fields(response))
    assert not OutcomeRecord.objects.exists()
    assert AuditEvent.objects.count() == audited


def test_another_organisations_person_is_a_404_and_nothing_is_written(client, w, outsider):
    response = send_json(client, "post", OUTCOMES, body(w), bearer(outsider))
    assert response.status_code == 404
    assert not OutcomeRecord.objects.exists()
    assert (
        client.get(
            OUTCOMES, {"person": str(w.person.public_id)}, headers=bearer(outsider)
        ).status_code
        == 404
    )


def test_a_volunteer_is_refused_with_a_403(client, w, volunteer):
    response = send_json(client, "post", OUTCOMES, body(w), bearer(volunteer))
    assert response.status_code == 403
    assert (
        client.get(
            OUTCOMES, {"person": str(w.person.public_id)}, headers=bearer(volunteer)
        ).status_code
        == 403
    )


def test_the_list_shows_what_the_caller_may_see_oldest_first_and_is_audited(
    client, w, clinician, day_centre
):
    os_.record(clinician, w.person, "phq9", [3, 3, 2, 2, 2, 1, 1, 0, 0], days=30)
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, occasion="review", days=10)
    os_.record(
        f.member(day_centre, Role.PRACTITIONER), w.person, "ons4", [5, 5, 5, 5]
    )  # not shared
    response = client.get(OUTCOMES, {"person": str(w.person.public_id)}, headers=bearer(clinician))
    assert response.status_code == 200
    data = response.json()
    assert [(r["measure"], r["occasion"]) for r in data] == [
        ("phq9", "baseline"),
        ("phq9", "review"),
    ]
    assert data[1]["scores"][0]["change_from_baseline"] == -4
    event = AuditEvent.objects.filter(actor_id=clinician.pk, action="view").latest("sequence")
    assert event.detail["outcome_record_count"] == 2


def test_the_list_filters_by_measure_and_refuses_an_unknown_one(client, w, clinician):
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE)
    person = str(w.person.public_id)
    listed = client.get(OUTCOMES, {"person": person, "measure": "gad7"}, headers=bearer(clinician))
    assert [r["measure"] for r in listed.json()] == ["gad7"]
    unknown = client.get(OUTCOMES, {"person": person, "measure": "nope"}, headers=bearer(clinician))
    assert unknown.status_code == 404


def test_one_record_is_read_and_audited(client, w, clinician):
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_SEVERE_FLAGGED)
    response = client.get(f"{OUTCOMES}/{record.public_id}", headers=bearer(clinician))
    assert response.status_code == 200
    assert response.json()["flags"][0]["key"] == "self_harm_thoughts"
    assert AuditEvent.objects.filter(action="view", object_id=str(record.public_id)).exists()


@pytest.mark.parametrize("who", ["outsider", "other_team"])
def test_a_record_the_caller_may_not_see_is_a_404(client, w, clinician, outsider, day_centre, who):
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    caller = outsider if who == "outsider" else f.member(day_centre, Role.PRACTITIONER)
    response = client.get(f"{OUTCOMES}/{record.public_id}", headers=bearer(caller))
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no such outcome record, or you may not see it"


def test_a_malformed_id_is_a_404(client, w, clinician):
    assert client.get(f"{OUTCOMES}/not-a-uuid", headers=bearer(clinician)).status_code == 404


def test_the_list_costs_the_same_queries_for_1_or_10_records(client, w, clinician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = bearer(clinician)
    url = f"{OUTCOMES}?person={w.person.public_id}"
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, days=40)
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as one:
        client.get(url, headers=headers)
    for n in range(9):
        os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, occasion="review", days=30 - n)
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get(url, headers=headers).json()) == 10
    assert len(ten) == len(one)


def test_the_operations_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get"} <= set(paths["/api/v1/outcome-measures"])
    assert {"get", "post"} <= set(paths["/api/v1/outcomes"])
    assert {"get"} <= set(paths["/api/v1/outcomes/{id}"])
