"""Question models, presentation order and grading: what a learner and an instructor rely on."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from trainer.core.answer_rows import Tick, answer_rows
from trainer.core.questions import (
    Option,
    Question,
    correct_response,
    format_answer,
    grade,
    in_bank,
    present,
)

QUESTION = TypeAdapter(Question)
COMMON = {
    "prompt": "A prompt",
    "topics": ["uids"],
    "difficulty": 2,
    "explanation": "Because.",
    "references": ["PS3.4 Annex B"],
}
SAMPLES = {
    "single_choice": {
        "choices": ["PR", "GSPS", "SR", {"text": "None of the above", "pinned": True}],
        "answer": "A",
    },
    "multiple_select": {"choices": ["PR", "SR", "CT", "KO", "MR"], "answer": ["A", "B", "D"]},
    "true_false": {"answer": False},
    "matching": {
        "pairs": [
            {"left": "CT Image Storage", "right": "1.2.840.10008.5.1.4.1.1.2"},
            {"left": "MR Image Storage", "right": "1.2.840.10008.5.1.4.1.1.4"},
            {"left": "Verification SOP Class", "right": "1.2.840.10008.1.1"},
        ]
    },
    "ordering": {"items": ["Patient", "Study", "Series", "Instance"]},
    "short_answer": {"answers": ["C-ECHO", "1.2.840.10008.1.1"]},
    "numeric": {"answer": 3, "tolerance": 0, "unit": "images"},
}


def make(kind: str, **fields: object):
    return QUESTION.validate_python(
        {"id": "q1", "type": kind, **COMMON, **SAMPLES[kind], **fields}
    )


def errors_of(kind: str, **fields: object) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as caught:
        make(kind, **fields)
    return [(e["loc"], e["msg"]) for e in caught.value.errors()]


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_sample_type_validates_and_grades_its_correct_response_full_marks(kind):
    question = make(kind)
    result = grade(question, correct_response(question))
    assert (result.score, result.correct) == (1.0, True)
    assert json.loads(json.dumps(correct_response(question))) == correct_response(question)


def test_answer_letter_must_be_one_of_the_choices():
    [(loc, msg)] = errors_of("single_choice", answer="E")
    assert loc[-1] == "answer"
    assert msg.endswith('"E" is not one of the choices (A-D)')


def test_multiple_select_letters_are_checked_and_distinct():
    [(_, unknown)] = errors_of("multiple_select", answer=["A", "F"])
    assert unknown.endswith('"F" is not one of the choices (A-E)')
    [(_, twice)] = errors_of("multiple_select", answer=["A", "A"])
    assert twice.endswith('letter "A" appears twice')


def test_matching_sides_must_be_distinct():
    pairs = [{"left": "CT", "right": "x"}, {"left": "CT", "right": "y"}]
    assert 'left "CT" appears twice' in errors_of("matching", pairs=pairs)[0][1]


def test_unknown_topic_suggests_the_near_one():
    loc, msg = errors_of("true_false", topics=["uid"])[0]
    assert loc[-2:] == ("topics", 0)
    assert 'unknown topic "uid"; did you mean "uids"?' in msg


@pytest.mark.parametrize(
    "text",
    [
        "CT Image Storage is 1.2.840.10008.5.1.4.1.1.2.9.",
        "Its UID is 1.2.840.10008.5.1.4.1.1.",  # a root is not a UID
    ],
)
def test_dicom_uids_in_text_must_exist_in_the_registry(text):
    [(loc, msg)] = errors_of("true_false", prompt=text)
    assert loc[-1] == "prompt" and "not a UID in the DICOM registry" in msg


@pytest.mark.parametrize(
    "text",
    [
        "CT Image Storage is 1.2.840.10008.5.1.4.1.1.2.",
        "Image classes sit under 1.2.840.10008.5.1.4.1.1.x, SR under 1.2.840.10008.5.1.4.1.1.88.*",
        "DICOM's own UIDs start 1.2.840.10008, yours do not.",
        "A private root such as 1.2.826.0.1.3680043.8.498.1 is not checked.",
    ],
)
def test_real_uids_roots_and_other_orgs_uids_are_accepted(text):
    assert make("true_false", prompt=text).prompt == text


def test_uids_are_checked_in_choices_and_answers_too():
    loc, _ = errors_of("short_answer", answers=["1.2.840.10008.1.99"])[0]
    assert loc[-2:] == ("answers", 0)


def test_terminal_escapes_in_text_are_rejected():
    [(_, msg)] = errors_of("true_false", explanation="red \x1b[31m alert")
    assert "control character" in msg


def test_table_rows_must_fit_the_columns_and_numbers_become_text():
    table = {"kind": "table", "columns": ["Name", "Images"], "rows": [["DOE^JANE", 3]]}
    assert make("true_false", exhibit=table).exhibit.rows == (("DOE^JANE", "3"),)
    table["rows"] = [["DOE^JANE", 3, "extra"]]
    [(_, msg)] = errors_of("true_false", exhibit=table)
    assert msg.endswith("row 1 has 3 cells; the table has 2 columns")


def test_numeric_answer_must_be_a_number_not_text():
    assert "must be a number" in errors_of("numeric", answer="3")[0][1]


def test_full_id_is_namespaced_by_the_bank():
    question = make("true_false")
    assert question.full_id == "q1"
    assert in_bank(question, "my-bank").full_id == "my-bank/q1"


# --- presentation ------------------------------------------------------------------------


@given(st.integers())
def test_same_seed_same_order_and_pinned_choices_stay_put(seed):
    question = make("single_choice")
    first = present(question, random.Random(seed))
    assert first == present(question, random.Random(seed))
    assert [o.label for o in first.options] == ["A", "B", "C", "D"]
    assert sorted(o.key for o in first.options) == ["A", "B", "C", "D"]
    assert first.options[3] == Option("D", "D", "None of the above")


def test_shuffle_false_keeps_the_written_order():
    question = make("single_choice", shuffle=False)
    shown = present(question, random.Random(1))
    assert [o.key for o in shown.options] == ["A", "B", "C", "D"]


def test_shuffle_really_changes_the_order_for_some_seed():
    question = make("multiple_select")
    orders = {tuple(o.key for o in present(question, random.Random(s)).options) for s in range(20)}
    assert len(orders) > 1


@given(st.integers())
def test_ordering_is_never_shown_already_in_order(seed):
    question = make("ordering")
    shown = present(question, random.Random(seed))
    assert sorted(shown.items) == sorted(question.items)
    assert shown.items != question.items


@given(st.integers())
def test_matching_keeps_lefts_and_shuffles_rights(seed):
    question = make("matching")
    shown = present(question, random.Random(seed))
    assert shown.lefts == ("CT Image Storage", "MR Image Storage", "Verification SOP Class")
    assert sorted(shown.rights) == sorted(pair.right for pair in question.pairs)


# --- grading -----------------------------------------------------------------------------


def test_single_choice_feedback_names_the_choices_not_letters():
    result = grade(make("single_choice"), "B")
    assert (result.score, result.correct) == (0.0, False)
    [part] = result.parts
    assert (part.given, part.expected) == ("GSPS", "PR")


def test_multiple_select_is_all_or_nothing_by_default():
    question = make("multiple_select")
    result = grade(question, ["A", "B"])
    assert result.score == 0.0
    assert [p.correct for p in result.parts] == [True, True, True, False, True]
    assert result.parts[3].label == "KO" and result.parts[3].given == "not selected"


@pytest.mark.parametrize(
    ("picked", "score"),
    [
        (["A", "B", "D"], 1.0),
        (["A", "B"], 2 / 3),
        (["A", "B", "C"], 1 / 3),
        (["A", "B", "C", "D", "E"], 1 / 3),
        (["C", "E"], 0.0),
    ],
)
def test_multiple_select_partial_credit_is_right_minus_wrong_picks(picked, score):
    assert grade(make("multiple_select"), picked, partial_credit=True).score == pytest.approx(score)


def test_matching_grades_each_pair_and_gives_partial_credit_when_asked():
    question = make("matching")
    response = {
        "CT Image Storage": "1.2.840.10008.5.1.4.1.1.2",
        "MR Image Storage": "1.2.840.10008.1.1",
    }
    result = grade(question, response)
    assert result.score == 0.0
    assert [(p.label, p.correct) for p in result.parts] == [
        ("CT Image Storage", True),
        ("MR Image Storage", False),
        ("Verification SOP Class", False),
    ]
    assert result.parts[2].given == "(no answer)"
    assert grade(question, response, partial_credit=True).score == pytest.approx(1 / 3)


def test_ordering_grades_each_position():
    question = make("ordering")
    result = grade(question, ["Patient", "Series", "Study", "Instance"], partial_credit=True)
    assert [p.correct for p in result.parts] == [True, False, False, True]
    assert result.score == 0.5 and not result.correct


@pytest.mark.parametrize(
    ("response", "right"),
    [
        ("c-echo", True),
        ("  C ECHO ", True),
        ("cecho", True),
        ("C-STORE", False),
        (" 1.2.840.10008.1.1 ", True),  # a UID compares exactly after trimming
        ("1.2.840.10008.1.1.", False),
        ("1.2.840.10008.11", False),
        ("", False),
    ],
)
def test_short_answer_ignores_case_spaces_punctuation_but_not_uid_digits(response, right):
    assert grade(make("short_answer"), response).correct is right


@pytest.mark.parametrize(
    ("response", "tolerance", "right"),
    [
        (3, 0, True),
        (3.0, 0, True),
        ("3", 0, True),
        (4, 0, False),
        (4, 1, True),
        (True, 0, False),
        ("three", 0, False),
    ],
)
def test_numeric_compares_within_the_tolerance(response, tolerance, right):
    assert grade(make("numeric", tolerance=tolerance), response).correct is right


def test_numeric_feedback_shows_the_unit_and_tolerance():
    result = grade(make("numeric", tolerance=1), 5)
    assert (result.parts[0].given, result.parts[0].expected) == ("5 images", "3 images (± 1)")


JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@pytest.mark.parametrize("kind", SAMPLES)
@given(response=JSON_LIKE)
def test_grading_never_raises_and_scores_between_0_and_1(kind, response):
    question = make(kind)
    for partial in (False, True):
        result = grade(question, response, partial_credit=partial)
        assert 0.0 <= result.score <= 1.0
        assert result.correct == all(part.correct for part in result.parts)
    assert isinstance(format_answer(question, response), str)


def test_format_answer_reads_as_feedback():
    assert format_answer(make("multiple_select"), ["D", "A"]) == "PR; KO"
    assert format_answer(make("ordering"), ["Patient", "Study"]) == "Patient → Study"
    assert format_answer(make("true_false"), None) == "(no answer)"
    assert format_answer(make("numeric"), 3) == "3 images"


# --- feedback part by part ---------------------------------------------------------------


def test_multiple_select_rows_follow_the_options_as_shown_with_all_four_outcomes():
    question = make("multiple_select")  # PR SR CT KO MR; right: PR, SR, KO
    presented = present(question, random.Random(4))
    breakdown = answer_rows(presented, ["A", "C"])  # PR right, CT wrong, SR and KO missed
    assert breakdown is not None
    assert [(t.label, t.text) for t in breakdown.rows] == [
        (o.label, o.text) for o in presented.options
    ]
    assert [o.key for o in presented.options] != sorted(o.key for o in presented.options)
    by_text = {tick.text: tick for tick in breakdown.rows}
    assert {text: (t.selected, t.should_be, t.correct) for text, t in by_text.items()} == {
        "PR": (True, True, True),
        "CT": (True, False, False),
        "SR": (False, True, False),
        "KO": (False, True, False),
        "MR": (False, False, True),
    }
    assert [by_text[text].verdict for text in ("PR", "CT", "SR", "MR")] == [
        "selected, right",
        "selected, but should not be",
        "missed, should be selected",
        "not selected, right",
    ]


def test_matching_rows_pair_each_item_with_its_match_and_the_right_one():
    question = make("matching")
    presented = present(question, random.Random(0))
    response = {
        "CT Image Storage": "1.2.840.10008.5.1.4.1.1.2",
        "MR Image Storage": "1.2.840.10008.1.1",  # the one wrong pair
    }  # Verification left unmatched
    breakdown = answer_rows(presented, response)
    assert breakdown is not None
    assert [(r.label, r.given, r.expected, r.correct) for r in breakdown.rows] == [
        ("CT Image Storage", "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2", True),
        ("MR Image Storage", "1.2.840.10008.1.1", "1.2.840.10008.5.1.4.1.1.4", False),
        ("Verification SOP Class", "(no answer)", "1.2.840.10008.1.1", False),
    ]


def test_ordering_rows_put_each_place_beside_the_item_that_belongs_there():
    question = make("ordering")
    presented = present(question, random.Random(0))
    breakdown = answer_rows(presented, ["Patient", "Series", "Study", "Instance"])
    assert breakdown is not None
    assert [(r.label, r.given, r.expected, r.correct) for r in breakdown.rows] == [
        ("Place 1", "Patient", "Patient", True),
        ("Place 2", "Series", "Study", False),
        ("Place 3", "Study", "Series", False),
        ("Place 4", "Instance", "Instance", True),
    ]


@pytest.mark.parametrize("kind", ["multiple_select", "matching", "ordering"])
@pytest.mark.parametrize("response", [None, "", [], {}])
def test_an_unanswered_question_of_parts_shows_every_part_wrong_or_left_clear(kind, response):
    question = make(kind)
    breakdown = answer_rows(present(question, random.Random(1)), response)
    assert breakdown is not None and breakdown.heading
    for row in breakdown.rows:
        if isinstance(row, Tick):
            assert not row.selected and row.correct == (not row.should_be)
        else:
            assert (row.given, row.correct) == ("(no answer)", False)


@pytest.mark.parametrize("kind", ["single_choice", "true_false", "short_answer", "numeric"])
def test_a_question_answered_in_one_piece_has_no_rows(kind):
    question = make(kind)
    assert answer_rows(present(question, random.Random(1)), None) is None


@pytest.mark.parametrize("kind", SAMPLES)
@given(response=JSON_LIKE)
def test_feedback_rows_agree_with_the_grade(kind, response):
    question = make(kind)
    breakdown = answer_rows(present(question, random.Random(2)), response)
    if breakdown is not None:
        result = grade(question, response)
        assert len(breakdown.rows) == len(result.parts)
        assert all(row.correct for row in breakdown.rows) == result.correct
