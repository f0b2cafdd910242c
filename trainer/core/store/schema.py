"""The store's schema: numbered migrations, each moving it one version on.

Every backend runs the same numbered steps. A step is written once in the SQL both engines
speak; where an engine needs other words (SQLite's table rebuilds and triggers, say), the step
carries that engine's variant, and `Step.sql(dialect)` picks it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

STORE_FILE = "progress.sqlite3"
DEFAULT_LEARNER = "default"  # the one learner of an embedded store


@dataclass(frozen=True)
class Step:
    """One migration: `portable` SQL, or per-dialect variants where the engines differ."""

    portable: str | None = None
    variants: dict[str, str] = field(default_factory=dict)

    def sql(self, dialect: str) -> str:
        script = self.variants.get(dialect, self.portable)
        if script is None:
            raise LookupError(f"migration step has no SQL for {dialect}")
        return script


# Each entry moves the schema from version i to i + 1. Never edit a shipped entry: append.
_SHIPPED_SQLITE: list[str] = [
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

# 5: learner identity. Every learner's rows carry learner_id (an embedded store has one
# learner, id 1, "default"); keys that were global become per learner (settings, lessons,
# cards, totals; a card keeps its question's bank, as it keeps its type and topics; a lesson
# keeps which pages were read, one bit each; before, all up to the furthest). Learners
# have a role, a passphrase hash and a cohort (for a classroom).
# Exam attempts keep their title and time used as columns, so no query needs to look inside
# the stored form's JSON or do date arithmetic on it, and a lease: which window holds an open
# exam, until when.
_LEARNERS_SQLITE = """
CREATE TABLE cohorts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    join_code TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE learners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL DEFAULT 'learner',
    passphrase TEXT,
    cohort_id INTEGER REFERENCES cohorts(id),
    created_at TEXT NOT NULL
);
INSERT INTO learners(id, name, role, created_at)
    VALUES (1, 'default', 'learner', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));

CREATE TABLE settings_v5 (
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (learner_id, key)
);
INSERT INTO settings_v5 SELECT 1, key, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_v5 RENAME TO settings;

CREATE TABLE lesson_progress_v5 (
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    lesson_id TEXT NOT NULL,
    last_page INTEGER NOT NULL DEFAULT 0,
    furthest_page INTEGER NOT NULL DEFAULT 0,
    pages_read INTEGER NOT NULL DEFAULT 0,
    completed_at TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (learner_id, lesson_id)
);
INSERT INTO lesson_progress_v5 SELECT 1, lesson_id, last_page, furthest_page,
    (1 << (furthest_page + 1)) - 1, completed_at, updated_at FROM lesson_progress;
DROP TABLE lesson_progress;
ALTER TABLE lesson_progress_v5 RENAME TO lesson_progress;

DROP TRIGGER answer_totals_insert;
DROP TRIGGER answer_totals_delete;
DROP TRIGGER answer_totals_update;
DROP TABLE answer_totals;
ALTER TABLE answers ADD COLUMN learner_id INTEGER NOT NULL DEFAULT 1 REFERENCES learners(id);
DROP INDEX answers_question;
DROP INDEX answers_time;
CREATE INDEX answers_learner_question ON answers(learner_id, question_id);
CREATE INDEX answers_learner_time ON answers(learner_id, answered_at);
CREATE TABLE answer_totals (
    learner_id INTEGER PRIMARY KEY REFERENCES learners(id),
    answers INTEGER NOT NULL,
    seconds REAL NOT NULL
);
INSERT INTO answer_totals SELECT learner_id, count(*), coalesce(sum(seconds), 0)
    FROM answers GROUP BY learner_id;
CREATE TRIGGER answer_totals_insert AFTER INSERT ON answers BEGIN
    INSERT INTO answer_totals(learner_id, answers, seconds) VALUES (NEW.learner_id, 1, NEW.seconds)
        ON CONFLICT(learner_id) DO UPDATE SET answers = answers + 1,
        seconds = seconds + excluded.seconds;
