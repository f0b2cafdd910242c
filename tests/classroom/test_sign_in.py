"""Learners and roles: passphrases kept only as salted hashes, join codes, an instructor, and
a learner who can reach no one else's answers or exam by any path (the app, the command line
with a forged name, the store itself)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from textual.widgets import Input

from trainer.cli import main
from trainer.core.store import NotYours, Store, open_database
from trainer.core.store.accounts import (
    Accounts,
    NotAnInstructor,
    SignInRefused,
    hash_passphrase,
    passphrase_matches,
)
from trainer.core.store.cohort import CohortRecords
from trainer.ui.app import make_app
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.sign_in import SignInScreen


def test_a_passphrase_is_kept_as_a_salted_scrypt_hash_only():
    first, second = hash_passphrase("correct horse"), hash_passphrase("correct horse")
    assert first != second  # salted
    assert first.startswith("scrypt$16384$8$1$") and "correct horse" not in first
    assert passphrase_matches(first, "correct horse")
    assert not passphrase_matches(first, "correct horsE")
    assert not passphrase_matches("not a hash", "correct horse")


@pytest.fixture
def classroom(backend, clock):
    """A classroom on each backend: a cohort with a join code and an instructor."""
    accounts = Accounts(open_database(backend.target()), clock)
    code = accounts.create_cohort("Spring")
    accounts.set_instructor("Ms Teach", "teach-passphrase", "Spring")
    return accounts, code


def test_first_sign_in_sets_the_passphrase_and_later_ones_check_it(backend, classroom):
    accounts, code = classroom
    ann = accounts.sign_in("ann", "ann-passphrase", join_code=code.lower())
    assert (ann.name, ann.role, ann.cohort) == ("ann", "learner", "Spring")
    assert accounts.sign_in(" ann ", "ann-passphrase").id == ann.id
    with pytest.raises(SignInRefused, match="wrong passphrase"):
        accounts.sign_in("ann", "ann-passphras")
    [(stored,)] = backend.rows("SELECT passphrase FROM learners WHERE name = 'ann'")
    assert stored.startswith("scrypt$") and "ann-passphrase" not in stored


def test_a_new_name_needs_a_join_code_unless_sign_up_is_open(classroom):
    accounts, _ = classroom
    with pytest.raises(SignInRefused, match="join code"):
        accounts.sign_in("carl", "carl-passphrase")
    with pytest.raises(SignInRefused, match="no cohort has the join code"):
        accounts.sign_in("carl", "carl-passphrase", join_code="WRONG-CODE")
    with pytest.raises(SignInRefused, match="at least 8"):
        accounts.sign_in("carl", "short", open_sign_up=True)
    assert accounts.learner("carl") is None
    with pytest.raises(SignInRefused, match="taken by the store"):  # the embedded learner
        accounts.sign_in("Default", "a-passphrase", open_sign_up=True)
    carl = accounts.sign_in("carl", "carl-passphrase", open_sign_up=True)
    assert carl.cohort is None and not carl.is_instructor


def test_only_an_instructor_reads_the_cohort(backend, classroom, clock):
    accounts, code = classroom
    ann = accounts.sign_in("ann", "ann-passphrase", join_code=code)
    with pytest.raises(NotAnInstructor):
        CohortRecords(open_database(backend.target()), ann, clock)
    teacher = accounts.sign_in("Ms Teach", "teach-passphrase")
    records = CohortRecords(open_database(backend.target()), teacher, clock)
    assert [learner.name for learner in records.learners()] == ["ann"]


def ann_with_an_exam(backend, clock) -> tuple[Store, int]:
    ann = backend.open(clock, learner="ann")
    now = clock.now()
    attempt = ann.start_attempt("quick-check", 3, {"items": []}, started_at=now,
                                deadline=now + timedelta(minutes=15), holder="ann#1",
                                lease_until=now + timedelta(seconds=20))
    ann.set_exam_response(attempt, 0, "ann's answer", holder="ann#1")
    ann.record_answer("uids/q1", "ann's practice", correct=True, score=1, seconds=3,
                      mode="practice")
    return ann, attempt


def test_a_store_opened_for_one_learner_reaches_nothing_of_another(backend, clock):
    ann, attempt = ann_with_an_exam(backend, clock)
    bob = backend.open(clock, learner="bob")
    assert bob.answers() == [] and bob.attempts() == [] and bob.attempt(attempt) is None
    assert bob.exam_items(attempt) == {} and bob.export_data()["exams"] == []
    with pytest.raises(NotYours):
        bob.set_exam_response(attempt, 0, "overwritten", holder="ann#1")
    assert ann.exam_items(attempt)[0].response == "ann's answer"


def test_the_command_line_with_a_forged_name_is_refused(backend, classroom, clock, monkeypatch,
                                                        capsys, tmp_path):
    accounts, code = classroom
    accounts.sign_in("ann", "ann-passphrase", join_code=code)
    accounts.sign_in("bob", "bob-passphrase", join_code=code)
    ann_with_an_exam(backend, clock)
    store = ["--store", backend.target()]
    monkeypatch.setenv("PACS_TRAINER_PASSPHRASE", "bob-passphrase")
    # bob's passphrase with ann's name; no name at all; ann's name and no passphrase
    assert main(["history", *store, "--learner", "ann"]) == 1
    assert "wrong passphrase for ann" in capsys.readouterr().err
    if backend.dialect == "postgresql":  # a file's own learner needs no name; a server does
        assert main(["progress", "export", str(tmp_path / "x.json"), *store]) == 1
        assert "needs --learner" in capsys.readouterr().err
        assert not (tmp_path / "x.json").exists()
    monkeypatch.delenv("PACS_TRAINER_PASSPHRASE")
    assert main(["history", *store, "--learner", "ann"]) == 1  # stdin is no terminal
    assert "no passphrase for ann" in capsys.readouterr().err
    assert main(["cohort", "report", *store, "--learner", "ann"]) == 1
    # bob signed in as himself sees only his own (empty) record, and no report.
    monkeypatch.setenv("PACS_TRAINER_PASSPHRASE", "bob-passphrase")
    assert main(["history", "--json", *store, "--learner", "bob"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["progress", "export", str(tmp_path / "bob.json"), *store,
                 "--learner", "bob"]) == 0
    record = json.loads((tmp_path / "bob.json").read_text())
    assert record["answers"] == [] and record["exams"] == []
    assert main(["cohort", "report", "--json", *store, "--learner", "bob"]) == 1
    assert "not an instructor" in capsys.readouterr().err


async def sign_in(app, pilot, name: str, passphrase: str, code: str = "") -> None:
    await pilot.pause()
    assert isinstance(app.screen, SignInScreen)
    app.screen.query_one("#sign-in-name", Input).value = name
    app.screen.query_one("#sign-in-passphrase", Input).value = passphrase
    app.screen.query_one("#sign-in-code", Input).value = code
    await pilot.click("#sign-in-submit")
    for _ in range(1500):  # scrypt, the database, and after a wrong passphrase a short wait
        await pilot.pause(0.02)
        if isinstance(app.screen, HomeScreen):  # signed in (the sign-in screen gone is not
            break  # enough: the home screen comes a moment after)
        if isinstance(app.screen, SignInScreen) and "wrong" in str(
            app.screen.query_one("#sign-in-problem").render()
        ):
            break


async def test_in_the_app_a_learner_signs_in_and_sees_only_their_own(backend, classroom, clock):
    accounts, code = classroom
    accounts.sign_in("ann", "ann-passphrase", join_code=code)
    _, attempt = ann_with_an_exam(backend, clock)
    app = make_app(store=backend.target(), clock=clock, seed=1)
    if backend.dialect == "sqlite":
        app.setup.sign_in_required = True  # as when serving a progress file
        app._store = None
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        with pytest.raises(RuntimeError):
            app.store  # noqa: B018 - nothing opens before sign-in
        assert not [c for c in app.get_system_commands(app.screen) if c.title.startswith("Open")]
        await sign_in(app, pilot, "ann", "bob-passphrase")  # ann's name, a wrong passphrase
        assert isinstance(app.screen, SignInScreen)
        await sign_in(app, pilot, "bob", "bob-passphrase", code)  # first sign-in: sets it
        assert isinstance(app.screen, HomeScreen)
        assert app.setup.learner == "bob" and app.store.learner == "bob"
        assert app.store.unfinished_attempt() is None  # ann's open exam is not offered
        assert app.store.attempt(attempt) is None and app.store.answers() == []
        app.open_section("exam")  # no resume of ann's exam: the picker
        await pilot.pause()
        assert type(app.screen).__name__ == "ExamPickerScreen"
        app.open_cohort_report()  # a learner is not an instructor
        await pilot.pause()
        assert type(app.screen).__name__ == "ExamPickerScreen"
