"""A learner's whole record as a file, to carry to another machine (`progress export/import`).

A record file is JSON: {"format": RECORD_FORMAT, "version": RECORD_VERSION, ...}. Importing
checks all of it before writing anything, as strictly as the app later reads it: every field
its type and range (times with a zone, within years 2000 to 2199; whole numbers that fit;
finite numbers; known modes, types, ratings and warnings), answers and responses plain JSON of
bounded depth, each exam form a form this version resumes and grades (its blueprint, its items,
the question each carries and a response of that question's shape), and what no field says on
its own (one card per question, each review's card in the file, one open exam at most, places
inside the form). A refused file names where it is wrong (`exams.0.form.items.3.seed: ...`)
and nothing is written. A FIFO, a folder or a file over MAX_RECORD_BYTES is refused before it
is read, so an import neither hangs nor takes gigabytes. A UTF-8 BOM is accepted.

Merging happens in one transaction, skipping what is already there by natural key (an answer
by question, time and mode; an exam by blueprint, seed and start; a review by question and
time), so importing twice adds nothing.
"""

from __future__ import annotations

import math
import os
import stat
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from trainer.core.blueprints import Blueprint, QuestionType
from trainer.core.questions import KINDS, Question, in_bank
from trainer.core.review import MAX_NEW_PER_DAY, NEW_PER_DAY_SETTING, rebuild
from trainer.core.store import ProgressStore

RECORD_FORMAT = "pacs-trainer-record"
RECORD_VERSION = 2  # 2: lessons keep the pages read; exam forms carry their questions
MAX_RECORD_BYTES = 64 * 1024 * 1024  # years of daily use fit in a few; more is not a record
MAX_DEPTH = 8  # an answer or a response nested deeper is no answer the app gives
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)
WARNINGS = (10, 5, 1)  # the exam's "minutes left" warnings (trainer.core.exam)
MODES = ("practice", "review", "exam")
_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)


class RecordError(Exception):
    """A record file that cannot be imported; the message says why. Nothing was changed."""


def export_record(store: ProgressStore, path: Path, now: datetime) -> dict[str, int]:
    """Write the learner's whole record to `path` (replaced whole, never half-written);
    returns how many of each kind it holds."""
    import json

    data = store.export_data()
    record = {"format": RECORD_FORMAT, "version": RECORD_VERSION,
              "exported_at": now.isoformat(), **data}
    text = json.dumps(record, ensure_ascii=False, indent=1)
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return {key: len(value) for key, value in data.items()}


def import_record(store: ProgressStore, path: Path) -> dict[str, int]:
    """Check the file whole, then merge it; returns how many new rows of each kind it added.
    Raises RecordError (and changes nothing) for a file that is damaged, foreign or newer."""
    return merge_record(store, read_record(path))


def merge_record(store: ProgressStore, data: dict[str, Any]) -> dict[str, int]:
    """Merge what `read_record` returned, in one transaction."""
    return store.import_data(data, rebuild)


def read_record(path: Path) -> dict[str, Any]:
    """The validated content of a record file, times normalised to UTC as the store keeps them."""
    text = _read_text(Path(path))
    try:
        head = _Head.model_validate_json(text)
    except ValidationError as exc:
        raise RecordError(
            f"{path} is not a pacs-trainer record: it is not valid JSON ({_json_problem(exc)}); "
            "is it damaged?"
        ) from None
    if head.format != RECORD_FORMAT:
        raise RecordError(
            f"{path} is not a pacs-trainer record (one made by `pacs-trainer progress export`)"
        )
    version = head.version
    if type(version) is not int:
        raise RecordError(f"{path}: the record has no version number")
    if version > RECORD_VERSION:
        raise RecordError(
            f"{path} was written by a newer pacs-trainer (record version {version}; this one "
            f"reads up to {RECORD_VERSION}). Upgrade pacs-trainer to import it."
        )
    try:
        record = Record.model_validate_json(text)
    except ValidationError as exc:
        more = exc.error_count() - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise RecordError(f"{path}: {_first(exc)}{extra}") from None
    problem = record.inconsistency()
    if problem:
        raise RecordError(f"{path}: {problem}")
    # exclude_unset: a form goes in as it came (no defaults added to its items)
    return record.model_dump(mode="json", exclude={"format", "version", "exported_at"},
                             exclude_unset=True)


