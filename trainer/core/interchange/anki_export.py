"""Questions as an Anki package (.apkg), made with genanki.

One deck per bank ("pacs-trainer::<bank title>"), one note type per question type with the
same fields (Question with its exhibit, Options, Answer, Explanation, References, Lesson,
Id), tags topic::<topic>, type::<type> and difficulty::<n>. Note GUIDs come from the
question's full id and deck and note type ids from their names, so importing a re-export
updates the notes already in Anki instead of adding copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from trainer.core.interchange.html import exhibit_html, text_html
from trainer.core.questions import (
    LETTERS,
    Matching,
    MultipleSelect,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    correct_response,
    format_answer,
)

FIELDS = ("Question", "Options", "Answer", "Explanation", "References", "Lesson", "Id")
DECK_PREFIX = "pacs-trainer"
CSS = """\
.card { font-family: sans-serif; font-size: 18px; text-align: left; }
table.exhibit { border-collapse: collapse; font-size: 15px; margin: 0.5em 0; }
table.exhibit th, table.exhibit td { border: 1px solid #888; padding: 2px 6px; }
.exhibit pre { font-size: 14px; }
.answer { font-weight: bold; }
.references, .lesson { font-size: 14px; color: #555; }
"""
FRONT = "<div>{{Question}}</div>{{#Options}}<div>{{Options}}</div>{{/Options}}"
BACK = (
    '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>'
    "<div>{{Explanation}}</div><div class=\"references\">See: {{References}}</div>"
    '{{#Lesson}}<div class="lesson">Lesson: {{Lesson}}</div>{{/Lesson}}'
)


def stable_id(name: str) -> int:
    """A positive 31-bit id from a name: the same on every machine and every export."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") >> 1 | 1 << 30


def _list(items: Iterable[str], ordered: str = "") -> str:
    tag = "ol" if ordered else "ul"
    kind = f' type="{ordered}"' if ordered else ""
    return f"<{tag}{kind}>" + "".join(f"<li>{text_html(item)}</li>" for item in items) + f"</{tag}>"


def _choice_options(question: SingleChoice | MultipleSelect) -> str:
    return _list((choice.text for choice in question.choices), "A")


def _choice_answer(question: SingleChoice | MultipleSelect) -> str:
    letters = [question.answer] if isinstance(question, SingleChoice) else list(question.answer)
    return "<br/>".join(
        f"{letter}. {text_html(question.choices[LETTERS.index(letter)].text)}"
        for letter in letters
    )


def _matching_options(question: Matching) -> str:
    # The rights sorted, so the card does not give the pairs away.
    return (
        _list(pair.left for pair in question.pairs)
        + "<p>with</p>"
        + _list(sorted(pair.right for pair in question.pairs))
    )


def _matching_answer(question: Matching) -> str:
    return "<br/>".join(
        f"{text_html(pair.left)} → {text_html(pair.right)}" for pair in question.pairs
    )


def _ordering_options(question: Ordering) -> str:
    return "<p>Put in order:</p>" + _list(sorted(question.items))


def _ordering_answer(question: Ordering) -> str:
    return _list(question.items, "1")


def _no_options(question: Question) -> str:
    return ""


def _true_false_options(question: TrueFalse) -> str:
    return "True or false?"


def _text_answer(question: Question) -> str:
    return text_html(format_answer(question, correct_response(question)))


def _short_answer(question: ShortAnswer) -> str:
    return "<br/>".join(text_html(answer) for answer in question.answers)


# One entry per question type: (its Options field, its Answer field).
RENDERERS: dict[str, tuple[Callable[..., str], Callable[..., str]]] = {
    "single_choice": (_choice_options, _choice_answer),
    "multiple_select": (_choice_options, _choice_answer),
    "true_false": (_true_false_options, _text_answer),
    "matching": (_matching_options, _matching_answer),
    "ordering": (_ordering_options, _ordering_answer),
    "short_answer": (_no_options, _short_answer),
    "numeric": (_no_options, _text_answer),
}


def deck_name(question: Question, bank_titles: dict[str, str]) -> str:
    title = bank_titles.get(question.bank) or question.bank or "questions"
    return f"{DECK_PREFIX}::{title.replace('::', ':')}"


def note_fields(question: Question) -> list[str]:
    options, answer = RENDERERS[question.type]
    lesson = question.lesson
    return [
        f"<p>{text_html(question.prompt)}</p>{exhibit_html(question)}",
        options(question),
        answer(question),
        text_html(question.explanation),
        "; ".join(text_html(reference) for reference in question.references),
        text_html(f"{lesson.id}" + (f" ({lesson.section})" if lesson.section else ""))
        if lesson else "",
        text_html(question.full_id),
    ]


def note_tags(question: Question) -> list[str]:
    return [
        *(f"topic::{topic}" for topic in question.topics),
        f"type::{question.type}",
        f"difficulty::{question.difficulty}",
    ]


def write_apkg(questions: Iterable[Question], path: Path, bank_titles: dict[str, str]) -> int:
    """Write the package; returns how many decks it holds."""
    import genanki

    models = {
        qtype: genanki.Model(
            stable_id(f"pacs-trainer note type {qtype}"),
            f"pacs-trainer {qtype.replace('_', ' ')}",
            fields=[{"name": name} for name in FIELDS],
            templates=[{"name": "Card", "qfmt": FRONT, "afmt": BACK}],
            css=CSS,
            sort_field_index=FIELDS.index("Id"),
        )
        for qtype in RENDERERS
    }
    decks: dict[str, genanki.Deck] = {}
    for question in questions:
        name = deck_name(question, bank_titles)
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(stable_id(f"pacs-trainer deck {name}"), name)
        deck.add_note(
            genanki.Note(
                model=models[question.type],
                fields=note_fields(question),
                tags=note_tags(question),
                guid=genanki.guid_for(question.full_id),
            )
        )
    genanki.Package(list(decks.values())).write_to_file(str(path))
    return len(decks)
