"""Exam sessions on a FakeClock: warnings, auto-submit, the report, and resuming after a crash."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from trainer.core.banks import load_banks
from trainer.core.blueprints import Blueprint, load_blueprints
from trainer.core.exam import ExamClosed, ExamSession, FormUnavailable
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool
from trainer.core.questions import correct_response, grade
from trainer.core.store import Store

BLUEPRINTS = load_blueprints(question_bank_dir() / "exams")


@pytest.fixture(scope="module")
def pool():
    return question_pool(load_banks([question_bank_dir()]), seed=11)


def small(**fields) -> Blueprint:
    data = {
        "id": "small", "title": "Small", "questions": 4, "time_limit_minutes": 15,
        "pass_mark": 75, "draws": [{"topics": ["uids"], "sources": ["banks"], "count": 4}],
    }
    return Blueprint.model_validate({**data, **fields})


def open_store(tmp_path, clock) -> Store:
    return Store.in_dir(tmp_path / "data", clock)


def test_warnings_fire_once_at_10_5_and_1_minutes(tmp_path, clock, pool):
    session = ExamSession.start(open_store(tmp_path, clock), BLUEPRINTS.get("quick-check"), pool,
                                seed=1, clock=clock)
    heard = {}
    for second in range(0, 15 * 60 + 1, 10):
        for minutes in session.due_warnings():
            heard[minutes] = second
        clock.advance(10)
    assert heard == {10: 5 * 60, 5: 10 * 60, 1: 14 * 60}


def test_a_warning_is_not_repeated_after_resume(tmp_path, clock, pool):
    store = open_store(tmp_path, clock)
    session = ExamSession.start(store, small(), pool, seed=1, clock=clock)
    clock.advance(5 * 60)
    assert session.due_warnings() == [10]
    again = ExamSession.resume(open_store(tmp_path, clock), BLUEPRINTS, pool, clock=clock)
    assert again.due_warnings() == []
    clock.advance(9 * 60)  # 1 minute left: 5 and 1 crossed together, the nearest is said
    assert again.due_warnings() == [1]
    assert again.due_warnings() == []


def test_no_warning_at_or_above_the_time_limit(tmp_path, clock, pool):
    session = ExamSession.start(open_store(tmp_path, clock), small(time_limit_minutes=5), pool,
                                seed=1, clock=clock)
    assert session.due_warnings() == []  # 5 minutes left at the start is no news
    clock.advance(4 * 60)
    assert session.due_warnings() == [1]


def test_time_runs_out_then_the_exam_submits_with_the_answers_given(tmp_path, clock, pool):
    store = open_store(tmp_path, clock)
    session = ExamSession.start(store, small(), pool, seed=2, clock=clock)
    first = session.items[0].question
    session.answer(0, correct_response(first))
    clock.advance(14 * 60 + 59)
    assert session.remaining() == timedelta(seconds=1) and not session.expired
    clock.advance(30)
    assert session.expired and session.remaining() == timedelta(0)
    with pytest.raises(ExamClosed):
        session.answer(1, "anything")
    report = session.submit()
    assert report.right == 1 and report.scored_total == 4 and report.score_percent == 25
    assert not report.passed
    assert report.time_used == timedelta(minutes=15)  # not a second past the deadline
    assert session.submit() is report  # idempotent
    assert store.unfinished_attempt() is None


def test_report_scores_by_topic_and_reviews_every_question(tmp_path, clock, pool):
    store = open_store(tmp_path, clock)
    blueprint = small(questions=8, draws=[{"topics": ["uids"], "sources": ["banks"], "count": 8}])
    session = ExamSession.start(store, blueprint, pool, seed=3, clock=clock)
    for index, item in enumerate(session.items[:6]):
        session.answer(index, correct_response(item.question))
    session.answer(6, "a wrong answer")
    clock.advance(7 * 60)
    report = session.submit()
    assert (report.right, report.scored_total, report.score_percent) == (6, 8, 75.0)
    assert report.passed and report.pass_mark == 75
    assert report.time_used == timedelta(minutes=7)
    uids = next(score for score in report.by_topic if score.topic == "uids")
    assert (uids.right, uids.total) == (6, 8)
    assert [r.question for r in report.review] == [item.question for item in session.items]
    assert [r.grade.correct for r in report.review] == [True] * 6 + [False, False]
    assert report.review[6].response == "a wrong answer" and report.review[7].response is None
    # Every scored question joins the answer history when the exam is submitted.
    history = store.answers()
    assert len(history) == 8 and {a.mode for a in history} == {"exam"}  # the blank too
    assert [a.correct for a in history if a.given is None] == [False]


def test_answers_reach_the_answer_history_only_on_submit(tmp_path, clock, pool):
    store = open_store(tmp_path, clock)
    session = ExamSession.start(store, small(), pool, seed=3, clock=clock)
    session.answer(0, "x")
    assert store.answers() == []
    session.submit()
    session.submit()
    assert len(store.answers()) == 4  # the one given and three blanks, once


def test_pilot_items_are_not_scored(tmp_path, clock, pool):
    session = ExamSession.start(open_store(tmp_path, clock), small(pilot_items=2), pool, seed=4,
                                clock=clock)
    assert len(session.items) == 6
    for index, item in enumerate(session.items):
        if not item.pilot:
            session.answer(index, correct_response(item.question))
    report = session.submit()
    assert report.scored_total == 4 and report.score_percent == 100
    assert sum(r.pilot for r in report.review) == 2


def test_partial_credit_when_the_blueprint_allows_it(tmp_path, clock, pool):
    draws = [{"topics": ["information-model", "pr-sr-ko", "uids"], "sources": ["banks"], "count": 3}]
    blueprint = small(questions=3, allowed_types=["ordering", "matching"], partial_credit=True,
                      draws=draws)
    session = ExamSession.start(open_store(tmp_path, clock), blueprint, pool, seed=5, clock=clock)
    item = session.items[0]
    half = correct_response(item.question)
    if isinstance(half, list):
        half = [half[1], half[0], *half[2:]]  # two items swapped
    else:
        left, right = list(half)[:2]
        half = {**half, left: half[right], right: half[left]}
    session.answer(0, half)
    expected = grade(item.question, half, partial_credit=True).score
    assert 0 < expected < 1
    assert session.submit().right == pytest.approx(expected)


def test_resume_rebuilds_the_same_exam(tmp_path, clock, pool):
    store = open_store(tmp_path, clock)
    session = ExamSession.start(store, BLUEPRINTS.get("quick-check"), pool, seed=6, clock=clock)
    session.answer(2, correct_response(session.items[2].question))
    session.answer(5, False)
    session.flag(5, True)
    session.flag(7, True)
    session.go(7)
    clock.advance(4 * 60)
    store.close()  # as good as a killed process: every change was committed

    other_pool = question_pool(load_banks([question_bank_dir()]), seed=99)
    again = ExamSession.resume(open_store(tmp_path, clock), BLUEPRINTS, other_pool, clock=clock)
    assert again.attempt_id == session.attempt_id
    assert [i.question.full_id for i in again.items] == [i.question.full_id for i in session.items]
    assert [i.presented for i in again.items] == [i.presented for i in session.items]
    assert again.items[2].response == session.items[2].response and again.items[5].response is False
    assert again.flagged == [5, 7] and again.position == 7
    assert again.deadline == session.deadline
    assert again.remaining() == timedelta(minutes=11)


def test_resume_after_the_deadline_passed_submits_and_grades(tmp_path, clock, pool):
    store = open_store(tmp_path, clock)
    session = ExamSession.start(store, small(), pool, seed=7, clock=clock)
    for index in range(3):
        session.answer(index, correct_response(session.items[index].question))
    store.close()
    clock.advance(3 * 3600)  # closed for three hours
    store = open_store(tmp_path, clock)
    again = ExamSession.resume(store, BLUEPRINTS, pool, clock=clock)
    assert again.report is not None and again.report.score_percent == 75 and again.report.passed
    assert again.report.time_used == timedelta(minutes=15)
    [attempt] = store.attempts()
    assert attempt.submitted_at == session.deadline and attempt.score == 75
    assert ExamSession.resume(store, BLUEPRINTS, pool, clock=clock) is None


def test_sequential_navigation_goes_forward_only_even_after_resume(tmp_path, clock, pool):
    store = open_store(tmp_path, clock)
    session = ExamSession.start(store, small(navigation="sequential"), pool, seed=8, clock=clock)
    assert [session.can_visit(i) for i in range(4)] == [True] * 4
    session.go(2)
    assert not session.can_visit(1) and session.can_visit(3)
    with pytest.raises(ValueError):
        session.answer(0, "late")
    session.release()  # the learner leaves the exam
    again = ExamSession.resume(open_store(tmp_path, clock), BLUEPRINTS, pool, clock=clock)
    assert not again.can_visit(1) and again.position == 2


def test_free_navigation_visits_any_question(tmp_path, clock, pool):
    session = ExamSession.start(open_store(tmp_path, clock), small(), pool, seed=8, clock=clock)
    session.go(3)
    assert session.can_visit(0) and not session.can_visit(4)


def test_submit_lists_nothing_unanswered_once_all_are_answered(tmp_path, clock, pool):
    session = ExamSession.start(open_store(tmp_path, clock), small(), pool, seed=9, clock=clock)
    assert session.unanswered == [0, 1, 2, 3]
    session.answer(1, "x")
    session.answer(1, None)  # cleared again
    assert session.unanswered == [0, 1, 2, 3]
    for index in range(4):
        session.answer(index, "x")
    assert session.unanswered == []


def write_bank(folder, version, answer="A"):
    """A four-question bank; `version` shows in each prompt, `answer` is every key."""
    questions = [
        {"id": f"q{n}", "type": "single_choice",
         "prompt": f"Which tag holds the SOP Instance UID? ({n}, version {version})",
         "topics": ["uids"], "difficulty": 1,
         "choices": ["(0008,0018)", "(0008,0016)", "(0020,000D)"], "answer": answer,
         "explanation": "PS3.3 C.12.1: SOP Instance UID is (0008,0018).",
         "references": ["PS3.3 C.12.1"]}
        for n in range(1, 5)
    ]
    bank = {"id": "drill", "title": "Drill", "version": version, "author": "tests",
            "license": "CC-BY-4.0", "questions": questions}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "drill.yaml").write_text(json.dumps(bank), "utf-8")  # JSON is YAML too
    catalog = load_banks([folder])
    assert not catalog.errors, catalog.errors
    return list(catalog.questions)


def test_an_upgraded_bank_between_start_and_resume_changes_nothing_in_the_exam(
    tmp_path, clock
):
    """The form keeps every question as it stood: after an upgrade that rewrites the bank
    (new wording, a new key) or drops it, the resumed exam shows and grades the old one."""
    before = write_bank(tmp_path / "banks", version=1, answer="A")
    store = open_store(tmp_path, clock)
    session = ExamSession.start(store, small(), before, seed=10, clock=clock)
    shown = [(item.question.prompt, item.presented) for item in session.items]
    session.answer(0, "A")
    session.release()
    store.close()

    after = write_bank(tmp_path / "banks", version=2, answer="B")  # the upgrade
    for pool in (after, []):  # rewritten, then gone altogether
        again = ExamSession.resume(open_store(tmp_path, clock), BLUEPRINTS, pool, clock=clock)
        assert [(item.question.prompt, item.presented) for item in again.items] == shown
        assert all("version 1" in prompt for prompt, _ in shown)
        assert again.items[0].question.full_id == session.items[0].question.full_id
        again.release()
    again.take()
    report = again.submit()
    assert report.review[0].grade.correct  # graded by the key it was asked with: A


def test_an_old_form_without_its_questions_cannot_resume_when_they_are_gone(
    tmp_path, clock, pool
):
    store = open_store(tmp_path, clock)
    session = ExamSession.start(store, small(), pool, seed=10, clock=clock)
    attempt = store.attempt(session.attempt_id)
    form = {**attempt.form, "version": 1,
            "items": [{k: v for k, v in item.items() if k in ("id", "seed", "pilot")}
                      for item in attempt.form["items"]]}
    store._db.execute("UPDATE exam_attempts SET form = ? WHERE id = ?",
                      (json.dumps(form), session.attempt_id))
    session.release()
    generated_only = [q for q in pool if q.bank.startswith("gen-")]
    with pytest.raises(FormUnavailable, match="no longer in the banks"):
        ExamSession.resume(store, BLUEPRINTS, generated_only, clock=clock)
    assert ExamSession.resume(store, BLUEPRINTS, pool, clock=clock) is not None


# --- one exam, one writer -------------------------------------------------------------------


def test_a_second_window_finds_the_exam_held_and_takes_it_over_only_once_the_first_is_gone(
    tmp_path, clock, pool
):
    from trainer.core.exam import HEARTBEAT, LEASE, OpenElsewhere
    from trainer.core.store import LeaseLost

    first = ExamSession.start(open_store(tmp_path, clock), small(), pool, seed=12, clock=clock,
                              place="the terminal app")
    first.answer(0, correct_response(first.items[0].question))
    for _ in range(10):  # a minute of heartbeats keeps it held
        clock.advance(HEARTBEAT.total_seconds())
        first.keep()
        with pytest.raises(OpenElsewhere) as held:
            ExamSession.resume(open_store(tmp_path, clock), BLUEPRINTS, pool, clock=clock,
                               place="plain mode")
    second = held.value.session
    assert held.value.where == "another window (the terminal app)"
    assert held.value.until == first.held_until
    assert second.items[0].response == first.items[0].response  # shown as it stands
    with pytest.raises(LeaseLost):  # the held view cannot write
        second.answer(1, "x")

    clock.advance(LEASE.total_seconds())  # the first window stops beating: it is gone
    second.take()
    second.answer(1, correct_response(second.items[1].question))
    with pytest.raises(LeaseLost):  # the first window, back, is refused: it lost the exam
        first.answer(2, correct_response(first.items[2].question))
    with pytest.raises(LeaseLost):
        first.keep()
    with pytest.raises(LeaseLost):
        first.submit()
    report = second.submit()
    assert report.right == 2  # both windows' saved answers, graded once
    history = second.store.answers()
    assert len(history) == len(second.items)  # each question once (blanks count as wrong)
    assert [a.question_id for a in history if a.correct] == [
        second.items[0].question.full_id, second.items[1].question.full_id]


def test_an_exam_graded_in_another_window_refuses_answers_and_shows_that_result(
    tmp_path, clock, pool
):
    from trainer.core.store import AttemptClosed

    first = ExamSession.start(open_store(tmp_path, clock), small(), pool, seed=13, clock=clock)
    first.answer(0, correct_response(first.items[0].question))
    first.release()  # left it; a second window resumes and submits
    second = ExamSession.resume(open_store(tmp_path, clock), BLUEPRINTS, pool, clock=clock)
    second.answer(1, correct_response(second.items[1].question))
    assert second.submit().right == 2
    with pytest.raises(AttemptClosed):
        first.answer(2, "late")
    first.refresh()
    assert first.report is not None and first.report.right == 2


def test_two_windows_grading_an_expired_exam_at_once_get_one_result(tmp_path, clock, pool):
    first = ExamSession.start(open_store(tmp_path, clock), small(), pool, seed=14, clock=clock)
    first.answer(0, correct_response(first.items[0].question))
    stale = ExamSession.open(open_store(tmp_path, clock), first.attempt_id, BLUEPRINTS, pool,
                             clock=clock)  # read before the second answer
    first.answer(1, correct_response(first.items[1].question))
    clock.advance(16 * 60)
    assert stale.submit().right == 2  # graded from the store, not from what it had read
    assert first.submit().right == 2
    assert len(first.store.answers()) == len(first.items)  # copied into the history once
