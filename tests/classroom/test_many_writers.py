"""60 learners answer exams at once on one PostgreSQL database for a bounded time: every
acknowledged answer is there once, none is lost or doubled, and nobody deadlocks."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg

from trainer.core.clock import SystemClock
from trainer.core.store import GradedAnswer, Store, StoreLocked, open_database

LEARNERS = 60
SECONDS = 2.0
ITEMS = 5


def _learner(url: str, name: str, start: threading.Barrier, done: dict[str, list[int]],
             errors: list[BaseException]) -> None:
    try:
        store = Store(open_database(url), SystemClock(), learner=name)
        attempts: list[int] = []
        start.wait(60)  # everyone signed in: the exam starts for all at once
        until = time.monotonic() + SECONDS
        while time.monotonic() < until:
            now = datetime.now(UTC)
            attempt = store.start_attempt("quick-check", 1, {"items": []}, started_at=now,
                                          deadline=now + timedelta(minutes=15), holder=name,
                                          lease_until=now + timedelta(seconds=20))
            for position in range(ITEMS):
                store.set_exam_response(attempt, position, f"choice-{position}", holder=name)
                store.set_exam_response(attempt, position, position, holder=name)  # changed
            store.set_exam_flag(attempt, 0, True, holder=name)
            answers = [GradedAnswer(f"bank/q{p}", p, p % 2 == 0, float(p % 2 == 0))
                       for p in range(ITEMS)]
            assert store.submit_attempt(attempt, submitted_at=datetime.now(UTC), score=60.0,
                                        passed=False, answers=answers, holder=name)
            attempts.append(attempt)
        done[name] = attempts
        store.close()
    except StoreLocked as exc:  # would be a deadlock or a serialisation failure
        errors.append(exc)
    except BaseException as exc:
        errors.append(exc)


def test_sixty_learners_answering_at_once_lose_and_double_nothing(postgres):
    url = postgres.create_database()
    Store(open_database(url)).close()  # migrated once, before the rush
    done: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(LEARNERS)
    threads = [threading.Thread(target=_learner, args=(url, f"learner-{i:02}", start, done,
                                                       errors)) for i in range(LEARNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a learner is stuck"
    assert errors == []
    assert len(done) == LEARNERS
    total = sum(len(attempts) for attempts in done.values())
    assert all(done.values()), "someone finished no exam"
    with psycopg.connect(url) as db:
        per_learner = dict(db.execute(
            "SELECT l.name, count(*) FROM exam_attempts e JOIN learners l ON l.id = e.learner_id "
            "WHERE e.score IS NOT NULL GROUP BY l.name"
        ).fetchall())
        assert per_learner == {name: len(attempts) for name, attempts in done.items()}
        items = db.execute(
            "SELECT count(*), count(*) FILTER (WHERE response = CAST(position AS TEXT)) "
            "FROM exam_items"
        ).fetchone()
        assert items == (total * ITEMS, total * ITEMS)  # the last answer given, each once
        answers = db.execute(
            "SELECT count(*), count(DISTINCT (learner_id, session_id, question_id)) FROM answers"
        ).fetchone()
        assert answers == (total * ITEMS, total * ITEMS)
        totals = db.execute("SELECT sum(answers) FROM answer_totals").fetchone()
        assert totals == (total * ITEMS,)
