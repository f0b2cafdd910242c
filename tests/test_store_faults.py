"""Faults of the disk and the store, told apart (reliability-1 D6, D9), where a learner meets
them: the terminal app and plain mode catch a failed write wherever a learner acts, say which
fault it is ("could not save ...: the disk is full; your earlier answers are safe") without a
traceback and without acknowledging the answer, which stays to try again; the read-only
commands and the dashboard work on a store that cannot be written; and read-only file,
read-only folder or file system, locked and damaged are four messages, of which only damaged
suggests moving the file aside.

The read-only cases run in a child without root's privileges, the full disk and the
read-only file system on a small tmpfs in a child's own mount namespace (testkit).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from testkit.filesystems import (
    as_unprivileged,
    fill,
    in_private_mounts,
    mount_tmpfs,
    remount_read_only,
)

from trainer.cli import build_parser, main
from trainer.commands.plain_text import format_input
from trainer.commands.quiz import plain
from trainer.core.clock import FakeClock
from trainer.core.questions import correct_response
from trainer.core.store import STORE_FILE, Store
from trainer.ui.app import make_app
from trainer.ui.screens.exam import ExamScreen
from trainer.ui.screens.practice import FeedbackView, PracticeScreen
from trainer.ui.screens.progress import ProgressScreen
from trainer.ui.widgets.question_view import QuestionView

MOVE_ASIDE = "Move it aside"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


class Keys(io.StringIO):
    """Plain mode's input; `before` runs something (fill the disk, free it) before line n."""

    def __init__(self, lines: list[str], before: dict[int, object]) -> None:
        super().__init__("".join(line + "\n" for line in lines))
        self.before = before
        self.read = 0

    def readline(self, *args) -> str:  # type: ignore[override]
        action = self.before.get(self.read)
        if callable(action):
            action()
        self.read += 1
        return super().readline(*args)


def quiz(data: Path, clock, keys, *options: str) -> tuple[int, str]:
    args = build_parser().parse_args(["--data-dir", str(data), "quiz", "--plain", *options])
    out = io.StringIO()
    status = plain(args, stdin=keys, stdout=out, clock=clock)
    return status, out.getvalue()


def some_progress(data: Path, clock) -> None:
    """A practice answer and a graded exam: something to list, count and export."""
    quiz(data, clock, io.StringIO("s\n"), "--count", "1")
    quiz(data, clock, io.StringIO("submit\ny\n"), "--exam", "quick-check", "--seed", "3")
    store = Store.in_dir(data, clock)
    store.record_answer("uids/q1", "B", correct=True, score=1, seconds=2, mode="practice")
    store.close()


def reading_still_works(data: Path, clock) -> str:
    """History, review status, progress export and the dashboard on a store that cannot be
    written; then what a practice answer in plain mode says (returned)."""
    status, out, err = cli("--data-dir", str(data), "history")
    assert status == 0 and "Quick check" in out, err
    status, out, err = cli("--data-dir", str(data), "review", "status")
    assert status == 0 and "Due now:" in out, err
    export = Path(tempfile.mkdtemp()) / "export.json"  # elsewhere: this disk may be read-only
    status, out, err = cli("--data-dir", str(data), "progress", "export", str(export))
    assert status == 0 and export.exists(), err
    asyncio.run(dashboard_and_practice(data, clock))
    status, out = quiz(data, clock, io.StringIO("a\n1\nt\ns\n"), "--count", "1", "--seed", "4")
    assert status == 0 and "Traceback" not in out
    assert "Right." not in out and "Not right." not in out  # nothing acknowledged
    return out


async def dashboard_and_practice(data: Path, clock) -> None:
    store = Store.in_dir(data, clock)
    answers = store.answer_count()  # a practice answer, and the exam's (blanks as wrong)
    store.close()
    heard: list[str] = []
    app = make_app(data_dir=data, clock=clock, seed=4)
    app.notify = lambda message, *a, **k: heard.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("can be read but not saved here" in notice for notice in heard)
        app.open_section("progress")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        assert f"Answers {answers}" in str(app.screen.query_one("#progress-summary").render())
        app.start_practice(count=1, seed=4)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        view = screen.query_one(QuestionView)
        view.post_message(QuestionView.AnswerSubmitted(view, None))
        await pilot.pause()
        assert not screen.query(FeedbackView) and screen.query(QuestionView)  # still asked
        assert any(notice.startswith("Cannot save your answer") for notice in heard), heard


