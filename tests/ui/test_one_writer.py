"""One exam, one writer: the terminal app and plain mode on one store at once (reliability-1
D4). Each case of the battery: plain mode while the app holds the exam, waiting for a window
that is still there, taking over from one that is gone, answers to an exam graded or taken
over elsewhere, and both windows grading an exam whose time ran out. No answer is lost or
graded twice, and every window shows the result the store holds.

Plain mode runs in the test's thread while the app is frozen (as a suspended or hung window
is), or in a thread of its own while the app runs on, fed one line at a time.
"""

from __future__ import annotations

import asyncio
import io
import queue

from trainer.cli import build_parser
from trainer.commands.plain_text import format_input
from trainer.commands.quiz import plain
from trainer.core.questions import correct_response
from trainer.core.store import Store
from trainer.ui.app import make_app
from trainer.ui.screens.confirm import Confirm
from trainer.ui.screens.exam import ExamReportScreen, ExamScreen, HeldElsewhere
from trainer.ui.screens.home import HomeScreen
from trainer.ui.widgets.question_view import QuestionView


def quiz_plain(data_dir, clock, stdin, *options, sleep=None, stdout=None):
    args = build_parser().parse_args(["--data-dir", str(data_dir), "quiz", "--plain", *options])
    stdout = stdout if stdout is not None else io.StringIO()
    status = plain(args, stdin=stdin, stdout=stdout, clock=clock,
                   sleep=sleep or clock.advance)
    return status, stdout.getvalue()


