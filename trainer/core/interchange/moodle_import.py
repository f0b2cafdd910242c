"""Moodle XML -> bank questions, every problem located at its line in the file.

Reads what `moodle_export` writes back exactly, and Moodle's own exports of the same seven
kinds of question. Other Moodle types (essay, cloze, calculated, drag and drop ...) and
questions whose scoring a bank cannot express (partial-credit choices, wildcards, matching
distractors) are left out, each with a located reason. The file is parsed with expat with
entity declarations refused, so a hostile file cannot expand or fetch anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from trainer.core.interchange.html import plain_text, read_feedback, read_prompt
from trainer.core.interchange.imported import (
    Imported,
    Problem,
    Raw,
    Unmappable,
    build,
    read_source,
)
from trainer.core.interchange.tags import read_tags
from trainer.core.questions import LETTERS


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def child(self, tag: str) -> Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str, default: str = "") -> str:
        """The text of child `tag`, or of its <text> child (Moodle wraps most values so)."""
        found = self.child(tag)
        if found is None:
            return default
        inner = found.child("text")
        return (inner.text if inner is not None else found.text).strip()


class XmlError(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def parse_xml(data: bytes) -> Element:
    """The document's root element, every element with its line number."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    root = Element("", {}, 0)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = Element(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        stack[-1].text += data

    def refuse_entities(*args: object) -> None:
        raise XmlError(parser.CurrentLineNumber, "the file declares XML entities; remove them")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = refuse_entities
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlError(exc.lineno, f"not well-formed XML: {expat.errors.messages[exc.code]}"
                       ) from None
    if not root.children:
        raise XmlError(None, "the file is empty")
    return root.children[0]


def _html(element: Element | None) -> tuple[str, bool]:
    if element is None:
        return "", False
    inner = element.child("text")
    text = inner.text if inner is not None else element.text
    return text, element.attrs.get("format", "html") == "html"


def _plain(element: Element | None) -> str:
    text, is_html = _html(element)
    return plain_text(text) if is_html else text.strip()


def _fraction(answer: Element) -> float:
    try:
        return float(answer.attrs.get("fraction", "0"))
    except ValueError:
        raise Unmappable(f"answer fraction {answer.attrs.get('fraction')!r} is not a number"
                         ) from None


def _flag(element: Element, tag: str, default: bool) -> bool:
    value = element.value(tag).lower()
    return default if not value else value in ("true", "1", "yes")


def _multichoice(question: Element, pinned: set[str]) -> tuple[str, dict[str, Any]]:
    answers = question.all("answer")
    if not 2 <= len(answers) <= len(LETTERS):
        raise Unmappable(f"has {len(answers)} choices; a bank question has 2 to {len(LETTERS)}")
    fractions = [_fraction(answer) for answer in answers]
    choices: list[Any] = []
    for letter, answer in zip(LETTERS, answers):
        text = _plain(answer)
        choices.append({"text": text, "pinned": True} if letter in pinned else text)
    shuffle = _flag(question, "shuffleanswers", True)
    if _flag(question, "single", True):
        right = [letter for letter, f in zip(LETTERS, fractions) if f >= 100 - 1e-6]
        if len(right) != 1 or any(0 < f < 100 - 1e-6 for f in fractions):
            raise Unmappable("a single-answer choice question needs exactly one answer worth "
                             "100% and no partial credit")
        return "single_choice", {"choices": choices, "shuffle": shuffle, "answer": right[0]}
    right = [letter for letter, f in zip(LETTERS, fractions) if f > 0]
    if not right:
        raise Unmappable("no answer is worth any credit")
    return "multiple_select", {"choices": choices, "shuffle": shuffle, "answer": right}


def _truefalse(question: Element, pinned: set[str]) -> tuple[str, dict[str, Any]]:
    right = [a for a in question.all("answer") if _fraction(a) >= 100 - 1e-6]
    value = _plain(right[0]).lower() if len(right) == 1 else ""
    if value not in ("true", "false"):
        raise Unmappable("needs one answer, true or false, worth 100%")
    return "true_false", {"answer": value == "true"}


def _matching(question: Element, pinned: set[str]) -> tuple[str, dict[str, Any]]:
    pairs = []
    for sub in question.all("subquestion"):
        left = _plain(sub)
        right = sub.value("answer")
        if not left:
            raise Unmappable(f"the extra answer {right!r} (a distractor with no question) has "
                             "no equivalent in a bank's matching question")
        pairs.append({"left": left, "right": right})
    return "matching", {"pairs": pairs}


def _ordering(question: Element, pinned: set[str]) -> tuple[str, dict[str, Any]]:
    answers = question.all("answer")
    placed = sorted(enumerate(answers), key=lambda pair: (_fraction(pair[1]), pair[0]))
    return "ordering", {"items": [_plain(answer) for _, answer in placed]}


_WILDCARD = re.compile(r"(?<!\\)\*")


