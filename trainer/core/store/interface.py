"""What the app may ask of a progress store, whatever keeps it (SQLite here, a server for a
classroom): the one contract the core, the screens and the commands are written against.

A store is bound to one learner when it opens; no method takes a learner, so none can reach
another learner's rows. Every write commits before it returns, or raises a `StoreError`
subclass (locked, read-only, full, damaged, unavailable) and writes nothing. Times are aware
datetimes; responses and forms are plain JSON data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, Self

from trainer.core.clock import Clock
from trainer.core.store.records import (
    Answer,
    CardInfo,
    CardState,
    EvidenceRow,
    ExamAttempt,
    ExamItemState,
    ExamScore,
    GradedAnswer,
    LessonProgress,
    Rebuild,
    RecallRow,
    ReviewEntry,
    StoredCard,
)


class ProgressStore(Protocol):
    clock: Clock
    learner: str  # the learner's name; "default" for the one learner of an embedded store

    @property
    def location(self) -> str:
        """Where it is kept, for messages: a file, or a server (never with a password)."""

    @property
    def read_only(self) -> bool: ...

    def reopen(self) -> Self:
        """Another connection to the same store for the same learner, for another thread."""

    def close(self) -> None: ...

    # settings (the learner's own: theme, new questions a day ...)
    def get_setting(self, key: str, default: str | None = None) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...

    # lessons
    def set_lesson_page(self, lesson_id: str, page: int) -> None: ...
    def mark_lesson_complete(self, lesson_id: str, complete: bool = True) -> None: ...
    def lesson_progress(self) -> dict[str, LessonProgress]: ...
    def last_lesson(self) -> LessonProgress | None: ...

    # answers
    def record_answer(
        self,
        question_id: str,
        given: Any,
        *,
        correct: bool,
        score: float,
        seconds: float,
        mode: str,
        session_id: str | None = None,
    ) -> datetime: ...
    def answers(self, question_id: str | None = None) -> list[Answer]: ...
    def answer_count(self) -> int: ...
    def mistakes(self) -> list[str]: ...

    # exams: one writer per open attempt, the holder of its lease (see exams.py)
    def start_attempt(
        self,
        blueprint: str,
        seed: int,
        form: Any,
        *,
        started_at: datetime,
        deadline: datetime,
        holder: str,
        lease_until: datetime,
    ) -> int: ...
    def take_lease(self, attempt_id: int, holder: str, until: datetime) -> None:
        """Raises ExamHeld while another holder's lease runs; AttemptClosed once graded."""
    def renew_lease(self, attempt_id: int, holder: str, until: datetime) -> None:
        """Raises LeaseLost once another window holds it; AttemptClosed once graded."""
    def release_lease(self, attempt_id: int, holder: str) -> None: ...
    def attempt(self, attempt_id: int) -> ExamAttempt | None: ...
    def unfinished_attempt(self) -> ExamAttempt | None: ...
    def attempts(self) -> list[ExamAttempt]: ...
    def last_graded_attempts(self, count: int) -> list[ExamAttempt]: ...
    # Each write below raises AttemptClosed (graded, closed or time up) or LeaseLost (not
    # the holder), checked in the write's own transaction.
    def set_exam_response(
        self, attempt_id: int, position: int, response: Any, *, holder: str
    ) -> None: ...
    def set_exam_flag(
        self, attempt_id: int, position: int, flagged: bool, *, holder: str
    ) -> None: ...
    def set_exam_position(self, attempt_id: int, position: int, *, holder: str) -> None: ...
    def exam_items(self, attempt_id: int) -> dict[int, ExamItemState]: ...
    def announce_warnings(self, attempt_id: int, minutes: list[int], *, holder: str) -> None: ...
    def announced_warnings(self, attempt_id: int) -> set[int]: ...
    def submit_attempt(
        self,
        attempt_id: int,
        *,
        submitted_at: datetime,
        score: float,
        passed: bool,
        answers: list[GradedAnswer],
        holder: str,
    ) -> bool:
        """False if it was closed already; before the deadline only the holder may submit."""
    def abandon_attempt(self, attempt_id: int) -> None: ...

    # review cards
    def card(self, question_id: str) -> StoredCard | None: ...
    def cards(self) -> list[StoredCard]: ...
    def reviews(self, question_id: str) -> list[ReviewEntry]: ...
    def card_recall(self, at: datetime) -> list[RecallRow]: ...
    def answer_evidence(self) -> list[EvidenceRow]: ...
    def add_reviews(
        self, infos: Iterable[CardInfo], reviews: Sequence[ReviewEntry], rebuild: Rebuild
    ) -> dict[str, CardState]: ...
    def rerate(
        self, question_id: str, reviewed_at: datetime, rating: int, rebuild: Rebuild
    ) -> CardState: ...
    def due_question_ids(self, until: datetime) -> list[str]: ...
    def card_counts(self, now: datetime, day_end: datetime) -> tuple[int, int, int]: ...
    def cards_created_since(self, since: datetime) -> int: ...
    def known_question_ids(self) -> set[str]: ...
    def answered_without_card(self) -> tuple[list[str], int]: ...
    def mark_backfilled(self, through: int) -> None: ...

    # dashboard figures
    def topic_answer_stats(self, since: datetime) -> dict[str, tuple[int, int]]: ...
    def study_seconds(self, recent: datetime) -> tuple[float, float]: ...
    def answers_between(self, start: datetime, end: datetime) -> int: ...
    def exam_scores(self) -> list[ExamScore]: ...

    # the whole record, to carry elsewhere
    def export_data(self) -> dict[str, Any]: ...
    def import_data(self, data: dict[str, Any], rebuild: Rebuild) -> dict[str, int]: ...
