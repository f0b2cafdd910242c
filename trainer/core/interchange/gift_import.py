"""GIFT -> bank questions, every problem located at the question's first line.

Questions are separated by blank lines; "//" lines are comments, and a comment's "[id:...]"
and "[tag:...]" name the next question's id and tags, as Moodle reads them. Reads what
`gift_export` writes back exactly, and hand-written GIFT: multiple choice (one = answer, or
~%weight% answers for select-all), true/false, matching (=a -> b), short answer (= only),
numerical ({#3:0.5}, {#1..5}). Essays, descriptions and missing-word questions are reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.core.interchange.gift_export import POSITION, SPECIALS
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

_ID = re.compile(r"\[id:([^\]]*)\]")
_TAG = re.compile(r"\[tag:([^\]]*)\]")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


@dataclass
class _Block:
    line: int
    text: str
    comments: list[str]


def _split(text: str) -> tuple[list[_Block], list[tuple[int, str]]]:
    """(question blocks, (line, category) changes) in file order, by line."""
    blocks: list[_Block] = []
    categories: list[tuple[int, str]] = []
    lines: list[str] = []
    comments: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal lines, comments
        if lines:
            blocks.append(_Block(start, "\n".join(lines), comments))
            comments = []
        lines = []

    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            comments.append(stripped[2:])
        elif not stripped:
            flush()
        elif not lines and stripped.startswith("$CATEGORY:"):
            categories.append((number, stripped.removeprefix("$CATEGORY:").strip()))
        else:
            if not lines:
                start = number
            lines.append(line)
    flush()
    return blocks, categories


def _unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        ch = text[index]
        if ch == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append("\n" if following == "n" else following if following in SPECIALS
                       else ch + following)
            index += 2
            continue
        out.append(ch)
        index += 1
    return "".join(out)


def _find(text: str, target: str, start: int = 0) -> int:
    """The index of `target` not preceded by a backslash escape, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(target, index):
            return index
        index += 1
    return -1


def _split_on(text: str, markers: str) -> list[str]:
    """Pieces of `text`, each starting at an unescaped character from `markers`."""
    pieces, index, start = [], 0, 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in markers and index > start and text[start:index].strip():
            pieces.append(text[start:index])
            start = index
        index += 1
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def _text(raw: str) -> tuple[str, bool]:
    """(text, is it HTML) of a GIFT text with an optional [format] prefix, unescaped."""
    found = _FORMAT.match(raw)
    if found is None:
        return _unescape(raw.strip()), False
    return _unescape(raw[found.end():].strip()), found.group(1).lower() == "html"


def _plain(raw: str) -> str:
    text, is_html = _text(raw)
    return plain_text(text) if is_html else text


def _without_feedback(answer: str) -> str:
    cut = _find(answer, "#")
    return answer if cut < 0 else answer[:cut]


def _choices(answers: list[str], tags: Any) -> tuple[str, dict[str, Any]]:
    if not 2 <= len(answers) <= len(LETTERS):
        raise Unmappable(f"has {len(answers)} choices; a bank question has 2 to {len(LETTERS)}")
    choices: list[Any] = []
    weights: list[float] = []
    plain_right: list[str] = []
    for letter, answer in zip(LETTERS, answers):
        mark, body = answer[0], _without_feedback(answer[1:])
        weight = _WEIGHT.match(body.strip())
        if weight:
            body = body.strip()[weight.end():]
        text = _plain(body)
        choices.append({"text": text, "pinned": True} if letter in tags.pinned else text)
        weights.append(float(weight.group(1)) if weight else (100.0 if mark == "=" else 0.0))
        if mark == "=":
            plain_right.append(letter)
    fields = {"choices": choices, "shuffle": tags.shuffle}
    positive = [letter for letter, w in zip(LETTERS, weights) if w > 0]
    if len(plain_right) == 1 and positive == plain_right and weights[LETTERS.index(
            plain_right[0])] >= 100 - 1e-6:
        return "single_choice", {**fields, "answer": plain_right[0]}
    if not positive:
        raise Unmappable("no answer is right (= or a positive %weight%)")
    return "multiple_select", {**fields, "answer": positive}


