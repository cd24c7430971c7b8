"""The built-in measures score as their publishers say (docs/outcomes.md names the
sources), worked example by worked example, boundary by boundary. Pure: the definitions
are read from data/measures.json, the file the migration loads, with no database."""

from functools import cache

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.outcomes import measures_data, scoring


@cache
def definition(code: str) -> scoring.Definition:
    spec = next(s for s in measures_data.definitions() if s["code"] == code)
    return scoring.parse(spec["items"], spec["scoring"])


def keyed(code: str, values: list) -> dict:
    return dict(zip((i.key for i in definition(code).items), values, strict=True))


def scored(code: str, values: list) -> scoring.Scored:
    return scoring.score(definition(code), keyed(code, values))


def summing_to(total: int, items: int, top: int) -> list[int]:
    """Answers of `items` questions (0 to `top`) that add up to `total`."""
    values = []
    for _ in range(items):
        values.append(min(top, total))
        total -= values[-1]
    assert total == 0
    return values


# --- PHQ-9 (Kroenke, Spitzer & Williams 2001) -------------------------------------------


def test_phq9_worked_example_scores_10_moderate():
    result = scored("phq9", [1, 2, 1, 0, 3, 2, 1, 0, 0])
    assert result.scores == {"total": 10}
    assert result.bands == {"total": "Moderate"}
    assert result.flags == []


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
    ids=lambda v: str(v),
)
def test_phq9_bands_change_at_5_10_15_and_20(total, band):
    result = scored("phq9", summing_to(total, 9, 3))
    assert result.scores["total"] == total
    assert result.bands["total"] == band


@pytest.mark.parametrize("answer", [1, 2, 3], ids=lambda v: f"q9-{v}")
def test_phq9_any_answer_above_0_to_question_9_is_flagged_for_the_clinician(answer):
    result = scored("phq9", [0, 0, 0, 0, 0, 0, 0, 0, answer])
    assert [f["key"] for f in result.flags] == ["self_harm_thoughts"]
    assert result.flags[0]["item"] == "self_harm"
    assert "not a diagnosis" in result.flags[0]["message"]


def test_phq9_question_9_answered_0_raises_no_flag_however_high_the_total():
    result = scored("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert result.scores["total"] == 24
    assert result.flags == []


# --- GAD-7 (Spitzer, Kroenke, Williams & Löwe 2006) -----------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Severe"),
        (21, "Severe"),
    ],
    ids=lambda v: str(v),
)
def test_gad7_bands_change_at_5_10_and_15(total, band):
    result = scored("gad7", summing_to(total, 7, 3))
    assert result.scores == {"total": total}
    assert result.bands == {"total": band}


def test_gad7_worked_example():
    assert scored("gad7", [2, 2, 2, 2, 1, 1, 2]).scores == {"total": 12}


# --- ONS4 personal wellbeing (ONS thresholds) ------------------------------------------


@pytest.mark.parametrize(
    ("rating", "band"),
    [(0, "Low"), (4, "Low"), (5, "Medium"), (6, "Medium"), (7, "High"), (8, "High"),
     (9, "Very high"), (10, "Very high")],
    ids=lambda v: str(v),
)  # fmt: skip
def test_ons4_life_satisfaction_worthwhile_and_happiness_bands(rating, band):
    result = scored("ons4", [rating, rating, rating, 0])
    assert result.bands["life_satisfaction"] == band
    assert result.bands["worthwhile"] == band
    assert result.bands["happiness"] == band


@pytest.mark.parametrize(
    ("rating", "band"),
    [(0, "Very low"), (1, "Very low"), (2, "Low"), (3, "Low"), (4, "Medium"), (5, "Medium"),
     (6, "High"), (10, "High")],
    ids=lambda v: str(v),
)  # fmt: skip
def test_ons4_anxiety_is_banded_the_other_way(rating, band):
    assert scored("ons4", [5, 5, 5, rating]).bands["anxiety"] == band


