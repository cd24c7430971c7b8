"""What changed between versions, section by section (pure: no database)."""

from joinedup.careplans.diffs import (
    DELETE,
    EQUAL,
    INSERT,
    changed_sections,
    diff,
    diff_lines,
    diff_text,
    member_line,
    offer_line,
)

BEFORE = {
    "what_matters": "Getting back to the allotment",
    "goals": "Go twice a week",
    "strengths": "",
    "crisis_plan": "Call the crisis line",
    "review_date": "2027-01-31",
    "locality": "North",
    "offers": [
        {"service": "Day centre", "organisation": "Riverside Mind", "worker": "", "frequency": ""}
    ],
    "care_team": [],
}


def test_a_word_changed_is_one_deletion_and_one_insertion_in_place():
    segments = diff_text("Go twice a week", "Go three times a week")
    assert [(s.kind, s.text) for s in segments] == [
        (EQUAL, "Go "),
        (DELETE, "twice"),
        (INSERT, "three times"),
        (EQUAL, " a week"),
    ]


def test_the_spaces_between_changes_are_taken_into_one_replacement():
    segments = diff_text("Go twice a week by the spring", "Go every day")
    assert [(s.kind, s.text) for s in segments] == [
        (EQUAL, "Go "),
        (DELETE, "twice a week by the spring"),
        (INSERT, "every day"),
    ]


def test_text_added_at_the_end_is_one_insertion():
    segments = diff_text("Allotment", "Allotment and my sister")
    assert [s.kind for s in segments] == [EQUAL, INSERT]
    assert segments[1].text == " and my sister"


def test_lines_are_compared_whole():
    segments = diff_lines(["a", "b"], ["a", "c", "d"])
    assert [(s.kind, s.text) for s in segments] == [
        (EQUAL, "a"),
        (DELETE, "b"),
        (INSERT, "c"),
        (INSERT, "d"),
    ]


def test_an_offer_and_a_member_read_as_lines():
    offer = {
        "service": "Day centre",
        "organisation": "Riverside Mind",
        "worker": "Jo",
        "frequency": "Tuesdays",
    }
    assert offer_line(offer) == "Day centre, Riverside Mind – with Jo – Tuesdays"
    member = {
        "organisation": "Riverside Mind",
        "worker": "Jo Bloggs",
        "role": "Support worker",
        "single_point_of_contact": True,
        "care_coordinator": False,
    }
    assert (
        member_line(member) == "Jo Bloggs, Riverside Mind: Support worker (single point of contact)"
    )


def test_the_diff_names_only_the_sections_that_changed():
    after = {**BEFORE, "goals": "Go three times a week", "review_date": "2027-03-01"}
    assert changed_sections(BEFORE, after) == ["goals", "review_date"]
    changed = [s for s in diff(BEFORE, after) if s.changed]
    assert [s.heading for s in changed] == ["My goals", "Review date"]
    review = changed[1]
    assert [(s.kind, s.text) for s in review.segments] == [
        (DELETE, "31 January 2027"),
        (INSERT, "1 March 2027"),
    ]


def test_a_first_version_is_shown_whole_with_nothing_marked():
    sections = diff(None, BEFORE)
    assert not any(s.changed for s in sections)
    assert changed_sections(None, BEFORE)[0] == "what_matters"
