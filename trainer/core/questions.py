"""Question types and their grading: frozen models and pure functions.

One pydantic model per type, joined in the `Question` union on `type`, so a YAML bank and a
generator build the same validated objects and the JSON Schema comes from the same source.
Responses are plain data that store as JSON:

    single_choice    "B"                 the choice's letter as written in the bank
    multiple_select  ["A", "C"]
    true_false       True
    matching         {"CT Image Storage": "1.2.840.10008.5.1.4.1.1.2", ...}   left -> right
    ordering         ["first", "second", "third"]
    short_answer     "C-ECHO"
    numeric          3   (a numeric string such as "3" is read too)

Each type is one `QuestionKind` in `KINDS` (at the end of this module): its model, how it is
presented for a seed, graded part by part, answered in full, written as feedback text, named
for a learner and how quick a right answer is. `present`, `grade`, `correct_response` and
`format_answer` look the kind up, and the screens, plain mode and exporters keep their own
table keyed by the same type (a test checks every layer knows every type).
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Type, Union, get_args  # noqa: UP035

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import WithJsonSchema

from trainer.core.sanitize import has_controls
from trainer.core.topics import TOPICS, known_topic
from trainer.core.yaml_source import did_you_mean, quote

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
LETTERS = "ABCDEFGH"
NO_ANSWER = "(no answer)"

# A DICOM UID (root 1.2.840.10008) in text; a branch written "...1.1.x", ".*" or "..." is not one.
_DICOM_UID = re.compile(r"(?<![\d.])1\.2\.840\.10008(?!\d)(?:\.\d+)*(?!\d)(\.x\b|\.\*|\.\.\.|…)?")
_DICOM_ROOT = "1.2.840.10008"
_UID_SHAPE = re.compile(r"\d+(?:\.\d+)+")


@cache
def _uid_registry() -> frozenset[str]:
    """pydicom's UID dictionary, imported on first need (pydicom is slow to import)."""
    from pydicom._uid_dict import UID_dictionary

    return frozenset(UID_dictionary)


def _plain_text(text: str) -> str:
    """Bank text reaches a terminal: no control characters, and every DICOM UID is real."""
    if has_controls(text):
        raise ValueError(
            "contains a control character, a terminal escape sequence or a character that "
            "reorders or hides text (a bidi override, a zero-width space)"
        )
    if _DICOM_ROOT not in text:  # the common case, and the check below is the costly one
        return text
    registry = _uid_registry()
    unknown = [
        m.group(0)
        for m in _DICOM_UID.finditer(text)
        if not m.group(1) and m.group(0) != _DICOM_ROOT and m.group(0) not in registry
    ]
    if unknown:
        raise ValueError(
            f"{unknown[0]} is not a UID in the DICOM registry (pydicom's UID dictionary); "
            "check the digits, or write a branch as 1.2.840.10008.5.1.4.1.1.x"
        )
    return text


def _known_topic(topic: str) -> str:
    if not known_topic(topic):
        raise ValueError(f"unknown topic {quote(topic)}{did_you_mean(topic, list(TOPICS))}")
    return topic


def _number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be a number, not {quote(value)}")
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _verbatim(text: str) -> str:
    text = text.rstrip()
    if not text:
        raise ValueError("must not be empty")
    return _plain_text(text)


def _cell(value: object) -> object:
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
        raise ValueError(f"a table cell must be text or a number, not {quote(value)}; quote it")
    return value if isinstance(value, str) else str(value)


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
PlainText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_plain_text)
]
Verbatim = Annotated[str, AfterValidator(_verbatim)]
# Checked against lessons/topics.yaml when a bank loads, so a new topic needs no new schema.
Topic = Annotated[
    str,
    AfterValidator(_known_topic),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "description": "lessons/topics.yaml"}),
]
Letter = Annotated[str, WithJsonSchema({"enum": list(LETTERS)})]
Number = Annotated[Union[int, float], BeforeValidator(_number)]
Cell = Annotated[
    str,
    BeforeValidator(_cell),
    AfterValidator(_plain_text),
    WithJsonSchema({"type": ["string", "number"]}),
]


def _distinct(values: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {quote(value)} appears twice")
        seen.add(value)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Model):
    """One option of a choice question; write plain text, or a mapping to pin it in place."""

    text: PlainText
    pinned: bool = Field(False, description="keep this position when the choices shuffle")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            data = str(data)
        return {"text": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"anyOf": [{"type": "string"}, handler(core_schema)]}


