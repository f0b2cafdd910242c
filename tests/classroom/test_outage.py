"""Never lose an answer: the classroom database goes away in the middle of an exam, the
learner keeps answering, the database comes back, and every answer is in it."""

from __future__ import annotations

import json

import psycopg
import pytest
from testkit.postgres import pg_tool, postgres_server

from trainer.core.banks import load_banks
from trainer.core.blueprints import load_blueprints
from trainer.core.exam import ExamSession
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool
from trainer.core.questions import correct_response
from trainer.core.review import rebuild
from trainer.core.store import Store, open_database
from trainer.core.store.accounts import Accounts
from trainer.core.store.outbox import Outbox


@pytest.fixture(scope="module")
def pool():
    return question_pool(load_banks([question_bank_dir()]), seed=5)


@pytest.fixture
def server():
    pg_tool("initdb")
    with postgres_server() as started:
        yield started


def test_stop_postgresql_mid_exam_keep_answering_start_it_again_nothing_lost(
    server, tmp_path, clock, pool
):
    url = server.create_database()
    said: list[str] = []
    store = Outbox(Store(open_database(url), clock, learner="ann"), tmp_path / "kept.jsonl",
                   rebuild, told=said.append)
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    exam = ExamSession.start(store, blueprint, pool, seed=9, clock=clock)  # type: ignore[arg-type]
    count = len(exam.items)
    for index in range(5):
        exam.answer(index, correct_response(exam.items[index].question))
        clock.advance(20)

    server.stop()  # the database goes away mid-exam
    for index in range(5, count):
        exam.go(index)
        exam.answer(index, correct_response(exam.items[index].question))
        clock.advance(20)
    exam.flag(count - 1, True)
    report = exam.submit()
    assert report.score_percent == 100.0
    assert len(said) == 1 and "kept on this computer" in said[0]  # told once, not per answer
    assert store.pending == (count - 5) * 2 + 1 + 1 + 1  # answers, moves, flag, submit, reviews
    assert store.retry(now=True) == 0  # still away: nothing written, nothing dropped
    assert store.pending > 0

    server.start()
    written = store.retry(now=True)
    assert written == (count - 5) * 2 + 3 and store.pending == 0
    assert "is back" in said[-1]
    assert not (tmp_path / "kept.jsonl").exists()
    with psycopg.connect(url) as db:
        items = db.execute(
            "SELECT position, response IS NOT NULL, flagged FROM exam_items ORDER BY position"
        ).fetchall()
        assert [position for position, answered, _ in items if answered] == list(range(count))
        assert items[-1][2] == 1
        score, position = db.execute("SELECT score, position FROM exam_attempts").fetchone()
        assert (score, position) == (100.0, count - 1)
        answers = db.execute("SELECT count(*), count(DISTINCT question_id) FROM answers "
                             "WHERE mode = 'exam'").fetchone()
        assert answers == (count, count)  # every answer once: none lost, none twice
        assert db.execute("SELECT count(*) FROM review_logs").fetchone() == (count,)


def test_kept_answers_survive_a_restart_of_the_app_and_are_not_written_twice(
    server, tmp_path, clock
):
    url = server.create_database()
    store = Outbox(Store(open_database(url), clock, learner="bob"), tmp_path / "kept.jsonl",
                   rebuild)
    server.stop()
    answered = store.record_answer("uids/q1", "B", correct=True, score=1.0, seconds=4,
                                   mode="practice")
    assert answered == clock.now()
    clock.advance(60)
    store.record_answer("uids/q2", "A", correct=False, score=0.0, seconds=9, mode="practice")
    server.start()
    # The app was closed meanwhile: a new one finds the journal and writes it through.
    again = Outbox(Store(open_database(url), clock, learner="bob"), tmp_path / "kept.jsonl",
                   rebuild)
    assert again.pending == 2
    assert again.retry(now=True) == 2
    assert [(a.question_id, a.answered_at) for a in again.answers()] == [
        ("uids/q1", answered), ("uids/q2", clock.now()),
    ]
    # A journal written through once more (say the first app wrote it and crashed before
    # forgetting it) adds nothing: each answer is checked by question, time and mode.
    kept = {"call": "record_answer", "at": answered.isoformat(), "args": ["uids/q1", "B"],
            "kwargs": {"correct": True, "score": 1.0, "seconds": 4, "mode": "practice"}}
    (tmp_path / "kept.jsonl").write_text(json.dumps(kept) + "\n")
    third = Outbox(Store(open_database(url), clock, learner="bob"), tmp_path / "kept.jsonl",
                   rebuild)
    third.retry(now=True)
    assert len(third.answers()) == 2


async def test_in_the_app_the_learner_is_told_and_keeps_answering(server, tmp_path, clock):
    from trainer.ui.app import make_app
    from trainer.ui.screens.exam import ExamScreen
    from trainer.ui.widgets.question_view import QuestionView

    url = server.create_database()
    accounts = Accounts(open_database(url), clock)
    accounts.sign_in("ann", "ann-passphrase", open_sign_up=True)
    accounts.close()
    app = make_app(store=url, data_dir=tmp_path / "serving", clock=clock, seed=11)
    app.setup.sign_in("ann", "ann-passphrase")
    told: list[str] = []
    app.notify = lambda message, **options: told.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        app._signed_in()  # as the sign-in screen does once the passphrase is right
        await pilot.pause()
        app.start_exam(app.blueprints.get("quick-check"))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        session = screen.session

        async def answer(index: int) -> None:
            view = screen.query_one(QuestionView)
            response = correct_response(session.items[index].question)
            view.post_message(QuestionView.AnswerChanged(view, response))
            await pilot.pause()
            await pilot.press("ctrl+n")
            await pilot.pause()

        await answer(0)
        server.stop()
        for index in range(1, 4):
            await answer(index)
        assert isinstance(app.screen, ExamScreen)  # the exam goes on
        assert any("kept on this computer" in message for message in told)
        server.start()
        app.store.retry(now=True)  # what the app's once-a-second retry does
        await pilot.pause()
        assert "is back" in told[-1]
    with psycopg.connect(url) as db:
        answered = db.execute(
            "SELECT count(*) FROM exam_items WHERE response IS NOT NULL").fetchone()
    assert answered == (4,)
