"""Schema 3 (review cards) on a progress file that schema 2 wrote: nothing lost, cards made
from the answers it already holds, once."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from trainer.core.banks import load_banks
from trainer.core.paths import question_bank_dir
from trainer.core.review import Rating, backfill, schedule_answers, status
from trainer.core.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, STORE_FILE, Store

BANKS = load_banks([question_bank_dir()])
KNOWN = next(q for q in BANKS.questions if q.type == "single_choice")
GENERATED = "gen-registry/service-class-1-1"


def make_v2_database(path):
    """A progress file exactly as schema 2 left it, with answers, an exam and a lesson."""
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        db.executescript(script.sql("sqlite"))
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 2")
    answers = [
        (KNOWN.full_id, 0, 40.0, "practice", "2026-01-02T10:00:00+00:00"),
        (KNOWN.full_id, 1, 40.0, "practice", "2026-01-03T10:00:00+00:00"),
        (GENERATED, 1, 0.0, "exam", "2026-01-03T11:00:00+00:00"),
        ("edited-away/q9", 1, 5.0, "practice", "2026-01-03T12:00:00+00:00"),
    ]
    db.executemany(
        "INSERT INTO answers(question_id, given, correct, score, seconds, mode, answered_at) "
        "VALUES (?, 'null', ?, 1.0, ?, ?, ?)",
        answers,
    )
    db.execute(
        "INSERT INTO exam_attempts(blueprint, seed, form, started_at, deadline, submitted_at, "
        "score, passed, position) VALUES ('quick-check', 7, '{\"items\": []}', "
        "'2026-01-03T10:45:00+00:00', '2026-01-03T11:00:00+00:00', "
        "'2026-01-03T11:00:00+00:00', 80.0, 1, 3)"
    )
    db.execute(
        "INSERT INTO lesson_progress VALUES ('uids', 2, 3, NULL, '2026-01-02T09:00:00+00:00')"
    )
    db.commit()
    db.close()


def test_schema_2_moves_to_3_and_keeps_its_progress(tmp_path, clock):
    path = tmp_path / STORE_FILE
    make_v2_database(path)
    store = Store(path, clock)
    assert store.schema_version == SCHEMA_VERSION
    assert [a.question_id for a in store.answers()][:1] == [KNOWN.full_id]
    assert store.answer_count() == 4
    [attempt] = store.attempts()
    assert (attempt.score, attempt.position) == (80.0, 3)
    assert store.lesson_progress()["uids"].furthest_page == 3
    assert store.cards() == []  # SQL alone cannot know a question's type and topics
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_old_answers_become_cards_once_and_gone_questions_are_skipped(tmp_path, clock):
    path = tmp_path / STORE_FILE
    make_v2_database(path)
    store = Store(path, clock)
    assert backfill(store, lambda: BANKS.questions) == 2  # a bank question and a generated one
    card = store.card(KNOWN.full_id)
    assert card.info.topics == tuple(KNOWN.topics)
    assert [r.rating for r in store.reviews(KNOWN.full_id)] == [Rating.Again, Rating.Good]
    assert [r.rating for r in store.reviews(GENERATED)] == [Rating.Good]  # exam: never Easy
    assert store.card("edited-away/q9") is None
    # Done once: nothing left to do, so opening Review does not load the banks again.
    assert store.answered_without_card() == ([], 4)
    assert backfill(store, lambda: pytest.fail("banks loaded for nothing")) == 0
    clock.advance(timedelta(days=400).total_seconds())
    assert status(store, clock.now(), timedelta(0)).due_now == 2


def test_new_cards_work_on_the_migrated_file(tmp_path, clock):
    path = tmp_path / STORE_FILE
    make_v2_database(path)
    store = Store(path, clock)
    backfill(store, lambda: BANKS.questions)
    [scheduled] = schedule_answers(store, [(KNOWN, True, 60.0)], clock.now())
    assert len(store.reviews(KNOWN.full_id)) == 3
    assert scheduled.due > clock.now()