class Typist:
    """Plain mode's keyboard when it runs in its own thread: one line at a time."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()

    def type(self, line: str) -> None:
        self.lines.put(line + "\n")

    def readline(self) -> str:
        return self.lines.get(timeout=60)


async def until(pilot, check, what: str) -> None:
    """Wait (bounded) for the other thread to get somewhere."""
    for _ in range(500):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def exam_in_the_app(app, pilot) -> ExamScreen:
    await pilot.pause()
    app.open_section("exam")  # the exam list, over home
    await pilot.pause()
    app.start_exam(app.blueprints.get("quick-check"))
    await pilot.pause()
    assert isinstance(app.screen, ExamScreen)
    return app.screen


async def answer_in_the_app(pilot, screen, response) -> None:
    view = screen.query_one(QuestionView)
    view.post_message(QuestionView.AnswerChanged(view, response))
    await pilot.pause()


def typed_right(session, index) -> str:
    item = session.items[index]
    return format_input(item.presented, correct_response(item.question))


def history(data_dir, clock):
    store = Store.in_dir(data_dir, clock)
    try:
        return store.attempts(), store.answers()
    finally:
        store.close()


async def test_plain_mode_while_the_app_holds_the_exam_names_it_and_never_submits_it(
    tmp_path, clock
):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await exam_in_the_app(app, pilot)
        session = screen.session
        await answer_in_the_app(pilot, screen, correct_response(session.items[0].question))

        status, out = quiz_plain(tmp_path, clock, io.StringIO("n\ns\ns\n"), "--count", "2")
        assert status == 0
        assert ('Your exam "Quick check" is open in another window (the terminal app): 1 of 20 '
                "answered") in out
        assert "Wait and take it over? [y/N]" in out and "submits" not in out
        assert "Practice, all topics: 2 questions." in out  # and on with what was asked

        status, out = quiz_plain(tmp_path, clock, io.StringIO("n\n"), "--exam", "quick-check")
        assert status == 1 and "A new exam can start once your open exam is submitted." in out

        # The app never noticed: it goes on, and its report is what history says.
        await pilot.press("ctrl+n")
        await answer_in_the_app(pilot, screen, correct_response(session.items[1].question))
        screen.finish(auto=False)
        await pilot.pause()
        report = app.screen.report
        assert report.right == 2
    [attempt], answers = history(tmp_path, clock)
    assert attempt.score == report.score_percent == 10
    exam_answers = [a for a in answers if a.mode == "exam"]
    assert len(exam_answers) == 20 and sum(a.correct for a in exam_answers) == 2  # once each


async def test_waiting_for_a_window_that_is_still_there_gives_up_and_changes_nothing(
    tmp_path, clock
):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await exam_in_the_app(app, pilot)

        def a_second_passes(seconds: float) -> None:  # the app ticks on meanwhile
            clock.advance(seconds)
            app.call_from_thread(screen.tick)

        keys = io.StringIO("y\n")
        status, out = await asyncio.to_thread(
            quiz_plain, tmp_path, clock, keys, "--exam", "quick-check", sleep=a_second_passes
        )
        assert status == 1
        assert "It is still in use in another window (the terminal app)" in out
        assert app.screen is screen
        await pilot.press("ctrl+f")  # the app still writes: it holds the exam
        assert app.store.exam_items(screen.session.attempt_id)[0].flagged


async def test_taking_over_from_a_window_that_is_gone_then_that_window_is_refused(
    tmp_path, clock, notices
):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await exam_in_the_app(app, pilot)
        session = screen.session
        await answer_in_the_app(pilot, screen, correct_response(session.items[0].question))

        # The app freezes (plain mode runs in its thread); plain mode waits out its lease.
        keys = io.StringIO(f"y\n{typed_right(session, 0)}\nquit\n")
        status, out = quiz_plain(tmp_path, clock, keys, "--exam", "quick-check")
        assert status == 0
        assert "Waiting for the other window to let it go..." in out
        assert "Resuming Quick check at question 1." in out and "Saved." in out

        # Back, the app finds the exam taken over: it says so and lets go, and loses nothing.
        screen.tick()
        await pilot.pause()
        assert any("taken over in another window" in notice for notice in notices)
        assert isinstance(app.screen, HomeScreen)
        assert "Quick check open, 15 min left" in str(
            app.screen.query_one("#sections").get_option("exam").prompt)
        app.open_section("exam")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "1 answered" in app.screen.details
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        assert app.screen.session.items[0].response == correct_response(session.items[0].question)


async def test_an_answer_to_an_exam_graded_in_another_window_is_refused_with_its_result(
    tmp_path, clock, notices
):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await exam_in_the_app(app, pilot)
        session = screen.session
        keys = io.StringIO(f"y\n{typed_right(session, 0)}\nsubmit\ny\n")
        status, out = quiz_plain(tmp_path, clock, keys, "--exam", "quick-check")
        assert status == 0 and "Quick check: 1 of 20 points (5.0%)." in out

        await answer_in_the_app(pilot, screen, correct_response(session.items[1].question))
        assert any("already submitted in another window: that answer was not saved" in notice
                   for notice in notices)
        assert isinstance(app.screen, ExamReportScreen)
        assert app.screen.report.right == 1  # the result the store holds, not a second one
    [attempt], answers = history(tmp_path, clock)
    assert attempt.score == 5 and len(answers) == 20 and sum(a.correct for a in answers) == 1


async def test_the_app_takes_over_from_plain_mode_once_it_is_gone_and_plain_mode_is_refused(
    tmp_path, clock
):
    typist, out = Typist(), io.StringIO()
    plain_mode = asyncio.create_task(asyncio.to_thread(
        quiz_plain, tmp_path, clock, typist, "--exam", "quick-check", "--seed", "5", stdout=out))
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Question 1 of 20" in out.getvalue(), "plain mode's exam")
        app.open_section("exam")
        await pilot.pause()
        held = app.screen
        assert isinstance(held, HeldElsewhere)
        body = str(held.query_one("#dialog-body").render())
        assert "is open in another window (plain mode): 0 of 20 answered" in body
        assert "It was last active 0 s ago" in body and "silent for 20 s" in body
        await pilot.press("t")  # too soon: plain mode may still be there
        await pilot.pause()
        assert app.screen is held

        clock.advance(21)  # plain mode waits for a line and stops beating (on Windows, say)
        held.look()
        await pilot.pause()
        assert "you can take it over here" in str(held.query_one("#dialog-body").render())
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        session = screen.session
        await answer_in_the_app(pilot, screen, correct_response(session.items[0].question))
        screen.finish(auto=False)
        await pilot.pause()
        assert app.screen.report.right == 1

        typist.type(typed_right(session, 0))  # plain mode's learner comes back and answers
        status, _ = await plain_mode
    text = out.getvalue()
    assert status == 0
    assert "This exam was already submitted in another window: that answer was not saved." in text
    assert "Quick check: 1 of 20 points (5.0%)." in text  # the one result, there too
    [attempt], answers = history(tmp_path, clock)
    assert attempt.score == 5 and len(answers) == 20 and sum(a.correct for a in answers) == 1


async def test_plain_mode_taken_over_by_the_app_stops_and_says_so(tmp_path, clock):
    typist, out = Typist(), io.StringIO()
    plain_mode = asyncio.create_task(asyncio.to_thread(
        quiz_plain, tmp_path, clock, typist, "--exam", "quick-check", "--seed", "5", stdout=out))
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Question 1 of 20" in out.getvalue(), "plain mode's exam")
        clock.advance(21)
        app.open_section("exam")  # plain mode is gone: the app offers the exam as usual
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        typist.type("flag")
        status, _ = await plain_mode
    assert status == 1
    assert "This exam was taken over in another window, so this one stopped" in out.getvalue()
    [attempt], _ = history(tmp_path, clock)
    assert attempt.status == "in progress"


async def test_both_windows_grade_an_exam_whose_time_ran_out_and_agree(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await exam_in_the_app(app, pilot)
        session = screen.session
        await answer_in_the_app(pilot, screen, correct_response(session.items[0].question))
        clock.advance(15 * 60)
        status, out = quiz_plain(tmp_path, clock, io.StringIO(""), "--count", "1")
        assert "ran out while it was closed, so it was submitted" in out
        assert "Quick check: 1 of 20 points (5.0%)." in out
        screen.tick()  # the app's clock reaches zero too
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen) and app.screen.report.right == 1
    [attempt], answers = history(tmp_path, clock)
    exam_answers = [a for a in answers if a.mode == "exam"]
    assert attempt.score == 5 and len(exam_answers) == 20  # graded once, by one window
