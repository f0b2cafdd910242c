"""A new learner's first fifteen minutes, as the keys go: the home screen says where to start,
the first lesson is read to its end, its quiz taken, and the next lesson follows; the home
screen then offers to continue."""

from __future__ import annotations

from conftest import submit
from textual.widgets import OptionList, Static

from trainer.core.questions import correct_response
from trainer.ui.app import make_app
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.lessons import ReaderScreen
from trainer.ui.screens.practice import PracticeScreen, PracticeSummaryScreen


def continue_label(app) -> str:
    options = app.screen.query_one(OptionList)
    return str(options.get_option_at_index(0).prompt)


async def test_a_new_learner_finds_the_path(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=3)
    first, second = app.lessons.lessons[:2]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert continue_label(app).startswith("Start here")
        assert first.title[:20] in continue_label(app)

        await pilot.press("enter")  # Start here: the first lesson, first page
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.lesson.id == first.id
        for _ in range(len(first.pages) - 1):
            await pilot.press("right")
        end = str(app.screen.query_one("#reader-end", Static).render())
        assert "End of the lesson" in end and second.title in end
        assert app.store.lesson_progress()[first.id].completed  # every page was read

        await pilot.press("z")  # its quiz
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, PracticeScreen) and first.title in quiz.practice_title
        while isinstance(app.screen, PracticeScreen):
            question = quiz.session.current.question
            await submit(pilot, quiz, correct_response(question))
            await pilot.press("enter")  # the feedback, then the next question
            await pilot.pause()
        assert isinstance(app.screen, PracticeSummaryScreen)
        answered = quiz.session.answered
        assert answered > 0 and quiz.session.right == answered

        await pilot.press("escape")  # back to the lesson's last page
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.lesson.id == first.id
        await pilot.press("right")  # on to the next lesson
        await pilot.pause()
        assert app.screen.lesson.id == second.id and app.screen.page == 0

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.pause()
        label = continue_label(app)
        assert label.startswith("Continue") and f"2. {second.title[:15]}" in label
        assert len(app.store.answers()) == answered


LESSON = """---
id: {id}
title: {title}
summary: A lesson of the snapshot's own, so shipped content can change freely.
objectives: [Read it]
topics: [dicom-basics]
minutes: 5
prerequisites: []
---
Overview of {title}.

## The last page

What {title} ends with.
"""


def test_the_end_of_a_lesson_at_80x24(tmp_path, clock, snap_compare):
    root = tmp_path / "content"
    (root / "lessons").mkdir(parents=True)
    for number, (lesson_id, title) in enumerate([("alpha", "Alpha"), ("beta", "Beta")], 1):
        (root / "lessons" / f"0{number}-{lesson_id}.md").write_text(
            LESSON.format(id=lesson_id, title=title), "utf-8"
        )
    app = make_app(data_dir=tmp_path / "data", clock=clock, seed=1, content_root=root)

    async def to_the_end(pilot):
        app.open_lesson("alpha")
        await pilot.pause()
        await pilot.press("right")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=to_the_end)
