"""Spaced review through the store on a FakeClock: ratings, due order, overrides, the queue,
exams scheduling cards, readiness, and `pacs-trainer review status`."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from fsrs import Card

from trainer.cli import main
from trainer.core.banks import load_banks
from trainer.core.blueprints import Blueprint
from trainer.core.exam import ExamSession
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool
from trainer.core.practice import PracticeSession
from trainer.core.questions import correct_response
from trainer.core.review import (
    RECALL_HORIZON,
    SCHEDULER,
    Rating,
    auto_rating,
    rebuild,
    recall,
    review_queue,
    set_new_per_day,
    status,
)
from trainer.core.store import Store

UTC_DAY = timedelta(0)  # day boundaries in UTC, whatever this machine's zone
DAY = 86400


@pytest.fixture(scope="module")
def pool():
    return question_pool(load_banks([question_bank_dir()]), seed=11)


def of_type(pool, kind, count=1):
    return [q for q in pool if q.type == kind][:count]


def answer_round(store, clock, questions, rights, seconds=60.0):
    """Answer each question right or wrong, a minute apart, as the practice screen does."""
    session = PracticeSession(list(questions), random.Random(1), clock, store)
    for right in rights:
        question = session.current.question
        session.answer(correct_response(question) if right else None, seconds)
        clock.advance(60)
        session.advance()
    return session


def test_rating_comes_from_the_answer():
    assert auto_rating("single_choice", False, 3) == Rating.Again
    assert auto_rating("single_choice", True, 60) == Rating.Good
    assert auto_rating("single_choice", True, 8) == Rating.Easy
    assert auto_rating("true_false", True, 15) == Rating.Good  # quick is per type
    assert auto_rating("matching", True, 15) == Rating.Easy
    assert auto_rating("single_choice", True, None) == Rating.Good  # exam: time unknown


def test_a_card_answered_wrong_comes_back_sooner_than_one_answered_right(backend, clock, pool):
    store = backend.open(clock)
    wrong, right = of_type(pool, "single_choice", 2)
    session = answer_round(store, clock, [wrong, right], [False, True])
    assert [r.rating for r in session.reviews.values()] == [Rating.Again, Rating.Good]
    assert store.card(wrong.full_id).state.due < store.card(right.full_id).state.due
    # The next day both are due, in the order FSRS made them due.
    clock.advance(DAY)
    assert store.due_question_ids(clock.now()) == [wrong.full_id, right.full_id]
    assert status(store, clock.now(), UTC_DAY).due_now == 2


def test_due_order_follows_fsrs_not_answer_order(backend, clock, pool):
    store = backend.open(clock)
    first, second = of_type(pool, "single_choice", 2)
    answer_round(store, clock, [first], [True], seconds=5)  # Easy: days away
    answer_round(store, clock, [second], [False])  # Again: a minute away
    clock.advance(30 * DAY)
    assert store.due_question_ids(clock.now()) == [second.full_id, first.full_id]


def test_learner_override_reschedules_and_matches_a_replay(backend, clock, pool):
    store = backend.open(clock)
    question = of_type(pool, "single_choice")[0]
    session = answer_round(store, clock, [question], [True])
    session.index = 0  # back on the answered question, as the feedback screen is
    good_due = session.reviews[0].due
    easy = session.rate(Rating.Easy)
    assert easy.rating == Rating.Easy and easy.due > good_due
    hard = session.rate(Rating.Hard)
    assert hard.due < good_due
    [log] = store.reviews(question.full_id)
    assert log.rating == Rating.Hard  # the log was changed, not added to
    assert store.card(question.full_id).state == rebuild([(log.rating, log.reviewed_at)])


def test_a_wrong_answer_cannot_be_rated_up(backend, clock, pool):
    store = backend.open(clock)
    session = answer_round(store, clock, of_type(pool, "single_choice"), [False])
    session.index = 0
    with pytest.raises(ValueError):
        session.rate(Rating.Good)


def test_every_answer_is_a_review_and_the_card_is_their_replay(backend, clock, pool):
    store = backend.open(clock)
    question = of_type(pool, "true_false")[0]
    for right in (False, True, True):
        answer_round(store, clock, [question], [right])
        clock.advance(DAY)
    logs = store.reviews(question.full_id)
    assert [log.rating for log in logs] == [Rating.Again, Rating.Good, Rating.Good]
    assert len(store.cards()) == 1
    assert store.card(question.full_id).state == rebuild([(g.rating, g.reviewed_at) for g in logs])


def test_exam_answers_schedule_cards_at_submit(backend, clock, pool):
    store = backend.open(clock)
    exam = Blueprint.model_validate({
        "id": "small", "title": "Small", "questions": 4, "time_limit_minutes": 15,
        "pass_mark": 75, "draws": [{"topics": ["uids"], "sources": ["banks"], "count": 4}],
    })
    session = ExamSession.start(store, exam, pool, seed=1, clock=clock)
    session.answer(0, correct_response(session.items[0].question))
    session.answer(1, None)
    session.answer(2, "not an answer")
    assert store.cards() == []  # nothing until the exam is submitted
    clock.advance(120)
    session.submit()
    cards = {c.info.question_id for c in store.cards()}
    assert cards == {item.question.full_id for item in session.items}  # blanks were not known
    ratings = {q: store.reviews(q)[0].rating for q in cards}
    assert ratings[session.items[0].question.full_id] == Rating.Good  # no time: never Easy
    assert {ratings[item.question.full_id] for item in session.items[1:]} == {Rating.Again}


def test_review_queue_due_first_then_new_up_to_the_daily_limit(backend, clock, pool):
    store = backend.open(clock)
    set_new_per_day(store, 3)
    answered = pool[:2]
    answer_round(store, clock, answered, [False, True])
    # Two cards were first seen today: one new question is left for today.
    queue = review_queue(store, pool, clock.now(), UTC_DAY)
    assert queue.due == [answered[0]]  # the wrong one is due again after a minute
    assert len(queue.new) == 1 and queue.new[0].full_id not in {q.full_id for q in answered}
    clock.advance(DAY)
    queue = review_queue(store, pool, clock.now(), UTC_DAY)
    assert [q.full_id for q in queue.due] == [q.full_id for q in answered]
    assert len(queue.new) == 3  # a new day, a new allowance
    assert queue.questions == queue.due + queue.new


def test_due_cards_whose_question_is_gone_are_counted_not_offered(backend, clock, pool):
    store = backend.open(clock)
    answer_round(store, clock, pool[:1], [False])
    bank_only = [q for q in pool if q.full_id != pool[0].full_id]
    clock.advance(DAY)
    queue = review_queue(store, bank_only, clock.now(), UTC_DAY)
    assert queue.due == [] and queue.missing == 1


def test_status_counts_due_now_today_and_all(backend, clock, pool):
    store = backend.open(clock)  # 09:00 UTC
    answer_round(store, clock, pool[:3], [False, True, True], seconds=60)
    clock.advance(5 * 60)
    figures = status(store, clock.now(), UTC_DAY)
    assert (figures.due_now, figures.due_today, figures.cards) == (1, 3, 3)
    assert figures.new_today == 3 and figures.new_left == 7


@pytest.mark.parametrize(
    "after", [timedelta(days=9), timedelta(days=9, milliseconds=-1), timedelta(days=3, hours=13)]
)
def test_recall_by_kind_sums_what_fsrs_says_of_each_card(backend, clock, pool, after):
    store = backend.open(clock)
    answer_round(store, clock, pool[:12], [i % 3 != 0 for i in range(12)])
    later = clock.now() + after  # whole days since each review, just under, and between
    kinds = recall(store, later)
    assert sum(kind.cards for kind in kinds) == 12
    horizon = later + RECALL_HORIZON
    for kind in kinds:
        cards = [c.state for c in store.cards()
                 if (c.info.question_type, c.info.topics) == (kind.type, kind.topics)
                 and c.info.question_id.startswith(f"{kind.bank}/")]
        assert len(cards) == kind.cards
        assert kind.retrievability == pytest.approx(sum(
            SCHEDULER.get_card_retrievability(
                Card(card_id=0, stability=c.stability, last_review=c.last_review, due=horizon),
                horizon)
            for c in cards
        ))


def test_review_status_cli_after_a_practice_round(tmp_path, clock, pool, capsys):
    data = tmp_path / "data"
    store = Store.in_dir(data)  # answers on the system clock, the one the command reads
    answer_round(store, clock, pool[:4], [True, False, True, True])
    store.close()
    assert main(["review", "status", "--json", "--data-dir", str(data)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["cards"] == 4 and figures["due_today"] >= 1
    assert main(["review", "status", "--data-dir", str(data)]) == 0
    assert "Cards:      4" in capsys.readouterr().out


def test_review_status_without_progress_creates_nothing(tmp_path, capsys):
    data = tmp_path / "none"
    assert main(["review", "status", "--data-dir", str(data)]) == 0
    assert "No cards yet" in capsys.readouterr().out
    assert not data.exists()