def _read_only_file(folder: Path) -> str:
    clock = FakeClock()
    data = folder / "data"
    some_progress(data, clock)
    (data / STORE_FILE).chmod(0o444)
    return reading_still_works(data, clock)


def _read_only_folder(folder: Path) -> str:
    clock = FakeClock()
    data = folder / "data"
    some_progress(data, clock)
    data.chmod(0o555)
    return reading_still_works(data, clock)


def _read_only_file_system(folder: Path) -> str:
    clock = FakeClock()
    mount_tmpfs(folder, 2048)
    data = folder / "data"
    some_progress(data, clock)
    remount_read_only(folder)
    return reading_still_works(data, clock)


def test_a_read_only_file_is_read_and_says_so(tmp_path):
    said = as_unprivileged(_read_only_file)
    assert "Cannot save your answer: the file" in said and "is read-only" in said
    assert "Your progress is safe and can still be read" in said and MOVE_ASIDE not in said


def test_a_read_only_folder_is_read_and_says_so(tmp_path):
    said = as_unprivileged(_read_only_folder)
    assert "Cannot save your answer: the folder" in said and "is read-only" in said
    assert MOVE_ASIDE not in said


def test_a_read_only_file_system_is_read_and_says_so(tmp_path):
    said = in_private_mounts(_read_only_file_system, tmp_path / "disk")
    assert "Cannot save your answer: the file system holding" in said
    assert MOVE_ASIDE not in said


def test_locked_and_damaged_are_two_more_messages_and_only_damaged_says_move_it_aside(
    tmp_path, clock, monkeypatch
):
    from trainer.core.store import sqlite as backend

    monkeypatch.setattr(backend, "BUSY_TIMEOUT_S", 0.2)
    data = tmp_path / "data"
    some_progress(data, clock)
    holder = sqlite3.connect(data / STORE_FILE, isolation_level=None)
    holder.execute("SELECT count(*) FROM answers").fetchone()
    try:
        quiz_out = []

        def hold() -> None:  # another copy starts a long write just before the answer
            holder.execute("BEGIN IMMEDIATE")

        status, out = quiz(data, clock, Keys(["a", "s"], {0: hold}), "--count", "1", "--seed", "4")
        quiz_out.append(out)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    locked = quiz_out[0]
    assert "Cannot save your answer: the progress store is in use by another copy" in locked
    assert "Right." not in locked and "Not right." not in locked and MOVE_ASIDE not in locked

    path = data / STORE_FILE
    wrecked = bytearray(path.read_bytes())
    wrecked[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(wrecked))
    status, out, damaged = cli("--data-dir", str(data), "history")
    assert status == 1 and "damaged" in damaged and MOVE_ASIDE in damaged
    assert "Traceback" not in damaged


# --- a disk that fills up mid-session ---------------------------------------------------------


FULL = "the disk is full; your earlier answers are safe"


def _plain_mode_on_a_full_disk(disk: Path) -> tuple[str, str, int, int]:
    clock = FakeClock()
    mount_tmpfs(disk, 1024)
    data = disk / "data"
    some_progress(data, clock)
    filler: list[Path] = []

    def full() -> None:
        filler.append(fill(disk))

    def freed() -> None:
        filler.pop().unlink()

    before = len(Store.in_dir(data, clock).answers())
    status, practice = quiz(data, clock, Keys(["a", "a", "s"], {0: full, 1: freed}),
                            "--count", "1", "--seed", "4")
    assert status == 0
    after = len(Store.in_dir(data, clock).answers())

    store = Store.in_dir(data, clock)
    pool_seed = 5
    status, _ = quiz(data, clock, io.StringIO("quit\n"), "--exam", "quick-check", "--seed",
                     str(pool_seed))
    from trainer.core.context import Context
    from trainer.core.exam import ExamSession

    setup = Context.from_options(data_dir=data, clock=clock)
    session = ExamSession.open(store, store.unfinished_attempt().id, setup.blueprints,
                               setup.question_pool(pool_seed), clock=clock)
    first = format_input(session.items[0].presented, correct_response(session.items[0].question))
    status, exam = quiz(data, clock, Keys(["y", first, first, "quit"], {1: full, 2: freed}),
                        "--exam", "quick-check")
    items = Store.in_dir(data, clock).exam_items(session.attempt_id)
    full()  # and what only reads works on the full disk
    elsewhere = Path(tempfile.mkdtemp()) / "record.json"
    for command in (["history"], ["review", "status"], ["progress", "export", str(elsewhere)]):
        status, _, err = cli("--data-dir", str(data), *command)
        assert status == 0, (command, err)
    return practice, exam, after - before, sum(i.response is not None for i in items.values())


