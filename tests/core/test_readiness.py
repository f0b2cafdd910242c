"""Readiness and mastery are honest: they come from the learner's own graded answers (exams
and reviews in full, practice half, older answers less), a failing learner is told so, too
few answers say "not enough data yet", and the chance to pass is calibrated."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from trainer.core.banks import load_banks
from trainer.core.blueprints import Blueprint, load_blueprints
from trainer.core.exam import ExamSession
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool
from trainer.core.practice import PracticeSession
from trainer.core.progress import dashboard
from trainer.core.questions import correct_response
from trainer.core.review import Evidence, evidence, readiness
from trainer.core.store import Store

QUICK_CHECK = load_blueprints(question_bank_dir() / "exams").get("quick-check")


@pytest.fixture(scope="module")
def pool():
    return question_pool(load_banks([question_bank_dir()]), seed=11)


def blueprint(parts=("uids",), per_part=10, pass_mark=70) -> Blueprint:
    return Blueprint.model_validate({
        "id": "bp", "title": "BP", "questions": per_part * len(parts), "time_limit_minutes": 30,
        "pass_mark": pass_mark,
        "draws": [{"topics": [topic], "count": per_part} for topic in parts],
    })


def answers(topic, given, right) -> Evidence:
    return Evidence("single_choice", "b", (topic,), given, right)


def take_exam(store, clock, pool, share_right, seed):
    """A Quick check answered with about this share right; returns its score."""
    rng = random.Random(seed)
    session = ExamSession.start(store, QUICK_CHECK, pool, seed=seed, clock=clock)
    for index, item in enumerate(session.items):
        session.answer(index, correct_response(item.question) if rng.random() < share_right
                       else None if item.question.type != "true_false" else
                       not correct_response(item.question))
    clock.advance(10 * 60)
    return session.submit().score_percent


def practise(store, clock, pool, share_right, count, seed):
    rng = random.Random(seed)
    session = PracticeSession(random.Random(seed).sample(pool, count), rng, clock, store)
    while session.current is not None:
        question = session.current.question
        session.answer(correct_response(question) if rng.random() < share_right else None, 30)
        clock.advance(60)
        session.advance()


def test_a_learner_who_failed_the_quick_check_twice_is_told_they_are_not_ready(
    tmp_path, clock, pool
):
    """The newcomer's case: 45% and then 20% on the Quick check must not read as 'expected
    80%, 86% chance to pass'."""
    store = Store.in_dir(tmp_path, clock)
    scores = [take_exam(store, clock, pool, 0.45, seed=1), take_exam(store, clock, pool, 0.2, 2)]
    assert max(scores) < 60
    estimate = readiness(QUICK_CHECK, evidence(store, clock.now()))
    assert estimate.enough
    assert estimate.expected < QUICK_CHECK.pass_mark - 15
    assert estimate.pass_chance < 0.15


def test_borderline_and_ready_learners_read_as_such(tmp_path, clock, pool):
    borderline = Store.in_dir(tmp_path / "b", clock)
    for seed in range(3):
        take_exam(borderline, clock, pool, 0.7, seed=10 + seed)
    middle = readiness(QUICK_CHECK, evidence(borderline, clock.now()))
    assert 0.2 < middle.pass_chance < 0.8
    ready = Store.in_dir(tmp_path / "r", clock)
    for seed in range(3):
        take_exam(ready, clock, pool, 0.95, seed=20 + seed)
    practise(ready, clock, pool, 0.95, 20, seed=3)
    top = readiness(QUICK_CHECK, evidence(ready, clock.now()))
    assert top.pass_chance > 0.85 and top.expected > middle.expected


def test_too_few_answers_say_not_enough_data(tmp_path, clock, pool):
    store = Store.in_dir(tmp_path, clock)
    assert not readiness(QUICK_CHECK, evidence(store, clock.now())).enough
    practise(store, clock, pool, 1.0, 4, seed=1)  # four practice answers count as two
    assert not readiness(QUICK_CHECK, evidence(store, clock.now())).enough


def test_old_answers_count_less_and_practice_counts_half(tmp_path, clock, pool):
    store = Store.in_dir(tmp_path, clock)
    practise(store, clock, pool, 1.0, 6, seed=1)
    now = evidence(store, clock.now())
    later = evidence(store, clock.now() + timedelta(days=42))  # two half-lives
    assert sum(e.weight for e in now) == pytest.approx(3.0, abs=0.1)  # 6 practice answers
    assert sum(e.weight for e in later) == pytest.approx(sum(e.weight for e in now) / 4, rel=0.1)


def test_a_topic_answered_wrong_every_time_shows_no_memory_and_low_mastery(
    tmp_path, clock, pool
):
    """The newcomer saw 0/3 right and 77% 'Memory': FSRS's curve for a failed card, read as if
    it were known."""
    store = Store.in_dir(tmp_path, clock)
    dimse = [q for q in pool if q.topics == ("dimse",)][:3]
    session = PracticeSession(dimse, random.Random(1), clock, store, mode="review")
    for _ in dimse:
        session.answer(None, 20)
        session.advance()
    [topic] = [t for t in dashboard(store, clock.now(), []).topics if t.topic == "dimse"]
    assert (topic.right, topic.answers, topic.cards) == (0, 3, 3)
    assert topic.memory == 0.0
    assert topic.mastery is not None and topic.mastery < 0.3 and topic.weak


def test_readiness_is_less_certain_with_fewer_answers_and_knows_nothing_without():
    exam = blueprint()
    few, many = [answers("uids", 2, 1.6)], [answers("uids", 40, 32)]
    assert readiness(exam, many).high - readiness(exam, many).low < (
        readiness(exam, few).high - readiness(exam, few).low
    )
    blank = readiness(exam, [])
    assert blank.expected == pytest.approx(50) and blank.answers_used == 0 and not blank.enough


def test_readiness_names_the_topic_with_the_most_points_at_stake():
    exam = blueprint(("uids", "dimse"))
    found = [answers("uids", 10, 9.5), answers("dimse", 10, 4)]
    assert readiness(exam, found).study_next == "dimse"
    off = [answers("conformance", 5, 5)]  # off the exam's topics: not counted
    assert readiness(exam, found + off).answers_used == 20


def test_the_chance_to_pass_is_calibrated_across_simulated_learners():
    """Learners of every level (a true chance per part, uniform), each with 0-40 answers a
    part, then the exam itself: among learners told p% they would pass, about p% do (within
    10 points in every band of predictions with enough learners to tell)."""
    exam = blueprint(("uids", "dimse", "pr-sr-ko"), per_part=10, pass_mark=70)
    rng = random.Random(5)
    told: list[tuple[float, bool]] = []
    for _ in range(4000):
        ability = [rng.random() for _ in exam.draws]
        found = []
        for draw, chance in zip(exam.draws, ability):
            given = rng.randint(0, 40)
            right = sum(rng.random() < chance for _ in range(given))
            found.append(answers(draw.topics[0], given, right))
        estimate = readiness(exam, found)
        score = sum(sum(rng.random() < chance for _ in range(10)) for chance in ability)
        told.append((estimate.pass_chance, score >= 21))
    bands: dict[int, list[tuple[float, bool]]] = {}
    for chance, passed in told:
        bands.setdefault(min(9, int(chance * 10)), []).append((chance, passed))
    checked = 0
    for band in bands.values():
        if len(band) < 60:
            continue
        predicted = sum(chance for chance, _ in band) / len(band)
        observed = sum(passed for _, passed in band) / len(band)
        assert abs(predicted - observed) <= 0.10, (predicted, observed, len(band))
        checked += 1
    assert checked >= 8