class Pair(_Model):
    left: PlainText
    right: PlainText


class LessonAnchor(_Model):
    """Where the "study this" link goes: a lesson id and, optionally, one of its `##` headings."""

    id: Id
    section: PlainText | None = None


class TableExhibit(_Model):
    """A table shown with the prompt, such as a study list."""

    kind: Literal["table"]
    title: PlainText | None = None
    columns: tuple[PlainText, ...] = Field(min_length=1)
    rows: tuple[tuple[Cell, ...], ...] = Field(min_length=1)

    @field_validator("rows")
    @classmethod
    def _rows_fit(cls, rows: tuple[tuple[str, ...], ...], info: ValidationInfo) -> Any:
        width = len(info.data.get("columns", ()))
        for number, row in enumerate(rows, 1):
            if width and len(row) != width:
                message = f"row {number} has {len(row)} cells; the table has {width} columns"
                raise ValueError(message)
        return rows


class TextExhibit(_Model):
    """Text shown verbatim (monospaced, unwrapped), such as a DICOM header excerpt."""

    kind: Literal["text"]
    title: PlainText | None = None
    text: Verbatim


Exhibit = Annotated[Union[TableExhibit, TextExhibit], Field(discriminator="kind")]


class _QuestionBase(_Model):
    id: Id = Field(description="unique within the bank; the full id is '<bank id>/<id>'")
    prompt: PlainText = Field(description="Markdown")
    topics: tuple[Topic, ...] = Field(min_length=1, description="tags from lessons/topics.yaml")
    difficulty: int = Field(ge=1, le=3, strict=True, description="1 (easy) to 3 (hard)")
    explanation: PlainText = Field(description="Markdown, shown after the answer")
    references: tuple[PlainText, ...] = Field(min_length=1, description='e.g. "PS3.4 Annex B"')
    lesson: LessonAnchor | None = None
    exhibit: Exhibit | None = None
    _bank: str = PrivateAttr("")

    @property
    def bank(self) -> str:
        """The id of the bank this question came from ("" for one built in code)."""
        return self._bank

    @property
    def full_id(self) -> str:
        return f"{self._bank}/{self.id}" if self._bank else self.id

    @field_validator("topics")
    @classmethod
    def _distinct_topics(cls, topics: tuple[str, ...]) -> tuple[str, ...]:
        _distinct(topics, "topic")
        return topics


def _letters(count: int) -> str:
    return f"{LETTERS[0]}-{LETTERS[count - 1]}"


def _check_letter(letter: str, info: ValidationInfo) -> None:
    count = len(info.data.get("choices", LETTERS))
    if letter not in LETTERS[:count]:
        raise ValueError(f"{quote(letter)} is not one of the choices ({_letters(count)})")


