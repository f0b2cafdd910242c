"""Practice: the pool, choosing questions, and a session that stores every answer at once."""

from __future__ import annotations

import random

import pytest

from trainer.core.banks import load_banks
from trainer.core.paths import question_bank_dir
from trainer.core.pool import SOURCES, find_questions, question_pool, source_of
from trainer.core.practice import PracticeSession, select_questions
from trainer.core.questions import correct_response
from trainer.core.store import Store


@pytest.fixture(scope="module")
def catalog():
    return load_banks([question_bank_dir()])


@pytest.fixture(scope="module")
def pool(catalog):
    return question_pool(catalog, seed=1)


def test_pool_holds_every_bank_question_and_generated_ones_same_seed_same_pool(catalog, pool):
    ids = [q.full_id for q in pool]
    assert {q.full_id for q in catalog.questions} <= set(ids)
    assert {source_of(q) for q in pool} == set(SOURCES)
    assert [q.full_id for q in question_pool(catalog, seed=1)] == ids
    assert [q.full_id for q in question_pool(catalog, seed=2)] != ids
    assert len(set(ids)) == len(ids)


def test_a_generated_question_missing_from_the_pool_is_rebuilt_from_its_id(catalog, pool):
    other = [q for q in question_pool(catalog, seed=2) if q.bank.startswith("gen-")]
    ids = [q.full_id for q in other[:5]] + ["uids/not-a-question", "gen-registry/nonsense-1"]
    found = find_questions(pool, ids)
    assert found[:5] == other[:5]
    assert found[5:] == [None, None]


def test_select_by_topic_bank_and_source(pool):
    rng = random.Random(1)
    by_topic = select_questions(pool, rng=rng, count=500, topics=["conformance"])
    assert by_topic and all("conformance" in q.topics for q in by_topic)
    by_bank = select_questions(pool, rng=rng, count=500, banks=["uids"])
    assert len(by_bank) == sum(1 for q in pool if q.bank == "uids")
    generated = select_questions(pool, rng=rng, count=500, sources=["studies"])
    assert generated and all(q.bank == "gen-studies" for q in generated)
    assert len(select_questions(pool, rng=rng, count=7)) == 7


def test_select_by_lesson_takes_its_anchored_questions_and_its_topics(pool):
    chosen = select_questions(pool, rng=random.Random(2), count=1000, lesson="uids",
                              topics=["file-meta"])
    assert chosen
    for question in chosen:
        anchored = question.lesson is not None and question.lesson.id == "uids"
        assert anchored or "file-meta" in question.topics
    assert any(q.lesson and q.lesson.id == "uids" and "file-meta" not in q.topics for q in chosen)


def test_select_mistakes_only(pool, catalog):
    generated = next(q for q in question_pool(catalog, seed=5) if q.bank == "gen-studies")
    assert generated.full_id not in {q.full_id for q in pool}
    mistakes = [pool[0].full_id, "uids/a-question-since-deleted", generated.full_id]
    chosen = select_questions(pool, rng=random.Random(3), count=10, mistakes=mistakes)
    assert {q.full_id for q in chosen} == {pool[0].full_id, generated.full_id}


def test_same_rng_seed_same_selection(pool):
    first = select_questions(pool, rng=random.Random(4), count=10, topics=["uids"])
    assert select_questions(pool, rng=random.Random(4), count=10, topics=["uids"]) == first


def test_a_practice_session_stores_each_answer_and_tallies_by_topic(tmp_path, clock, pool):
    store = Store.in_dir(tmp_path, clock)
    questions = select_questions(pool, rng=random.Random(5), count=3, banks=["uids"])
    session = PracticeSession(questions, random.Random(5), clock, store)
    assert session.total == 3 and session.current.question == questions[0]

    right = session.answer(correct_response(questions[0]), seconds=4.0)
    assert right.correct
    [stored] = store.answers()  # committed before answer() returned
    assert (stored.question_id, stored.mode, stored.seconds) == (questions[0].full_id, "practice", 4.0)
    with pytest.raises(RuntimeError):
        session.answer("again", seconds=1)

    assert session.advance()
    assert not session.answer("surely wrong", seconds=2).correct
    assert session.advance()  # the third is skipped
    assert not session.advance() and session.current is None

    assert (session.right, session.answered) == (1, 2)
    assert session.missed() == [questions[1]]
    scores = {s.topic: (s.right, s.total) for s in session.summary()}
    for topic in questions[0].topics:
        assert scores[topic][0] >= 1
    assert store.mistakes() == [questions[1].full_id]
