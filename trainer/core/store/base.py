"""The progress store's connection: opening, migrations, transactions, settings.

Every write commits at once (a candidate must never lose an answer), the database runs in WAL
mode with a busy timeout so two running copies of the app can share it, and the schema moves
forward through numbered migrations. A file that is not ours, is damaged, or was written by a
newer version is never touched: opening it raises StoreError with a way forward.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from trainer.core.clock import Clock, SystemClock
from trainer.core.store.records import StoreError
from trainer.core.store.schema import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    SQLITE_HEADER,
    STORE_FILE,
    statements,
)


def _way_forward(path: Path) -> str:
    return (
        f"It was left untouched. Move it aside to start afresh, or run with "
        f"--data-dir DIR (or PACS_TRAINER_HOME) to keep progress elsewhere. File: {path}"
    )


class StoreBase:
    """Opening the file (refusing one that is not ours), migrating it, and one short
    transaction per write; the settings table."""

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        """Open (or create) the store at path; raises StoreError instead of touching a bad file."""
        self.path = path
        self.clock = clock or SystemClock()
        self._check_header()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the progress store: {exc}. {_way_forward(path)}") from exc
        try:
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._migrate()
            self._db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still survives a killed process; only power loss can cost the
            # last commit, and it saves an fsync per answer and per page turn.
            self._db.execute("PRAGMA synchronous = NORMAL")
        except StoreError:
            self._db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(
                f"the progress store is damaged ({exc}). {_way_forward(path)}"
            ) from exc

    @classmethod
    def in_dir(cls, folder: Path, clock: Clock | None = None) -> Self:
        return cls(folder / STORE_FILE, clock)

    def reopen(self) -> Self:
        """Another connection to the same file, for another thread (sqlite3 ties a connection
        to the thread that made it; WAL lets it read while this one writes)."""
        return type(self)(self.path, self.clock)

    def close(self) -> None:
        self._db.close()

    def _check_header(self) -> None:
        """Refuse a non-empty file that is not SQLite before sqlite3 gets a chance to write."""
        if not self.path.exists():
            return
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a progress file. {_way_forward(self.path)}")
        with self.path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
        if head and head != SQLITE_HEADER:
            raise StoreError(
                f"{self.path.name} is not a pacs-trainer progress database "
                f"(not an SQLite file). {_way_forward(self.path)}"
            )

    def _migrate(self) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")  # one copy migrates, a second waits, then finds it done
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id != APPLICATION_ID and (tables or version):
                raise StoreError(
                    f"{self.path.name} is an SQLite database of another program, not a "
                    f"pacs-trainer progress store. {_way_forward(self.path)}"
                )
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path.name} was written by a newer pacs-trainer (schema {version}, "
                    f"this version knows up to {SCHEMA_VERSION}). Upgrade pacs-trainer. "
                    f"{_way_forward(self.path)}"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in statements(MIGRATIONS[step]):
                    db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short transaction, committed before returning: nothing is held in memory."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _now(self) -> str:
        return self.clock.now().isoformat()

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
