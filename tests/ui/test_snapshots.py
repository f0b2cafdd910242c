"""Screenshots of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the new SVGs before committing them.
"""

import pytest

from trainer.ui.app import make_app

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def app(tmp_path, clock):
    return make_app(data_dir=tmp_path, clock=clock, seed=1)


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_lesson_list(snap_compare, app, size):
    async def open_lessons(pilot):
        app.store.mark_lesson_complete("dicom-basics")
        app.open_section("lessons")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_lessons)


@pytest.mark.parametrize("size", SIZES)
def test_lesson_page(snap_compare, app, size):
    async def open_page(pilot):
        app.open_lesson("image-sop-classes", page=1)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_page)


def test_sop_reference(snap_compare, app):
    async def open_reference(pilot):
        app.open_section("sop-reference")
        await pilot.pause()
        await pilot.press(*"enhanced")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_reference)


async def _exam_with_two_answers(app, pilot):
    from trainer.core.questions import correct_response

    await pilot.pause()  # let the home screen finish its start-up checks first
    app.start_exam(app.blueprints.get("quick-check"))
    await pilot.pause()
    session = app.screen.session
    session.answer(0, correct_response(session.items[0].question))
    session.answer(1, None)
    session.flag(2, True)
    app.clock.advance(95)
    app.screen.tick()  # as a timer tick would: a loaded machine ticks before the snapshot


def test_exam_review_screen(snap_compare, app):
    async def open_navigator(pilot):
        await _exam_with_two_answers(app, pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_navigator)


def test_exam_score_report(snap_compare, app):
    async def submit(pilot):
        await _exam_with_two_answers(app, pilot)
        app.screen.finish(auto=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=submit)
