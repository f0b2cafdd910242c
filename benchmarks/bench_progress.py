"""Progress: the dashboard over a big history vs bare SQL counts on the same database.

The store holds 100,000 answers on 5,000 cards (every answer a review, as in use) over a
year, 200 graded exams and the lessons. Baseline: the same figures as bare SQL counts and sums
on a plain sqlite3 connection, no model, no screen.

- figures: everything the screen shows, computed (SQL aggregates, FSRS retrievability of every
  card, readiness for an exam): target 3x the bare counts.
- open: from asking for the progress screen until it is drawn with its figures: they are
  counted on a worker thread first, then the screen comes forward already filled in. Target
  3x the bare counts and 300 ms.
- first open in a session: the same, when the screen's widgets are built (once per session;
  later visits reuse them). Held to the 300 ms ceiling; its ratio is reported.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import Figure, median_seconds
from textual.screen import Screen

from trainer.core.blueprints import load_blueprints
from trainer.core.clock import FakeClock
from trainer.core.paths import question_bank_dir
from trainer.core.progress import dashboard
from trainer.core.review import auto_rating, readiness, rebuild
from trainer.core.store import STORE_FILE, CardInfo, ReviewEntry, Store
from trainer.core.topics import TOPICS
from trainer.ui.app import make_app
from trainer.ui.screens.progress import ProgressScreen

ANSWERS = 100_000
CARDS = 5_000
EXAMS = 200
REPEAT = 11
FIRST_OPENS = 5  # sessions started to time the first open in each
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def build(folder: Path) -> None:
    """A year of study: answers spread over 365 days, each one a review of its card."""
    rng = random.Random(8)
    topics = list(TOPICS)
    cards = [
        CardInfo(f"bench/q{i}", "single_choice", tuple(rng.sample(topics, rng.choice((1, 2)))))
        for i in range(CARDS)
    ]
    start = NOW - timedelta(days=365)
    moments = sorted(start + timedelta(seconds=rng.uniform(0, 365 * 86400)) for _ in range(ANSWERS))
    answers, reviews = [], []
    for moment in moments:
        card = rng.choice(cards)
        correct = rng.random() < 0.7
        seconds = rng.uniform(4, 60)
        answers.append((card.question_id, '"A"', int(correct), float(correct), seconds,
                        "practice", None, moment.isoformat()))
        reviews.append(ReviewEntry(card.question_id,
                                   auto_rating(card.question_type, correct, seconds), moment))
    store = Store.in_dir(folder, FakeClock(NOW))
    store.add_reviews(cards, reviews, rebuild)
    form = json.dumps({"version": 1, "blueprint": {"title": "Quick check"}, "items": []})
    with sqlite3.connect(folder / STORE_FILE) as db:
        db.executemany(
            "INSERT INTO answers(question_id, given, correct, score, seconds, mode, session_id, "
            "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            answers,
        )
        db.executemany(
            "INSERT INTO exam_attempts(blueprint, seed, form, started_at, deadline, submitted_at, "
            "score, passed) VALUES ('quick-check', ?, ?, ?, ?, ?, ?, ?)",
            [
                (seed, form, (start + timedelta(days=seed)).isoformat(),
                 (start + timedelta(days=seed, minutes=15)).isoformat(),
                 (start + timedelta(days=seed, minutes=12)).isoformat(), score, int(score >= 70))
                for seed in range(EXAMS)
                for score in [rng.uniform(40, 100)]
            ],
        )
    for lesson in ("dicom-basics", "sop-classes", "uids"):
        store.mark_lesson_complete(lesson)
    store.close()


def bare_counts(path: Path) -> None:
    """The dashboard's figures as plain SQL: the floor of what opening it must read."""
    now, recent = NOW.isoformat(), (NOW - timedelta(days=30)).isoformat()
    db = sqlite3.connect(path)
    db.execute("SELECT count(*) FROM lesson_progress WHERE completed_at IS NOT NULL").fetchall()
    db.execute("SELECT count(*), sum(seconds) FROM answers").fetchall()
    db.execute("SELECT count(*), sum(due <= ?) FROM cards", (now,)).fetchall()
    db.execute(
        "SELECT t.topic, count(*), sum(a.correct) FROM answers a JOIN card_topics t "
        "ON t.question_id = a.question_id WHERE a.answered_at >= ? GROUP BY t.topic", (recent,)
    ).fetchall()
    db.execute("SELECT t.topic, count(*), avg(c.stability) FROM cards c JOIN card_topics t "
               "ON t.question_id = c.question_id GROUP BY t.topic").fetchall()
    db.execute("SELECT submitted_at, score FROM exam_attempts WHERE score IS NOT NULL").fetchall()
    db.close()


async def open_times(folder: Path, opens: int) -> list[float]:
    """Seconds from asking for the progress screen until it is drawn with its figures, for
    each of `opens` visits in one session (back to the home screen in between)."""
    app = make_app(data_dir=folder, clock=FakeClock(NOW), seed=1)
    samples = []
    async with app.run_test(size=(80, 24)) as pilot:
        _ = app.lessons, app.blueprints, app.banks  # loaded at start-up, not on opening
        painted = asyncio.Event()

        def shown(screen: Screen) -> None:  # the screen comes to the front once counted
            if isinstance(screen, ProgressScreen):
                app.call_after_refresh(painted.set)  # laid out and drawn, figures included

        app.screen_change_signal.subscribe(app, shown, immediate=True)
        for _ in range(opens):
            painted.clear()
            start = time.perf_counter()
            app.open_section("progress")
            await painted.wait()
            samples.append(time.perf_counter() - start)
            await app.workers.wait_for_complete()
            app.pop_screen()
            await pilot.pause()
    return samples


def figures() -> list[Figure]:
    folder = Path(tempfile.mkdtemp(prefix="pacs-bench-progress-"))
    build(folder)
    store = Store.in_dir(folder, FakeClock(NOW))
    exam = load_blueprints(question_bank_dir() / "exams").get("sop-certification")

    def compute() -> None:
        readiness(exam, dashboard(store, NOW, ["dicom-basics"]).evidence)

    computed = median_seconds(compute, repeat=REPEAT)
    opened = statistics.median(asyncio.run(open_times(folder, REPEAT + 1))[1:])  # 1st: warm-up
    first = statistics.median(asyncio.run(open_times(folder, 1))[0] for _ in range(FIRST_OPENS))
    baseline = median_seconds(lambda: bare_counts(folder / STORE_FILE), repeat=REPEAT)
    size = f"{ANSWERS:,} answers, {CARDS:,} cards"
    return [
        Figure(f"progress figures ({size}) vs bare SQL counts", computed * 1000,
               baseline * 1000, "ms", target_ratio=3.0, limit=300),
        Figure(f"open progress screen ({size}) vs bare SQL counts", opened * 1000,
               baseline * 1000, "ms", target_ratio=3.0, limit=300),
        Figure("  first open in a session (builds the widgets)", first * 1000,
               baseline * 1000, "ms", limit=300),
    ]


if __name__ == "__main__":
    for figure in figures():
        print(figure.line())
