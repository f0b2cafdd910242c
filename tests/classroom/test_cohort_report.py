"""The instructor's cohort report: three learners take the Quick check, and the report shows
each attempt, the weakest topics and every question's statistics; CSV for a gradebook."""

from __future__ import annotations

import csv
import io
import json

import pytest

from trainer.cli import main
from trainer.core.banks import load_banks
from trainer.core.blueprints import load_blueprints
from trainer.core.cohort import build_report, gradebook_rows
from trainer.core.exam import ExamSession
from trainer.core.item_analysis import MIN_ANSWERS
from trainer.core.item_sources import question_lookup
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool
from trainer.core.questions import correct_response
from trainer.core.store import open_database
from trainer.core.store.accounts import Accounts
from trainer.core.store.cohort import CohortRecords


@pytest.fixture(scope="module")
def pool():
    return question_pool(load_banks([question_bank_dir()]), seed=3)


def take_quick_check(store, clock, pool, right_every: int) -> float:
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    exam = ExamSession.start(store, blueprint, pool, seed=21, clock=clock)  # the same form
    for index, item in enumerate(exam.items):
        if index % right_every == 0:
            exam.answer(index, correct_response(item.question))
        else:
            exam.answer(index, None if index % 5 == 0 else "zz-wrong")
    clock.advance(300)
    return exam.submit().score_percent


def test_three_learners_take_the_quick_check_and_the_report_shows_them(
    backend, clock, pool, monkeypatch, capsys
):
    accounts = Accounts(open_database(backend.target()), clock)
    code = accounts.create_cohort("Spring")
    teacher = accounts.set_instructor("Ms Teach", "teach-passphrase", "Spring")
    scores = {}
    for name, right_every in (("ann", 1), ("bob", 2), ("cat", 4)):
        accounts.sign_in(name, f"{name}-passphrase", join_code=code)
        scores[name] = take_quick_check(backend.open(clock, learner=name), clock, pool,
                                        right_every)
    records = CohortRecords(open_database(backend.target()), teacher, clock)
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    report = build_report(records, clock.now(), ["uids", "dicom-basics"], blueprint=blueprint,
                          lookup=question_lookup(pool))
    assert [f.name for f in report.learners] == ["ann", "bob", "cat"]
    assert [f.best_score for f in report.learners] == [scores["ann"], scores["bob"],
                                                       scores["cat"]]
    assert scores["ann"] == 100.0 and scores["ann"] > scores["bob"] > scores["cat"]
    assert all(len(f.attempts) == 1 and f.readiness is not None for f in report.learners)
    assert report.topics and report.topics == sorted(report.topics, key=lambda t: t.mean_mastery)
    assert all(t.learners == 3 for t in report.topics)
    # The same form for all three: every question answered three times (a blank is a wrong
    # answer); those only ann got right are the hardest. Discrimination needs at least
    # MIN_ANSWERS answers, as in `items report`.
    items = report.items.items
    assert items and all(i.answers == 3 for i in items) and report.items.learners == 3
    everyone = [i for i in items if i.difficulty == 1.0]
    only_ann = [i for i in items if i.right == 1]
    assert everyone and only_ann
    assert min(i.difficulty for i in items) == pytest.approx(1 / 3)
    assert all(i.discrimination is None for i in items) and MIN_ANSWERS > 3
    [quick] = report.items.reliability
    assert quick.blueprint == "quick-check" and quick.attempts == 3
    rows = gradebook_rows(report)
    assert [(r["learner"], r["exam_attempts"], r["best_score"]) for r in rows] == [
        (name, 1, round(score, 1)) for name, score in scores.items()
    ]

    monkeypatch.setenv("PACS_TRAINER_PASSPHRASE", "teach-passphrase")
    options = ["--store", backend.target(), "--learner", "Ms Teach"]
    assert main(["cohort", "report", "--csv", *options]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["learner"] for row in table] == ["ann", "bob", "cat"]
    assert table[0]["best_score"] == "100.0" and table[0]["passed"] == "True"
    assert main(["cohort", "report", "--json", *options]) == 0
    data = json.loads(capsys.readouterr().out)
    # (the command counts on the real clock: these answers, on the test's, are too old to
    # weigh in mastery there; the report built above on the test's clock has the topics)
    assert len(data["learners"]) == 3 and data["items"] and data["reliability"]
    assert main(["cohort", "report", *options]) == 0
    text = capsys.readouterr().out
    assert "3 learner(s)" in text and "Weakest topics first" in text and "ann" in text


async def test_the_instructor_dashboard_lists_the_cohort(backend, clock, pool):
    from textual.widgets import DataTable

    from trainer.ui.app import make_app
    from trainer.ui.screens.cohort import CohortScreen
    from trainer.ui.screens.home import HomeScreen

    accounts = Accounts(open_database(backend.target()), clock)
    code = accounts.create_cohort("Spring")
    accounts.set_instructor("Ms Teach", "teach-passphrase")
    for name, right_every in (("ann", 1), ("bob", 3)):
        accounts.sign_in(name, f"{name}-passphrase", join_code=code)
        take_quick_check(backend.open(clock, learner=name), clock, pool, right_every)
    app = make_app(store=backend.target(), learner="Ms Teach", clock=clock)
    app.setup.sign_in("Ms Teach", "teach-passphrase")
    app._store = app.setup.open_store()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.open_section("cohort")
        await pilot.pause()
        assert isinstance(app.screen, CohortScreen)
        table = app.screen.query_one("#cohort-learners", DataTable)
        for _ in range(100):
            await pilot.pause(0.02)
            if table.row_count:
                break
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["ann", "bob"]
        assert str(table.get_row_at(0)[4]) == "100%"  # ann's best score
        assert app.screen.query_one("#cohort-items", DataTable).row_count > 0
