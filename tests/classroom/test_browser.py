"""A real browser: headless Chromium opens the served app, a learner signs in with the
cohort's join code, starts the Quick check and answers a question, and the answer is in
PostgreSQL. A screenshot of the home screen in the browser is kept in the test's folder.
A second tab over the session limit gets the "classroom is full" page."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from testkit import external_tool, free_port

from trainer.core.store import open_database
from trainer.core.store.accounts import Accounts

pytestmark = pytest.mark.slow  # a real browser and a served app

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1100,760",
)


def wait_for(check: Callable[[], Any], what: str, limit: float = 30) -> Any:
    """Poll until `check()` gives something true (a browser and a server run on real time)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def serving(postgres: Any, folder: Path, max_sessions: int) -> Iterator[tuple[str, str, str]]:
    """`pacs-trainer serve` on a free port with a new classroom database (a cohort made):
    (address, join code, database URL); the server and its apps stopped by PID."""
    url = postgres.create_database()
    accounts = Accounts(open_database(url))
    code = accounts.create_cohort("Spring")
    accounts.set_instructor("Ms Teach", "teach-passphrase")
    accounts.close()
    port = free_port()
    log = folder / "serve.log"
    env = {**os.environ, "PACS_TRAINER_STORE": url, "PACS_TRAINER_HOME": str(folder / "home")}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "trainer", "serve", "--port", str(port), "--max-sessions",
             str(max_sessions), "--seed", "4"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        def listening() -> bool:
            assert server.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait_for(listening, "the server to listen")
        yield f"http://127.0.0.1:{port}/", code, url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the apps it started
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)


@pytest.fixture
def browser(tmp_path) -> Iterator[Any]:
    chromium = external_tool("chromium", "chromium")
    driver_path = external_tool("chromedriver", "chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tmp_path / "chromium-profile"
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_app(browser: Any, address: str) -> Any:
    """Load the page and wait for the app's first screen; the terminal's key input."""
    from selenium.webdriver.common.by import By

    browser.get(address)
    wait_for(lambda: browser.execute_script(
        "return document.body.classList.contains('-first-byte')"), "the app's first screen")
    return wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "textarea"), "terminal")[0]


def type_keys(keys: Any, *typed: str) -> None:
    for text in typed:
        time.sleep(0.4)  # a key each moment, as a person types: focus moves between fields
        keys.send_keys(text)


def sign_in(keys: Any, name: str, code: str) -> None:
    from selenium.webdriver.common.keys import Keys

    type_keys(keys, name, Keys.TAB, f"{name.split()[0].lower()}-passphrase", Keys.TAB, code,
              Keys.ENTER)


def start_quick_check(keys: Any, database: str, name: str) -> int:
    """Exam, Quick check, Start: the attempt's id once it is in PostgreSQL. On a busy machine
    the dialog can come after the key meant for it: then the key is pressed again."""
    from selenium.webdriver.common.keys import Keys

    type_keys(keys, Keys.ARROW_DOWN * 3 + Keys.ENTER, Keys.ENTER)
    press_until(keys, "y", lambda: attempts_of(database, name), f"{name}'s exam to start")
    return int(attempts_of(database, name)[0][0])


def press_until(keys: Any, key: str, check: Callable[[], Any], what: str) -> None:
    """Press a dialog's key until what it does shows: on a busy machine a dialog can come
    after the key meant for it."""
    for _ in range(6):
        type_keys(keys, key)
        try:
            wait_for(check, what, 4)
            return
        except AssertionError:
            continue
    raise AssertionError(f"timed out waiting for {what}")


def test_a_learner_signs_in_in_the_browser_and_the_answer_is_in_postgresql(
    postgres, browser, tmp_path
):
    from selenium.webdriver.common.keys import Keys

    with serving(postgres, tmp_path, max_sessions=1) as (address, code, database):
        keys = open_app(browser, address)
        sign_in(keys, "Ann Example", code)

        def signed_in() -> bool:
            with psycopg.connect(database) as db:
                row = db.execute(
                    "SELECT passphrase FROM learners WHERE name = 'Ann Example'").fetchone()
            return bool(row and row[0].startswith("scrypt$"))

        wait_for(signed_in, "the sign-in to reach PostgreSQL")
        time.sleep(1.0)  # the home screen draws
        shot = tmp_path / "home-in-browser.png"
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 5000

        # Over the limit of one session, another tab gets the plain "full" page.
        with pytest.raises(urllib.error.HTTPError) as full:
            urllib.request.urlopen(address, timeout=10)
        assert full.value.code == 503
        assert "The classroom is full" in full.value.read().decode()

        attempt_id = start_quick_check(keys, database, "Ann Example")
        type_keys(keys, "a", Keys.ENTER)  # choose the first answer and submit it

        def answered() -> Any:
            with psycopg.connect(database) as db:
                return db.execute(
                    "SELECT position, response FROM exam_items WHERE attempt_id = %s AND "
                    "response IS NOT NULL", (attempt_id,)).fetchall()

        [(position, response)] = wait_for(answered, "the answer to reach PostgreSQL")
        assert position == 0 and response


def attempts_of(database: str, name: str) -> list[tuple[Any, ...]]:
    """(id, score) of each exam attempt of a learner, straight from PostgreSQL."""
    with psycopg.connect(database) as db:
        return db.execute(
            "SELECT e.id, e.score FROM exam_attempts e JOIN learners l ON l.id = e.learner_id "
            "WHERE l.name = %s ORDER BY e.id", (name,)).fetchall()


def test_three_learners_in_three_tabs_take_the_quick_check_and_the_report_has_them(
    postgres, browser, tmp_path, monkeypatch, capsys
):
    """The issue's done-when: three tabs at once, then `cohort report` shows the three."""
    from selenium.webdriver.common.keys import Keys

    from trainer.cli import main

    names = ("Ann Example", "Bob Example", "Cat Example")
    with serving(postgres, tmp_path, max_sessions=3) as (address, code, database):
        tabs = {}
        for name in names:
            if tabs:
                browser.switch_to.new_window("tab")
            tabs[name] = (browser.current_window_handle, open_app(browser, address))
            sign_in(tabs[name][1], name, code)
        for name in names:  # all three exams open at once
            handle, keys = tabs[name]
            browser.switch_to.window(handle)
            try:
                start_quick_check(keys, database, name)
            except AssertionError:  # keep what the tab showed, for whoever reads the failure
                browser.save_screenshot(str(tmp_path / f"{name.split()[0]}-no-exam.png"))
                raise
        for name in names:
            handle, keys = tabs[name]
            browser.switch_to.window(handle)
            type_keys(keys, "a", Keys.ENTER, Keys.CONTROL + "s")  # answer one, submit
            press_until(keys, "y", lambda name=name: attempts_of(database, name)[0][1] is not None,
                        f"{name}'s exam to be graded")
        monkeypatch.setenv("PACS_TRAINER_PASSPHRASE", "teach-passphrase")
        assert main(["cohort", "report", "--json", "--store", database,
                     "--learner", "Ms Teach"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [learner["learner"] for learner in report["learners"]] == list(names)
    assert all(learner["exams_graded"] == 1 for learner in report["learners"])
    assert report["topics"] and report["items"]
    assert all(item["answers"] >= 1 for item in report["items"])
