"""The progress dashboard's figures, and a learner's whole record as a file to carry elsewhere.

Figures are aggregated in SQL (the store's progress queries), so a dashboard over a hundred
thousand answers never loads them; only cards are read, to ask FSRS how well each is recalled.

Mastery of a topic is what the learner's own graded answers on it say (the same weighed
evidence readiness uses: exams and reviews in full, practice half, older answers less), shown
beside the plain count of the last RECENT_DAYS and FSRS's memory of its cards.

A record file is JSON: {"format": RECORD_FORMAT, "version": RECORD_VERSION, ...}. Importing
validates all of it before writing anything, then merges it in one transaction, skipping what
is already there by natural key (an answer by question, time and mode; an exam by blueprint,
seed and start; a review by question and time), so importing twice adds nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
)

from trainer.core.review import (
    Belief,
    Evidence,
    Readiness,
    Recall,
    backfill,
    evidence,
    local_day,
    readiness,
    rebuild,
    recall,
)
from trainer.core.store import ExamScore, ProgressStore
from trainer.core.topics import TOPICS, topic_title

if TYPE_CHECKING:
    from trainer.core.blueprints import Blueprint
    from trainer.core.questions import Question

RECENT_DAYS = 30
WEAK_BELOW = 0.6  # mastery under this marks a topic weak
RECORD_FORMAT = "pacs-trainer-record"
RECORD_VERSION = 2  # 2: lessons keep the pages read; exam forms carry their questions


@dataclass(frozen=True)
class TopicMastery:
    topic: str
    answers: int  # in the last RECENT_DAYS
    right: int
    cards: int
    memory: float | None  # FSRS's recall of its cards tomorrow; a card last answered wrong is 0
    belief: Belief | None  # from the weighed answers on it; None before any

    @property
    def title(self) -> str:
        return topic_title(self.topic)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answers if self.answers else None

    @property
    def mastery(self) -> float | None:
        return self.belief.mean if self.belief is not None else None

    @property
    def weak(self) -> bool:
        return self.mastery is not None and self.mastery < WEAK_BELOW


@dataclass(frozen=True)
class Dashboard:
    lessons_completed: int  # among the lessons asked about
    studied: timedelta
    studied_this_week: timedelta  # the last seven days
    streak: int  # days in a row with an answer, up to today (or yesterday, if none yet today)
    answers: int
    due_now: int
    exams: list[ExamScore]
    topics: list[TopicMastery]  # weakest first; topics not started last, in curriculum order
    recall: list[Recall]  # FSRS memory of the cards, by kind
    evidence: list[Evidence]  # weighed answers, by kind: for readiness and mastery

    @property
    def cards(self) -> int:
        return sum(kind.cards for kind in self.recall)

    @property
    def weakest(self) -> list[TopicMastery]:
        return [t for t in self.topics if t.weak]


def dashboard(
    store: ProgressStore,
    now: datetime,
    lesson_ids: Collection[str],
    utc_offset: timedelta | None = None,
) -> Dashboard:
    """Every figure of the progress screen, as of `now`; lessons count if among `lesson_ids`
    (the ones that ship today)."""
    kinds = recall(store, now)
    found = evidence(store, now)
    day_start, _ = local_day(now, utc_offset)
    due_now, _, _ = store.card_counts(now, now)
    studied, this_week = store.study_seconds(day_start - timedelta(days=6))
    return Dashboard(
        lessons_completed=sum(
            p.completed and p.lesson_id in lesson_ids for p in store.lesson_progress().values()
        ),
        studied=timedelta(seconds=studied),
        studied_this_week=timedelta(seconds=this_week),
        streak=streak(store, day_start),
        answers=store.answer_count(),
        due_now=due_now,
        exams=store.exam_scores(),
        topics=topic_mastery(
            store.topic_answer_stats(now - timedelta(days=RECENT_DAYS)), kinds, found
        ),
        recall=kinds,
        evidence=found,
    )


@dataclass(frozen=True)
class Snapshot:
    """What the progress screen shows: the figures, and readiness for one exam."""

    figures: Dashboard
    readiness: Readiness | None


def snapshot(
    store: ProgressStore,
    *,
    now: datetime,
    lesson_ids: Collection[str],
    blueprint: Blueprint | None,
    questions: Callable[[], Iterable[Question]],
) -> Snapshot:
    """The progress screen's use case: cards for answers that have none yet (from before
    cards existed, or imported; `questions` is asked only then), then every figure."""
    backfill(store, questions)
    figures = dashboard(store, now, lesson_ids)
    estimate = readiness(blueprint, figures.evidence) if blueprint is not None else None
    return Snapshot(figures, estimate)


def streak(store: ProgressStore, day_start: datetime) -> int:
    """Days in a row with at least one answer, ending today, or yesterday while today is
    still empty (a streak is not lost before the day is over)."""
    day = timedelta(days=1)
    start = day_start if store.answered_between(day_start, day_start + day) else day_start - day
    days = 0
    while store.answered_between(start, start + day):
        days += 1
        start -= day
    return days


def topic_mastery(
    stats: dict[str, tuple[int, int]], kinds: Iterable[Recall], found: Iterable[Evidence]
) -> list[TopicMastery]:
    memory: dict[str, tuple[int, float]] = {}
    for kind in kinds:
        for topic in kind.topics:
            cards, known = memory.get(topic, (0, 0.0))
            memory[topic] = (cards + kind.cards, known + kind.known)
    answered: dict[str, list[Evidence]] = {}
    for item in found:
        for topic in item.topics:
            answered.setdefault(topic, []).append(item)
    order = {topic: index for index, topic in enumerate(TOPICS)}
    mastery = [
        TopicMastery(
            topic,
            *stats.get(topic, (0, 0)),
            memory.get(topic, (0, 0.0))[0],
            memory[topic][1] / memory[topic][0] if memory.get(topic, (0, 0))[0] else None,
            Belief.of(answered[topic]) if topic in answered else None,
        )
        for topic in sorted(
            {*TOPICS, *stats, *memory, *answered}, key=lambda t: (order.get(t, len(order)), t)
        )
    ]
    started = sorted(
        (t for t in mastery if t.mastery is not None), key=lambda t: t.mastery or 0.0
    )
    return started + [t for t in mastery if t.mastery is None]


# --- export and import -------------------------------------------------------------------------


class RecordError(Exception):
    """A record file that cannot be imported; the message says why. Nothing was changed."""


def export_record(store: ProgressStore, path: Path, now: datetime) -> dict[str, int]:
    """Write the learner's whole record to `path` (replaced whole, never half-written);
    returns how many of each kind it holds."""
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
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"cannot read {path}: {exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"{path} is not a pacs-trainer record: it is not valid JSON "
            f"(line {exc.lineno}, column {exc.colno}: {exc.msg}); is it damaged?"
        ) from exc
    if not isinstance(raw, dict) or raw.get("format") != RECORD_FORMAT:
        raise RecordError(
            f"{path} is not a pacs-trainer record (one made by `pacs-trainer progress export`)"
        )
    version = raw.get("version")
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
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        more = exc.error_count() - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise RecordError(f"{path}: {where}: {first['msg']}{extra}") from exc
    problem = record.inconsistency()
    if problem:
        raise RecordError(f"{path}: {problem}")
    return record.model_dump(mode="json", exclude={"format", "version", "exported_at"})


# Times: with a zone (anything else is refused), kept as the store writes them: UTC ISO 8601.
UtcTime = Annotated[
    AwareDatetime,
    AfterValidator(lambda moment: moment.astimezone(UTC)),
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str),
]
Name = Annotated[str, Field(min_length=1, max_length=500)]
Count = Annotated[int, Field(ge=0)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LessonRow(_Row):
    lesson_id: Name
    last_page: Count
    furthest_page: Count
    pages_read: Annotated[int, Field(ge=0, lt=2**63)] | None = None  # bits; absent: version 1
    completed_at: UtcTime | None
    updated_at: UtcTime


class AnswerRow(_Row):
    question_id: Name
    given: Any
    correct: bool
    score: Annotated[float, Field(ge=0, le=1)]
    seconds: Annotated[float, Field(ge=0)]
    mode: Name
    session_id: str | None
    answered_at: UtcTime


class ExamItemRow(_Row):
    position: Count
    response: Any
    flagged: bool
    updated_at: UtcTime


class ExamRow(_Row):
    id: int
    blueprint: Name
    seed: int
    form: dict[str, Any]
    started_at: UtcTime
    deadline: UtcTime
    submitted_at: UtcTime | None
    score: Annotated[float, Field(ge=0, le=100)] | None
    passed: bool | None
    position: Count
    items: list[ExamItemRow]
    warnings: list[Annotated[int, Field(ge=1)]]


class CardRow(_Row):
    question_id: Name
    question_type: Name
    topics: list[Name]


class ReviewRow(_Row):
    question_id: Name
    rating: Annotated[int, Field(ge=1, le=4)]
    reviewed_at: UtcTime
    duration_ms: Count | None


class Record(_Row):
    format: Literal["pacs-trainer-record"]
    version: int
    exported_at: UtcTime
    settings: dict[str, str]
    lessons: list[LessonRow]
    answers: list[AnswerRow]
    exams: list[ExamRow]
    cards: list[CardRow]
    reviews: list[ReviewRow]

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
        for index, exam in enumerate(self.exams):
            repeated = _first_repeat(str(item.position) for item in exam.items)
            if repeated:
                return f"exams.{index}.items: position {repeated} appears twice"
        return None


def _first_repeat(values: Iterable[str]) -> str | None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None
