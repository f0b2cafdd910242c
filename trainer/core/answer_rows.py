"""An answer checked part by part, in the order the learner saw the parts, for feedback.

Two run-on lists (your answer; the right one) leave the learner to compare them. These rows
do it for them: each option of a multiple select as shown, selected or not beside whether it
should be; each matching item with its match beside the right one; each place of an ordering
with the item put there beside the one that belongs. A question answered in one piece (single
choice, true/false, short answer, numeric) has no rows: its two lines say it all.

The rows come from `grade`, so what feedback marks right is exactly what was scored right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trainer.core.questions import LETTERS, MultipleSelect, PartResult, Presented, grade


@dataclass(frozen=True)
class Tick:
    """A multiple-select option as shown: whether the learner selected it, whether they should."""

    label: str  # the letter on screen
    text: str
    selected: bool
    should_be: bool  # it is one of the right choices

    @property
    def correct(self) -> bool:
        return self.selected == self.should_be

    @property
    def verdict(self) -> str:
        """In words, so it reads aloud: "selected, right", "missed, should be selected"..."""
        if self.selected:
            return "selected, right" if self.should_be else "selected, but should not be"
        return "missed, should be selected" if self.should_be else "not selected, right"


@dataclass(frozen=True)
class Breakdown:
    """The rows of one answer, under a heading that says what they go by."""

    heading: str  # "Your answer, option by option"
    rows: tuple[Tick, ...] | tuple[PartResult, ...]  # PartResult: label, given, expected


def answer_rows(presented: Presented, response: object) -> Breakdown | None:
    """The learner's response (None when unanswered) part by part; None for a question
    answered in one piece."""
    return ROWS[presented.question.type](presented, response)


def _ticks(presented: Presented, response: object) -> Breakdown:
    question = presented.question
    assert isinstance(question, MultipleSelect)
    parts = grade(question, response).parts  # one per choice, in the bank's order (A, B...)
    rows = []
    for option in presented.options:
        should_be = option.key in question.answer
        right = parts[LETTERS.index(option.key)].correct
        rows.append(Tick(option.label, option.text, should_be == right, should_be))
    return Breakdown("Your answer, option by option", tuple(rows))


def _matches(presented: Presented, response: object) -> Breakdown:
    # One part per left item, in the order shown (the bank's); only the rights are shuffled.
    return Breakdown("Your matches, item by item", grade(presented.question, response).parts)


def _places(presented: Presented, response: object) -> Breakdown:
    parts = grade(presented.question, response).parts  # labelled "1", "2"...
    rows = tuple(
        PartResult(f"Place {part.label}", part.given, part.expected, part.correct)
        for part in parts
    )
    return Breakdown("Your order, place by place", rows)


def _in_one_piece(presented: Presented, response: object) -> None:
    return None


# Every question type (trainer.core.questions.KINDS has the same keys; a test checks).
ROWS: dict[str, Callable[[Presented, object], Breakdown | None]] = {
    "single_choice": _in_one_piece,
    "multiple_select": _ticks,
    "true_false": _in_one_piece,
    "matching": _matches,
    "ordering": _places,
    "short_answer": _in_one_piece,
    "numeric": _in_one_piece,
}
