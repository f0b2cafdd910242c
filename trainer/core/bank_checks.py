"""Checks of loaded banks that the bank format cannot make: lesson links and length cues.

`lesson_link_errors` finds "study this" links to a lesson or a `##` heading that does not
exist. `longest_key_warning` finds a bank whose right answers are so often the longest choice
that a learner could score by length alone: it compares how often that happens with how often
chance would make it happen, and warns when chance is an unlikely explanation (p < 0.05).
Both point at the place in the file, like every other bank error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from trainer.core.banks import BankError, BankResult
from trainer.core.lessons import LessonCatalog, slugify
from trainer.core.questions import LETTERS, MultipleSelect, Question, SingleChoice
from trainer.core.yaml_source import (
    Document,
    Limits,
    PathPart,
    YamlError,
    did_you_mean,
    format_path,
    parse,
    quote,
    read_text,
)

SIGNIFICANCE = 0.05
MIN_HITS = 3  # below this, a few long right answers are not a pattern worth a warning


def _document(path: Path) -> Document | None:
    try:
        return parse(read_text(path, Limits()))
    except (YamlError, OSError):
        return None


def _error(
    path: Path,
    document: Document | None,
    where: tuple[PathPart, ...],
    message: str,
    shown: bool = True,
) -> BankError:
    line, col = document.locate(where, key=not shown) if document else (None, None)
    return BankError(path, message, line, col, format_path(where) if shown else "")


def lesson_link_errors(result: BankResult, lessons: LessonCatalog) -> list[BankError]:
    """Every question link to a lesson that does not exist, or to a heading it lacks."""
    bank = result.bank
    if bank is None:
        return []
    document = None
    errors = []
    ids = [lesson.id for lesson in lessons.lessons]
    for index, question in enumerate(bank.questions):
        anchor = question.lesson
        if anchor is None:
            continue
        lesson = lessons.get(anchor.id)
        if lesson is None:
            document = document or _document(result.path)
            message = f"unknown lesson {quote(anchor.id)}{did_you_mean(anchor.id, ids)}"
            where = ("questions", index, "lesson", "id")
            errors.append(_error(result.path, document, where, message))
        elif anchor.section and lesson.page_index(slugify(anchor.section)) is None:
            document = document or _document(result.path)
            headings = [page.title for page in lesson.pages]
            hint = did_you_mean(anchor.section, headings)
            message = (
                f"{quote(anchor.section)} is not a heading of lesson {anchor.id}{hint}; "
                f"its headings: {', '.join(headings)}"
            )
            where = ("questions", index, "lesson", "section")
            errors.append(_error(result.path, document, where, message))
    return errors


def _right_is_longest(question: Question) -> tuple[bool, float] | None:
    """(is every right choice longer than every wrong one, the chance of that) for a choice
    question of at least three choices; None for other questions."""
    if not isinstance(question, (SingleChoice, MultipleSelect)) or len(question.choices) < 3:
        return None
    right = {question.answer} if isinstance(question, SingleChoice) else set(question.answer)
    lengths = [(len(c.text), LETTERS[i] in right) for i, c in enumerate(question.choices)]
    shortest_right = min(length for length, is_right in lengths if is_right)
    longest_wrong = max(length for length, is_right in lengths if not is_right)
    return shortest_right > longest_wrong, 1 / math.comb(len(lengths), len(right))


def _tail(chances: Sequence[float], hits: int) -> float:
    """P(at least `hits` successes) for independent trials with these chances."""
    distribution = [1.0]
    for p in chances:
        distribution = [
            (distribution[k] if k < len(distribution) else 0.0) * (1 - p)
            + (distribution[k - 1] * p if k >= 1 else 0.0)
            for k in range(len(distribution) + 1)
        ]
    return sum(distribution[hits:])


def longest_key_warning(result: BankResult) -> BankError | None:
    """A warning when the right answers are the longest choices more often than chance."""
    bank = result.bank
    if bank is None:
        return None
    judged = [(q, found) for q in bank.questions if (found := _right_is_longest(q)) is not None]
    hits = [question.id for question, (longest, _) in judged if longest]
    if len(hits) < MIN_HITS:
        return None
    p_value = _tail([chance for _, (_, chance) in judged], len(hits))
    if p_value >= SIGNIFICANCE:
        return None
    message = (
        f"warning: the right answer is the longest choice in {len(hits)} of {len(judged)} "
        f"choice questions, more often than chance (p = {p_value:.3f}); a learner could score "
        f"by length. Make the wrong choices as long and as qualified in: {', '.join(hits)}"
    )
    return _error(result.path, _document(result.path), ("questions",), message, shown=False)
