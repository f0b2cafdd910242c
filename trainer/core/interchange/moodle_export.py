"""Questions as Moodle XML (Moodle 4.x question bank import, "Moodle XML format").

A category element starts each run of questions with the same first topic
("$course$/top/<set>/<topic>"). HTML goes in CDATA sections; names, tags and plain answers
are XML-escaped. Every question has general feedback (the explanation and references) and
per-answer feedback; tags carry topics, difficulty, the lesson link and pinned choices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape, quoteattr

from trainer.core.interchange.html import feedback_html, prompt_html, text_html
from trainer.core.interchange.tags import question_tags
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

RIGHT = "Right."
WRONG = "Not right."
_INDENT = "    "


def cdata(html: str) -> str:
    """HTML inside CDATA; a "]]>" in it is split across two sections."""
    return "<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(tag: str, html: str, indent: str = _INDENT) -> str:
    return f'{indent}<{tag} format="html"><text>{cdata(html)}</text></{tag}>'


def _plain(tag: str, value: object, indent: str = _INDENT) -> str:
    return f"{indent}<{tag}>{escape(str(value))}</{tag}>"


def _answer(fraction: float | str, html: str, feedback: str, extra: str = "") -> str:
    return (
        f'{_INDENT}<answer fraction="{fraction}" format="html">\n'
        f"{_INDENT * 2}<text>{cdata(html)}</text>{extra}\n"
        f"{_text('feedback', text_html(feedback), _INDENT * 2)}\n"
        f"{_INDENT}</answer>"
    )


def _combined() -> list[str]:
    return [
        _text("correctfeedback", RIGHT),
        _text("partiallycorrectfeedback", "Partly right."),
        _text("incorrectfeedback", WRONG),
    ]


def _fraction(value: float) -> str:
    """A percentage as Moodle lists its grades (33.33333, -12.5, 100): five decimals at most,
    or its import refuses the grade."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _choices(question: SingleChoice | MultipleSelect) -> list[str]:
    right = {question.answer} if isinstance(question, SingleChoice) else set(question.answer)
    share = 100 / len(right)
    wrong = 0.0 if isinstance(question, SingleChoice) else -share
    lines = [
        _plain("single", "true" if isinstance(question, SingleChoice) else "false"),
        _plain("shuffleanswers", "true" if question.shuffle else "false"),
        _plain("answernumbering", "ABCD"),
        _plain("showstandardinstruction", 0),
        *_combined(),
    ]
    for index, choice in enumerate(question.choices):
        correct = LETTERS[index] in right
        lines.append(
            _answer(
                _fraction(share if correct else wrong),
                text_html(choice.text),
                RIGHT if correct else WRONG,
            )
        )
    return lines


def _true_false(question: TrueFalse) -> list[str]:
    return [
        _answer(100 if value == question.answer else 0, str(value).lower(),
                RIGHT if value == question.answer else WRONG)
        for value in (True, False)
    ]


def _matching(question: Matching) -> list[str]:
    lines = [_plain("shuffleanswers", "true"), *_combined()]
    for pair in question.pairs:
        lines.append(
            f'{_INDENT}<subquestion format="html">\n'
            f"{_INDENT * 2}<text>{cdata(text_html(pair.left))}</text>\n"
            f"{_INDENT * 2}<answer><text>{escape(pair.right)}</text></answer>\n"
            f"{_INDENT}</subquestion>"
        )
    return lines


def _ordering(question: Ordering) -> list[str]:
    lines = [
        _plain("layouttype", "VERTICAL"),
        _plain("selecttype", "ALL"),
        _plain("selectcount", 0),
        _plain("gradingtype", "ABSOLUTE_POSITION"),
        _plain("showgrading", "SHOW"),
        _plain("numberingstyle", "none"),
        *_combined(),
    ]
    # qtype_ordering keeps each item's place in the right order as its "fraction".
    for position, item in enumerate(question.items, 1):
        lines.append(
            f'{_INDENT}<answer fraction="{position}" format="html">'
            f"<text>{cdata(text_html(item))}</text></answer>"
        )
    return lines


def shortanswer_text(answer: str) -> str:
    """Moodle reads * in a short answer as a wildcard; a literal one is written \\*."""
    return answer.replace("\\", "\\\\").replace("*", "\\*")


def _short(question: ShortAnswer) -> list[str]:
    lines = [_plain("usecase", 0)]
    for answer in question.answers:
        lines.append(
            f'{_INDENT}<answer fraction="100" format="moodle_auto_format">\n'
            f"{_INDENT * 2}<text>{escape(shortanswer_text(answer))}</text>\n"
            f"{_text('feedback', RIGHT, _INDENT * 2)}\n"
            f"{_INDENT}</answer>"
        )
    return lines


def number_text(value: float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _numeric(question: Numeric) -> list[str]:
    tolerance = f"\n{_INDENT * 2}<tolerance>{number_text(question.tolerance)}</tolerance>"
    lines = [
        f'{_INDENT}<answer fraction="100" format="moodle_auto_format">\n'
        f"{_INDENT * 2}<text>{number_text(question.answer)}</text>{tolerance}\n"
        f"{_text('feedback', RIGHT, _INDENT * 2)}\n"
        f"{_INDENT}</answer>"
    ]
    if question.unit:
        lines.append(
            f"{_INDENT}<units><unit><multiplier>1</multiplier>"
            f"<unit_name>{escape(question.unit)}</unit_name></unit></units>"
        )
    # Units shown after the box but not graded: the number alone is the answer.
    lines += [_plain("unitgradingtype", 0), _plain("unitpenalty", 0), _plain("showunits", 3),
              _plain("unitsleft", 0)]
    return lines


# One entry per question type: (Moodle's type name, the type's own elements).
WRITERS: dict[str, tuple[str, Callable[..., list[str]]]] = {
    "single_choice": ("multichoice", _choices),
    "multiple_select": ("multichoice", _choices),
    "true_false": ("truefalse", _true_false),
    "matching": ("matching", _matching),
    "ordering": ("ordering", _ordering),
    "short_answer": ("shortanswer", _short),
    "numeric": ("numerical", _numeric),
}


def category_path(set_name: str, topic: str) -> str:
    return f"$course$/top/{set_name}/{topic}"


def question_xml(question: Question) -> str:
    moodle_type, body = WRITERS[question.type]
    tags = "".join(f"<tag><text>{escape(tag)}</text></tag>" for tag in question_tags(question))
    lines = [
        f"  <question type={quoteattr(moodle_type)}>",
        f"{_INDENT}<name><text>{escape(question.full_id)}</text></name>",
        _text("questiontext", prompt_html(question)),
        _text("generalfeedback", feedback_html(question)),
        _plain("defaultgrade", 1),
        _plain("penalty", "0.3333333"),
        _plain("hidden", 0),
        _plain("idnumber", question.full_id),
        *body(question),
        f"{_INDENT}<tags>{tags}</tags>",
        "  </question>",
    ]
    return "\n".join(lines)


def moodle_xml(questions: Iterable[Question], set_name: str) -> str:
    """A whole Moodle XML file for these questions, in their order."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    current = None
    for question in questions:
        category = category_path(set_name, question.topics[0])
        if category != current:
            parts.append(
                '  <question type="category">\n'
                f"{_INDENT}<category><text>{escape(category)}</text></category>\n"
                "  </question>"
            )
            current = category
        parts.append(question_xml(question))
    parts.append("</quiz>")
    return "\n".join(parts) + "\n"
