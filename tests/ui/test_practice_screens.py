"""Pilot flows through a whole practice round: setup, answers, feedback, summary, retry."""

import contextlib
import io

from conftest import submit
from rich.console import Console
from textual.widgets import Input

from trainer.core.questions import correct_response
from trainer.ui.app import make_app
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.practice import (
    FeedbackView,
    PracticeScreen,
    PracticeSetupScreen,
    PracticeSummaryScreen,
)


async def test_whole_practice_round_with_feedback_and_retry(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_section("practice")
        await pilot.pause()
        assert isinstance(app.screen, PracticeSetupScreen)
        count = app.screen.query_one("#count", Input)
        count.value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        assert screen.session.total == 3
        # First right, then wrong, then right.
        for right in [True, False, True]:
            question = screen.session.current.question
            response = correct_response(question) if right else None
            await submit(pilot, screen, response)
            feedback = screen.query_one(FeedbackView)
            verdict = str(feedback.query_one("#verdict").render())
            assert ("Right" in verdict) == right
            answers = str(feedback.query_one("#feedback-answers").render())
            assert "Correct answer:" in answers
            clock.advance(10)
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, PracticeSummaryScreen)
        assert "2 of 3 right" in str(app.screen.query_one("#summary-headline").render())
        assert len(app.store.answers()) == 3  # every answer stored when given
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.session.total == 1


async def test_quiz_me_from_a_lesson_practises_its_topics(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("pr-sr-ko")
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        lesson = app.lessons.get("pr-sr-ko")
        for question in screen.session.questions:
            anchored = question.lesson is not None and question.lesson.id == "pr-sr-ko"
            assert anchored or set(question.topics) & set(lesson.topics)


async def test_leaving_an_unanswered_round_goes_home(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_practice(count=2, seed=1)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_practice_can_be_narrowed_to_one_bank(tmp_path, clock):
    from textual.widgets import SelectionList

    app = make_app(data_dir=tmp_path, clock=clock, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_section("practice")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        banks = app.screen.query_one("#banks", SelectionList)
        assert banks.option_count == len(app.banks.banks) >= 8
        banks.select("uids")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert {q.bank for q in app.screen.session.questions} == {"uids"}


async def test_esc_in_a_round_under_way_asks_before_ending_it(tmp_path, clock):
    from trainer.ui.screens.confirm import Confirm
    from trainer.ui.screens.practice import PracticeSummaryScreen

    app = make_app(data_dir=tmp_path, clock=clock, seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_practice(count=3, seed=1)
        await pilot.pause()
        screen = app.screen
        await submit(pilot, screen, None)  # one answered (wrong)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and app.screen.title_text == "End this round?"
        assert "You answered 1 of 3" in app.screen.details and "2 questions left" in app.screen.details
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.session.answered == 1
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, PracticeSummaryScreen)
        hint = str(app.screen.query_one("#summary-hint").render())
        assert "retry the 1 you missed and the 2 skipped" in hint and "Nothing missed" not in hint



def shown(widget) -> str:
    """What a Static shows, as text at its width."""
    console = Console(width=widget.size.width, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def test_feedback_marks_each_option_in_the_order_shown(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        question = next(q for q in app.banks.questions
                        if q.type == "multiple_select" and len(q.choices) > len(q.answer) > 1)
        app.run_practice([question], "Feedback")
        await pilot.pause()
        screen = app.screen
        options = screen.session.current.options
        right = [o.key for o in options if o.key in question.answer]
        wrong = [o.key for o in options if o.key not in question.answer]
        await submit(pilot, screen, [right[0], wrong[0]])  # one right, one wrong, the rest missed
        answers = shown(screen.query_one(FeedbackView).query_one("#feedback-answers"))
        lines = [line.rstrip() for line in answers.splitlines()]
        assert lines[0].startswith("Your answer, option by option:")
        assert len(lines) == 1 + len(options)
        for line, option in zip(lines[1:], options, strict=True):
            selected = option.key in (right[0], wrong[0])
            correct = selected == (option.key in question.answer)
            assert line.startswith(("✓ " if correct else "✗ ")
                                   + ("[x] " if selected else "[ ] ") + f"{option.label}  ")
            assert option.text in line
        assert answers.count("selected, but should not be") == 1
        assert answers.count("missed, should be selected") == len(right) - 1
        assert "Correct answer:" not in answers


async def test_feedback_puts_the_right_match_under_a_wrong_one(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        question = next(q for q in app.banks.questions if q.type == "matching")
        app.run_practice([question], "Feedback")
        await pilot.pause()
        screen = app.screen
        response = correct_response(question)
        first, second = question.pairs[0], question.pairs[1]
        response[first.left], response[second.left] = second.right, first.right
        await submit(pilot, screen, response)
        answers = shown(screen.query_one(FeedbackView).query_one("#feedback-answers"))
        lines = [line.rstrip() for line in answers.splitlines()]
        assert lines[0].startswith("Your matches, item by item:")
        assert lines[1].startswith(f"✗ {first.left}") and lines[1].endswith(f"→ {second.right}")
        assert lines[2].strip() == f"right → {first.right}"
        assert lines[2].index("→") == lines[1].index("→")  # the two answers line up
        assert lines[5].startswith(f"✓ {question.pairs[2].left}")


@contextlib.asynccontextmanager
async def practice_setup(tmp_path, clock):
    """The practice setup screen, open at 80x24."""
    app = make_app(data_dir=tmp_path, clock=clock, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_section("practice")
        await pilot.pause()
        yield app, pilot


async def test_setup_labels_say_what_the_ticks_mean_now(tmp_path, clock):
    from textual.widgets import Label, SelectionList

    async with practice_setup(tmp_path, clock) as (app, pilot):
        label = app.screen.query_one("#sources-label", Label)
        assert str(label.render()) == "Sources: all of them (tick some to narrow)"
        sources = app.screen.query_one("#sources", SelectionList)
        sources.select(sources.get_option_at_index(0).value)
        await pilot.pause()
        assert str(label.render()) == "Sources: only the one ticked"
        sources.select(sources.get_option_at_index(1).value)
        await pilot.pause()
        assert str(label.render()) == "Sources: only the 2 ticked"


async def test_ticked_and_unticked_boxes_differ_in_shape_not_only_colour(tmp_path, clock):
    """Under NO_COLOR (or for a colour-blind learner) Textual's boxes all read ▐X▌."""
    from textual.widgets import Checkbox, SelectionList

    async with practice_setup(tmp_path, clock) as (app, pilot):
        sources = app.screen.query_one("#sources", SelectionList)

        def box(row: int) -> str:
            return sources.render_line(row).text[:3]

        assert [box(0), box(1)] == ["▐ ▌", "▐ ▌"]
        sources.select(sources.get_option_at_index(1).value)
        await pilot.pause()
        assert [box(0), box(1)] == ["▐ ▌", "▐X▌"]
        mistakes = app.screen.query_one("#mistakes", Checkbox)
        assert str(mistakes.render()).startswith("▐ ▌")
        mistakes.value = True
        await pilot.pause()
        assert str(mistakes.render()).startswith("▐X▌")
