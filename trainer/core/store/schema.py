"""The progress file's schema: numbered migrations, each moving it one version on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

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


def statements(script: str) -> Iterator[str]:
    """The statements of a migration one by one (executescript would commit the migration's
    transaction first); a trigger's body, semicolons and all, stays whole."""
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""