def _pairs(answers: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for answer in answers:
        body = _without_feedback(answer[1:])
        arrow = _find(body, "->")
        if answer[0] != "=" or arrow < 0:
            raise Unmappable("mixes matching pairs (=a -> b) with other answers")
        pairs.append((_plain(body[:arrow]), _plain(body[arrow + 2:])))
    return pairs


def _matching(answers: list[str], tags: Any) -> tuple[str, dict[str, Any]]:
    pairs = _pairs(answers)
    if tags.type == "ordering":
        wanted = [f"{POSITION}{n}" for n in range(1, len(pairs) + 1)]
        if [left for left, _ in pairs] != wanted:
            raise Unmappable("is tagged type:ordering but its pairs are not Position 1, 2 ...")
        return "ordering", {"items": [right for _, right in pairs]}
    if any(not left for left, _ in pairs):
        raise Unmappable("a matching distractor (an answer with no question) has no "
                         "equivalent in a bank's matching question")
    return "matching", {"pairs": [{"left": left, "right": right} for left, right in pairs]}


_WILDCARD = re.compile(r"(?<!\\)\*")


def _short(answers: list[str], tags: Any) -> tuple[str, dict[str, Any]]:
    accepted = []
    for answer in answers:
        body = _without_feedback(answer[1:]).strip()
        weight = _WEIGHT.match(body)
        if weight and float(weight.group(1)) < 100:
            raise Unmappable(f"the answer {body!r} earns partial credit: a bank's short answers "
                             "are right or wrong")
        text = _unescape(body[weight.end():] if weight else body).strip()
        if _WILDCARD.search(text):
            raise Unmappable(f"the answer {text!r} uses the * wildcard, which a bank cannot")
        accepted.append(text.replace("\\*", "*").replace("\\\\", "\\"))
    return "short_answer", {"answers": accepted}


def _number(text: str) -> int | float:
    try:
        value = float(text)
    except ValueError:
        raise Unmappable(f"{text.strip()!r} is not a number") from None
    plain = "." not in text and "e" not in text.lower()
    return int(value) if value.is_integer() and plain else value


def _numeric(body: str, tags: Any) -> tuple[str, dict[str, Any]]:
    spec = _unescape(_without_feedback(body)).strip()
    if spec.startswith("="):
        raise Unmappable("has several numerical answers; a bank question has one")
    if ".." in spec:
        low, high = (_number(part) for part in spec.split("..", 1))
        answer: int | float = (low + high) / 2
        fields: dict[str, Any] = {"answer": answer, "tolerance": (high - low) / 2}
    else:
        value, _, tolerance = spec.partition(":")
        fields = {"answer": _number(value), "tolerance": _number(tolerance or "0")}
    if tags.unit:
        fields["unit"] = tags.unit
    return "numeric", fields


_TRUE_FALSE = re.compile(r"^(T|F|TRUE|FALSE)\s*(#|$)", re.IGNORECASE)


def _true_false(part: str, tags: Any) -> tuple[str, dict[str, Any]]:
    word = part.split("#", 1)[0].strip().upper()
    return "true_false", {"answer": word in ("T", "TRUE")}


def _answers(part: str, tags: Any) -> tuple[str, dict[str, Any]]:
    stripped = part.strip()
    if not stripped:
        raise Unmappable("an essay ({}) has no pacs-trainer equivalent")
    if _TRUE_FALSE.match(stripped):
        return _true_false(stripped, tags)
    if stripped.startswith("#"):
        return _numeric(stripped[1:], tags)
    answers = _split_on(stripped, "=~")
    if not answers or answers[0][0] not in "=~":
        raise Unmappable("its answers must start with = or ~")
    if any(_find(a, "->") >= 0 for a in answers):
        return _matching(answers, tags)
    if all(a[0] == "=" for a in answers):
        return _short(answers, tags)
    return _choices(answers, tags)


# One entry per bank question type: how its answer part reads (`_answers` tells them apart
# by their syntax; matching serves ordering too).
READERS: dict[str, Callable[..., tuple[str, dict[str, Any]]]] = {
    "single_choice": _choices,
    "multiple_select": _choices,
    "true_false": _true_false,
    "matching": _matching,
    "ordering": _matching,
    "short_answer": _short,
    "numeric": _numeric,
}


def read_gift(path: Path, default_topic: str | None = None) -> Imported:
    """Every question of a GIFT file that maps, and a located problem for each that does not.
    Never raises for a bad file: an unreadable one is one problem."""
    path = Path(path)
    imported = Imported()
    data = read_source(path, imported)
    if data is None:
        return imported
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        imported.problems.append(Problem(path, None, f"not UTF-8 text (byte {exc.start})"))
        return imported
    blocks, categories = _split(text)
    for number, block in enumerate(blocks, 1):
        category = next((c for line, c in reversed(categories) if line < block.line), "")
        _read_block(block, number, category, path, default_topic, imported)
    if not blocks:
        imported.problems.append(Problem(path, None, "no GIFT questions in the file"))
    imported.summarise()
    return imported


def _read_block(block: _Block, number: int, category: str, path: Path,
                default_topic: str | None, imported: Imported) -> None:
    body = block.text.strip()
    name = ""
    if body.startswith("::"):
        end = _find(body, "::", 2)
        if end < 0:
            imported.problems.append(Problem(path, block.line, "the title has no closing ::"))
            return
        name, body = _unescape(body[2:end]).strip(), body[end + 2:]
    where = f"question {name!r}" if name else "question"
    opening = _find(body, "{")
    closing = _find(body, "}", opening + 1) if opening >= 0 else -1
    if opening < 0:
        imported.problems.append(Problem(path, block.line, (
            f"{where}: a description (no answers in braces) has no pacs-trainer equivalent")))
        return
    if closing < 0:
        imported.problems.append(Problem(path, block.line, f"{where}: the {{ has no closing }}"))
        return
    if body[closing + 1:].strip():
        imported.problems.append(Problem(path, block.line, (
            f"{where}: a missing-word question (text after the answers) has no pacs-trainer "
            "equivalent; put the answers at the end")))
        return
    comment = " ".join(block.comments)
    ids = _ID.findall(comment)
    tags = read_tags(_TAG.findall(comment))
    answer_part = body[opening + 1:closing]
    general_at = _find(answer_part, "####")
    general = answer_part[general_at + 4:] if general_at >= 0 else ""
    answer_part = answer_part[:general_at] if general_at >= 0 else answer_part
    try:
        qtype, fields = _answers(answer_part, tags)
    except Unmappable as exc:
        imported.problems.append(Problem(path, block.line, f"{where}: {exc}"))
        return
    prompt_text, prompt_is_html = _text(body[:opening])
    prompt, exhibit = read_prompt(prompt_text) if prompt_is_html else (prompt_text, None)
    feedback_text, feedback_is_html = _text(general)
    explanation, references = (read_feedback(feedback_text) if feedback_is_html
                               else (feedback_text, []))
    raw = Raw(
        line=block.line, name=name, type=qtype, fields=fields, prompt=prompt,
        explanation=explanation, references=references, tags=tags, exhibit=exhibit,
        category=category, id=ids[0].strip() if ids else "",
    )
    build(raw, number, path, default_topic, imported)
