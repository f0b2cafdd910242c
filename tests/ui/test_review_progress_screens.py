"""Review due and Progress in the app: a practice round, the next day's review in FSRS order,
re-rating after feedback, the dashboard and its actions, and a snapshot at 80x24."""

from __future__ import annotations

import random
import threading
import time

import pytest
from conftest import settle, submit
from testkit.content import frozen_content
from textual.widgets import OptionList, Static

import trainer.ui.screens.progress as progress_screen
from trainer.core.exam import ExamSession
from trainer.core.practice import PracticeSession
from trainer.core.questions import correct_response
from trainer.core.review import Rating
from trainer.core.store import Store, StoreError
from trainer.ui.app import make_app
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.lessons import LessonListScreen
from trainer.ui.screens.practice import FeedbackView, PracticeScreen
from trainer.ui.screens.progress import FIGURES_WAIT, ProgressScreen, ReadinessHelp
from trainer.ui.screens.review import ReviewScreen

DAY = 86400


@pytest.fixture(autouse=True)
def utc_days(monkeypatch):
    """Day boundaries (streak, due today) in UTC, whatever zone the machine is in."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def text_of(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_progress(app, pilot):
    """Open the dashboard and wait for its count (on a worker) to bring it forward."""
    app.open_section("progress")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, ProgressScreen)
    return app.screen


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
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
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
        await settle(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert isinstance(app.screen, ReviewScreen)
        assert "Due now: 2" in text_of(app.screen, "#review-status")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, PracticeScreen))
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


def populate(app, clock, practised=None):
    """Four days of practice (from `practised`, else the whole pool), getting better, and two
    exams: what the snapshot shows."""
    store, pool = app.store, app.question_pool(1)
    practised = list(pool if practised is None else practised)
    rng = random.Random(7)
    blueprint = app.blueprints.get("quick-check")
    store.mark_lesson_complete("dicom-basics")
    store.mark_lesson_complete("sop-classes")
    for day in range(4):
        questions = rng.sample(practised, 10)
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
        screen = await open_progress(app, pilot)
        summary = text_of(screen, "#progress-summary")
        lessons = len(app.lessons.lessons)  # not a count of the shipped content
        assert f"Lessons 2/{lessons}" in summary and "Streak 4 days" in summary
        assert f"Answers {app.store.answer_count()}" in summary
        weak = len(screen.figures.weakest)
        assert weak > 1 and f"Weak topics {weak} (top {weak} rows, under 60%)" in summary
        assert all(t.weak for t in screen.figures.topics[:weak])  # so the rows say which
        assert "2 taken" in text_of(screen, "#progress-exams")
        assert "Expected" in text_of(screen, "#readiness-text")
        weakest = screen.query_one("#mastery", OptionList).highlighted_option.id
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
        app.open_section("progress")  # from the command palette, while practising
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen) and app.screen is not screen
        await pilot.press("escape")
        assert app.screen is practice
        await pilot.press("escape")  # nothing answered: straight back to the dashboard
        await pilot.pause()
        assert app.screen is screen


def test_progress_snapshot(snap_compare, tmp_path, clock):
    content = frozen_content(tmp_path / "content")
    app = make_app(data_dir=tmp_path / "data", clock=clock, seed=1, content_root=content)

    async def populated(pilot):
        populate(app, clock, app.banks.questions)
        await open_progress(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=populated)


async def test_readiness_exam_is_chosen_with_a_key(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_progress(app, pilot)
        titles = [b.title for b in app.blueprints.blueprints]
        assert f"Readiness for {titles[0]}" in text_of(app.screen, "#readiness-text")
        await pilot.press("e")
        assert f"Readiness for {titles[1]}" in text_of(app.screen, "#readiness-text")


@pytest.fixture
def held_count(monkeypatch):
    """The progress count (on its worker thread) waits until the event is set, so a test
    decides when it ends instead of racing a sleep against the screen's timer."""
    count = progress_screen.snapshot
    done = threading.Event()

    def held(*args, **kwargs):
        assert done.wait(10), "the test never let the count finish"
        return count(*args, **kwargs)

    monkeypatch.setattr(progress_screen, "snapshot", held)
    yield done
    done.set()  # a failed test does not leave the worker waiting


async def test_a_slow_count_shows_the_screen_counting_then_the_figures(
    tmp_path, clock, monkeypatch, held_count
):
    done = held_count
    monkeypatch.setattr(progress_screen, "FIGURES_WAIT", 1.0)  # longer than one pause  # room for a loaded machine
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        populate(app, clock)
        app.open_section("progress")
        await pilot.pause()
        assert not isinstance(app.screen, ProgressScreen)  # counting, not yet in front
        for _ in range(100):  # the screen's own wait (1 s) runs out: it comes forward
            await pilot.pause(0.05)
            if isinstance(app.screen, ProgressScreen):
                break
        await pilot.pause()  # drawn
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        await pilot.pause()  # pushed is not yet mounted: let it draw once
        assert "Counting your answers" in text_of(screen, "#progress-summary")
        await pilot.press("p")  # nothing to practise yet: no harm done
        assert app.screen is screen
        done.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"Answers {app.store.answer_count()}" in text_of(screen, "#progress-summary")
        assert screen.query_one("#mastery", OptionList).option_count > 0


