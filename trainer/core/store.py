"""The learner's progress in SQLite: lessons, answers, exam attempts, settings.

Every write commits at once (a candidate must never lose an answer), the database runs in WAL
mode with a busy timeout so two running copies of the app can share it, and the schema moves
forward through numbered migrations. A file that is not ours, is damaged, or was written by a
newer version is never touched: opening it raises StoreError with a way forward.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from trainer.core.clock import Clock, SystemClock

STORE_FILE = "progress.sqlite3"
APPLICATION_ID = 0x50414353  # "PACS": marks the file as ours
SQLITE_HEADER = b"SQLite format 3\x00"

# Each entry moves the schema from version i to i + 1. Never edit a shipped entry: append.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE lesson_progress (
        lesson_id TEXT PRIMARY KEY,
        last_page INTEGER NOT NULL DEFAULT 0,
        furthest_page INTEGER NOT NULL DEFAULT 0,
        completed_at TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        given TEXT NOT NULL,
        correct INTEGER NOT NULL,
        score REAL NOT NULL,
        seconds REAL NOT NULL,
        mode TEXT NOT NULL,
        session_id TEXT,
        answered_at TEXT NOT NULL
    );
    CREATE INDEX answers_question ON answers(question_id);
    CREATE INDEX answers_time ON answers(answered_at);
    CREATE TABLE exam_attempts (
        id INTEGER PRIMARY KEY,
        blueprint TEXT NOT NULL,
        seed INTEGER NOT NULL,
        form TEXT NOT NULL,
        started_at TEXT NOT NULL,
        deadline TEXT NOT NULL,
        submitted_at TEXT,
        score REAL,
        passed INTEGER
    );
    """,
    # 2: exam answers and flags as given, warnings already announced, where the learner is.
    """
    CREATE TABLE exam_items (
        attempt_id INTEGER NOT NULL REFERENCES exam_attempts(id),
        position INTEGER NOT NULL,
        response TEXT,
        flagged INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, position)
    );
    CREATE TABLE exam_warnings (
        attempt_id INTEGER NOT NULL REFERENCES exam_attempts(id),
        minutes INTEGER NOT NULL,
        PRIMARY KEY (attempt_id, minutes)
    );
    ALTER TABLE exam_attempts ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX exam_attempts_open ON exam_attempts(submitted_at);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The progress file cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    last_page: int
    furthest_page: int
    completed: bool
    updated_at: datetime


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
    """One exam attempt: `form` is the JSON the exam module wrote; score is a percentage."""

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


_ATTEMPT_COLUMNS = (
    "id, blueprint, seed, form, started_at, deadline, submitted_at, score, passed, position"
)


def _attempt(row: tuple) -> ExamAttempt:
    return ExamAttempt(
        id=row[0],
        blueprint=row[1],
        seed=row[2],
        form=json.loads(row[3]),
        started_at=datetime.fromisoformat(row[4]),
        deadline=datetime.fromisoformat(row[5]),
        submitted_at=datetime.fromisoformat(row[6]) if row[6] else None,
        score=row[7],
        passed=None if row[8] is None else bool(row[8]),
        position=row[9],
    )


def _way_forward(path: Path) -> str:
    return (
        f"It was left untouched. Move it aside to start afresh, or run with "
        f"--data-dir DIR (or PACS_TRAINER_HOME) to keep progress elsewhere. File: {path}"
    )


class Store:
    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        """Open (or create) the store at path; raises StoreError instead of touching a bad file."""
        self.path = path
        self.clock = clock or SystemClock()
        self._check_header()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the progress store: {exc}. {_way_forward(path)}") from exc
        try:
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._migrate()
            self._db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still survives a killed process; only power loss can cost the
            # last commit, and it saves an fsync per answer and per page turn.
            self._db.execute("PRAGMA synchronous = NORMAL")
        except StoreError:
            self._db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(
                f"the progress store is damaged ({exc}). {_way_forward(path)}"
            ) from exc

    @classmethod
    def in_dir(cls, folder: Path, clock: Clock | None = None) -> Store:
        return cls(folder / STORE_FILE, clock)

    def close(self) -> None:
        self._db.close()

    # -- opening -------------------------------------------------------------------------

    def _check_header(self) -> None:
        """Refuse a non-empty file that is not SQLite before sqlite3 gets a chance to write."""
        if not self.path.exists():
            return
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a progress file. {_way_forward(self.path)}")
        with self.path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
        if head and head != SQLITE_HEADER:
            raise StoreError(
                f"{self.path.name} is not a pacs-trainer progress database "
                f"(not an SQLite file). {_way_forward(self.path)}"
            )

    def _migrate(self) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")  # one copy migrates, a second waits, then finds it done
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id != APPLICATION_ID and (tables or version):
                raise StoreError(
                    f"{self.path.name} is an SQLite database of another program, not a "
                    f"pacs-trainer progress store. {_way_forward(self.path)}"
                )
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path.name} was written by a newer pacs-trainer (schema {version}, "
                    f"this version knows up to {SCHEMA_VERSION}). Upgrade pacs-trainer. "
                    f"{_way_forward(self.path)}"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short transaction, committed before returning: nothing is held in memory."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _now(self) -> str:
        return self.clock.now().isoformat()

    # -- settings ------------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- lessons -------------------------------------------------------------------------

    def set_lesson_page(self, lesson_id: str, page: int) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO lesson_progress(lesson_id, last_page, furthest_page, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(lesson_id) DO UPDATE SET "
                "last_page = excluded.last_page, "
                "furthest_page = max(furthest_page, excluded.last_page), "
                "updated_at = excluded.updated_at",
                (lesson_id, page, page, self._now()),
            )

    def mark_lesson_complete(self, lesson_id: str, complete: bool = True) -> None:
        now = self._now()
        with self._write() as db:
            db.execute(
                "INSERT INTO lesson_progress(lesson_id, last_page, completed_at, updated_at) "
                "VALUES (?, 0, ?, ?) ON CONFLICT(lesson_id) DO UPDATE SET "
                "completed_at = excluded.completed_at, updated_at = excluded.updated_at",
                (lesson_id, now if complete else None, now),
            )

    def lesson_progress(self) -> dict[str, LessonProgress]:
        rows = self._db.execute(
            "SELECT lesson_id, last_page, furthest_page, completed_at, updated_at "
            "FROM lesson_progress"
        )
        return {
            r[0]: LessonProgress(r[0], r[1], r[2], r[3] is not None, datetime.fromisoformat(r[4]))
            for r in rows
        }

    def last_lesson(self) -> LessonProgress | None:
        """The lesson read most recently: what Continue reopens."""
        progress = self.lesson_progress().values()
        return max(progress, key=lambda p: p.updated_at, default=None)

    # -- answers -------------------------------------------------------------------------

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
    ) -> None:
        """Store one answer and commit it before returning."""
        with self._write() as db:
            db.execute(
                "INSERT INTO answers(question_id, given, correct, score, seconds, mode, "
                "session_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    question_id,
                    json.dumps(given),
                    int(correct),
                    score,
                    seconds,
                    mode,
                    session_id,
                    self._now(),
                ),
            )

    def answers(self, question_id: str | None = None) -> list[Answer]:
        sql = (
            "SELECT question_id, given, correct, score, seconds, mode, session_id, answered_at "
            "FROM answers"
        )
        params: tuple[Any, ...] = ()
        if question_id is not None:
            sql += " WHERE question_id = ?"
            params = (question_id,)
        return [
            Answer(r[0], json.loads(r[1]), bool(r[2]), r[3], r[4], r[5], r[6],
                   datetime.fromisoformat(r[7]))
            for r in self._db.execute(sql + " ORDER BY id", params)
        ]

    def answer_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM answers").fetchone()[0]

    def mistakes(self) -> list[str]:
        """Question ids whose latest answer was wrong, the most recent first."""
        rows = self._db.execute(
            "SELECT question_id FROM answers WHERE id IN "
            "(SELECT max(id) FROM answers GROUP BY question_id) AND correct = 0 "
            "ORDER BY id DESC"
        )
        return [row[0] for row in rows]

    # -- exams ---------------------------------------------------------------------------
    # Each call commits before returning: an answer or a flag survives a killed process.

    def start_attempt(
        self, blueprint: str, seed: int, form: Any, *, started_at: datetime, deadline: datetime
    ) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO exam_attempts(blueprint, seed, form, started_at, deadline) "
                "VALUES (?, ?, ?, ?, ?)",
                (blueprint, seed, json.dumps(form), started_at.isoformat(), deadline.isoformat()),
            )
        return int(cursor.lastrowid)

    def attempt(self, attempt_id: int) -> ExamAttempt | None:
        row = self._db.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM exam_attempts WHERE id = ?", (attempt_id,)
        ).fetchone()
        return _attempt(row) if row else None

    def unfinished_attempt(self) -> ExamAttempt | None:
        """The most recent attempt not yet submitted, if any."""
        row = self._db.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM exam_attempts WHERE submitted_at IS NULL "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return _attempt(row) if row else None

    def attempts(self) -> list[ExamAttempt]:
        """Every attempt, oldest first."""
        rows = self._db.execute(f"SELECT {_ATTEMPT_COLUMNS} FROM exam_attempts ORDER BY id")
        return [_attempt(row) for row in rows]

    def set_exam_response(self, attempt_id: int, position: int, response: Any) -> None:
        """Store (or, with None, clear) the answer at a position of the form."""
        stored = None if response is None else json.dumps(response)
        with self._write() as db:
            db.execute(
                "INSERT INTO exam_items(attempt_id, position, response, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(attempt_id, position) DO UPDATE SET "
                "response = excluded.response, updated_at = excluded.updated_at",
                (attempt_id, position, stored, self._now()),
            )

    def set_exam_flag(self, attempt_id: int, position: int, flagged: bool) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO exam_items(attempt_id, position, flagged, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(attempt_id, position) DO UPDATE SET "
                "flagged = excluded.flagged, updated_at = excluded.updated_at",
                (attempt_id, position, int(flagged), self._now()),
            )

    def set_exam_position(self, attempt_id: int, position: int) -> None:
        """Where the learner is: a resumed sequential exam must not reopen earlier questions."""
        with self._write() as db:
            db.execute(
                "UPDATE exam_attempts SET position = ? WHERE id = ?", (position, attempt_id)
            )

    def exam_items(self, attempt_id: int) -> dict[int, ExamItemState]:
        rows = self._db.execute(
            "SELECT position, response, flagged FROM exam_items WHERE attempt_id = ?",
            (attempt_id,),
        )
        return {
            r[0]: ExamItemState(None if r[1] is None else json.loads(r[1]), bool(r[2]))
            for r in rows
        }

    def announce_warnings(self, attempt_id: int, minutes: list[int]) -> None:
        with self._write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO exam_warnings(attempt_id, minutes) VALUES (?, ?)",
                [(attempt_id, m) for m in minutes],
            )

    def announced_warnings(self, attempt_id: int) -> set[int]:
        rows = self._db.execute(
            "SELECT minutes FROM exam_warnings WHERE attempt_id = ?", (attempt_id,)
        )
        return {row[0] for row in rows}

    def submit_attempt(
        self,
        attempt_id: int,
        *,
        submitted_at: datetime,
        score: float,
        passed: bool,
        answers: list[GradedAnswer],
    ) -> bool:
        """Close an attempt with its score and copy its answers into `answers` (mode "exam"),
        all in one transaction. False, and nothing written, if it was closed already."""
        session = f"exam-{attempt_id}"
        with self._write() as db:
            closed = db.execute(
                "UPDATE exam_attempts SET submitted_at = ?, score = ?, passed = ? "
                "WHERE id = ? AND submitted_at IS NULL",
                (submitted_at.isoformat(), score, int(passed), attempt_id),
            ).rowcount
            if closed:
                db.executemany(
                    "INSERT INTO answers(question_id, given, correct, score, seconds, mode, "
                    "session_id, answered_at) VALUES (?, ?, ?, ?, 0, 'exam', ?, ?)",
                    [
                        (a.question_id, json.dumps(a.given), int(a.correct), a.score, session,
                         submitted_at.isoformat())
                        for a in answers
                    ],
                )
        return bool(closed)

    def abandon_attempt(self, attempt_id: int) -> None:
        """Close an attempt without a score (its form can no longer be rebuilt)."""
        with self._write() as db:
            db.execute(
                "UPDATE exam_attempts SET submitted_at = ? WHERE id = ? AND submitted_at IS NULL",
                (self._now(), attempt_id),
            )
