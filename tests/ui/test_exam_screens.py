"""Pilot flows through whole exams on a fake clock: warnings, navigator, submit, auto-submit,
and resuming an exam left open."""

from trainer.core.questions import correct_response
from trainer.ui.app import make_app
from trainer.ui.screens.confirm import Confirm
from trainer.ui.screens.exam import (
    ExamNavigator,
    ExamPickerScreen,
    ExamReportScreen,
    ExamScreen,
)
from trainer.ui.screens.home import HomeScreen
from trainer.ui.widgets.question_view import QuestionView


async def start_quick_check(app, pilot) -> ExamScreen:
    app.open_section("exam")
    await pilot.pause()
    assert isinstance(app.screen, ExamPickerScreen)
    blueprint = app.blueprints.get("quick-check")
    app.start_exam(blueprint)
    await pilot.pause()
    assert isinstance(app.screen, ExamScreen)
    return app.screen


async def test_whole_exam_warnings_and_auto_submit_at_zero(tmp_path, clock, notices):
    app = make_app(data_dir=tmp_path, clock=clock, seed=11)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick_check(app, pilot)
        session = screen.session
        assert len(session.items) >= 20
        # Answer the first five right, stored the moment they are given.
        for index in range(5):
            view = screen.query_one(QuestionView)
            response = correct_response(session.items[index].question)
            view.post_message(QuestionView.AnswerChanged(view, response))
            await pilot.pause()
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert len(app.store.exam_items(session.attempt_id)) == 5
        await pilot.press("ctrl+f")  # flag question 6
        assert session.items[5].flagged
        clock.advance(5 * 60 + 1)  # 15-minute exam: under 10 minutes left
        screen.tick()
        clock.advance(5 * 60)  # under 5
        screen.tick()
        clock.advance(4 * 60)  # under 1
        screen.tick()
        await pilot.pause()
        assert [m for m in notices if "left" in m] == [
            "10 minutes left.", "5 minutes left.", "1 minute left."
        ]
        clock.advance(61)
        screen.tick()
        await pilot.pause()
        report_screen = app.screen
        assert isinstance(report_screen, ExamReportScreen)
        report = report_screen.report
        assert report.right == 5
        assert report.scored_total == 20
        assert report.score_percent == 25
        assert not report.passed
        assert "Time is up: the exam was submitted." in notices


async def test_navigator_filters_and_submit_lists_unanswered(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick_check(app, pilot)
        session = screen.session
        view = screen.query_one(QuestionView)
        view.post_message(QuestionView.AnswerChanged(view, correct_response(session.items[0].question)))
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.press("ctrl+r")
        await pilot.pause()
        navigator = app.screen
        assert isinstance(navigator, ExamNavigator)
        await pilot.press("u")
        assert navigator.query_one("DataTable").row_count == len(session.items) - 1
        await pilot.press("f")
        assert navigator.query_one("DataTable").row_count == 1
        await pilot.press("a", "down", "down", "enter")
        await pilot.pause()
        assert app.screen is screen and session.position == 2
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        assert f"Unanswered: {len(session.items) - 1} (2, 3," in confirm.details
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen)
        assert app.screen.report.right == 1


async def test_exam_left_open_is_offered_and_resumed_as_it_stood(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=8)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick_check(app, pilot)
        session = screen.session
        view = screen.query_one(QuestionView)
        first = correct_response(session.items[0].question)
        view.post_message(QuestionView.AnswerChanged(view, first))
        await pilot.pause()
        await pilot.press("ctrl+f")
        ids = [item.question.full_id for item in session.items]
        deadline = session.deadline
    app.store.close()

    clock.advance(120)
    again = make_app(data_dir=tmp_path, clock=clock, seed=99)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
        resumed = again.screen
        assert isinstance(resumed, ExamScreen)
        assert [item.question.full_id for item in resumed.session.items] == ids
        assert resumed.session.items[0].response == first
        assert resumed.session.items[0].flagged
        assert resumed.session.deadline == deadline


async def test_time_ran_out_while_closed_grades_on_resume(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=8)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick_check(app, pilot)
    app.store.close()
    clock.advance(16 * 60)
    again = make_app(data_dir=tmp_path, clock=clock)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(again.screen, ExamReportScreen)
        await pilot.press("escape")
        assert isinstance(again.screen, HomeScreen)


async def test_exam_whose_questions_are_gone_can_be_closed(tmp_path, clock, monkeypatch):
    import trainer.core.exam as exam_module

    app = make_app(data_dir=tmp_path, clock=clock, seed=8)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick_check(app, pilot)
    app.store.close()
    monkeypatch.setattr(exam_module, "_stored_questions", lambda items, pool: [None for _ in items])
    again = make_app(data_dir=tmp_path, clock=clock)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")  # resume
        await pilot.pause()
        assert isinstance(again.screen, Confirm)
        assert "cannot be resumed" in again.screen.title_text
        await pilot.press("y")  # close it without a score
        await pilot.pause()
        assert again.store.unfinished_attempt() is None


async def test_home_lists_recent_exam_attempts(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick_check(app, pilot)
        screen.finish(auto=False)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        recent = str(app.screen.query_one("#recent").render())
        assert "Quick check  0% fail" in recent
        assert clock.now().strftime("%Y-%m-%d") in recent
