"""What the store hands out: plain frozen records, times as aware datetimes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class StoreError(Exception):
    """The progress store cannot be used; the message says why and what to do.

    Each kind of fault has its own subclass, so callers (and learners) can tell a store that
    another copy holds for a moment from one that is read-only, full or really damaged; only
    a damaged one is worth moving aside."""


class StoreLocked(StoreError):
    """Another copy of the app held the store for longer than the busy timeout."""


class StoreReadOnly(StoreError):
    """The file, its folder or the file system cannot be written; reading still works."""


class StoreFull(StoreError):
    """The disk (or quota) is full: the last write did not happen, earlier ones are safe."""


class StoreDamaged(StoreError):
    """The file is not ours, is damaged, or was written by a newer version: left untouched."""


class StoreUnavailable(StoreError):
    """A database server cannot be reached (a classroom store); writes wait and retry."""


class AttemptClosed(Exception):
    """An answer, flag or submit for an exam that is graded or closed already (perhaps by
    another window), or whose time is up: refused, and nothing written."""


class LeaseLost(AttemptClosed):
    """A write from a window that no longer holds the exam (another window took it over after
    this one's lease ran out, or this one let it go): refused, and nothing written."""


class ExamHeld(Exception):
    """The exam is held by another window whose lease has not run out: not taken."""

    def __init__(self, message: str, *, holder: str, until: datetime) -> None:
        super().__init__(message)
        self.holder = holder
        self.until = until


class NotYours(LookupError):
    """A record of another learner, or none at all: a learner reaches only their own."""


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    last_page: int
    furthest_page: int
    completed: bool
    updated_at: datetime
    pages_read: frozenset[int] = frozenset()  # the pages opened, counted from 0


@dataclass(frozen=True)
class Answer:
    question_id: str
    given: Any
    correct: bool
    score: float
    seconds: float
    mode: str
    session_id: str | None
    answered_at: datetime


@dataclass(frozen=True)
class ExamAttempt:
    """One exam attempt: `form` is the JSON the exam module wrote; score is a percentage;
    `title` is the blueprint's title when it started."""

    id: int
    blueprint: str
    seed: int
    form: Any
    started_at: datetime
    deadline: datetime
    submitted_at: datetime | None
    score: float | None
    passed: bool | None
    position: int
    title: str
    lease_holder: str | None = None  # the window that may write to it, until `lease_until`
    lease_until: datetime | None = None

    def held(self, now: datetime) -> bool:
        """Whether a window holds it now (its lease runs): only that window may write."""
        until = self.lease_until
        return self.lease_holder is not None and until is not None and now < until

    @property
    def status(self) -> str:
        """"in progress", "submitted", or "abandoned" (closed without a score)."""
        if self.submitted_at is None:
            return "in progress"
        return "abandoned" if self.score is None else "submitted"


@dataclass(frozen=True)
class ExamItemState:
    response: Any  # None: not answered
    flagged: bool


@dataclass(frozen=True)
class GradedAnswer:
    """An exam answer as it goes into `answers` when the exam is submitted."""

    question_id: str
    given: Any
    correct: bool
    score: float


@dataclass(frozen=True)
class CardInfo:
    """What a card is about: the question it rebuilds, the type and the topics of that question."""

    question_id: str
    question_type: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class CardState:
    """A card's FSRS fields, as `fsrs.Card.to_dict()` names them; the store keeps, not reads,
    them."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


@dataclass(frozen=True)
class StoredCard:
    info: CardInfo
    state: CardState
    created_at: datetime  # its first review


@dataclass(frozen=True)
class ReviewEntry:
    """One review log: the rating a card got at an instant (one review per card per instant)."""

    question_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None = None


@dataclass(frozen=True)
class ExamScore:
    submitted_at: datetime
    blueprint: str
    title: str
    score: float
    passed: bool


# A card's state from its reviews as (rating, reviewed_at), oldest first: the FSRS replay.
Rebuild = Callable[[Sequence[tuple[int, datetime]]], CardState]


# A card's recall, as plain data: type, bank, topics, stability, days since its last review,
# whether that review was right.
RecallRow = tuple[str, str, str, float | None, int | None, bool | None]
# Answers summed by kind and mode, scaled as schema 5's answer_evidence keeps them: type,
# bank, topics, mode, their weight, their score.
EvidenceRow = tuple[str, str, str, str, float, float]


def page_bits(pages: Iterable[int]) -> int:
    """Pages as the store keeps them: one bit each (a lesson has fewer than 63 pages)."""
    bits = 0
    for page in pages:
        if 0 <= page < 63:
            bits |= 1 << page
    return bits


def pages_of(bits: int) -> frozenset[int]:
    return frozenset(page for page in range(63) if bits >> page & 1)
