"""Review due and Progress in the app: a practice round, the next day's review in FSRS order,
re-rating after feedback, the dashboard and its actions, and a snapshot at 80x24."""

from __future__ import annotations

import random
import time

import pytest
from textual.widgets import DataTable, OptionList, Static

from trainer.core.blueprints import load_blueprints
from trainer.core.exam import ExamSession
from trainer.core.paths import question_bank_dir
from trainer.core.practice import PracticeSession
from trainer.core.questions import correct_response
from trainer.core.review import Rating
from trainer.ui.app import make_app
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.practice import FeedbackView, PracticeScreen
from trainer.ui.screens.progress import ProgressScreen, ReadinessHelp
from trainer.ui.screens.review import ReviewScreen
from trainer.ui.widgets.question_view import QuestionView

DAY = 86400


@pytest.fixture(autouse=True)
def utc_days(monkeypatch):
    """Day boundaries (streak, due today) in UTC, whatever zone the machine is in."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def submit(pilot, screen, response):
    view = screen.query_one(QuestionView)
    view.post_message(QuestionView.AnswerSubmitted(view, response))
    await pilot.pause()


def text_of(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_practice_then_next_day_review_in_fsrs_order(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_practice(count=3, seed=1)
        await pilot.pause()
        screen = app.screen
        asked = [q.full_id for q in screen.session.questions]
        for right in (True, False, True):
            await submit(pilot, screen, correct_response(screen.session.current.question)
                         if right else None)
            clock.advance(60)  # a minute on each: right, but not quick, is Good
            schedule = text_of(screen, "#feedback-schedule")
            assert "Next review:" in schedule
            assert ("rate it yourself" in schedule) == right
            if screen.session.index == 2:  # the last one was easy for this learner
                await pilot.press("4")
                assert "(Easy)" in text_of(screen, "#feedback-schedule")
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("escape")  # the summary, then home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.store.card(asked[2]).state.due > app.store.card(asked[0]).state.due

        clock.advance(DAY)
        app.push_screen(ReviewScreen())
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        home = app.screen.query_one(OptionList)
        assert "2 due now" in str(home.get_option("review").prompt)

        app.open_section("review")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Due now: 2" in text_of(app.screen, "#review-status")
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, PracticeScreen) and review.session.mode == "review"
        due = [q.full_id for q in review.session.questions[:2]]
        assert due == [asked[1], asked[0]]  # wrong (Again) came due first, then Good
        assert len(review.session.questions) == 2 + 10  # then new ones, up to the daily limit
        await submit(pilot, review, correct_response(review.session.current.question))
        assert review.query_one(FeedbackView)
        assert [r.rating for r in app.store.reviews(asked[1])] == [Rating.Again, Rating.Good]
        assert app.store.answers(asked[1])[-1].mode == "review"


async def test_daily_limit_is_a_setting_edited_on_the_review_screen(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_section("review")
        await pilot.pause()
        limit = app.screen.query_one("#new-per-day")
        limit.value = "4"
        await pilot.pause()
        assert app.store.get_setting("review.new_per_day") == "4"
        limit.value = "900"  # over the limit: shown as invalid, not kept
        await pilot.pause()
        assert app.store.get_setting("review.new_per_day") == "4"
        limit.value = "4"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.session.total == 4


def populate(app, clock):
    """Four days of practice, getting better, and two exams: what the snapshot shows."""
    store, pool = app.store, app.question_pool(1)
    rng = random.Random(7)
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    store.mark_lesson_complete("dicom-basics")
    store.mark_lesson_complete("sop-classes")
    for day in range(4):
        questions = rng.sample(pool, 10)
        session = PracticeSession(questions, rng, clock, store)
        for _ in questions:
            right = rng.random() < 0.45 + 0.12 * day
            session.answer(correct_response(session.current.question) if right else None, 25)
            clock.advance(45)
            session.advance()
        if day in (1, 3):
            exam = ExamSession.start(store, blueprint, pool, seed=day, clock=clock)
            for index, item in enumerate(exam.items):
                right = rng.random() < 0.5 + 0.1 * day
                exam.answer(index, correct_response(item.question) if right else None)
            clock.advance(11 * 60)
            exam.submit()
        clock.advance(DAY)


async def test_progress_screen_shows_the_round_and_practises_a_topic(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        populate(app, clock)
        app.open_section("progress")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        summary = text_of(screen, "#progress-summary")
        assert "Lessons 2/8" in summary and "Streak 4 days" in summary
        assert f"Answers {app.store.answer_count()}" in summary
        assert "2 taken" in text_of(screen, "#progress-exams")
        assert "Expected" in text_of(screen, "#readiness-text")
        table = screen.query_one(DataTable)
        weakest = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert weakest == screen.figures.topics[0].topic
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, ReadinessHelp)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        practice = app.screen
        assert isinstance(practice, PracticeScreen)
        assert all(weakest in q.topics for q in practice.session.questions)
        await pilot.press("escape")  # nothing answered: straight back to the dashboard
        await pilot.pause()
        assert app.screen is screen


def test_progress_snapshot(snap_compare, tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)

    async def open_progress(pilot):
        populate(app, clock)
        app.open_section("progress")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_progress)


async def test_readiness_exam_is_chosen_with_a_key(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_section("progress")
        await pilot.pause()
        titles = [b.title for b in app.blueprints.blueprints]
        assert f"Readiness for {titles[0]}" in text_of(app.screen, "#readiness-text")
        await pilot.press("e")
        assert f"Readiness for {titles[1]}" in text_of(app.screen, "#readiness-text")
