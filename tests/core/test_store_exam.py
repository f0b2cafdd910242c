"""The store's exam tables: migration from v1, answers and flags committed at once, history."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from trainer.core.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    STORE_FILE,
    AttemptClosed,
    ExamHeld,
    GradedAnswer,
    LeaseLost,
    NotYours,
    Store,
)


def make_v1_database(path):
    """A progress file exactly as version 1 of the app left it, with some progress in it."""
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0].sql("sqlite"))
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO answers(question_id, given, correct, score, seconds, mode, answered_at) "
        "VALUES ('uids/q1', '\"B\"', 1, 1.0, 3.5, 'practice', '2026-01-02T10:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO exam_attempts(blueprint, seed, form, started_at, deadline, submitted_at, "
        "score, passed) VALUES ('quick-check', 7, '{\"items\": []}', "
        "'2026-01-02T10:00:00+00:00', '2026-01-02T10:15:00+00:00', "
        "'2026-01-02T10:12:00+00:00', 80.0, 1)"
    )
    db.execute("INSERT INTO lesson_progress VALUES ('uids', 2, 3, NULL, '2026-01-02T09:00:00+00:00')")
    db.commit()
    db.close()


def test_a_v1_database_moves_to_v2_and_keeps_its_progress(tmp_path, clock):
    path = tmp_path / STORE_FILE
    make_v1_database(path)
    store = Store(path, clock)
    assert store.schema_version == len(MIGRATIONS) == SCHEMA_VERSION
    [answer] = store.answers()
    assert (answer.question_id, answer.given, answer.seconds) == ("uids/q1", "B", 3.5)
    assert store.lesson_progress()["uids"].furthest_page == 3
    [attempt] = store.attempts()
    assert (attempt.blueprint, attempt.score, attempt.passed, attempt.position) == (
        "quick-check", 80.0, True, 0,
    )
    assert attempt.status == "submitted"
    assert attempt.title == "quick-check"  # v1 forms had no blueprint snapshot
    with pytest.raises(AttemptClosed):  # graded: no answer can change it now
        store.set_exam_response(attempt.id, 0, "A", holder=ME)
    # The new tables work on the migrated file.
    new = start(store, clock)
    store.set_exam_response(new, 0, "A", holder=ME)
    store.set_exam_flag(new, 0, True, holder=ME)
    store.announce_warnings(new, [10], holder=ME)
    assert store.exam_items(new)[0].flagged
    assert store.announced_warnings(new) == {10}
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


ME = "tests#1"


def start(store, clock, holder=ME):
    now = clock.now()
    return store.start_attempt(
        "quick-check", 3, {"items": [{"id": "a/b", "seed": 1}]},
        started_at=now, deadline=now + timedelta(minutes=15),
        holder=holder, lease_until=now + timedelta(seconds=20),
    )


def test_exam_answers_and_flags_are_committed_when_given(backend, clock):
    store = backend.open(clock)
    attempt = start(store, clock)
    store.set_exam_response(attempt, 4, ["A", "C"], holder=ME)
    store.set_exam_flag(attempt, 4, True, holder=ME)
    store.set_exam_flag(attempt, 7, True, holder=ME)
    store.set_exam_position(attempt, 7, holder=ME)
    # A second reader, as after a crash.
    rows = backend.rows("SELECT position, response, flagged FROM exam_items ORDER BY position")
    assert rows == [(4, '["A", "C"]', 1), (7, None, 1)]
    assert backend.rows("SELECT position FROM exam_attempts") == [(7,)]

    store.set_exam_response(attempt, 4, None, holder=ME)  # cleared, flag kept
    state = store.exam_items(attempt)[4]
    assert state.response is None and state.flagged


def test_false_and_zero_are_answers_not_blanks(backend, clock):
    store = backend.open(clock)
    attempt = start(store, clock)
    store.set_exam_response(attempt, 0, False, holder=ME)
    store.set_exam_response(attempt, 1, 0, holder=ME)
    items = store.exam_items(attempt)
    assert items[0].response is False and items[1].response == 0


def test_unfinished_attempt_and_submit_once(backend, clock):
    store = backend.open(clock)
    assert store.unfinished_attempt() is None
    attempt = start(store, clock)
    assert store.unfinished_attempt().id == attempt
    answers = [GradedAnswer("a/b", "B", True, 1.0), GradedAnswer("a/c", 3, False, 0.0)]
    ended = clock.now() + timedelta(minutes=5)
    assert store.submit_attempt(attempt, submitted_at=ended, score=50.0, passed=False, answers=answers,
                              holder=ME)
    assert not store.submit_attempt(attempt, submitted_at=ended, score=99.0, passed=True, answers=answers,
                                  holder=ME)
    assert store.unfinished_attempt() is None
    [row] = store.attempts()
    assert (row.score, row.passed, row.submitted_at) == (50.0, False, ended)
    recorded = store.answers()
    assert [(a.question_id, a.given, a.mode, a.session_id) for a in recorded] == [
        ("a/b", "B", "exam", f"exam-{attempt}"),
        ("a/c", 3, "exam", f"exam-{attempt}"),
    ]


def test_one_writer_an_open_attempt_is_taken_only_once_its_lease_ran_out(backend, clock):
    mine = backend.open(clock)
    theirs = backend.open(clock)  # another window on the same store
    attempt = start(mine, clock)
    soon = clock.now() + timedelta(seconds=20)
    with pytest.raises(ExamHeld) as held:
        theirs.take_lease(attempt, "other#2", soon)
    assert (held.value.holder, held.value.until) == (ME, soon)
    with pytest.raises(LeaseLost):  # a write from a window that does not hold it
        theirs.set_exam_response(attempt, 0, "B", holder="other#2")
    clock.advance(15)
    mine.renew_lease(attempt, ME, clock.now() + timedelta(seconds=20))  # the heartbeat
    clock.advance(15)
    with pytest.raises(ExamHeld):  # renewed: still held
        theirs.take_lease(attempt, "other#2", clock.now() + timedelta(seconds=20))
    clock.advance(6)  # no heartbeat for 21 s: the first window is gone
    theirs.take_lease(attempt, "other#2", clock.now() + timedelta(seconds=20))
    theirs.set_exam_response(attempt, 0, "B", holder="other#2")
    for write in (
        lambda: mine.set_exam_response(attempt, 0, "A", holder=ME),
        lambda: mine.set_exam_flag(attempt, 0, True, holder=ME),
        lambda: mine.set_exam_position(attempt, 3, holder=ME),
        lambda: mine.renew_lease(attempt, ME, clock.now() + timedelta(seconds=20)),
        lambda: mine.submit_attempt(attempt, submitted_at=clock.now(), score=100.0, passed=True,
                                    answers=[], holder=ME),
    ):
        with pytest.raises(LeaseLost):
            write()
    assert mine.exam_items(attempt)[0].response == "B" and not mine.exam_items(attempt)[0].flagged
    assert mine.attempt(attempt).position == 0 and mine.unfinished_attempt().id == attempt


def test_a_released_attempt_is_free_at_once_and_a_graded_one_refuses_everything(backend, clock):
    mine = backend.open(clock)
    theirs = backend.open(clock)
    attempt = start(mine, clock)
    mine.release_lease(attempt, ME)
    theirs.take_lease(attempt, "other#2", clock.now() + timedelta(seconds=20))
    assert theirs.submit_attempt(attempt, submitted_at=clock.now(), score=0.0, passed=False,
                                 answers=[], holder="other#2")
    for write in (
        lambda: mine.take_lease(attempt, ME, clock.now() + timedelta(seconds=20)),
        lambda: mine.renew_lease(attempt, ME, clock.now() + timedelta(seconds=20)),
        lambda: mine.set_exam_response(attempt, 0, "A", holder="other#2"),
    ):
        with pytest.raises(AttemptClosed):
            write()
    assert not mine.submit_attempt(attempt, submitted_at=clock.now(), score=100.0, passed=True,
                                   answers=[], holder=ME)
    assert mine.attempt(attempt).score == 0.0 and mine.answers() == []


def test_once_the_time_is_up_no_answer_is_taken_and_any_window_may_grade(backend, clock):
    mine = backend.open(clock)
    attempt = start(mine, clock)
    clock.advance(15 * 60)
    with pytest.raises(AttemptClosed, match="time"):
        mine.set_exam_response(attempt, 0, "A", holder=ME)
    assert mine.submit_attempt(attempt, submitted_at=clock.now(), score=0.0, passed=False,
                               answers=[], holder="a window that never held it#3")


def test_abandoned_attempt_is_closed_without_a_score(backend, clock):
    store = backend.open(clock)
    attempt = start(store, clock)
    store.abandon_attempt(attempt)
    assert store.unfinished_attempt() is None
    assert store.attempt(attempt).status == "abandoned"


def test_mistakes_are_questions_whose_latest_answer_was_wrong(backend, clock):
    store = backend.open(clock)
    for question_id, correct in [("q/1", False), ("q/2", False), ("q/1", True), ("q/3", True),
                                 ("q/3", False)]:
        store.record_answer(question_id, "x", correct=correct, score=float(correct), seconds=1,
                            mode="practice")
    assert store.mistakes() == ["q/3", "q/2"]


def test_an_exam_of_another_learner_cannot_be_read_or_written(backend, clock):
    ann, bob = backend.open(clock, learner="ann"), backend.open(clock, learner="bob")
    attempt = start(ann, clock)
    ann.set_exam_response(attempt, 0, "A", holder=ME)
    assert bob.attempt(attempt) is None and bob.attempts() == []
    assert bob.unfinished_attempt() is None
    assert bob.exam_items(attempt) == {} and bob.announced_warnings(attempt) == set()
    for write in (lambda: bob.set_exam_response(attempt, 0, "B", holder=ME),
                  lambda: bob.set_exam_flag(attempt, 0, True, holder=ME),
                  lambda: bob.set_exam_position(attempt, 3, holder=ME),
                  lambda: bob.announce_warnings(attempt, [5], holder=ME),
                  lambda: bob.submit_attempt(attempt, submitted_at=clock.now(), score=100.0,
                                             passed=True, answers=[], holder=ME)):
        with pytest.raises(NotYours):
            write()
    bob.abandon_attempt(attempt)  # closes nothing of ann's
    assert ann.exam_items(attempt)[0].response == "A"
    assert ann.unfinished_attempt().id == attempt and ann.announced_warnings(attempt) == set()
