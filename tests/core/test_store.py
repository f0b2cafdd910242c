import multiprocessing
import sqlite3

import pytest

from trainer.core.store import (
    SCHEMA_VERSION,
    STORE_FILE,
    Store,
    StoreError,
    StoreLocked,
    open_database,
)


def test_answer_is_committed_when_given(backend, clock):
    store = backend.open(clock)
    store.record_answer("sop/q1", "B", correct=True, score=1.0, seconds=4.2, mode="practice")
    # A second connection sees it without the first closing: it was committed at once.
    assert backend.rows("SELECT question_id, given, correct FROM answers") == [
        ("sop/q1", '"B"', 1)
    ]
    [answer] = store.answers("sop/q1")
    assert answer.given == "B" and answer.correct and answer.answered_at == clock.now()


def test_lesson_progress_survives_reopen(backend, clock):
    store = backend.open(clock)
    store.set_lesson_page("uids", 4)
    store.set_lesson_page("uids", 3)
    clock.advance(60)
    store.set_lesson_page("sop-classes", 1)
    clock.advance(1)
    store.mark_lesson_complete("uids")
    store.close()
    again = backend.open(clock)
    progress = again.lesson_progress()
    assert progress["uids"].last_page == 3 and progress["uids"].completed
    assert progress["uids"].furthest_page == 4
    assert not progress["sop-classes"].completed
    assert again.last_lesson().lesson_id == "uids"  # completed last, so touched last


def test_settings_round_trip(backend):
    store = backend.open()
    assert store.get_setting("theme") is None
    store.set_setting("theme", "nord")
    store.set_setting("theme", "gruvbox")
    assert backend.open().get_setting("theme") == "gruvbox"


def test_each_learner_has_their_own_settings_answers_and_lessons(backend, clock):
    ann, bob = backend.open(clock, learner="ann"), backend.open(clock, learner="bob")
    ann.set_setting("theme", "nord")
    ann.record_answer("sop/q1", "B", correct=True, score=1.0, seconds=3, mode="practice")
    ann.set_lesson_page("uids", 2)
    assert bob.get_setting("theme") is None
    assert bob.answers() == [] and bob.answer_count() == 0 and bob.lesson_progress() == {}
    assert ann.answer_count() == 1 and backend.open(clock, learner="ann").answer_count() == 1


def test_wal_mode_and_schema_version(tmp_path):
    store = Store.in_dir(tmp_path)
    assert store.schema_version == SCHEMA_VERSION
    mode = sqlite3.connect(tmp_path / STORE_FILE).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_not_a_database_is_left_untouched(tmp_path):
    path = tmp_path / STORE_FILE
    path.write_bytes(b"my thesis draft, not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a pacs-trainer progress database.*--data-dir"):
        Store(path)
    assert path.read_bytes() == before


def test_damaged_database_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / STORE_FILE
    store = Store(path)
    store.record_answer("q", 1, correct=True, score=1, seconds=1, mode="practice")
    store.close()  # checkpoints the WAL into the file
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged|not a pacs-trainer"):
        Store(path)
    assert path.read_bytes() == bytes(data)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / STORE_FILE
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer pacs-trainer"):
        Store(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / STORE_FILE
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="another program"):
        Store(path)
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("photos",)]


def _answer_many(folder: str, worker: int, count: int) -> None:
    from pathlib import Path

    store = Store.in_dir(Path(folder))
    for i in range(count):
        store.record_answer(f"w{worker}/q{i}", i, correct=True, score=1, seconds=1, mode="practice")
    store.close()


def test_two_processes_at_once_do_not_corrupt(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_answer_many, args=(str(tmp_path), w, 150)) for w in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    db = sqlite3.connect(tmp_path / STORE_FILE)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert Store.in_dir(tmp_path).answer_count() == 300