class _ChoiceQuestion(_QuestionBase):
    choices: tuple[Choice, ...] = Field(
        min_length=2, max_length=8, description="lettered A, B, C... in the order written"
    )
    shuffle: bool = Field(True, description="shuffle the unpinned choices for each learner")

    @field_validator("choices")
    @classmethod
    def _distinct_choices(cls, choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
        _distinct([choice.text for choice in choices], "choice")
        return choices


class SingleChoice(_ChoiceQuestion):
    type: Literal["single_choice"]
    answer: Letter = Field(description="the letter of the right choice")

    @field_validator("answer")
    @classmethod
    def _answer_is_a_choice(cls, answer: str, info: ValidationInfo) -> str:
        _check_letter(answer, info)
        return answer


class MultipleSelect(_ChoiceQuestion):
    type: Literal["multiple_select"]
    answer: tuple[Letter, ...] = Field(
        min_length=1, description="the letters of every right choice"
    )

    @field_validator("answer")
    @classmethod
    def _answers_are_choices(cls, answer: tuple[str, ...], info: ValidationInfo) -> Any:
        for letter in answer:
            _check_letter(letter, info)
        _distinct(answer, "letter")
        return tuple(sorted(answer))


class TrueFalse(_QuestionBase):
    type: Literal["true_false"]
    answer: bool = Field(strict=True)


class Matching(_QuestionBase):
    type: Literal["matching"]
    pairs: tuple[Pair, ...] = Field(
        min_length=2, max_length=8, description="each left with its right; rights are shuffled"
    )

    @field_validator("pairs")
    @classmethod
    def _distinct_sides(cls, pairs: tuple[Pair, ...]) -> tuple[Pair, ...]:
        _distinct([pair.left for pair in pairs], "left")
        _distinct([pair.right for pair in pairs], "right")
        return pairs


class Ordering(_QuestionBase):
    type: Literal["ordering"]
    items: tuple[PlainText, ...] = Field(
        min_length=3, max_length=8, description="in the right order; shown shuffled"
    )

    @field_validator("items")
    @classmethod
    def _distinct_items(cls, items: tuple[str, ...]) -> tuple[str, ...]:
        _distinct(items, "item")
        return items


class ShortAnswer(_QuestionBase):
    type: Literal["short_answer"]
    answers: tuple[PlainText, ...] = Field(
        min_length=1,
        description="accepted answers; case, spaces and punctuation are ignored, UIDs are exact",
    )

    @field_validator("answers")
    @classmethod
    def _answers_have_letters(cls, answers: tuple[str, ...]) -> tuple[str, ...]:
        for answer in answers:
            if not _is_uid(answer) and not normalise(answer):
                raise ValueError(f"{quote(answer)} has no letters or digits to compare")
        return answers


class Numeric(_QuestionBase):
    type: Literal["numeric"]
    answer: Number
    tolerance: Number = Field(0, ge=0, description="accept answer +/- tolerance")
    unit: PlainText | None = Field(None, description='shown after the number, e.g. "images"')


Question = Annotated[
    Union[SingleChoice, MultipleSelect, TrueFalse, Matching, Ordering, ShortAnswer, Numeric],
    Field(discriminator="type"),
]
QUESTION_TYPES: tuple[str, ...] = tuple(
    get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(Question)[0])
)


def in_bank(question: Question, bank_id: str) -> Question:
    """Namespace a question under a bank id, so its full id reads '<bank_id>/<id>'."""
    question._bank = bank_id
    return question


# --- presentation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """A choice as shown: `label` is the letter on screen, `key` the letter a response uses."""

    label: str
    key: str
    text: str


@dataclass(frozen=True)
class Presented:
    """A question in display order. Only the fields of its type are filled."""

    question: Question
    options: tuple[Option, ...] = ()  # single_choice, multiple_select
    lefts: tuple[str, ...] = ()  # matching: in bank order
    rights: tuple[str, ...] = ()  # matching: shuffled
    items: tuple[str, ...] = ()  # ordering: shuffled, never already in the right order


def _present_choices(question: SingleChoice | MultipleSelect, rng: random.Random) -> Presented:
    order = list(range(len(question.choices)))
    if question.shuffle:
        movable = [i for i in order if not question.choices[i].pinned]
        shuffled = rng.sample(movable, len(movable))
        slots = iter(shuffled)
        order = [i if question.choices[i].pinned else next(slots) for i in order]
    options = tuple(
        Option(LETTERS[shown], LETTERS[i], question.choices[i].text)
        for shown, i in enumerate(order)
    )
    return Presented(question, options=options)


def _present_matching(question: Matching, rng: random.Random) -> Presented:
    rights = [pair.right for pair in question.pairs]
    return Presented(
        question,
        lefts=tuple(pair.left for pair in question.pairs),
        rights=tuple(rng.sample(rights, len(rights))),
    )


def _present_ordering(question: Ordering, rng: random.Random) -> Presented:
    items = rng.sample(question.items, len(question.items))
    if tuple(items) == question.items:
        items = items[1:] + items[:1]
    return Presented(question, items=tuple(items))


def _present_as_written(question: Question, rng: random.Random) -> Presented:
    return Presented(question)


# --- grading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    """One checkable part of an answer, as display text: a choice, a pair, a position..."""

    label: str
    given: str
    expected: str
    correct: bool


@dataclass(frozen=True)
class Grade:
    score: float  # 0..1
    correct: bool  # every part right
    parts: tuple[PartResult, ...]


