"""The learner's progress in SQLite: lessons, answers, exam attempts, settings.

Every write commits at once (a candidate must never lose an answer), the database runs in WAL
mode with a busy timeout so two running copies of the app can share it, and the schema moves
forward through numbered migrations. A file that is not ours, is damaged, or was written by a
newer version is never touched: opening it raises StoreError with a way forward.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    # 3: spaced review. A card per answered question with its topics (space-separated, and
    # a row each in card_topics, so answers group by topic in SQL), and its review logs. A
    # card's FSRS fields are a cache of replaying its logs.
    """
    CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL UNIQUE,
        question_type TEXT NOT NULL,
        topics TEXT NOT NULL,
        state INTEGER NOT NULL,
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due TEXT NOT NULL,
        last_review TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX cards_due ON cards(due);
    CREATE INDEX cards_created ON cards(created_at);
    CREATE TABLE card_topics (
        question_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        PRIMARY KEY (question_id, topic)
    ) WITHOUT ROWID;
    CREATE TABLE review_logs (
        id INTEGER PRIMARY KEY,
        card_id INTEGER NOT NULL REFERENCES cards(id),
        rating INTEGER NOT NULL,
        reviewed_at TEXT NOT NULL,
        duration_ms INTEGER,
        UNIQUE (card_id, reviewed_at)
    );
    """,
    # 4: running totals of the answers (how many, seconds spent), kept by triggers, so the
    # dashboard reads them at once however long the history.
    """
    CREATE TABLE answer_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        answers INTEGER NOT NULL,
        seconds REAL NOT NULL
    );
    INSERT INTO answer_totals SELECT 1, count(*), coalesce(sum(seconds), 0) FROM answers;
    CREATE TRIGGER answer_totals_insert AFTER INSERT ON answers BEGIN
        UPDATE answer_totals SET answers = answers + 1, seconds = seconds + NEW.seconds;
    END;
    CREATE TRIGGER answer_totals_delete AFTER DELETE ON answers BEGIN
        UPDATE answer_totals SET answers = answers - 1, seconds = seconds - OLD.seconds;
    END;
    CREATE TRIGGER answer_totals_update AFTER UPDATE OF seconds ON answers BEGIN
        UPDATE answer_totals SET seconds = seconds - OLD.seconds + NEW.seconds;
    END;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration one by one (executescript would commit the migration's
    transaction first); a trigger's body, semicolons and all, stays whole."""
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""


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


@dataclass(frozen=True)
class CardInfo:
    """What a card is about: the question it rebuilds, the type and the topics of that question."""

    question_id: str
    question_type: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class CardState:
    """A card's FSRS fields, as `fsrs.Card.to_dict()` names them; the store keeps, not reads, them."""

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

# Settings the store keeps for itself: not a learner's preference, never exported.
BACKFILL_MARK = "review.backfilled_through"

_CARD_COLUMNS = (
    "question_id, question_type, state, step, stability, difficulty, due, last_review, "
    "created_at, topics"
)


