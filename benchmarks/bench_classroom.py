"""A classroom's writes: 60 simulated learners answering at once into PostgreSQL through the
store, vs the same inserts by a bare psycopg loop (60 threads, a connection each), in the same
run on the same server. Reported as time per answer (lower is better); the target, >= 0.7x the
bare loop's answers per second, is <= 1/0.7 = 1.43x its time per answer.

The server is a real PostgreSQL the benchmark starts in a temporary folder (tests/testkit).
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from harness import Figure

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

LEARNERS = 60
ANSWERS = 60  # each
ROUNDS = 5

INSERT = (
    "INSERT INTO answers(learner_id, question_id, given, correct, score, seconds, mode, "
    "session_id, answered_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _together(work: Callable[[int, threading.Barrier], None]) -> float:
    """Seconds from the moment all 60 are connected until the last answer is written
    (threads: processes, one per tab as under `serve`, measured too noisy on 2 shared cores)."""
    barrier = threading.Barrier(LEARNERS + 1)
    threads = [threading.Thread(target=work, args=(i, barrier)) for i in range(LEARNERS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def _store_round(url: str, round_: int) -> float:
    from trainer.core.clock import SystemClock
    from trainer.core.store import Store, open_database

    def learner(index: int, barrier: threading.Barrier) -> None:
        store = Store(open_database(url), SystemClock(), learner=f"s{round_}-{index}")
        barrier.wait()
        for n in range(ANSWERS):
            store.record_answer(f"bank/q{n}", "B", correct=True, score=1.0, seconds=4.0,
                                mode="exam")
        store.close()

    return _together(learner)


def _bare_round(url: str, round_: int) -> float:
    import psycopg

    from trainer.core.store import Store, open_database

    ids = []
    for index in range(LEARNERS):  # the same learners' rows exist, as for the store
        store = Store(open_database(url), learner=f"b{round_}-{index}")
        ids.append(store.learner_id)
        store.close()

    def learner(index: int, barrier: threading.Barrier) -> None:
        db = psycopg.connect(url, autocommit=True)
        barrier.wait()
        for n in range(ANSWERS):
            db.execute(INSERT, (ids[index], f"bank/q{n}", '"B"', 1, 1.0, 4.0, "exam", None,
                                "2026-01-05T09:00:00+00:00"))
        db.close()

    return _together(learner)


def figures() -> list[Figure]:
    from testkit.postgres import postgres_installed, postgres_server

    if not postgres_installed():
        print("PostgreSQL is not installed (Debian package postgresql): classroom skipped")
        return []
    with postgres_server() as server:
        url = server.create_database()
        from trainer.core.store import Store, open_database

        Store(open_database(url)).close()  # migrated before the clock starts
        ours, bare = [], []
        for round_ in range(ROUNDS):  # interleaved, so load on the machine hits both
            bare.append(_bare_round(url, round_))
            ours.append(_store_round(url, round_))
    answers = LEARNERS * ANSWERS
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    print(f"   {answers} answers a round: store {answers / ours_s:.0f}/s, "
          f"bare psycopg {answers / bare_s:.0f}/s (medians of {ROUNDS} rounds)")
    ours_ms, bare_ms = 1000 * ours_s / answers, 1000 * bare_s / answers
    return [Figure("60 learners answering into PostgreSQL (per answer)", ours_ms, bare_ms, "ms",
                   target_ratio=round(1 / 0.7, 2))]
