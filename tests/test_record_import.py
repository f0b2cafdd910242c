"""`progress import` is as strict as the app reads (reliability-1 D8): each hostile record of
the battery, and more, is refused with a located message and the store unchanged; the records
that are accepted (a BOM, an open exam, a place past a lesson's last page, an unknown setting)
leave every screen and command working; a FIFO, a folder and a huge file are refused without
hanging or reading them. A hypothesis test mutates a valid export: refused unchanged, or
imported and everything still opens.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.cli import build_parser, main
from trainer.commands.plain_text import Console
from trainer.commands.quiz import plain, print_report
from trainer.core.blueprints import load_blueprints
from trainer.core.clock import FakeClock
from trainer.core.context import Context
from trainer.core.exam import ExamSession, FormUnavailable
from trainer.core.paths import question_bank_dir
from trainer.core.practice import PracticeSession
from trainer.core.progress import snapshot
from trainer.core.questions import correct_response
from trainer.core.record_file import (
    MAX_RECORD_BYTES,
    RecordError,
    export_record,
    merge_record,
    read_record,
)
from trainer.core.review import status
from trainer.core.store import Store
from trainer.ui.app import make_app
from trainer.ui.screens.confirm import Confirm
from trainer.ui.screens.home import HomeScreen
from trainer.ui.sections import SECTIONS

START = datetime.fromisoformat("2026-01-05T09:00:00+00:00")


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status_ = main(list(argv))
    return status_, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict:
    """A valid export with every kind of row: settings, lessons, practice, a graded exam."""
    folder = tmp_path_factory.mktemp("good")
    clock = FakeClock(START)
    setup = Context.from_options(data_dir=folder / "data", clock=clock)
    store = setup.open_store()
    pool = setup.question_pool(3)
    store.set_setting("theme", "nord")
    store.set_setting("review.new_per_day", "12")
    store.set_lesson_page("uids", 3)
    session = PracticeSession(pool[:3], __import__("random").Random(1), clock, store)
    for right in (True, False, True):
        session.answer(correct_response(session.current.question) if right else None, 12)
        session.advance()
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    exam = ExamSession.start(store, blueprint, pool, seed=3, clock=clock)
    exam.answer(0, correct_response(exam.items[0].question))
    exam.flag(1, True)
    clock.advance(300)
    exam.submit()
    export_record(store, folder / "record.json", clock.now())
    store.close()
    return json.loads((folder / "record.json").read_text())


def an_open_exam(good: dict, *, hours_ago: float = 0) -> dict:
    exam = copy.deepcopy(good["exams"][0])
    started = START + timedelta(days=1) - timedelta(hours=hours_ago)
    exam.update(id=99, started_at=started.isoformat(),
                deadline=(started + timedelta(minutes=15)).isoformat(),
                submitted_at=None, score=None, passed=None, position=2)
    return exam


def hostile(good: dict):
    """(name, record, where the message points): every one must be refused."""
    def record(change) -> dict:
        bad = copy.deepcopy(good)
        change(bad)
        return bad

    def form(bad: dict) -> dict:
        return bad["exams"][0]["form"]

    deep: object = "x"
    for _ in range(20):
        deep = [deep]
    yield ("blueprint is a string", record(lambda r: form(r).update(blueprint="quick-check")),
           "exams.0.form.blueprint: Input should be an object")
    yield ("blueprint is a list", record(lambda r: form(r).update(blueprint=[])),
           "exams.0.form.blueprint: Input should be an object")
    yield ("an empty form", record(lambda r: r["exams"][0].update(form={})),
           "exams.0.form.version: Field required")
    yield ("a seed that is no number", record(lambda r: form(r)["items"][0].update(seed="abc")),
           "exams.0.form.items.0.seed: Input should be a valid integer")
    yield ("a new-per-day setting of ²",
           record(lambda r: r["settings"].update({"review.new_per_day": "²"})),
           "settings: review.new_per_day must be a whole number from 0 to")
    yield ("an infinite duration", record(lambda r: r["answers"][0].update(seconds=1e309)),
           "answers.0.seconds: Input should be a finite number")
    yield ("an answer nested 20 deep", record(lambda r: r["answers"][0].update(given=deep)),
           "answers.0.given: nested deeper than 8 levels")
    yield ("a time that overflows in UTC",
           record(lambda r: r["answers"][0].update(answered_at="9999-12-31T23:59:59-05:00")),
           "answers.0.answered_at: the time is out of range")
    yield ("a time in 1800",
           record(lambda r: r["reviews"][0].update(reviewed_at="1800-01-01T00:00:00+00:00")),
           "reviews.0.reviewed_at: the time must be within the years 2000 to 2199")
    yield ("a seed too large for SQLite", record(lambda r: r["exams"][0].update(seed=2**70)),
           "exams.0.seed: Input should be less than 9223372036854775808")
    yield ("an answer too large for SQLite", record(lambda r: r["answers"][0].update(given=2**70)),
           "answers.0.given: a whole number too large")
    yield ("a page too large", record(lambda r: r["lessons"][0].update(last_page=2**40)),
           "lessons.0.last_page: Input should be less than or equal to 10000")
    yield ("a kept question of no known type",
           record(lambda r: form(r)["items"][0].update(question={"type": "essay"})),
           "exams.0.form.items.0.question: not a question this version reads")
    yield ("a version 2 item without its question",
           record(lambda r: form(r)["items"][0].pop("question")),
           "exams.0.form.items: a version 2 form keeps every question")
    yield ("a form version from the future", record(lambda r: form(r).update(version=3)),
           "exams.0.form.version: Input should be 1 or 2")
    yield ("a response of no answer's shape",
           record(lambda r: r["exams"][0]["items"][0].update(response=[[1]])),
           "exams.0.items.0.response: not an answer to a")
    yield ("a place past the form", record(lambda r: r["exams"][0].update(position=999)),
           "exams.0.position: 999 is past the form's 20 questions")
    yield ("a deadline before the start",
           record(lambda r: r["exams"][0].update(deadline="2026-01-05T08:00:00+00:00")),
           "exams.0.deadline: must come after started_at")
    yield ("a score without a submission",
           record(lambda r: r["exams"][0].update(submitted_at=None)),
           "exams.0.score, passed and submitted_at")
    yield ("a warning of 7 minutes", record(lambda r: r["exams"][0].update(warnings=[7])),
           "exams.0.warnings.0: Input should be 10, 5 or 1")
    yield ("two open exams",
           record(lambda r: r["exams"].extend([an_open_exam(good), {**an_open_exam(good),
                                                 "id": 100, "seed": 4}])),
           "exams: more than one exam is open")
    yield ("a card of no known type", record(lambda r: r["cards"][0].update(question_type="x")),
           "cards.0.question_type: Input should be")
    yield ("an unknown mode", record(lambda r: r["answers"][0].update(mode="cheat")),
           "answers.0.mode: Input should be 'practice', 'review' or 'exam'")
    yield ("a negative duration", record(lambda r: r["reviews"][0].update(duration_ms=-5)),
           "reviews.0.duration_ms: Input should be greater than or equal to 0")


def write(path: Path, record: dict, prefix: str = "") -> Path:
    path.write_text(prefix + json.dumps(record), encoding="utf-8")
    return path


# --- every screen and command ---------------------------------------------------------------


def every_command(data: Path, clock: FakeClock) -> None:
    """Each command that reads the record, on this store: none fails or prints a traceback."""
    for argv in (["history"], ["history", "--json"], ["history", "export"],
                 ["history", "export", "--format", "json"], ["review", "status"],
                 ["review", "status", "--json"],
                 ["progress", "export", str(data.parent / "again.json")]):
        code, out, err = cli("--data-dir", str(data), *argv)
        assert code == 0 and "Traceback" not in out + err, (argv, err)
    assert read_record(data.parent / "again.json") is not None  # what went in comes out valid
    args = build_parser().parse_args(["--data-dir", str(data), "quiz", "--plain", "--count", "1"])
    out = io.StringIO()
    plain(args, stdin=io.StringIO("n\nquit\n"), stdout=out, clock=clock)
    assert "Traceback" not in out.getvalue()


async def every_screen(data: Path, clock: FakeClock) -> set[str]:
    """The app on this store: home, every section, and through the open exam's dialog; the
    names of the screens it went through."""
    heard: list[str] = []
    seen: set[str] = set()
    app = make_app(data_dir=data, clock=clock, seed=1)
    real = app.notify
    app.notify = lambda message, *a, **k: (heard.append(str(message)),  # type: ignore
                                           real(message, *a, **k))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for item in [None, *SECTIONS]:
            if item is not None:
                app.open_section(item.id)
                await app.workers.wait_for_complete()
                await pilot.pause()
            while isinstance(app.screen, Confirm):  # resume the exam, see a result, close one
                await pilot.press("y")
                await app.workers.wait_for_complete()
                await pilot.pause()
            while not isinstance(app.screen, HomeScreen):
                seen.add(type(app.screen).__name__)
                app.pop_screen()
                await pilot.pause()
    assert not any("Something went wrong" in notice for notice in heard), heard
    return seen


def everything_opens(data: Path, clock: FakeClock) -> set[str]:
    seen = asyncio.run(every_screen(data, clock))
    every_command(data, clock)
    return seen


# --- the tests -------------------------------------------------------------------------------


def test_each_hostile_record_is_refused_where_it_is_wrong_and_changes_nothing(tmp_path, good):
    clock = FakeClock(START + timedelta(days=2))
    data = tmp_path / "data"
    code, _, err = cli("--data-dir", str(data), "progress", "import",
                       str(write(tmp_path / "good.json", good)))
    assert code == 0, err
    store = Store.in_dir(data, clock)
    before = store.export_data()
    store.close()
    names = set()
    for name, record, where in hostile(good):
        names.add(name)
        path = write(tmp_path / f"{len(names)}.json", record)
        code, out, err = cli("--data-dir", str(data), "progress", "import", str(path))
        assert code == 1, name
        assert f"pacs-trainer: error: {path}: {where}" in err, (name, err)
        assert "Traceback" not in err and err.count("\n") == 1, name
        store = Store.in_dir(data, clock)
        assert store.export_data() == before, name
        store.close()
    assert len(names) == 24
    everything_opens(data, clock)


def test_records_that_are_accepted_leave_everything_working(tmp_path, good):
    clock = FakeClock(START + timedelta(days=1, minutes=5))
    record = copy.deepcopy(good)
    record["settings"]["a.setting.from.a.later.version"] = "on"
    record["lessons"][0]["last_page"] = 999  # past the lesson's pages: it opens at its last
    record["exams"].append(an_open_exam(good))  # open, ten minutes left
    data = tmp_path / "data"
    path = write(tmp_path / "bom.json", record, prefix="\ufeff")  # a UTF-8 BOM
    code, out, err = cli("--data-dir", str(data), "progress", "import", str(path))
    assert code == 0 and "2 exams" in out, err
    seen = everything_opens(data, clock)
    assert {"ExamScreen", "ReaderScreen", "ProgressScreen", "ReviewScreen"} <= seen, seen

    expired = copy.deepcopy(good)
    expired["exams"].append(an_open_exam(good, hours_ago=3))  # its time ran out
    data = tmp_path / "expired"
    code, out, err = cli("--data-dir", str(data), "progress", "import",
                         str(write(tmp_path / "expired.json", expired)))
    assert code == 0, err
    assert "ExamReportScreen" in everything_opens(data, clock)
    [_, graded] = Store.in_dir(data, clock).attempts()
    assert graded.status == "submitted"  # graded when it was opened


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_a_folder_and_a_huge_file_are_refused_without_reading_them(tmp_path):
    fifo = tmp_path / "record.fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as out:
        out.truncate(MAX_RECORD_BYTES + 1)  # sparse: no disk used, and never read
    folder = tmp_path / "folder.json"
    folder.mkdir()
    results: dict[str, tuple[int, str, str]] = {}

    def run() -> None:
        for path in (fifo, huge, folder):
            results[path.name] = cli("--data-dir", str(tmp_path / "data"), "progress",
                                     "import", str(path))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "an import hung"
    assert "it is not a file" in results["record.fifo"][2]
    assert "it is not a file" in results["folder.json"][2]
    assert "a pacs-trainer record is at most 64 MiB" in results["huge.json"][2]
    assert all(code == 1 for code, _, _ in results.values())
    assert not (tmp_path / "data").exists()  # refused before the store was opened


# --- fuzzing --------------------------------------------------------------------------------


NASTY = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["", "²", "abc", "9999-12-31T23:59:59-05:00", "2026-01-05T09:00:00",
                     "2026-01-05T09:00:00+00:00", "quick-check", "A", "1e309"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=2),
)


def paths(value, at=()):
    yield at
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*at, index))


@st.composite
def mutated(draw, good: dict) -> str:
    record = copy.deepcopy(good)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = [p for p in paths(record) if p]
        place = draw(st.sampled_from(places))
        *parent_path, last = place
        parent = record
        for part in parent_path:
            parent = parent[part]
        how = draw(st.sampled_from(["replace", "delete", "add", "repeat"]))
        if how == "replace":
            parent[last] = draw(NASTY)
        elif how == "delete":
            del parent[last]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(NASTY)
        elif isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
    return json.dumps(record)


def core_opens(store: Store, setup: Context, clock: FakeClock) -> None:
    """What every screen and command reads, at the core: history rows, each exam rebuilt and
    its report written out (an open one resumed and submitted), the home screen's recent
    exams, the dashboard and review status."""
    from trainer.commands.history import record

    for attempt in store.attempts():
        assert record(attempt)["title"]
    for attempt in store.attempts():
        pool = setup.question_pool(attempt.seed)
        try:
            if attempt.submitted_at is None:
                session = ExamSession.resume(store, setup.blueprints, pool, clock=clock)
                assert session is not None
                session.submit()
            else:
                session = ExamSession.open(store, attempt.id, setup.blueprints, pool,
                                           clock=clock)
        except FormUnavailable:
            continue
        assert session.report is not None
        print_report(Console(io.StringIO(), io.StringIO()), session.report)
    assert all(attempt.title for attempt in store.last_graded_attempts(3))
    snapshot(store, now=clock.now(), lesson_ids=[], blueprint=setup.blueprints.blueprints[0],
             questions=lambda: setup.banks.questions)
    status(store, clock.now())


@pytest.mark.slow
def test_a_mutated_export_is_refused_unchanged_or_imported_and_everything_opens(
    tmp_path_factory, good
):
    clock = FakeClock(START + timedelta(days=2))
    setup_folder = tmp_path_factory.mktemp("fuzz")

    @settings(max_examples=300, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def check(data) -> None:
        text = data.draw(mutated(good))
        folder = Path(os.path.join(setup_folder, f"case{len(os.listdir(setup_folder))}"))
        folder.mkdir()
        path = folder / "record.json"
        path.write_text(text, encoding="utf-8")
        setup = Context.from_options(data_dir=folder / "data", clock=clock)
        store = setup.open_store()
        before = store.export_data()
        try:
            record = read_record(path)
        except RecordError:
            assert store.export_data() == before
            return
        merge_record(store, record)
        store.close()
        every_command(folder / "data", clock)  # and what was taken in goes out valid
        store = setup.open_store()
        core_opens(store, setup, clock)
        store.close()

    check()