def test_ons4_reports_each_question_separately_and_no_total():
    result = scored("ons4", [7, 8, 6, 3])
    assert result.scores == {"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3}
    assert result.bands == {
        "life_satisfaction": "High",
        "worthwhile": "High",
        "happiness": "Medium",
        "anxiety": "Low",
    }


# --- DIALOG (Priebe et al. 2007) ---------------------------------------------------------


def test_dialog_quality_of_life_is_the_mean_of_the_eight_domains():
    result = scored("dialog", [4, 5, 3, 6, 2, 5, 4, 7, 5, 6, 7])
    assert result.scores["quality_of_life"] == 4.5  # 36 / 8
    assert result.scores["treatment_satisfaction"] == 6.0  # 18 / 3


def test_dialog_treatment_satisfaction_leaves_out_not_applicable_items():
    result = scored("dialog", [4, 4, 4, 4, 4, 4, 4, 4, 5, None, 6])
    assert result.scores["treatment_satisfaction"] == 5.5  # (5 + 6) / 2


def test_dialog_with_no_treatment_item_applicable_has_no_treatment_score():
    result = scored("dialog", [4, 4, 4, 4, 4, 4, 4, 4, None, None, None])
    assert result.scores == {"quality_of_life": 4.0, "treatment_satisfaction": None}


def test_dialog_means_are_rounded_to_two_places_half_up():
    result = scored("dialog", [5, 6, 6, 5, 6, 6, 6, 5, 5, 6, 6])
    assert result.scores["quality_of_life"] == 5.63  # 45 / 8 = 5.625
    assert result.scores["treatment_satisfaction"] == 5.67  # 17 / 3


def test_dialog_life_domains_cannot_be_not_applicable():
    problems = scoring.check_answers(
        definition("dialog"), keyed("dialog", [4, 4, None, 4, 4, 4, 4, 4, 4, 4, 4])
    )
    assert problems == {"answers.job": "Question 3 must be answered: it cannot be 'not applicable'"}


# --- Bad answers, named item by item ------------------------------------------------------

RANGE = "the answer must be a whole number from 0 to 3"
NOT_NA = "must be answered: it cannot be 'not applicable'"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"self_harm": 4}, "answers.self_harm", f"Question 9: {RANGE}"),
        ({"mood": -1}, "answers.mood", f"Question 2: {RANGE}"),
        ({"mood": 2.5}, "answers.mood", f"Question 2: {RANGE}"),
        ({"mood": "2"}, "answers.mood", f"Question 2: {RANGE}"),
        ({"mood": True}, "answers.mood", f"Question 2: {RANGE}"),
        ({"mood": None}, "answers.mood", f"Question 2 {NOT_NA}"),
        ({"bogus": 1}, "answers.bogus", "'bogus' is not a question of this measure"),
    ],
    ids=["above-max", "below-min", "fraction", "text", "boolean", "not-applicable", "unknown"],
)  # fmt: skip
def test_a_bad_answer_is_named_by_its_item(change, field, message):
    answers = {**keyed("phq9", [0] * 9), **change}
    assert scoring.check_answers(definition("phq9"), answers) == {field: message}
    with pytest.raises(ValidationError):
        scoring.score(definition("phq9"), answers)


def test_a_missing_answer_is_named_by_its_item():
    answers = keyed("phq9", [0] * 9)
    del answers["self_harm"]
    assert scoring.check_answers(definition("phq9"), answers) == {
        "answers.self_harm": "Question 9: choose an answer"
    }


def test_answers_that_are_not_an_object_are_refused():
    assert scoring.check_answers(definition("phq9"), [1, 2, 3]) == {
        "answers": "Give the answers as an object of item keys to numbers"
    }


# --- Change from baseline ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "baseline", "now", "delta", "direction"),
    [
        ("phq9", 14, 8, -6, "improvement"),
        ("phq9", 14, 9, -5, "no_reliable_change"),
        ("phq9", 8, 14, 6, "deterioration"),
        ("gad7", 12, 8, -4, "improvement"),
        ("gad7", 12, 9, -3, "no_reliable_change"),
        ("gad7", 5, 9, 4, "deterioration"),
    ],
    ids=lambda v: str(v),
)
def test_reliable_change_uses_the_talking_therapies_thresholds(
    code, baseline, now, delta, direction
):
    rule = definition(code).score("total")
    change = scoring.change(rule, baseline, now)
    assert (change.delta, change.direction) == (delta, direction)


def test_a_measure_without_a_threshold_reports_the_change_alone():
    rule = definition("ons4").score("anxiety")
    assert scoring.change(rule, 7, 3) == scoring.Change(-4, "")


