"""A learner's progress: lessons, answers, exam attempts, review cards, settings.

`ProgressStore` (interface.py) is what the rest of the app may ask of a store; `Store` is the
implementation, one connection bound to one learner. Each module keeps one kind of record in
the SQL every backend speaks (`base` opens and migrates; `schema` holds the migrations); what
only one engine says lives in its backend module (`sqlite.py`, the embedded default).
"""

from __future__ import annotations

from pathlib import Path

from trainer.core.store.answers import AnswerStore
from trainer.core.store.base import Database
from trainer.core.store.exams import ExamStore
from trainer.core.store.figures import FigureStore
from trainer.core.store.interface import ProgressStore
from trainer.core.store.lessons import LessonStore
from trainer.core.store.records import (
    Answer,
    AttemptClosed,
    CardInfo,
    CardState,
    ExamAttempt,
    ExamHeld,
    ExamItemState,
    ExamScore,
    GradedAnswer,
    LeaseLost,
    LessonProgress,
    NotYours,
    Rebuild,
    ReviewEntry,
    StoreDamaged,
    StoredCard,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
    StoreUnavailable,
)
from trainer.core.store.schema import (
    DEFAULT_LEARNER,
    MIGRATIONS,
    SCHEMA_VERSION,
    STORE_FILE,
)
from trainer.core.store.sqlite import APPLICATION_ID, SqliteDatabase
from trainer.core.store.transfer import RecordStore


class Store(LessonStore, AnswerStore, ExamStore, FigureStore, RecordStore):
    """The whole progress store: every kind of record, on one connection, for one learner."""


def is_server_url(target: str | Path) -> bool:
    """Whether --store names a classroom server (postgresql://...) rather than a file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def open_database(target: str | Path) -> Database:
    """The backend for a progress file's path or a classroom server's postgresql:// URL
    (psycopg is imported only for a URL, so the embedded path starts as fast as before)."""
    if isinstance(target, str) and is_server_url(target):
        from trainer.core.store.postgres import PostgresDatabase

        return PostgresDatabase(target)
    return SqliteDatabase(Path(target))


__all__ = [
    "APPLICATION_ID",
    "DEFAULT_LEARNER",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STORE_FILE",
    "Answer",
    "Database",
    "AttemptClosed",
    "CardInfo",
    "CardState",
    "ExamAttempt",
    "ExamHeld",
    "ExamItemState",
    "ExamScore",
    "GradedAnswer",
    "LeaseLost",
    "LessonProgress",
    "NotYours",
    "ProgressStore",
    "Rebuild",
    "ReviewEntry",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
    "StoreLocked",
    "StoreReadOnly",
    "StoreUnavailable",
    "StoredCard",
    "is_server_url",
    "open_database",
]