def test_plain_mode_on_a_full_disk_says_so_acknowledges_nothing_and_takes_it_again(tmp_path):
    practice, exam, practice_answers, exam_answers = in_private_mounts(
        _plain_mode_on_a_full_disk, tmp_path / "disk")
    for out in (practice, exam):
        assert f"Could not save your answer: {FULL}" in out
        assert "Traceback" not in out and MOVE_ASIDE not in out
    # Practice: the first try told the fault and was not graded; the second was.
    graded = re.search(r"\n(Right|Not right|Partly right)", practice)
    assert graded and practice.index(FULL) < graded.start()
    assert practice_answers == 1
    exam_tail = exam[exam.index(FULL):]
    assert exam.count("Saved.") == 1 and "Saved." in exam_tail  # only after the space came back
    assert exam_answers == 1


def _app_on_a_full_disk(disk: Path) -> list[str]:
    clock = FakeClock()
    mount_tmpfs(disk, 1024)
    data = disk / "data"
    some_progress(data, clock)
    return asyncio.run(_app_scenario(disk, data, clock))


async def _app_scenario(disk: Path, data: Path, clock) -> list[str]:
    heard: list[str] = []
    app = make_app(data_dir=data, clock=clock, seed=4)
    app.notify = lambda message, *a, **k: heard.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Practice: the answer is not acknowledged, and stays to try again.
        app.start_practice(count=2, seed=4)
        await pilot.pause()
        screen = app.screen
        filler = fill(disk)
        view = screen.query_one(QuestionView)
        right = correct_response(screen.session.current.question)
        view.post_message(QuestionView.AnswerSubmitted(view, right))
        await pilot.pause()
        assert not screen.query(FeedbackView) and screen.session.answered == 0
        assert heard[-1] == f"Could not save your answer: {FULL}. Free some space and try " \
                            f"again. File: {data / STORE_FILE}"
        filler.unlink()
        view.post_message(QuestionView.AnswerSubmitted(view, right))
        await pilot.pause()
        assert screen.query(FeedbackView) and screen.session.answered == 1

        # A lesson page, the theme: told once, and the app goes on.
        app.open_lesson("uids")
        await pilot.pause()
        filler = fill(disk)
        told = len(heard)
        await pilot.press("right")
        await pilot.press("right")
        app.theme = "textual-light"
        await pilot.pause()
        assert len([n for n in heard[told:] if FULL in n]) == 1
        filler.unlink()

        # An exam: an answer, a flag and a move refused while the disk is full.
        app.open_section("exam")
        await pilot.pause()
        app.start_exam(app.blueprints.get("quick-check"))
        await pilot.pause()
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        session = exam.session
        filler = fill(disk)
        told = len(heard)
        view = exam.query_one(QuestionView)
        view.post_message(QuestionView.AnswerSubmitted(view, correct_response(
            session.items[0].question)))
        await pilot.pause()
        assert session.position == 0 and session.items[0].response is None
        assert "answer not saved" in str(exam.query_one("#exam-place").render())
        await pilot.press("ctrl+f")
        assert not session.items[0].flagged
        assert [n for n in heard[told:] if FULL in n] and app.screen is exam
        filler.unlink()
        view.post_message(QuestionView.AnswerSubmitted(view, correct_response(
            session.items[0].question)))
        await pilot.pause()
        assert session.position == 1 and app.store.exam_items(session.attempt_id)[0].response
    return heard


def test_the_app_on_a_full_disk_says_so_and_lets_the_learner_try_again(tmp_path):
    heard = in_private_mounts(_app_on_a_full_disk, tmp_path / "disk")
    assert not any("Traceback" in n or MOVE_ASIDE in n for n in heard)


@pytest.mark.parametrize("size", [1])
def test_the_testkit_child_really_cannot_write_read_only_files(tmp_path, size):
    def write(folder: Path) -> str:
        target = folder / "file"
        target.write_text("x")
        target.chmod(0o444)
        try:
            target.write_text("y")
        except PermissionError:
            return "refused"
        return "written"

    assert as_unprivileged(write) == "refused"
