"""Screenshots of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

They run on a frozen content root (testkit.content), so adding a lesson, a topic or a generator
to the shipped content changes none of them. Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the new SVGs before committing them.
"""

import dataclasses
import random
import shutil
from pathlib import Path

import pytest
from testkit.content import frozen_content

from trainer.core import pool
from trainer.core.context import Context
from trainer.core.exam import build_form
from trainer.core.paths import content_root
from trainer.ui.app import make_app

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def app(tmp_path, clock):
    content = frozen_content(tmp_path / "content")
    return make_app(data_dir=tmp_path / "data", clock=clock, seed=1, content_root=content)


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


# --- what the snapshots do not depend on ------------------------------------------------------

# An id no shipped lesson will take, so the test still grows the content once one is added.
NEW_LESSON = """---
id: grown-by-a-test
title: Digitised film
summary: Secondary capture of films scanned into the PACS.
objectives: [Tell a digitised film from a modality image]
topics: [grown-by-a-test]
minutes: 5
prerequisites: []
---
A scanned film arrives as Secondary Capture Image Storage.
"""
NEW_TOPIC = "grown-by-a-test:\n  title: Digitised film\n  lesson: grown-by-a-test\n"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_new_lesson_with_a_topic_and_a_bank_leaves_the_snapshot_content_as_it_was(tmp_path):
    grown = tmp_path / "grown"
    for folder in ("lessons", "question_bank"):
        shutil.copytree(content_root() / folder, grown / folder)
    (grown / "lessons" / "99-grown-by-a-test.md").write_text(NEW_LESSON, "utf-8")
    with open(grown / "lessons" / "topics.yaml", "a", encoding="utf-8") as topics:
        topics.write(NEW_TOPIC)
    bank = (grown / "question_bank" / "uids.yaml").read_text("utf-8")
    (grown / "question_bank" / "grown.yaml").write_text(
        bank.replace("id: uids", "id: grown", 1).replace("[uids", "[grown-by-a-test, uids"),
        "utf-8",
    )
    grown_setup = Context.from_options(data_dir=tmp_path / "data", content_root=grown)
    # The grown content is content the app accepts: the lesson, its topic and its bank.
    assert grown_setup.lessons.get("grown-by-a-test") and not grown_setup.lessons.errors
    assert "grown" in {b.id for b in grown_setup.banks.banks} and not grown_setup.banks.errors
    assert _files(frozen_content(tmp_path / "a", source=grown)) == _files(
        frozen_content(tmp_path / "b")
    )


def test_a_new_generator_leaves_the_snapshot_exam_as_it_was(tmp_path, monkeypatch):
    setup = Context.from_options(
        data_dir=tmp_path / "data", content_root=frozen_content(tmp_path / "content")
    )
    banks_only = setup.blueprints.get("quick-check")
    any_source = banks_only.model_copy(
        update={"draws": tuple(d.model_copy(update={"sources": ()}) for d in banks_only.draws)}
    )

    def forms() -> list[list[str]]:
        questions = pool.question_pool(setup.banks, seed=1)
        return [build_form(b, questions, random.Random(1)).question_ids
                for b in (banks_only, any_source)]

    before = forms()
    registry = next(family for family in pool.families() if family.source == "registry")
    twin = dataclasses.replace(registry.generators[0], name="twin-of-the-first")
    grown = dataclasses.replace(registry, generators=(*registry.generators, twin))
    others = tuple(family for family in pool.families() if family is not registry)
    monkeypatch.setattr(pool, "families", lambda: (grown, *others))
    after = forms()
    assert after[0] == before[0]
    assert after[1] != before[1]  # the generator is in the pool: any source would see it
