"""Pilot flows through the lesson list and reader, on a small content folder of our own."""

import re
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from trainer.ui.app import make_app
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.lessons import LessonListScreen, ReaderScreen, TableOfContents
from trainer.ui.widgets.lesson_page import LessonPage

FRONT = """---
id: {id}
title: {title}
summary: A test lesson.
objectives: [Read it]
topics: [dicom-basics]
minutes: 5
prerequisites: []
---
"""


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    lessons = root / "lessons"
    lessons.mkdir(parents=True)
    (lessons / "01-alpha.md").write_text(
        FRONT.format(id="alpha", title="Alpha")
        + "Intro text with [bold]not markup[/bold].\n\n"
        + "## Second\n\nSee [beta's end](lesson:beta#last-part).\n\n"
        + "## Third\n\nThird page.\n"
    )
    (lessons / "02-beta.md").write_text(
        FRONT.format(id="beta", title="Beta") + "Beta intro.\n\n## Last part\n\nThe end.\n"
    )
    (lessons / "03-broken.md").write_text("---\nid: broken\ntitle: [unclosed\n---\nBody\n")
    return root


def reader_text(app) -> str:
    return app.screen.query_one("#reader-page", LessonPage).source


def place(app) -> str:
    return str(app.screen.query_one("#reader-place", Static).render())


async def open_lessons(app, pilot):
    app.open_section("lessons")
    await pilot.pause()
    assert isinstance(app.screen, LessonListScreen)


async def test_walk_a_lesson_forward_and_back(tmp_path, content, clock):
    app = make_app(data_dir=tmp_path / "data", clock=clock, content_root=content)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lessons(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert "1/3" in place(app) and "Intro text" in reader_text(app)
        await pilot.press("right")
        assert "2/3" in place(app) and app.screen.lesson.pages[app.screen.page].title == "Second"
        await pilot.press("n")
        assert "3/3" in place(app)
        end = str(app.screen.query_one("#reader-end", Static).render())
        assert "End of the lesson" in end and "z: quiz me" in end and "Beta" in end
        await pilot.press("left", "p")
        assert "1/3" in place(app)
        assert not app.screen.query_one("#reader-end", Static).display
        await pilot.press("right", "right", "right")  # past the end: on to the next lesson
        await pilot.pause()
        assert app.screen.lesson.id == "beta" and "1/2" in place(app)
        await pilot.press("escape")  # the next lesson replaced this one: back to the list
        await pilot.pause()
        assert isinstance(app.screen, LessonListScreen)


async def test_complete_mark_survives_restart_and_continue_reopens(tmp_path, content, clock):
    data = tmp_path / "data"
    app = make_app(data_dir=data, clock=clock, content_root=content)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lessons(app, pilot)
        await pilot.press("enter", "right", "c")
        await pilot.pause()
        assert "complete" in place(app)
    app.store.close()

    again = make_app(data_dir=data, clock=clock, content_root=content)
    async with again.run_test(size=(80, 24)) as pilot:
        await open_lessons(again, pilot)
        first = again.screen.query_one(OptionList).get_option_at_index(0)
        assert str(first.prompt).startswith("✓ 1. Alpha")
        await pilot.press("escape")
        assert isinstance(again.screen, HomeScreen)
        again.open_section("continue")  # alpha is complete: Continue goes on to beta
        await pilot.pause()
        assert isinstance(again.screen, ReaderScreen)
        assert again.screen.lesson.id == "beta" and "1/2" in place(again)


async def test_links_can_be_followed_from_the_keyboard(tmp_path, content, clock):
    app = make_app(data_dir=tmp_path / "data", clock=clock, content_root=content)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("alpha", page=0)
        await pilot.pause()
        assert app.screen.check_action("links", ()) is None  # no links on page 1
        await pilot.press("right", "l")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.lesson.id == "beta" and "2/2" in place(app)
        await pilot.press("escape")  # back where the link was
        await pilot.pause()
        assert app.screen.lesson.id == "alpha" and "2/3" in place(app)
        assert app.store.last_lesson().lesson_id == "alpha"  # and Continue comes back here


async def test_contents_jumps_to_a_page(tmp_path, content, clock):
    app = make_app(data_dir=tmp_path / "data", clock=clock, content_root=content)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("alpha")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TableOfContents)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert "3/3" in place(app)


async def test_malformed_lesson_is_listed_with_location_and_others_open(tmp_path, content, clock):
    app = make_app(data_dir=tmp_path / "data", clock=clock, content_root=content)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lessons(app, pilot)
        errors = str(app.screen.query_one("#lesson-errors", Static).render())
        assert re.search(r"03-broken\.md:\d+: front matter is not valid YAML", errors)
        assert app.screen.query_one(OptionList).option_count == 2
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen.lesson.id == "beta"


async def test_lesson_text_is_markdown_not_textual_markup(tmp_path, content, clock):
    app = make_app(data_dir=tmp_path / "data", clock=clock, content_root=content)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("alpha")
        await pilot.pause()
        page = app.screen.query_one("#reader-page", LessonPage)
        lines = page.render_lines(page.region.reset_offset)
        shown = "".join(segment.text for line in lines for segment in line)
        assert "[bold]not markup[/bold]" in shown


async def test_contents_tick_only_the_pages_actually_read(tmp_path, content, clock):
    """A link into the middle of a lesson marks that page read, not the ones before it."""
    app = make_app(data_dir=tmp_path / "data", clock=clock, content_root=content)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("alpha", page=1)
        await pilot.pause()
        await pilot.press("l", "enter")  # to beta's last page
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TableOfContents)
        toc = app.screen.query_one(OptionList)
        marks = [str(toc.get_option_at_index(i).prompt)[:2] for i in range(toc.option_count)]
        assert marks == ["  ", "▶ "]  # beta's first page was never opened


async def test_reading_every_page_completes_the_lesson(tmp_path, content, clock, notices):
    app = make_app(data_dir=tmp_path / "data", clock=clock, content_root=content)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("beta")
        await pilot.pause()
        assert not app.store.lesson_progress()["beta"].completed
        await pilot.press("right")
        await pilot.pause()
        assert app.store.lesson_progress()["beta"].completed
        assert "complete" in place(app) and "Lesson complete: every page read." in notices
