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


async def start_exam(app, pilot, blueprint_id: str) -> ExamScreen:
    app.open_section("exam")
    await pilot.pause()
    assert isinstance(app.screen, ExamPickerScreen)
    app.start_exam(app.blueprints.get(blueprint_id))
    await pilot.pause()
    assert isinstance(app.screen, ExamScreen)
    return app.screen


async def start_quick_check(app, pilot) -> ExamScreen:
    return await start_exam(app, pilot, "quick-check")


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


# --- exams behave like the real thing (newcomer-1 #1, #4, #5, #14, #17, #18) ---------------


def footer(screen) -> str:
    from trainer.ui.widgets.key_footer import KeyFooter

    return str(screen.query_one(KeyFooter).render())


async def test_a_sequential_exam_warns_before_a_question_closes_and_never_skips_silently(
    tmp_path, clock, notices
):
    app = make_app(data_dir=tmp_path, clock=clock, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_exam(app, pilot, "study-lists")
        session = screen.session
        await pilot.press("ctrl+n")  # nothing answered: it asks first
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "you cannot come back to it" in app.screen.details
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.screen is screen and session.position == 0
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("y")  # move on, knowingly
        await pilot.pause()
        assert session.position == 1 and session.items[0].response is None

        await pilot.press("ctrl+b")  # says why it does nothing
        await pilot.pause()
        assert session.position == 1 and "you cannot go back" in notices[-1]
        assert "^b" not in footer(screen)

        view = screen.query_one(QuestionView)
        view.post_message(QuestionView.AnswerChanged(view, correct_response(session.items[1].question)))
        await pilot.pause()
        await pilot.press("ctrl+n")  # answered: on without a question
        await pilot.pause()
        assert app.screen is screen and session.position == 2

        await pilot.press("ctrl+r")
        await pilot.pause()
        navigator = app.screen
        assert isinstance(navigator, ExamNavigator)
        table = navigator.query_one("DataTable")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        later_prompt = " ".join(session.items[5].question.prompt.split())[:30]
        assert not any(later_prompt in row[3] for row in rows)  # later prompts stay unseen
        assert rows[5][1:] == ["to come", "", "(shown in its turn)"]
        assert rows[0][1] == "closed" and rows[1][1] == "closed, answered"
        await pilot.press("down", "down", "down", "down", "down", "enter")  # question 6
        await pilot.pause()
        assert app.screen is navigator and "questions come in order" in notices[-1]
        await pilot.press("up", "up", "up", "up", "up", "enter")  # question 1
        await pilot.pause()
        assert app.screen is navigator and "earlier questions are closed" in notices[-1]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and session.position == 2


async def test_submit_exam_is_always_in_the_footer_apart_from_saving_an_answer(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick_check(app, pilot)
        kinds = set()
        for index, item in enumerate(screen.session.items):
            await screen.go(index)
            await pilot.pause()
            keys = footer(screen)
            assert "^s Submit exam" in keys and "⏎ Save answer" in keys, (item.question.type, keys)
            assert "Submit " not in keys.replace("Submit exam", "")
            kinds.add(item.question.type)
        assert len(kinds) >= 4  # choice, true/false, and more


async def test_esc_asks_before_leaving_and_home_shows_the_exam_with_its_clock(
    tmp_path, clock
):
    app = make_app(data_dir=tmp_path, clock=clock, seed=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick_check(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "the clock keeps running" in app.screen.details
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        clock.advance(2 * 60 + 5)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)

        def exam_row() -> str:
            return str(home.query_one("#sections").get_option("exam").prompt)

        assert "Quick check open, 13 min left" in exam_row()
        clock.advance(5 * 60)
        home.show_open_exam()  # what its one-second timer does
        assert "Quick check open, 8 min left" in exam_row()
        clock.advance(8 * 60)
        home.show_open_exam()
        assert "Quick check open, time is up: see your result" in exam_row()

        await pilot.press("down", "down", "down", "enter")  # Exam
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "“Quick check” ran out of time" in app.screen.details
        assert str(app.screen.query_one("#yes").label) == "See your result (y)"
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen)


async def test_the_resume_dialog_names_the_exam_by_title(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=8)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick_check(app, pilot)
        session = screen.session
        session.answer(0, correct_response(session.items[0].question))
    app.store.close()  # the app closes; its exam stays open
    clock.advance(60)
    again = make_app(data_dir=tmp_path, clock=clock)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = again.screen
        assert isinstance(dialog, Confirm) and dialog.title_text == "Resume your exam?"
        assert dialog.details.startswith("“Quick check” is still open: 1 answered, 14 min left.")
        assert str(dialog.query_one("#yes").label) == "Resume (y)"


async def test_the_submit_dialog_counts_flagged_questions_like_unanswered_ones(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick_check(app, pilot)
        await screen.go(1)
        await pilot.press("ctrl+f")
        await screen.go(6)
        await pilot.press("ctrl+f", "ctrl+s")
        await pilot.pause()
        assert "Flagged: 2 (2, 7)" in app.screen.details


async def test_the_report_shows_the_right_answer_beside_the_learners_at_80_and_120(
    tmp_path, clock
):
    from trainer.core.questions import format_answer

    for width in (80, 120):
        app = make_app(data_dir=tmp_path / str(width), clock=clock, seed=4)
        async with app.run_test(size=(width, 30)) as pilot:
            screen = await start_quick_check(app, pilot)
            session = screen.session
            session.answer(0, correct_response(session.items[0].question))
            screen.finish(auto=False)
            await pilot.pause()
            table = app.screen.query_one("#report-review")
            assert [str(c.label) for c in table.columns.values()] == [
                "#", "Result", "Your answer", "Correct answer"]
            for index, item in enumerate(session.items):
                _, _, given, right = (str(cell) for cell in table.get_row_at(index))
                full = format_answer(item.question, correct_response(item.question))
                assert right == full or (right.endswith("…") and full.startswith(right[:-1]))
                assert given == ("(no answer)" if index else right)
            assert table.virtual_size.width <= width


async def test_the_report_says_how_many_parts_of_a_list_answer_were_right(tmp_path, clock):
    from trainer.core.questions import MultipleSelect

    app = make_app(data_dir=tmp_path, clock=clock, seed=4)
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await start_quick_check(app, pilot)
        session = screen.session
        index, question = next(
            (i, item.question) for i, item in enumerate(session.items)
            if isinstance(item.question, MultipleSelect) and len(item.question.answer) > 1
        )
        session.answer(index, list(question.answer[1:]))  # one right option left out
        screen.finish(auto=False)
        await pilot.pause()
        _, _, given, _ = (str(cell) for cell in app.screen.query_one(
            "#report-review").get_row_at(index))
        assert given.startswith(f"{len(question.choices) - 1} of {len(question.choices)} parts "
                                "right: ")


async def test_the_submit_dialogs_time_left_keeps_ticking(tmp_path, clock):
    from textual.widgets import Static

    app = make_app(data_dir=tmp_path, clock=clock, seed=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick_check(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, Confirm) and "Time left: 15:00" in dialog.details
        clock.advance(61)
        await pilot.pause(1.2)
        assert "Time left: 13:59" in str(dialog.query_one("#dialog-body", Static).render())
