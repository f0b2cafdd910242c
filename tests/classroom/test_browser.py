"""A real browser: headless Chromium opens the served app, a learner signs in with the
cohort's join code, starts the Quick check and answers a question, and the answer is in
PostgreSQL. A screenshot of the home screen in the browser is kept in the test's folder.
A second tab over the session limit gets the "classroom is full" page."""

from __future__ import annotations

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
from pathlib import Path
from typing import Any

import psycopg
import pytest
from testkit import external_tool
from testkit.postgres import free_port

from trainer.core.store import open_database
from trainer.core.store.accounts import Accounts

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


@pytest.fixture
def served(postgres, tmp_path) -> Iterator[tuple[str, str, Path, str]]:
    """`pacs-trainer serve` on a free port with a classroom database; stopped by PID."""
    url = postgres.create_database()
    accounts = Accounts(open_database(url))
    code = accounts.create_cohort("Spring")
    accounts.close()
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PACS_TRAINER_STORE": url, "PACS_TRAINER_HOME": str(tmp_path / "home")}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "trainer", "serve", "--port", str(port), "--max-sessions",
             "1", "--seed", "4"],
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
        yield f"http://127.0.0.1:{port}/", code, tmp_path, url
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


def test_a_learner_signs_in_in_the_browser_and_the_answer_is_in_postgresql(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    address, code, folder, database = served
    browser.get(address)
    wait_for(lambda: browser.execute_script(
        "return document.body.classList.contains('-first-byte')"), "the app's first screen")
    keys = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "textarea"), "the terminal")[0]
    for typed in ("Ann Example", Keys.TAB, "ann-passphrase", Keys.TAB, code, Keys.ENTER):
        time.sleep(0.4)  # a key each moment, as a person types: focus moves between fields
        keys.send_keys(typed)

    def signed_in() -> bool:
        with psycopg.connect(database) as db:
            row = db.execute(
                "SELECT passphrase FROM learners WHERE name = 'Ann Example'").fetchone()
        return bool(row and row[0].startswith("scrypt$"))

    wait_for(signed_in, "the sign-in to reach PostgreSQL")
    time.sleep(1.0)  # the home screen draws
    shot = folder / "home-in-browser.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 5000

    # Over the limit of one session, another tab gets the plain "full" page.
    with pytest.raises(urllib.error.HTTPError) as full:
        urllib.request.urlopen(address, timeout=10)
    assert full.value.code == 503
    assert "The classroom is full" in full.value.read().decode()

    keys.send_keys(Keys.ARROW_DOWN * 3, Keys.ENTER)  # Exam
    time.sleep(0.5)
    keys.send_keys(Keys.ENTER)  # Quick check
    time.sleep(0.5)
    keys.send_keys("y")  # start it

    def attempt() -> Any:
        with psycopg.connect(database) as db:
            return db.execute(
                "SELECT e.id FROM exam_attempts e JOIN learners l ON l.id = e.learner_id "
                "WHERE l.name = 'Ann Example'").fetchone()

    [attempt_id] = wait_for(attempt, "the exam to start")
    time.sleep(0.5)
    keys.send_keys("a", Keys.ENTER)  # choose the first answer and submit it

    def answered() -> Any:
        with psycopg.connect(database) as db:
            return db.execute(
                "SELECT position, response FROM exam_items WHERE attempt_id = %s AND "
                "response IS NOT NULL", (attempt_id,)).fetchall()

    [(position, response)] = wait_for(answered, "the answer to reach PostgreSQL")
    assert position == 0 and response

