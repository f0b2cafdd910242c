"""Schema 4 (running totals of the answers, kept by triggers) on a progress file that schema 3
wrote: the totals start from the answers already there and follow every later change."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from trainer.core.record_file import export_record, import_record
from trainer.core.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, STORE_FILE, Store


def make_v3_database(path):
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        db.executescript(script.sql("sqlite"))
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 3")
    db.executemany(
        "INSERT INTO answers(question_id, given, correct, score, seconds, mode, answered_at) "
        "VALUES (?, 'null', 1, 1.0, ?, 'practice', ?)",
        [("uids/q1", 30.5, "2026-01-02T10:00:00+00:00"),
         ("uids/q2", 12.0, "2026-01-03T10:00:00+00:00")],
    )
    db.commit()
    db.close()


def raw_totals(store):
    """What the totals must say: counted the slow way."""
    db = sqlite3.connect(store.path)
    count, seconds = db.execute("SELECT count(*), coalesce(sum(seconds), 0) FROM answers").fetchone()
    db.close()
    return count, seconds


def answer(store, question_id, seconds):
    store.record_answer(question_id, "A", correct=True, score=1.0, seconds=seconds, mode="practice")


def test_totals_start_from_the_answers_a_schema_3_file_holds(tmp_path, clock):
    path = tmp_path / STORE_FILE
    make_v3_database(path)
    store = Store(path, clock)
    assert store.schema_version == SCHEMA_VERSION
    assert store.answer_count() == 2
    total, _ = store.study_seconds(clock.now())
    assert total == 42.5
    answer(store, "uids/q3", 7.5)
    assert store.answer_count() == 3
    assert store.study_seconds(clock.now()) == (50.0, 7.5)  # and 7.5 s of it just now
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_totals_follow_answers_however_they_arrive(tmp_path, clock):
    source = Store.in_dir(tmp_path / "a", clock)
    for index in range(5):
        answer(source, f"uids/q{index}", 10 + index)
        clock.advance(60)
    export_record(source, tmp_path / "record.json", clock.now())
    target = Store.in_dir(tmp_path / "b", clock)
    answer(target, "dimse/q1", 3)
    for _ in range(2):  # the second import adds nothing, and the totals do not move
        import_record(target, tmp_path / "record.json")
        count, seconds = raw_totals(target)
        assert (target.answer_count(), target.study_seconds(clock.now())[0]) == (count, seconds)
        assert count == 6
    # Whatever else writes to the answers table (a repair by hand, say) keeps them right too.
    with sqlite3.connect(target.path) as db:
        db.execute("UPDATE answers SET seconds = seconds * 2 WHERE question_id = 'dimse/q1'")
        db.execute("DELETE FROM answers WHERE question_id = 'uids/q0'")
    count, seconds = raw_totals(target)
    assert (target.answer_count(), target.study_seconds(clock.now() - timedelta(days=1))[0]) == (
        count, seconds)
    assert count == 5