def _shortanswer(question: Element, pinned: set[str]) -> tuple[str, dict[str, Any]]:
    accepted = []
    for answer in question.all("answer"):
        fraction = _fraction(answer)
        text = answer.value("text") if answer.child("text") is not None else answer.text.strip()
        if 0 < fraction < 100 - 1e-6:
            raise Unmappable(f"the answer {text!r} earns {fraction:g}%: a bank's short answers "
                             "are right or wrong")
        if fraction <= 0:
            continue
        if _WILDCARD.search(text):
            raise Unmappable(f"the answer {text!r} uses the * wildcard, which a bank cannot")
        accepted.append(text.replace("\\*", "*").replace("\\\\", "\\"))
    if _flag(question, "usecase", False):
        raise Unmappable("answers are case sensitive here; a bank's short answers ignore case")
    return "short_answer", {"answers": accepted}


def _number(text: str, what: str) -> int | float:
    try:
        value = float(text)
    except ValueError:
        raise Unmappable(f"the {what} {text!r} is not a number") from None
    written_whole = "." not in text and "e" not in text.lower()
    return int(value) if value.is_integer() and written_whole else value


def _numerical(question: Element, pinned: set[str]) -> tuple[str, dict[str, Any]]:
    right = [a for a in question.all("answer") if _fraction(a) >= 100 - 1e-6]
    if len(right) != 1 or any(0 < _fraction(a) < 100 - 1e-6 for a in question.all("answer")):
        raise Unmappable("needs exactly one answer worth 100% and no partial credit")
    answer = right[0]
    text = answer.value("text") if answer.child("text") is not None else answer.text.strip()
    fields: dict[str, Any] = {
        "answer": _number(text, "answer"),
        "tolerance": _number(answer.value("tolerance", "0") or "0", "tolerance"),
    }
    units = question.child("units")
    for unit in units.all("unit") if units is not None else []:
        if _number(unit.value("multiplier", "1"), "unit multiplier") == 1:
            fields["unit"] = unit.value("unit_name")
            break
    return "numeric", fields


# One entry per bank question type: the Moodle type it comes from and how it is read.
# (multichoice serves both single_choice and multiple_select.)
READERS: dict[str, tuple[str, Callable[[Element, set[str]], tuple[str, dict[str, Any]]]]] = {
    "single_choice": ("multichoice", _multichoice),
    "multiple_select": ("multichoice", _multichoice),
    "true_false": ("truefalse", _truefalse),
    "matching": ("matching", _matching),
    "ordering": ("ordering", _ordering),
    "short_answer": ("shortanswer", _shortanswer),
    "numeric": ("numerical", _numerical),
}
_BY_MOODLE_TYPE = {moodle: reader for moodle, reader in READERS.values()}


def read_moodle(path: Path, default_topic: str | None = None) -> Imported:
    """Every question of a Moodle XML file that maps, and a located problem for each that
    does not. Never raises for a bad file: an unreadable one is one problem."""
    path = Path(path)
    imported = Imported()
    data = read_source(path, imported)
    if data is None:
        return imported
    try:
        root = parse_xml(data)
    except XmlError as exc:
        imported.problems.append(Problem(path, exc.line, str(exc)))
        return imported
    if root.tag != "quiz":
        imported.problems.append(Problem(path, root.line, (
            f"not a Moodle XML question file: the root element is <{root.tag}>, not <quiz>")))
        return imported
    category = ""
    for number, question in enumerate(root.all("question"), 1):
        kind = question.attrs.get("type", "")
        if kind == "category":
            category = question.value("category")
            continue
        name = question.value("name")
        reader = _BY_MOODLE_TYPE.get(kind)
        if reader is None:
            imported.problems.append(Problem(path, question.line, (
                f"question {name!r}: Moodle's {kind or 'untyped'} questions have no pacs-trainer "
                f"equivalent (it reads {', '.join(sorted(_BY_MOODLE_TYPE))})")))
            continue
        tags = read_tags([tag.value("text") for tag in _tags(question)])
        try:
            qtype, fields = reader(question, tags.pinned)
        except Unmappable as exc:
            imported.problems.append(Problem(path, question.line, f"question {name!r}: {exc}"))
            continue
        prompt_source, prompt_is_html = _html(question.child("questiontext"))
        prompt, exhibit = read_prompt(prompt_source) if prompt_is_html else (
            prompt_source.strip(), None)
        feedback, feedback_is_html = _html(question.child("generalfeedback"))
        explanation, references = read_feedback(feedback) if feedback_is_html else (
            feedback.strip(), [])
        raw = Raw(
            line=question.line, name=name, type=qtype, fields=fields, prompt=prompt,
            explanation=explanation, references=references, tags=tags, exhibit=exhibit,
            category=category, id=question.value("idnumber"),
        )
        build(raw, number, path, default_topic, imported)
    imported.summarise()
    return imported


def _tags(question: Element) -> list[Element]:
    tags = question.child("tags")
    return tags.all("tag") if tags is not None else []