def _read_text(path: Path) -> str:
    """The file's text, refusing what is not a regular file of a sane size before reading (a
    FIFO would block for ever, a huge file take gigabytes); a UTF-8 BOM is allowed."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        raise RecordError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise RecordError(f"cannot read {path}: it is not a file (a folder, a pipe or a "
                              "device), so it is no record made by `progress export`")
        if info.st_size > MAX_RECORD_BYTES:
            raise RecordError(
                f"{path} is {info.st_size / 2**20:.0f} MiB: a pacs-trainer record is at most "
                f"{MAX_RECORD_BYTES // 2**20} MiB, so this is not one (or not only one)"
            )
        with os.fdopen(os.dup(handle), "rb") as file:
            data = file.read(MAX_RECORD_BYTES + 1)
    finally:
        os.close(handle)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"cannot read {path}: it is not UTF-8 text ({exc.reason} at byte "
                          f"{exc.start})") from None


def _first(exc: ValidationError) -> str:
    """The first problem, located: "exams.0.seed: Input should be a valid integer"."""
    first = exc.errors()[0]
    # A key from the file is shown as it is, or escaped (repr) if it holds control characters.
    where = ".".join(p if str(p).isprintable() else repr(p) for p in map(str, first["loc"]))
    message = first["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _json_problem(exc: ValidationError) -> str:
    """ "line 3, column 7: EOF while parsing" from pydantic's invalid-JSON message."""
    message = exc.errors()[0]["msg"].removeprefix("Invalid JSON: ")
    text, _, place = message.rpartition(" at line ")
    if not text:
        return message
    line, _, column = place.partition(" column ")
    return f"line {line}, column {column}: {text}"


# --- what each field may hold ----------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None
    if not EARLIEST <= moment < LATEST:
        raise ValueError("the time must be within the years 2000 to 2199")
    return moment


def _plain_json(value: Any, depth: int = 0) -> Any:
    """Plain JSON as the app writes answers: not nested deeper than MAX_DEPTH, finite numbers
    that fit 64 bits, strings and lists of a sane size."""
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise ValueError("a whole number too large")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a number that is not finite")
    elif isinstance(value, str):
        if len(value) > 10_000:
            raise ValueError("a text longer than 10,000 characters")
    elif isinstance(value, list):
        if len(value) > 1000:
            raise ValueError("a list of more than 1000 entries")
        for item in value:
            _plain_json(item, depth + 1)
    elif isinstance(value, dict):
        if len(value) > 1000:
            raise ValueError("an object of more than 1000 entries")
        for item in value.values():
            _plain_json(item, depth + 1)
    return value