def normalise(text: str) -> str:
    """Compare short answers ignoring case, spaces and punctuation: 'c-echo' == 'C ECHO'."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _is_uid(text: str) -> bool:
    return _UID_SHAPE.fullmatch(text) is not None


def _choice_text(question: SingleChoice | MultipleSelect, letter: object) -> str:
    index = LETTERS.find(letter) if isinstance(letter, str) and len(letter) == 1 else -1
    if 0 <= index < len(question.choices):
        return question.choices[index].text
    return NO_ANSWER if letter is None else str(letter)


def _as_number(response: object) -> float | None:
    if isinstance(response, bool):
        return None
    if isinstance(response, (int, float)):
        return float(response)
    if isinstance(response, str):
        try:
            return float(response.strip())
        except ValueError:
            return None
    return None


def _show_number(value: float | int, unit: str | None) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}" if unit else text


def _grade_single(question: SingleChoice, response: object, partial: bool) -> Grade:
    right = response == question.answer
    part = PartResult(
        "answer", _choice_text(question, response), _choice_text(question, question.answer), right
    )
    return _whole(part)


def _grade_multiple(question: MultipleSelect, response: object, partial: bool) -> Grade:
    picked = _letters_in(response)
    parts = []
    for index, choice in enumerate(question.choices):
        letter = LETTERS[index]
        given, expected = letter in picked, letter in question.answer
        parts.append(PartResult(choice.text, _ticked(given), _ticked(expected), given == expected))
    if not partial:
        return _all_or_nothing(parts)
    # Right picks minus wrong picks, over the right picks: ticking every box earns nothing.
    hits = len(picked & set(question.answer))
    misses = len(picked - set(question.answer))
    score = max(0, hits - misses) / len(question.answer)
    return Grade(score, all(part.correct for part in parts), tuple(parts))


def _letters_in(response: object) -> set[str]:
    if not isinstance(response, (list, tuple, set)):
        return set()
    return {letter for letter in response if isinstance(letter, str)}


def _ticked(selected: bool) -> str:
    return "selected" if selected else "not selected"


def _grade_true_false(question: TrueFalse, response: object, partial: bool) -> Grade:
    given = str(response) if isinstance(response, bool) else NO_ANSWER
    right = isinstance(response, bool) and response == question.answer
    return _whole(PartResult("answer", given, str(question.answer), right))


def _grade_matching(question: Matching, response: object, partial: bool) -> Grade:
    chosen = response if isinstance(response, dict) else {}
    parts = tuple(
        PartResult(
            pair.left,
            str(chosen[pair.left]) if chosen.get(pair.left) is not None else NO_ANSWER,
            pair.right,
            chosen.get(pair.left) == pair.right,
        )
        for pair in question.pairs
    )
    return _fraction(parts) if partial else _all_or_nothing(parts)


def _grade_ordering(question: Ordering, response: object, partial: bool) -> Grade:
    given = list(response) if isinstance(response, (list, tuple)) else []
    parts = tuple(
        PartResult(
            str(position),
            str(given[position - 1]) if position <= len(given) else NO_ANSWER,
            item,
            position <= len(given) and given[position - 1] == item,
        )
        for position, item in enumerate(question.items, 1)
    )
    return _fraction(parts) if partial else _all_or_nothing(parts)


def _grade_short(question: ShortAnswer, response: object, partial: bool) -> Grade:
    text = response.strip() if isinstance(response, str) else ""
    right = bool(text) and any(
        text == answer if _is_uid(answer) else normalise(text) == normalise(answer)
        for answer in question.answers
    )
    return _whole(PartResult("answer", text or NO_ANSWER, question.answers[0], right))


def _grade_numeric(question: Numeric, response: object, partial: bool) -> Grade:
    value = _as_number(response)
    slack = question.tolerance + 1e-9 * max(1.0, abs(question.answer))
    right = value is not None and abs(value - question.answer) <= slack
    given = _show_number(value, question.unit) if value is not None else NO_ANSWER
    return _whole(PartResult("answer", given, _numeric_expected(question), right))


def _numeric_expected(question: Numeric) -> str:
    expected = _show_number(question.answer, question.unit)
    if question.tolerance:
        expected += f" (± {_show_number(question.tolerance, None)})"
    return expected


def _whole(part: PartResult) -> Grade:
    return Grade(1.0 if part.correct else 0.0, part.correct, (part,))


def _all_or_nothing(parts: Sequence[PartResult]) -> Grade:
    right = all(part.correct for part in parts)
    return Grade(1.0 if right else 0.0, right, tuple(parts))


def _fraction(parts: Sequence[PartResult]) -> Grade:
    right = sum(part.correct for part in parts)
    return Grade(right / len(parts), right == len(parts), tuple(parts))


def _correct_answer(question: SingleChoice | TrueFalse | Numeric) -> object:
    return question.answer


def _correct_letters(question: MultipleSelect) -> object:
    return list(question.answer)


def _correct_pairs(question: Matching) -> object:
    return {pair.left: pair.right for pair in question.pairs}


def _correct_order(question: Ordering) -> object:
    return list(question.items)


def _correct_short(question: ShortAnswer) -> object:
    return question.answers[0]


def _format_single(question: SingleChoice, response: object) -> str:
    return _choice_text(question, response)


def _format_multiple(question: MultipleSelect, response: object) -> str:
    letters = sorted(_letters_in(response))
    return "; ".join(_choice_text(question, letter) for letter in letters) or NO_ANSWER


def _format_matching(question: Matching, response: object) -> str:
    chosen = response if isinstance(response, dict) else {}
    return "; ".join(f"{left} → {right}" for left, right in chosen.items()) or NO_ANSWER


def _format_ordering(question: Ordering, response: object) -> str:
    items = response if isinstance(response, (list, tuple)) else []
    return " → ".join(str(item) for item in items) or NO_ANSWER


def _format_numeric(question: Numeric, response: object) -> str:
    value = _as_number(response)
    return _show_number(value, question.unit) if value is not None else str(response)


def _format_as_given(question: Question, response: object) -> str:
    return str(response)


# --- the kinds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionKind:
    """Everything the core knows of one question type."""

    type: str
    model: Type[BaseModel]  # noqa: UP006 (a field here is called "type")
    name: str  # as a learner reads it: "single choice"
    instruction: str  # shown above the answer: "Choose one answer"
    quick_seconds: float  # right in less time than this counts as right and quick (Easy)
    present: Callable[[Any, random.Random], Presented]
    grade: Callable[[Any, object, bool], Grade]
    correct: Callable[[Any], object]
    format: Callable[[Any, object], str]


# Quick: about the time a learner who knows the answer needs to read the question and give it.
KINDS: dict[str, QuestionKind] = {
    kind.type: kind
    for kind in (
        QuestionKind("single_choice", SingleChoice, "single choice", "Choose one answer", 20,
                     _present_choices, _grade_single, _correct_answer, _format_single),
        QuestionKind("multiple_select", MultipleSelect, "select all", "Choose all that apply",
                     30, _present_choices, _grade_multiple, _correct_letters, _format_multiple),
        QuestionKind("true_false", TrueFalse, "true/false", "True or false?", 10,
                     _present_as_written, _grade_true_false, _correct_answer, _format_as_given),
        QuestionKind("matching", Matching, "matching", "Match each item", 45,
                     _present_matching, _grade_matching, _correct_pairs, _format_matching),
        QuestionKind("ordering", Ordering, "ordering", "Put the items in order", 45,
                     _present_ordering, _grade_ordering, _correct_order, _format_ordering),
        QuestionKind("short_answer", ShortAnswer, "short answer", "Type a short answer", 30,
                     _present_as_written, _grade_short, _correct_short, _format_as_given),
        QuestionKind("numeric", Numeric, "numeric", "Type a number", 30,
                     _present_as_written, _grade_numeric, _correct_answer, _format_numeric),
    )
}


def kind_of(question: Question) -> QuestionKind:
    return KINDS[question.type]


def present(question: Question, rng: random.Random) -> Presented:
    """The display order for this question; the same rng state gives the same order."""
    return kind_of(question).present(question, rng)


def grade(question: Question, response: object, *, partial_credit: bool = False) -> Grade:
    """Score a response (None = unanswered). Never raises on a malformed response: it is wrong.

    `partial_credit` gives a fraction for multiple_select (right minus wrong picks, floored at
    0), matching (pairs right) and ordering (items in place); other types are all-or-nothing.
    """
    return kind_of(question).grade(question, response, partial_credit)


def correct_response(question: Question) -> object:
    """A response that scores full marks, in the same plain-data shape a learner's would be."""
    return kind_of(question).correct(question)


def format_answer(question: Question, response: object) -> str:
    """A response as feedback text: choice texts rather than letters, which change on shuffle."""
    if response is None:
        return NO_ANSWER
    return kind_of(question).format(question, response)
