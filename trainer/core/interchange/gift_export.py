"""Questions as GIFT, Moodle's plain-text question format.

Each question is one line: a comment with its id and tags ("// [id:...] [tag:...]", which
Moodle reads), then "::name::[html]prompt{answers####[html]general feedback}". The GIFT
specials ~ = # { } : and the backslash are escaped with a backslash everywhere. GIFT has no
ordering type: an ordering question is written as matching "Position 1 -> first item" and
tagged type:ordering, so Moodle shows something a learner can answer and the reader here
rebuilds the ordering question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from trainer.core.interchange.html import feedback_html, prompt_html, text_html
from trainer.core.interchange.moodle_export import category_path, number_text, shortanswer_text
from trainer.core.interchange.tags import NO_SHUFFLE, TYPE, UNIT, question_tags
from trainer.core.questions import (
    LETTERS,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

SPECIALS = "\\~=#{}:"
RIGHT = "Right."
WRONG = "Not right."
POSITION = "Position "


def escape(text: str) -> str:
    """Text with every GIFT special character escaped; a newline becomes \\n."""
    escaped = "".join(f"\\{ch}" if ch in SPECIALS else ch for ch in text)
    return escaped.replace("\n", "\\n")


def _html(html: str) -> str:
    return "[html]" + escape(html)


def _feedback(text: str) -> str:
    return "#" + _html(text_html(text))


def _choices(question: SingleChoice | MultipleSelect) -> str:
    if isinstance(question, SingleChoice):
        return " ".join(
            ("=" if LETTERS[index] == question.answer else "~")
            + _html(text_html(choice.text))
            + _feedback(RIGHT if LETTERS[index] == question.answer else WRONG)
            for index, choice in enumerate(question.choices)
        )
    share = _percent(100 / len(question.answer))
    return " ".join(
        f"~%{share if LETTERS[index] in question.answer else '-' + share}%"
        + _html(text_html(choice.text))
        + _feedback(RIGHT if LETTERS[index] in question.answer else WRONG)
        for index, choice in enumerate(question.choices)
    )


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _true_false(question: TrueFalse) -> str:
    # {TRUE#feedback for a wrong answer#feedback for a right one}
    return f"{'TRUE' if question.answer else 'FALSE'}#{WRONG}#{RIGHT}"


def _matching(question: Matching) -> str:
    return " ".join(
        f"={_html(text_html(pair.left))} -> {escape(pair.right)}" for pair in question.pairs
    )


def _ordering(question: Ordering) -> str:
    return " ".join(
        f"={POSITION}{position} -> {escape(item)}"
        for position, item in enumerate(question.items, 1)
    )


def _short(question: ShortAnswer) -> str:
    return " ".join(f"={escape(shortanswer_text(answer))}" for answer in question.answers)


def _numeric(question: Numeric) -> str:
    return f"#{number_text(question.answer)}:{number_text(question.tolerance)}"


# One entry per question type: its answer part, between the braces.
WRITERS: dict[str, Callable[..., str]] = {
    "single_choice": _choices,
    "multiple_select": _choices,
    "true_false": _true_false,
    "matching": _matching,
    "ordering": _ordering,
    "short_answer": _short,
    "numeric": _numeric,
}


def _tags(question: Question) -> list[str]:
    tags = question_tags(question)
    if isinstance(question, Ordering):
        tags.append(f"{TYPE}ordering")
    if isinstance(question, Numeric) and question.unit:
        tags.append(f"{UNIT}{question.unit}")
    if isinstance(question, (SingleChoice, MultipleSelect)) and not question.shuffle:
        tags.append(NO_SHUFFLE)
    return tags


def question_gift(question: Question) -> str:
    comment = " ".join([f"[id:{question.full_id}]", *(f"[tag:{tag}]" for tag in _tags(question))])
    answers = WRITERS[question.type](question)
    general = "####" + _html(feedback_html(question))
    return (
        f"// {comment}\n::{escape(question.full_id)}::{_html(prompt_html(question))}"
        f"{{{answers}{general}}}"
    )


def gift(questions: Iterable[Question], set_name: str) -> str:
    """A whole GIFT file, a $CATEGORY line before each run of questions of one topic."""
    parts = [f"// pacs-trainer questions: {set_name}"]
    current = None
    for question in questions:
        category = category_path(set_name, question.topics[0])
        if category != current:
            parts.append(f"$CATEGORY: {category}")
            current = category
        parts.append(question_gift(question))
    return "\n\n".join(parts) + "\n"