# Times: with a zone (anything else is refused), kept as the store writes them: UTC ISO 8601.
UtcTime = Annotated[
    AwareDatetime,
    AfterValidator(_utc),
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str),
]
Name = Annotated[str, Field(min_length=1, max_length=500)]
Count = Annotated[int, Field(ge=0, le=2**31)]
Whole = Annotated[int, Field(ge=-(2**63), lt=2**63)]  # what SQLite's INTEGER holds
PlainJson = Annotated[Any, AfterValidator(_plain_json)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class _Head(BaseModel):
    """Just enough to tell a record from another file, and its version."""

    model_config = ConfigDict(extra="ignore")
    format: Any = None
    version: Any = None


class LessonRow(_Row):
    lesson_id: Name
    last_page: Annotated[int, Field(ge=0, le=10_000)]
    furthest_page: Annotated[int, Field(ge=0, le=10_000)]
    pages_read: Annotated[int, Field(ge=0, lt=2**63)] | None = None  # bits; absent: version 1
    completed_at: UtcTime | None
    updated_at: UtcTime


class AnswerRow(_Row):
    question_id: Name
    given: PlainJson
    correct: bool
    score: Annotated[float, Field(ge=0, le=1)]
    seconds: Annotated[float, Field(ge=0, le=1e9)]
    mode: Literal["practice", "review", "exam"]
    session_id: Annotated[str, Field(max_length=200)] | None
    answered_at: UtcTime


class ExamItemRow(_Row):
    position: Count
    response: PlainJson
    flagged: bool
    updated_at: UtcTime


class FormItem(_Row):
    """One question of an exam form as `ExamForm.to_data` writes it (version 1: id, seed and
    pilot; version 2 adds the bank and the question's full content)."""

    id: Name
    seed: Whole
    pilot: bool = False
    bank: Annotated[str, Field(max_length=500)] | None = None
    question: dict[str, Any] | None = None

    @field_validator("question")
    @classmethod
    def _a_question(cls, kept: dict[str, Any] | None) -> dict[str, Any] | None:
        if kept is not None:
            _plain_json(kept)
            try:
                _QUESTION.validate_python(kept)
            except ValidationError as exc:
                raise ValueError(f"not a question this version reads ({_first(exc)})") from None
        return kept


class Form(_Row):
    """An exam form as `ExamSession.start` stores it: the blueprint as it stood and the items."""

    version: Literal[1, 2]
    blueprint: dict[str, Any]
    items: Annotated[list[FormItem], Field(min_length=1, max_length=1000)]

    @field_validator("blueprint")
    @classmethod
    def _a_blueprint(cls, snapshot: dict[str, Any]) -> dict[str, Any]:
        try:
            Blueprint.model_validate(snapshot)
        except ValidationError as exc:
            raise ValueError(f"not a blueprint this version reads ({_first(exc)})") from None
        return snapshot

    def question(self, position: int) -> Question | None:
        item = self.items[position]
        if item.question is None:
            return None
        return in_bank(_QUESTION.validate_python(item.question), item.bank or "")


class ExamRow(_Row):
    id: Count
    blueprint: Name
    seed: Whole
    form: Form
    started_at: UtcTime
    deadline: UtcTime
    submitted_at: UtcTime | None
    score: Annotated[float, Field(ge=0, le=100)] | None
    passed: bool | None
    position: Count
    items: Annotated[list[ExamItemRow], Field(max_length=1000)]
    warnings: list[Literal[10, 5, 1]]

    def inconsistency(self) -> str | None:
        """What the fields of one exam cannot say on their own."""
        form = self.form
        if form.version == 2 and any(item.question is None for item in form.items):
            return "form.items: a version 2 form keeps every question"
        if not timedelta(0) < self.deadline - self.started_at <= timedelta(minutes=600):
            return "deadline: must come after started_at, within 600 minutes"
        if self.submitted_at is not None and self.submitted_at < self.started_at:
            return "submitted_at: comes before started_at"
        if (self.score is None) != (self.passed is None) or (
            self.score is not None and self.submitted_at is None
        ):
            return "score, passed and submitted_at: a graded exam has all three, others none"
        count = len(form.items)
        if self.position >= count:
            return f"position: {self.position} is past the form's {count} questions"
        repeated = _first_repeat(str(item.position) for item in self.items)
        if repeated:
            return f"items: position {repeated} appears twice"
        for index, item in enumerate(self.items):
            if item.position >= count:
                return f"items.{index}.position: past the form's {count} questions"
            question = form.question(item.position)
            problem = response_problem(question, item.response) if question else None
            if problem:
                return f"items.{index}.response: {problem}"
        if len(set(self.warnings)) != len(self.warnings):
            return "warnings: a warning appears twice"
        return None


class CardRow(_Row):
    question_id: Name
    question_type: QuestionType
    topics: Annotated[list[Name], Field(max_length=100)]


class ReviewRow(_Row):
    question_id: Name
    rating: Annotated[int, Field(ge=1, le=4)]
    reviewed_at: UtcTime
    duration_ms: Count | None


class Record(_Row):
    format: Literal["pacs-trainer-record"]
    version: int
    exported_at: UtcTime
    settings: dict[Annotated[str, Field(min_length=1, max_length=200)],
                   Annotated[str, Field(max_length=1000)]]
    lessons: list[LessonRow]
    answers: list[AnswerRow]
    exams: list[ExamRow]
    cards: list[CardRow]
    reviews: list[ReviewRow]

    @field_validator("settings")
    @classmethod
    def _known_settings(cls, settings: dict[str, str]) -> dict[str, str]:
        per_day = settings.get(NEW_PER_DAY_SETTING)
        if per_day is not None and not (
            per_day.isascii() and per_day.isdigit() and int(per_day) <= MAX_NEW_PER_DAY
        ):
            raise ValueError(f"{NEW_PER_DAY_SETTING} must be a whole number from 0 to "
                             f"{MAX_NEW_PER_DAY}")
        return settings

    def inconsistency(self) -> str | None:
        """What the fields cannot say on their own: references and keys that must be unique."""
        cards = [card.question_id for card in self.cards]
        repeated = _first_repeat(cards)
        if repeated:
            return f"cards: {repeated} appears twice"
        known = set(cards)
        for index, review in enumerate(self.reviews):
            if review.question_id not in known:
                return f"reviews.{index}: no card for {review.question_id} in the file"
        repeated = _first_repeat(str(exam.id) for exam in self.exams)
        if repeated:
            return f"exams: id {repeated} appears twice"
        if sum(exam.submitted_at is None for exam in self.exams) > 1:
            return "exams: more than one exam is open (not submitted)"
        for index, exam in enumerate(self.exams):
            problem = exam.inconsistency()
            if problem:
                return f"exams.{index}.{problem}"
        return None


def response_problem(question: Question, response: object) -> str | None:
    """Why `response` is no answer the app stores for this question (None: it is one)."""
    if response is None:
        return None
    kind = question.type
    shapes: dict[str, tuple[type, ...]] = {
        "single_choice": (str,), "short_answer": (str,), "true_false": (bool,),
        "multiple_select": (list,), "ordering": (list,), "matching": (dict,),
    }
    if kind == "numeric":
        fine = isinstance(response, (int, float)) and not isinstance(response, bool)
    else:
        fine = isinstance(response, shapes[kind])
        if isinstance(response, list):
            fine = all(isinstance(entry, str) for entry in response)
        elif isinstance(response, dict):
            fine = all(isinstance(entry, str) for entry in response.values())
    return None if fine else f"not an answer to a {KINDS[kind].name} question"


def _first_repeat(values: Iterable[str]) -> str | None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None