def _card(row: tuple) -> StoredCard:
    return StoredCard(
        CardInfo(row[0], row[1], tuple(row[9].split())),
        CardState(
            row[2], row[3], row[4], row[5], datetime.fromisoformat(row[6]),
            datetime.fromisoformat(row[7]) if row[7] else None,
        ),
        datetime.fromisoformat(row[8]),
    )


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

    def reopen(self) -> Store:
        """Another connection to the same file, for another thread (sqlite3 ties a connection
        to the thread that made it; WAL lets it read while this one writes)."""
        return Store(self.path, self.clock)

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
                for statement in _statements(MIGRATIONS[step]):
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
    ) -> datetime:
        """Store one answer and commit it before returning; returns when it was given."""
        answered_at = self.clock.now()
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
                    answered_at.isoformat(),
                ),
            )
        return answered_at

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
        return self._db.execute("SELECT answers FROM answer_totals").fetchone()[0]

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

    def last_graded_attempts(self, count: int) -> list[ExamAttempt]:
        """The latest graded attempts, newest first: the home screen shows a few of them."""
        rows = self._db.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM exam_attempts WHERE score IS NOT NULL "
            "ORDER BY id DESC LIMIT ?",
            (count,),
        )
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

    # -- review cards --------------------------------------------------------------------
    # A card's FSRS fields are always the replay of its logs (the caller's `rebuild`), so a
    # changed rating or an imported history can never leave a card out of step with its logs.

    def card(self, question_id: str) -> StoredCard | None:
        row = self._db.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE question_id = ?", (question_id,)
        ).fetchone()
        return _card(row) if row else None

    def cards(self) -> list[StoredCard]:
        return [_card(row) for row in self._db.execute(f"SELECT {_CARD_COLUMNS} FROM cards")]

    def card_recall(self, at: datetime) -> Iterator[tuple[str, str, str, float | None, int | None]]:
        """What FSRS needs to tell how well each card is recalled at `at`, with what the card
        is about, as plain rows (a dashboard asks this of thousands of cards at once): question
        type, bank (the question id before "/", or ""), topics as stored (space-separated),
        stability, and whole days since the last review.

        Those days are counted in SQL from the milliseconds between the two times, floored as
        fsrs floors a timedelta (the two differ only within a millisecond of a whole day)."""
        return self._db.execute(
            "SELECT question_type, substr(question_id, 1, instr(question_id, '/') - 1), topics, "
            "stability, CAST(round((julianday(?) - julianday(last_review)) * 86400000) AS "
            "INTEGER) / 86400000 FROM cards",
            (at.isoformat(),),
        )

    def reviews(self, question_id: str) -> list[ReviewEntry]:
        """A card's review logs, oldest first."""
        rows = self._db.execute(
            "SELECT rating, reviewed_at, duration_ms FROM review_logs WHERE card_id = "
            "(SELECT id FROM cards WHERE question_id = ?) ORDER BY reviewed_at",
            (question_id,),
        )
        return [ReviewEntry(question_id, r[0], datetime.fromisoformat(r[1]), r[2]) for r in rows]

    def add_reviews(
        self, infos: Iterable[CardInfo], reviews: Sequence[ReviewEntry], rebuild: Rebuild
    ) -> dict[str, CardState]:
        """Store review logs (a card is created from `infos` on its first review; one already
        logged at that instant is skipped) and return each reviewed card's state."""
        with self._write() as db:
            self._add_reviews(db, {info.question_id: info for info in infos}, reviews, rebuild)
        return {e.question_id: self.card(e.question_id).state for e in reviews}  # type: ignore[union-attr]

    def rerate(
        self, question_id: str, reviewed_at: datetime, rating: int, rebuild: Rebuild
    ) -> CardState:
        """Change the rating of one review and replay the card."""
        with self._write() as db:
            card_id = db.execute(
                "SELECT id FROM cards WHERE question_id = ?", (question_id,)
            ).fetchone()[0]
            changed = db.execute(
                "UPDATE review_logs SET rating = ? WHERE card_id = ? AND reviewed_at = ?",
                (rating, card_id, reviewed_at.isoformat()),
            ).rowcount
            if not changed:
                raise LookupError(f"no review of {question_id} at {reviewed_at.isoformat()}")
            self._replay(db, card_id, rebuild)
        return self.card(question_id).state  # type: ignore[union-attr]

    def _add_reviews(
        self,
        db: sqlite3.Connection,
        infos: dict[str, CardInfo],
        reviews: Iterable[ReviewEntry],
        rebuild: Rebuild,
    ) -> int:
        """Insert new cards and review logs, replay each card that got a log; returns how many
        logs were new. A review of a question with no card and no info raises LookupError."""
        ids: dict[str, int] = {}
        touched: set[int] = set()
        new = 0
        for entry in reviews:
            card_id = ids.get(entry.question_id)
            if card_id is None:
                card_id = ids[entry.question_id] = self._card_id(
                    db, infos.get(entry.question_id), entry
                )
            added = db.execute(
                "INSERT OR IGNORE INTO review_logs(card_id, rating, reviewed_at, duration_ms) "
                "VALUES (?, ?, ?, ?)",
                (card_id, entry.rating, entry.reviewed_at.isoformat(), entry.duration_ms),
            ).rowcount
            if added:
                touched.add(card_id)
                new += 1
        for card_id in touched:
            self._replay(db, card_id, rebuild)
        return new

    def _card_id(self, db: sqlite3.Connection, info: CardInfo | None, first: ReviewEntry) -> int:
        row = db.execute(
            "SELECT id FROM cards WHERE question_id = ?", (first.question_id,)
        ).fetchone()
        if row:
            return row[0]
        if info is None:
            raise LookupError(f"no card for {first.question_id} and nothing to make one from")
        when = first.reviewed_at.isoformat()  # placeholders until the replay
        cursor = db.execute(
            "INSERT INTO cards(question_id, question_type, topics, state, due, created_at) "
            "VALUES (?, ?, ?, 1, ?, ?)",
            (info.question_id, info.question_type, " ".join(info.topics), when, when),
        )
        db.executemany(
            "INSERT OR IGNORE INTO card_topics(question_id, topic) VALUES (?, ?)",
            [(info.question_id, topic) for topic in info.topics],
        )
        return int(cursor.lastrowid)

    def _replay(self, db: sqlite3.Connection, card_id: int, rebuild: Rebuild) -> None:
        history = [
            (rating, datetime.fromisoformat(at))
            for rating, at in db.execute(
                "SELECT rating, reviewed_at FROM review_logs WHERE card_id = ? "
                "ORDER BY reviewed_at",
                (card_id,),
            )
        ]
        state = rebuild(history)
        db.execute(
            "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
            "last_review = ?, created_at = ? WHERE id = ?",
            (
                state.state, state.step, state.stability, state.difficulty,
                state.due.isoformat(),
                state.last_review.isoformat() if state.last_review else None,
                history[0][1].isoformat(), card_id,
            ),
        )

    def due_question_ids(self, until: datetime) -> list[str]:
        """The questions of the cards due by `until`, in the order they fell due."""
        rows = self._db.execute(
            "SELECT question_id FROM cards WHERE due <= ? ORDER BY due, id", (until.isoformat(),)
        )
        return [row[0] for row in rows]

    def card_counts(self, now: datetime, day_end: datetime) -> tuple[int, int, int]:
        """(due now, due before the day ends, all cards)."""
        total, due_now, due_today = self._db.execute(
            "SELECT count(*), coalesce(sum(due <= ?), 0), coalesce(sum(due < ?), 0) FROM cards",
            (now.isoformat(), day_end.isoformat()),
        ).fetchone()
        return due_now, due_today, total

    def cards_created_since(self, since: datetime) -> int:
        return self._db.execute(
            "SELECT count(*) FROM cards WHERE created_at >= ?", (since.isoformat(),)
        ).fetchone()[0]

    def known_question_ids(self) -> set[str]:
        """Every question answered or carded: what a review must not offer as new."""
        rows = self._db.execute(
            "SELECT question_id FROM cards UNION SELECT question_id FROM answers"
        )
        return {row[0] for row in rows}

    def answered_without_card(self) -> tuple[list[str], int]:
        """Questions answered since the last backfill that have no card (answers from before
        cards existed, or imported), and the answer id to pass to `mark_backfilled`."""
        mark = int(self.get_setting(BACKFILL_MARK, "0") or 0)
        through = self._db.execute("SELECT coalesce(max(id), 0) FROM answers").fetchone()[0]
        rows = self._db.execute(
            "SELECT DISTINCT question_id FROM answers a WHERE a.id > ? AND a.id <= ? AND NOT "
            "EXISTS (SELECT 1 FROM cards c WHERE c.question_id = a.question_id)",
            (mark, through),
        )
        return [row[0] for row in rows], through

    def mark_backfilled(self, through: int) -> None:
        """Answers up to this id were looked at; those whose question is gone stay cardless."""
        if self.get_setting(BACKFILL_MARK) != str(through):
            self.set_setting(BACKFILL_MARK, str(through))

    # -- progress figures (aggregated here, so a dashboard never loads every answer) --------

    def topic_answer_stats(self, since: datetime) -> dict[str, tuple[int, int]]:
        """(answers, right) by topic over the answers given since then."""
        rows = self._db.execute(
            "SELECT t.topic, count(*), sum(a.correct) FROM answers a "
            "JOIN card_topics t ON t.question_id = a.question_id "
            "WHERE a.answered_at >= ? GROUP BY t.topic",
            (since.isoformat(),),
        )
        return {topic: (count, right) for topic, count, right in rows}

    def study_seconds(self, recent: datetime) -> tuple[float, float]:
        """Time spent, in all and since `recent`: answering practice and review questions plus
        time used in exams. The total is kept as answers come; only recent ones are summed."""
        since = recent.isoformat()
        answering = self._db.execute("SELECT seconds FROM answer_totals").fetchone()[0]
        answering_recently = self._db.execute(
            "SELECT coalesce(sum(seconds), 0) FROM answers WHERE answered_at >= ?", (since,)
        ).fetchone()[0]
        exams, exams_recently = self._db.execute(
            "SELECT coalesce(sum(spent), 0), coalesce(sum(spent) FILTER (WHERE submitted_at >= ?), 0) "
            "FROM (SELECT julianday(min(submitted_at, deadline)) - julianday(started_at) AS spent, "
            "submitted_at FROM exam_attempts WHERE score IS NOT NULL)", (since,)
        ).fetchone()
        # julianday: days as floats
        return (answering + round(max(0.0, exams) * 86400, 3),
                answering_recently + round(max(0.0, exams_recently) * 86400, 3))

    def answered_between(self, start: datetime, end: datetime) -> bool:
        return self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM answers WHERE answered_at >= ? AND answered_at < ?)",
            (start.isoformat(), end.isoformat()),
        ).fetchone()[0] == 1

    def exam_scores(self) -> list[ExamScore]:
        """Every graded exam, oldest first."""
        rows = self._db.execute(
            "SELECT submitted_at, blueprint, coalesce(json_extract(form, '$.blueprint.title'), "
            "blueprint), score, passed FROM exam_attempts WHERE score IS NOT NULL "
            "ORDER BY submitted_at, id"
        )
        return [
            ExamScore(datetime.fromisoformat(r[0]), r[1], str(r[2]), r[3], bool(r[4])) for r in rows
        ]

    # -- a learner's whole record --------------------------------------------------------

    def _dicts(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cursor = self._db.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def export_data(self) -> dict[str, Any]:
        """Everything the learner did, as plain data keyed by natural keys, not row ids
        (exam ids only tie an exam to its answers' session). Times as stored: ISO 8601 UTC."""
        settings = dict(
            self._db.execute("SELECT key, value FROM settings WHERE key != ?", (BACKFILL_MARK,))
        )
        answers = self._dicts(
            "SELECT question_id, given, correct, score, seconds, mode, session_id, answered_at "
            "FROM answers ORDER BY id"
        )
        for answer in answers:
            answer["given"] = json.loads(answer["given"])
            answer["correct"] = bool(answer["correct"])
        exams = self._dicts(f"SELECT {_ATTEMPT_COLUMNS} FROM exam_attempts ORDER BY id")
        for exam in exams:
            exam["form"] = json.loads(exam["form"])
            exam["passed"] = None if exam["passed"] is None else bool(exam["passed"])
            exam["items"] = self._dicts(
                "SELECT position, response, flagged, updated_at FROM exam_items "
                "WHERE attempt_id = ? ORDER BY position",
                (exam["id"],),
            )
            for item in exam["items"]:
                response = item["response"]
                item["response"] = None if response is None else json.loads(response)
                item["flagged"] = bool(item["flagged"])
            exam["warnings"] = [
                row[0] for row in self._db.execute(
                    "SELECT minutes FROM exam_warnings WHERE attempt_id = ? ORDER BY minutes DESC",
                    (exam["id"],),
                )
            ]
        cards = [
            {"question_id": c.info.question_id, "question_type": c.info.question_type,
             "topics": list(c.info.topics)}
            for c in self.cards()
        ]
        reviews = self._dicts(
            "SELECT c.question_id, l.rating, l.reviewed_at, l.duration_ms FROM review_logs l "
            "JOIN cards c ON c.id = l.card_id ORDER BY l.id"
        )
        lessons = self._dicts(
            "SELECT lesson_id, last_page, furthest_page, completed_at, updated_at "
            "FROM lesson_progress ORDER BY lesson_id"
        )
        return {"settings": settings, "lessons": lessons, "answers": answers, "exams": exams,
                "cards": cards, "reviews": reviews}

    def import_data(self, data: dict[str, Any], rebuild: Rebuild) -> dict[str, int]:
        """Merge a record shaped as `export_data` gives it, already validated, in one
        transaction. Rows already here (by natural key) are skipped, so a second import adds
        nothing; local settings win. Returns how many rows of each kind were new."""
        added = dict.fromkeys(("settings", "lessons", "answers", "exams", "reviews"), 0)
        with self._write() as db:
            for key, value in data["settings"].items():
                if key != BACKFILL_MARK:
                    added["settings"] += db.execute(
                        "INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)", (key, value)
                    ).rowcount
            for lesson in data["lessons"]:
                added["lessons"] += self._merge_lesson(db, lesson)
            sessions: dict[str, str] = {}
            for exam in data["exams"]:
                local_id, new = self._merge_exam(db, exam)
                sessions[f"exam-{exam['id']}"] = f"exam-{local_id}"
                added["exams"] += new
            for answer in data["answers"]:
                added["answers"] += self._merge_answer(db, answer, sessions)
            infos = {
                c["question_id"]: CardInfo(c["question_id"], c["question_type"], tuple(c["topics"]))
                for c in data["cards"]
            }
            entries = [
                ReviewEntry(r["question_id"], r["rating"], datetime.fromisoformat(r["reviewed_at"]),
                            r["duration_ms"])
                for r in data["reviews"]
            ]
            added["reviews"] = self._add_reviews(db, infos, entries, rebuild)
        return added

    def _merge_lesson(self, db: sqlite3.Connection, lesson: dict[str, Any]) -> int:
        """Furthest page and completion are kept from either side, the place from the later."""
        before = db.execute(
            "SELECT last_page, furthest_page, completed_at, updated_at FROM lesson_progress "
            "WHERE lesson_id = ?", (lesson["lesson_id"],)
        ).fetchone()
        db.execute(
            "INSERT INTO lesson_progress(lesson_id, last_page, furthest_page, completed_at, "
            "updated_at) VALUES (:lesson_id, :last_page, :furthest_page, :completed_at, "
            ":updated_at) ON CONFLICT(lesson_id) DO UPDATE SET "
            "furthest_page = max(furthest_page, excluded.furthest_page), "
            "completed_at = coalesce(min(completed_at, excluded.completed_at), completed_at, "
            "excluded.completed_at), "
            "last_page = CASE WHEN excluded.updated_at > updated_at THEN excluded.last_page "
            "ELSE last_page END, "
            "updated_at = max(updated_at, excluded.updated_at)",
            lesson,
        )
        after = db.execute(
            "SELECT last_page, furthest_page, completed_at, updated_at FROM lesson_progress "
            "WHERE lesson_id = ?", (lesson["lesson_id"],)
        ).fetchone()
        return int(before != after)

    def _merge_exam(self, db: sqlite3.Connection, exam: dict[str, Any]) -> tuple[int, int]:
        """(local id, 1 if added): an attempt is the same one by blueprint, seed and start."""
        key = (exam["blueprint"], exam["seed"], exam["started_at"])
        row = db.execute(
            "SELECT id FROM exam_attempts WHERE blueprint = ? AND seed = ? AND started_at = ?", key
        ).fetchone()
        if row:
            return row[0], 0
        cursor = db.execute(
            "INSERT INTO exam_attempts(blueprint, seed, form, started_at, deadline, submitted_at, "
            "score, passed, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*key[:2], json.dumps(exam["form"]), exam["started_at"], exam["deadline"],
             exam["submitted_at"], exam["score"],
             None if exam["passed"] is None else int(exam["passed"]), exam["position"]),
        )
        attempt_id = int(cursor.lastrowid)
        db.executemany(
            "INSERT INTO exam_items(attempt_id, position, response, flagged, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (attempt_id, item["position"],
                 None if item["response"] is None else json.dumps(item["response"]),
                 int(item["flagged"]), item["updated_at"])
                for item in exam["items"]
            ],
        )
        db.executemany(
            "INSERT INTO exam_warnings(attempt_id, minutes) VALUES (?, ?)",
            [(attempt_id, minutes) for minutes in exam["warnings"]],
        )
        return attempt_id, 1

    def _merge_answer(
        self, db: sqlite3.Connection, answer: dict[str, Any], sessions: dict[str, str]
    ) -> int:
        """1 if added: an answer is the same one by question, time and mode."""
        key = (answer["question_id"], answer["answered_at"], answer["mode"])
        if db.execute(
            "SELECT 1 FROM answers WHERE question_id = ? AND answered_at = ? AND mode = ?", key
        ).fetchone():
            return 0
        session = answer["session_id"]
        db.execute(
            "INSERT INTO answers(question_id, given, correct, score, seconds, mode, session_id, "
            "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (answer["question_id"], json.dumps(answer["given"]), int(answer["correct"]),
             answer["score"], answer["seconds"], answer["mode"], sessions.get(session, session),
             answer["answered_at"]),
        )
        return 1