def test_no_change_without_a_baseline_or_a_score():
    rule = definition("dialog").score("treatment_satisfaction")
    assert scoring.change(rule, None, 5) is None
    assert scoring.change(rule, 5, None) is None


# --- Definitions are checked whole ---------------------------------------------------------

SCALE = [{"value": v, "label": str(v)} for v in range(4)]


def item(key: str, **extra) -> dict:
    return {"key": key, "text": f"Question {key}", "min": 0, "max": 3, "options": SCALE, **extra}


def total(items: list[str], **extra) -> dict:
    return {"key": "t", "label": "T", "method": "sum", "items": items, **extra}


@pytest.mark.parametrize(
    ("items", "scores", "message"),
    [
        ([item("a")], [{"key": "t", "label": "T", "method": "sum", "items": ["a"],
                        "bands": [{"from": 1, "label": "x"}]}],
         "the first band must start at the lowest score, 0"),
        ([item("a")], [{"key": "t", "label": "T", "method": "sum", "items": ["a"],
                        "bands": [{"from": 0, "label": "x"}, {"from": 0, "label": "y"}]}],
         "bands must start at increasing scores"),
        ([item("a")], [{"key": "t", "label": "T", "method": "sum", "items": ["a"],
                        "bands": [{"from": 0, "label": "x"}, {"from": 4, "label": "y"}]}],
         "a band starts above the highest score, 3"),
        ([item("a", not_applicable=True)], [total(["a"])], "a sum needs every item answered"),
        ([item("a")], [{"key": "t", "label": "T", "method": "sum", "items": ["b"]}],
         "unknown or repeated items: b"),
        ([item("a")], [{"key": "t", "label": "T", "method": "median", "items": ["a"]}],
         "the method must be one of sum, mean"),
        ([item("a"), {**item("b"), "max": 4, "options": [*SCALE, {"value": 4, "label": "4"}]}],
         [{"key": "t", "label": "T", "method": "mean", "items": ["a", "b"]}],
         "the items of a mean must share one range"),
        ([item("a")], [total(["a"], reverse=["z"])],
         "reverse-scored items must be among its items"),
    ],
    ids=["first-band", "band-order", "band-above", "sum-na", "unknown-item", "method", "mean-range",
         "reverse"],
)  # fmt: skip
def test_a_bad_scoring_definition_is_refused_with_the_reason(items, scores, message):
    with pytest.raises(ValidationError) as refused:
        scoring.parse(items, {"scores": scores})
    assert any(message in m for m in refused.value.message_dict["scoring"])


def test_an_item_whose_options_do_not_cover_its_range_is_refused():
    with pytest.raises(ValidationError) as refused:
        scoring.parse([item("a", options=SCALE[:3])], {"scores": []})
    assert "give one option for each answer from 0 to 3" in refused.value.message_dict["items"][0]


def test_repeated_item_keys_are_refused():
    with pytest.raises(ValidationError) as refused:
        scoring.parse(
            [item("a"), item("a")],
            {"scores": [{"key": "t", "label": "T", "method": "sum", "items": ["a"]}]},
        )
    assert refused.value.message_dict["items"] == ["Item keys must be unique"]


# --- Properties: every score in range, every band covering its score ----------------------

CODES = ["ons4", "phq9", "gad7", "dialog"]


@st.composite
def valid_answers(draw, code: str):
    answers = {}
    for i in definition(code).items:
        choices = st.integers(i.minimum, i.maximum)
        if i.not_applicable:
            choices = st.none() | choices
        answers[i.key] = draw(choices)
    return answers


@pytest.mark.parametrize("code", CODES)
def test_every_score_stays_in_range_and_its_band_covers_it(code):
    defn = definition(code)

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(valid_answers(code))
    def check(answers):
        result = scoring.score(defn, answers)
        for rule in defn.scores:
            value = result.scores[rule.key]
            if value is None:
                assert rule.min_answered > sum(answers[k] is not None for k in rule.items)
                continue
            assert rule.minimum <= scoring.Decimal(str(value)) <= rule.maximum
            band = rule.band_for(value)
            if rule.bands:
                assert result.bands[rule.key] == band.label
                assert band.start <= scoring.Decimal(str(value))
                assert band.end is None or scoring.Decimal(str(value)) < band.end
            else:
                assert rule.key not in result.bands

    check()
