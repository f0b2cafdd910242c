"""What the Moodle XML and GIFT readers share: located problems, and a question read from
another tool turned into a bank question (defaults for what that tool has no field for).

A question that cannot become a bank question is left out with a `Problem` that says where
(file:line) and why; the others still import. Missing topics, difficulty, explanation or
references are filled in (from the category, --topic, 2, a note, the source file) and each
filled-in kind is reported once as a note, so the instructor knows what to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from trainer.core.interchange.tags import ReadTags
from trainer.core.questions import ID_PATTERN, Question
from trainer.core.topics import TOPICS

DEFAULT_DIFFICULTY = 2
MAX_BYTES = 20_000_000
_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{place}: {self.message}"


class Unmappable(Exception):
    """This question has no bank equivalent; the message says why."""


@dataclass
class Raw:
    """A question as another tool wrote it, before defaults and validation."""

    line: int | None
    name: str
    type: str
    fields: dict[str, Any]  # the type's own fields, as a bank writes them
    prompt: str
    explanation: str
    references: list[str]
    tags: ReadTags
    exhibit: dict[str, Any] | None = None
    category: str = ""  # the category path, whose last part may name a topic
    id: str = ""  # the id it had, if it had one


@dataclass
class Imported:
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _filled: dict[str, int] = field(default_factory=dict)

    def filled(self, what: str) -> None:
        self._filled[what] = self._filled.get(what, 0) + 1

    def summarise(self) -> None:
        """One note per kind of filled-in field."""
        for what, count in self._filled.items():
            self.notes.append(f"{count} question{'s' if count > 1 else ''}: {what}")


def read_source(path: Path, imported: Imported) -> bytes | None:
    """The file's bytes, or None after noting why it cannot be read."""
    try:
        if path.stat().st_size > MAX_BYTES:
            problem = f"larger than {MAX_BYTES // 1_000_000} MB"
        else:
            return path.read_bytes()
    except OSError as exc:
        problem = f"cannot read the file: {exc.strerror or exc}"
    imported.problems.append(Problem(path, None, problem))
    return None


def slug(text: str) -> str:
    """An id from a name: lowercase letters, digits and hyphens, at most 60 characters."""
    words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return words[:60].rstrip("-")


def question_id(raw: Raw, number: int) -> str:
    for candidate in (raw.id.rpartition("/")[2], slug(raw.name)):
        if candidate and re.fullmatch(ID_PATTERN, candidate) and len(candidate) <= 64:
            return candidate
    return f"question-{number}"


def build(raw: Raw, number: int, source: Path, default_topic: str | None,
          imported: Imported) -> None:
    """Add the bank question for `raw` to `imported`, or the problem that keeps it out."""
    where = f"question {raw.name!r}" if raw.name else "question"
    topics = raw.tags.topics or _category_topics(raw.category)
    if not topics and default_topic is not None:
        topics = [default_topic]
        imported.filled(f"no topic tag or topic category: given --topic {default_topic}")
    if not topics:
        imported.problems.append(Problem(source, raw.line, (
            f"{where}: no topic; tag it with a pacs-trainer topic, put it in a category named "
            "after one, or pass --topic T to give every such question topic T"
        )))
        return
    difficulty = raw.tags.difficulty
    if difficulty is None:
        difficulty = DEFAULT_DIFFICULTY
        imported.filled(f"no difficulty:N tag: given difficulty {DEFAULT_DIFFICULTY}")
    explanation = raw.explanation
    if not explanation:
        explanation = f"No explanation came with this question from {source.name}."
        imported.filled("no general feedback: the explanation says so; write one")
    references = raw.references
    if not references:
        references = [f"{source.name}: {raw.name or 'an imported question'}"]
        imported.filled("no reference to the standard: cites the imported file; add the PS3 part")
    data: dict[str, Any] = {
        "id": question_id(raw, number),
        "type": raw.type,
        "prompt": raw.prompt,
        "topics": topics,
        "difficulty": difficulty,
        "explanation": explanation,
        "references": references,
        **raw.fields,
    }
    if raw.exhibit is not None:
        data["exhibit"] = raw.exhibit
    if raw.tags.lesson is not None:
        data["lesson"] = raw.tags.lesson
    try:
        imported.questions.append(_QUESTION.validate_python(data))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        place = ".".join(str(part) for part in first["loc"][1:]) or "question"
        message = str(first["msg"]).removeprefix("Value error, ")
        imported.problems.append(Problem(source, raw.line, f"{where}: {place}: {message}"))


def _category_topics(category: str) -> list[str]:
    last = category.rstrip("/").rpartition("/")[2].strip()
    return [last] if last in TOPICS else []