END;
CREATE TRIGGER answer_totals_delete AFTER DELETE ON answers BEGIN
    UPDATE answer_totals SET answers = answers - 1, seconds = seconds - OLD.seconds
        WHERE learner_id = OLD.learner_id;
END;
CREATE TRIGGER answer_totals_update AFTER UPDATE OF seconds ON answers BEGIN
    UPDATE answer_totals SET seconds = seconds - OLD.seconds + NEW.seconds
        WHERE learner_id = NEW.learner_id;
END;

ALTER TABLE exam_attempts ADD COLUMN learner_id INTEGER NOT NULL DEFAULT 1 REFERENCES learners(id);
ALTER TABLE exam_attempts ADD COLUMN title TEXT;
ALTER TABLE exam_attempts ADD COLUMN seconds_used REAL;
ALTER TABLE exam_attempts ADD COLUMN lease_holder TEXT;
ALTER TABLE exam_attempts ADD COLUMN lease_until TEXT;
UPDATE exam_attempts SET title = coalesce(json_extract(form, '$.blueprint.title'), blueprint);
UPDATE exam_attempts SET seconds_used = max(0.0, round(
    (julianday(min(submitted_at, deadline)) - julianday(started_at)) * 86400, 3))
    WHERE score IS NOT NULL;
DROP INDEX exam_attempts_open;
CREATE INDEX exam_attempts_learner ON exam_attempts(learner_id, submitted_at);

CREATE TABLE cards_v5 (
    id INTEGER PRIMARY KEY,
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    question_id TEXT NOT NULL,
    bank TEXT NOT NULL,
    question_type TEXT NOT NULL,
    topics TEXT NOT NULL,
    state INTEGER NOT NULL,
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due TEXT NOT NULL,
    last_review TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (learner_id, question_id)
);
INSERT INTO cards_v5 SELECT id, 1, question_id,
    CASE WHEN instr(question_id, '/') > 0 THEN substr(question_id, 1, instr(question_id, '/') - 1)
    ELSE '' END,
    question_type, topics, state, step, stability, difficulty, due, last_review, created_at
    FROM cards;
DROP TABLE cards;
ALTER TABLE cards_v5 RENAME TO cards;
CREATE INDEX cards_due ON cards(learner_id, due);
CREATE INDEX cards_created ON cards(learner_id, created_at);

