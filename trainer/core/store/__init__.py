"""The learner's progress in SQLite: lessons, answers, exam attempts, review cards, settings.

`Store` is one connection to the progress file; each module here keeps one kind of record
(`base` opens the file and migrates it; `schema` holds the migrations).
"""

from __future__ import annotations

from trainer.core.store.answers import AnswerStore
from trainer.core.store.exams import ExamStore
from trainer.core.store.figures import FigureStore
from trainer.core.store.lessons import LessonStore
from trainer.core.store.records import (
    Answer,
    CardInfo,
    CardState,
    ExamAttempt,
    ExamItemState,
    ExamScore,
    GradedAnswer,
    LessonProgress,
    Rebuild,
    ReviewEntry,
    StoredCard,
    StoreError,
)
from trainer.core.store.schema import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    STORE_FILE,
)
from trainer.core.store.transfer import RecordStore


class Store(LessonStore, AnswerStore, ExamStore, FigureStore, RecordStore):
    """The whole progress store: every kind of record, on one connection."""


__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STORE_FILE",
    "Answer",
    "CardInfo",
    "CardState",
    "ExamAttempt",
    "ExamItemState",
    "ExamScore",
    "GradedAnswer",
    "LessonProgress",
    "Rebuild",
    "ReviewEntry",
    "Store",
    "StoreError",
    "StoredCard",
]
