"""A measure is data: one defined in a test — reverse-scored items, two subscales, bands —
is recorded and scored with no code written for it; the shipped ones are installed by
migration with the same ids everywhere."""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from joinedup.outcomes import measures_data, selectors, services
from joinedup.outcomes.models import Measure, MeasureItem
from tests.outcomes import outcome_support as os_

AGREE = [
    {"value": 1, "label": "Strongly disagree"},
    {"value": 2, "label": "Disagree"},
    {"value": 3, "label": "Agree"},
    {"value": 4, "label": "Strongly agree"},
]
# A made-up six-item measure: two subscales of three items, one item of each reversed.
CONNECTED = {
    "code": "connected6",
    "name": "Feeling connected (test measure)",
    "short_name": "CONNECT-6",
    "version": "test",
    "instructions": "How much do you agree?",
    "licence": "Written for this test",
    "items": [
        {"key": "friends", "text": "I have friends", "min": 1, "max": 4, "options": AGREE},
        {"key": "family", "text": "My family helps", "min": 1, "max": 4, "options": AGREE},
        {"key": "alone", "text": "I often feel alone", "min": 1, "max": 4, "options": AGREE},
        {"key": "groups", "text": "I go to a group", "min": 1, "max": 4, "options": AGREE},
        {"key": "neighbours", "text": "I know my neighbours", "min": 1, "max": 4, "options": AGREE},
        {"key": "stuck_in", "text": "I stay in most days", "min": 1, "max": 4, "options": AGREE},
    ],
    "scoring": {
        "scores": [
            {"key": "close", "label": "Close ties", "method": "sum",
             "items": ["friends", "family", "alone"], "reverse": ["alone"], "better": "higher",
             "bands": [{"from": 3, "label": "Few"}, {"from": 7, "label": "Some"},
                       {"from": 10, "label": "Many"}]},
            {"key": "community", "label": "Community", "method": "mean",
             "items": ["groups", "neighbours", "stuck_in"], "reverse": ["stuck_in"],
             "better": "higher", "reliable_change": 1},
        ],
        "flags": [{"key": "isolated", "item": "alone", "above": 3,
                   "message": "Strongly agrees they often feel alone"}],
    },
}  # fmt: skip


@pytest.fixture
def connected(db):
    return services.measure_define(definition=CONNECTED)


def test_a_measure_defined_as_data_scores_with_its_own_rules(
    connected, trust, day_centre, clinician
):
    w = os_.world(trust, day_centre, clinician)
    measure = selectors.measure_get(code="connected6")
    record = services.outcome_record_create(
        actor=clinician,
        person=w.person,
        measure=measure,
        occasion="baseline",
        # friends 4, family 3, alone 4 → reversed 1: close = 8 (Some);
        # groups 2, neighbours 3, stuck_in 4 → reversed 1: community = 6 / 3 = 2.0
        answers={
            "friends": 4,
            "family": 3,
            "alone": 4,
            "groups": 2,
            "neighbours": 3,
            "stuck_in": 4,
        },
    )
    record.refresh_from_db()
    assert record.scores == {"close": 8, "community": 2.0}
    assert record.bands == {"close": "Some"}
    assert [flag["key"] for flag in record.flags] == ["isolated"]


def test_a_measure_defined_as_data_gets_its_own_form_and_api_definition(
    connected, client, clinician
):
    from tests.api_support import bearer

    body = client.get("/api/v1/outcome-measures/connected6", headers=bearer(clinician)).json()
    assert [i["key"] for i in body["items"]] == [i["key"] for i in CONNECTED["items"]]
    assert body["scores"][0]["reverse"] == ["alone"]
    assert body["scores"][0]["bands"][1] == {"start": 7.0, "label": "Some", "range": "7–9"}


def test_a_bad_definition_is_refused_and_nothing_is_written(db):
    broken = {**CONNECTED, "scoring": {"scores": [{"key": "x", "label": "X", "method": "sum",
                                                   "items": ["nope"]}]}}  # fmt: skip
    before = Measure.objects.count()
    with pytest.raises(ValidationError):
        services.measure_define(definition=broken)
    assert Measure.objects.count() == before


def test_defining_a_measure_again_replaces_its_items(connected):
    shorter = {**CONNECTED, "version": "2", "items": CONNECTED["items"][:3],
               "scoring": {"scores": [CONNECTED["scoring"]["scores"][0]], "flags": []}}  # fmt: skip
    services.measure_define(definition=shorter)
    measure = Measure.objects.get(code="connected6")
    assert measure.version == "2"
    assert MeasureItem.objects.filter(measure=measure).count() == 3


def test_the_command_defines_measures_from_a_file(db, tmp_path):
    path = tmp_path / "measures.json"
    path.write_text(json.dumps({"measures": [CONNECTED]}))
    call_command("outcome_measure_define", str(path))
    assert Measure.objects.filter(code="connected6").exists()


def test_the_command_writes_nothing_when_one_definition_is_bad(db, tmp_path):
    path = tmp_path / "measures.json"
    path.write_text(json.dumps({"measures": [CONNECTED, {**CONNECTED, "code": "x", "items": []}]}))
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("outcome_measure_define", str(path))
    assert not Measure.objects.filter(code="connected6").exists()


def test_the_shipped_measures_are_installed_with_the_same_ids_everywhere(db):
    os_.measure("phq9")  # loaded again if an earlier test emptied the table
    shipped = {
        m.code: m.public_id
        for m in Measure.objects.filter(code__in=["ons4", "phq9", "gad7", "dialog"])
    }
    assert shipped == {
        code: uuid.uuid5(measures_data.NAMESPACE, code)
        for code in ["ons4", "phq9", "gad7", "dialog"]
    }
    assert [m.code for m in selectors.measure_list()][:4] == ["ons4", "phq9", "gad7", "dialog"]