def test_a_store_held_by_another_copy_is_reported_as_locked_not_damaged(tmp_path, monkeypatch):
    from trainer.core.store import sqlite as backend

    Store.in_dir(tmp_path).close()
    holder = sqlite3.connect(tmp_path / STORE_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another copy in the middle of a write
    monkeypatch.setattr(backend, "BUSY_TIMEOUT_S", 0.2)
    try:
        with pytest.raises(StoreLocked, match="in use by another copy") as caught:
            Store.in_dir(tmp_path)
        assert "damaged" not in str(caught.value) and "Move it aside" not in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Store.in_dir(tmp_path).answer_count() == 0  # free again: it opens


def test_a_write_that_waits_too_long_is_locked_and_not_acknowledged(tmp_path, monkeypatch):
    from trainer.core.store import sqlite as backend

    monkeypatch.setattr(backend, "BUSY_TIMEOUT_S", 0.2)
    store = Store.in_dir(tmp_path)
    holder = sqlite3.connect(tmp_path / STORE_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreLocked):
            store.record_answer("q", 1, correct=True, score=1, seconds=1, mode="practice")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.answers() == []
    store.record_answer("q", 1, correct=True, score=1, seconds=1, mode="practice")
    assert len(store.answers()) == 1


def _open_fresh(folder: str, ready) -> None:
    from pathlib import Path

    ready.wait(10)
    Store.in_dir(Path(folder)).close()


def test_many_copies_opening_a_new_file_at_once_all_succeed(tmp_path):
    """The race the code review found: WAL is switched on once, and a copy that meets the
    switch in progress waits instead of calling the file damaged."""
    ctx = multiprocessing.get_context("fork")
    for round_ in range(8):
        folder = tmp_path / f"r{round_}"
        ready = ctx.Event()
        workers = [ctx.Process(target=_open_fresh, args=(str(folder), ready)) for _ in range(4)]
        for w in workers:
            w.start()
        ready.set()
        for w in workers:
            w.join(60)
            assert w.exitcode == 0, f"round {round_}"
        db = sqlite3.connect(folder / STORE_FILE)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.close()


# --- PostgreSQL only: what a server database says instead of a file's header -----------------


def test_both_engines_migrate_to_the_same_tables_and_columns(tmp_path, postgres):
    """Schema 5 is written twice, once per dialect: a column added to one is added to both."""
    import psycopg

    Store.in_dir(tmp_path).close()
    db = sqlite3.connect(tmp_path / STORE_FILE)
    tables = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    in_sqlite = {t: sorted(r[1] for r in db.execute(f"PRAGMA table_info({t})")) for t in tables}
    url = postgres.create_database()
    Store(open_database(url)).close()
    in_postgresql: dict[str, list[str]] = {}
    with psycopg.connect(url) as pg:
        for table, column in pg.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE "
            "table_schema = 'public' AND table_name != 'pacs_trainer_meta'"
        ):
            in_postgresql.setdefault(table, []).append(column)
    assert {t: sorted(c) for t, c in in_postgresql.items()} == in_sqlite


def test_server_database_of_another_program_is_refused_and_untouched(postgres):
    import psycopg

    url = postgres.create_database()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE photos (name TEXT)")
    with pytest.raises(StoreError, match="another program's tables"):
        Store(open_database(url))
    with psycopg.connect(url) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    assert tables == [("photos",)]


def test_server_database_of_a_newer_version_is_refused(postgres):
    import psycopg

    url = postgres.create_database()
    Store(open_database(url)).close()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("UPDATE pacs_trainer_meta SET value = %s", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="newer pacs-trainer"):
        Store(open_database(url))


def test_the_password_never_shows_in_the_location(postgres):
    store = Store(open_database(postgres.create_database()))
    assert postgres.password not in store.location
    assert store.location.startswith("postgresql://trainer@127.0.0.1:")


def _open_url(url: str, ready) -> None:
    ready.wait(10)
    Store(open_database(url), learner="same-name").close()


def test_many_servers_opening_a_new_database_at_once_migrate_it_once(postgres):
    ctx = multiprocessing.get_context("fork")
    url = postgres.create_database()
    ready = ctx.Event()
    workers = [ctx.Process(target=_open_url, args=(url, ready)) for _ in range(4)]
    for w in workers:
        w.start()
    ready.set()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    store = Store(open_database(url), learner="same-name")
    assert store.schema_version == SCHEMA_VERSION
    import psycopg

    with psycopg.connect(url) as db:
        assert db.execute("SELECT count(*) FROM learners").fetchone() == (1,)