CREATE TABLE card_topics_v5 (
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    question_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    PRIMARY KEY (learner_id, question_id, topic)
) WITHOUT ROWID;
INSERT INTO card_topics_v5 SELECT 1, question_id, topic FROM card_topics;
DROP TABLE card_topics;
ALTER TABLE card_topics_v5 RENAME TO card_topics;
"""

# PostgreSQL arrives with schema 5: no server database was ever at 1-4, so those steps have
# nothing to do there and step 5 makes the whole schema, the same tables and columns as
# SQLite's after step 5 (identity ids for INTEGER PRIMARY KEY, DOUBLE PRECISION for REAL,
# BIGINT for SQLite's 64-bit integers such as pages_read's bits, PL/pgSQL for the totals
# triggers; a test holds the two schemas' tables and columns equal). Times are ISO text on
# both engines.
_LEARNERS_POSTGRESQL = """
CREATE TABLE cohorts (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    join_code TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE learners (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL DEFAULT 'learner',
    passphrase TEXT,
    cohort_id BIGINT REFERENCES cohorts(id),
    created_at TEXT NOT NULL
);
CREATE TABLE settings (
    learner_id BIGINT NOT NULL REFERENCES learners(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (learner_id, key)
);
CREATE TABLE lesson_progress (
    learner_id BIGINT NOT NULL REFERENCES learners(id),
    lesson_id TEXT NOT NULL,
    last_page INTEGER NOT NULL DEFAULT 0,
    furthest_page INTEGER NOT NULL DEFAULT 0,
    pages_read BIGINT NOT NULL DEFAULT 0,
    completed_at TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (learner_id, lesson_id)
);
CREATE TABLE answers (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    question_id TEXT NOT NULL,
    given TEXT NOT NULL,
    correct INTEGER NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    seconds DOUBLE PRECISION NOT NULL,
    mode TEXT NOT NULL,
    session_id TEXT,
    answered_at TEXT NOT NULL,
    learner_id BIGINT NOT NULL REFERENCES learners(id)
);
CREATE INDEX answers_learner_question ON answers(learner_id, question_id);
CREATE INDEX answers_learner_time ON answers(learner_id, answered_at);
CREATE TABLE answer_totals (
    learner_id BIGINT PRIMARY KEY REFERENCES learners(id),
    answers BIGINT NOT NULL,
    seconds DOUBLE PRECISION NOT NULL
);
CREATE FUNCTION answer_totals_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE answer_totals SET answers = answers - 1, seconds = seconds - OLD.seconds
            WHERE learner_id = OLD.learner_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO answer_totals(learner_id, answers, seconds)
            VALUES (NEW.learner_id, 1, NEW.seconds)
            ON CONFLICT(learner_id) DO UPDATE SET answers = answer_totals.answers + 1,
            seconds = answer_totals.seconds + excluded.seconds;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER answer_totals_keep AFTER INSERT OR DELETE OR UPDATE OF seconds, learner_id
    ON answers FOR EACH ROW EXECUTE FUNCTION answer_totals_keep();
CREATE TABLE exam_attempts (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    blueprint TEXT NOT NULL,
    seed BIGINT NOT NULL,
    form TEXT NOT NULL,
    started_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    submitted_at TEXT,
    score DOUBLE PRECISION,
    passed INTEGER,
    position INTEGER NOT NULL DEFAULT 0,
    learner_id BIGINT NOT NULL REFERENCES learners(id),
    title TEXT,
    seconds_used DOUBLE PRECISION,
    lease_holder TEXT,
    lease_until TEXT
);
CREATE INDEX exam_attempts_learner ON exam_attempts(learner_id, submitted_at);
CREATE TABLE exam_items (
    attempt_id BIGINT NOT NULL REFERENCES exam_attempts(id),
    position INTEGER NOT NULL,
    response TEXT,
    flagged INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);
CREATE TABLE exam_warnings (
    attempt_id BIGINT NOT NULL REFERENCES exam_attempts(id),
    minutes INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, minutes)
);
CREATE TABLE cards (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    learner_id BIGINT NOT NULL REFERENCES learners(id),
    question_id TEXT NOT NULL,
    bank TEXT NOT NULL,
    question_type TEXT NOT NULL,
    topics TEXT NOT NULL,
    state INTEGER NOT NULL,
    step INTEGER,
    stability DOUBLE PRECISION,
    difficulty DOUBLE PRECISION,
    due TEXT NOT NULL,
    last_review TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (learner_id, question_id)
);
CREATE INDEX cards_due ON cards(learner_id, due);
CREATE INDEX cards_created ON cards(learner_id, created_at);
CREATE TABLE card_topics (
    learner_id BIGINT NOT NULL REFERENCES learners(id),
    question_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    PRIMARY KEY (learner_id, question_id, topic)
);
CREATE TABLE review_logs (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    card_id BIGINT NOT NULL REFERENCES cards(id),
    rating INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL,
    duration_ms INTEGER,
    UNIQUE (card_id, reviewed_at)
);
"""

MIGRATIONS: list[Step] = [
    *(Step(variants={"sqlite": script, "postgresql": ""}) for script in _SHIPPED_SQLITE),
    Step(variants={"sqlite": _LEARNERS_SQLITE, "postgresql": _LEARNERS_POSTGRESQL}),
]
SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str, dialect: str = "sqlite") -> Iterator[str]:
    """The statements of a migration one by one (executescript would commit the migration's
    transaction first); a trigger's body, semicolons and all, stays whole, and so does a
    PostgreSQL function's $$-quoted body."""
    statement = ""
    if dialect != "sqlite":
        for part in script.split(";"):
            statement += part + ";"
            if statement.count("$$") % 2 == 0:
                if statement.strip(" \n;"):
                    yield statement
                statement = ""
        return
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""