async def test_a_store_that_cannot_be_read_is_reported_on_the_screen(
    tmp_path, clock, monkeypatch
):
    def unreadable(self):
        raise StoreError("the progress store is damaged (file is not a database)")

    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(Store, "reopen", unreadable)
        screen = await open_progress(app, pilot)
        summary = text_of(screen, "#progress-summary")
        assert "could not be read" in summary and "not a database" in summary
        assert screen.query_one("#mastery", OptionList).option_count == 0
        await pilot.press("p", "n", "e")  # nothing to act on: no harm done
        assert app.screen is screen


async def test_opening_again_counts_afresh_on_the_same_screen(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        populate(app, clock)
        first = await open_progress(app, pilot)
        before = app.store.answer_count()
        assert f"Answers {before}" in text_of(first, "#progress-summary")
        await pilot.press("escape")
        session = PracticeSession(app.question_pool(1)[:3], random.Random(1), clock, app.store)
        for _ in range(3):
            session.answer(None, 20)
            session.advance()
        again = await open_progress(app, pilot)
        assert again is first
        assert f"Answers {before + 3}" in text_of(again, "#progress-summary")


async def test_a_count_that_ends_after_the_learner_went_elsewhere_stays_behind(
    tmp_path, clock, held_count
):
    done = held_count
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_section("progress")
        app.open_section("lessons")  # before the count is done
        done.set()
        await app.workers.wait_for_complete()
        await pilot.pause(FIGURES_WAIT + 0.1)
        assert isinstance(app.screen, LessonListScreen)


async def test_back_from_practising_the_figures_are_counted_again(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_progress(app, pilot)
        assert "Answers 0" in text_of(screen, "#progress-summary")
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        app.store.record_answer("uids/q1", "A", correct=True, score=1.0, seconds=30,
                                mode="practice")  # as if answered elsewhere meanwhile
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert "Answers 1" in text_of(screen, "#progress-summary")


async def test_asking_twice_while_counting_brings_the_figures_once(tmp_path, clock, held_count):
    done = held_count
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        populate(app, clock)
        app.open_section("progress")
        app.open_section("progress")  # a second Enter before the count is done
        done.set()
        for _ in range(200):  # the first count is cancelled, the second shown
            await pilot.pause(0.02)
            screen = app.screen  # counted, in front, and drawn (mounted after it is pushed)
            if isinstance(screen, ProgressScreen) and screen.figures is not None and (
                screen.is_mounted
            ):
                break
        await pilot.pause()  # drawn
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        await pilot.pause()  # pushed is not yet mounted: let it draw once
        assert f"Answers {app.store.answer_count()}" in text_of(screen, "#progress-summary")
        assert sum(isinstance(s, ProgressScreen) for s in app.screen_stack) == 1


def test_topic_names_take_the_width_there_is():
    """At 120 columns a topic's whole name shows (it was cut at 30, with 40 columns empty);
    at 80 the row still fits."""
    from trainer.core.progress import TopicMastery
    from trainer.core.topics import TOPICS

    fits = [topic for topic in TOPICS if len(TOPICS[topic]) <= progress_screen.TOPIC_WIDEST]
    longest = max(fits, key=lambda topic: len(TOPICS[topic]))
    assert len(TOPICS[longest]) > 30
    row = TopicMastery(longest, 3, 1, 3, 0.5, None)
    wide = progress_screen.topic_row(row, progress_screen.topic_width(120)).plain
    assert TOPICS[longest] in wide and len(wide) <= 120 - 6
    narrow = progress_screen.topic_row(row, progress_screen.topic_width(80)).plain
    assert len(narrow) <= 80 - 6
    assert len(progress_screen.topic_headings(progress_screen.topic_width(120)).plain) == len(wide)


def test_the_review_note_says_what_quick_means_for_every_kind():
    from trainer.core.questions import KINDS
    from trainer.ui.screens.review import how_it_works

    note = how_it_works().plain
    quick = note.split("quick means within ", 1)[1].split(")", 1)[0]
    said = {}
    for part in quick.split("; "):
        seconds, names = part.split(" s for ")
        for name in names.replace(" and ", ", ").split(", "):
            said[name] = float(seconds)
    assert said == {kind.name: kind.quick_seconds for kind in KINDS.values()}
    assert len(quick.split("; ")) == len({kind.quick_seconds for kind in KINDS.values()})
