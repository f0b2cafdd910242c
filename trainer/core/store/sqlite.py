"""The embedded backend: one SQLite file per learner's machine.

Everything SQLite-specific lives here: the file checks (a file that is not ours, is damaged
or was written by a newer version is never touched), WAL mode (set once, when the file is
made, and only checked afterwards), `BEGIN IMMEDIATE` with a busy timeout and a retry, and the
mapping of SQLite's errors to the store's faults, so "locked by another copy", "read-only",
"disk full" and "damaged" are four different messages and only the last suggests moving the
file aside. Opening a file that cannot be written gives a read-only store: history, exports
and the dashboard still work.
"""

from __future__ import annotations

import math
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from trainer.core.store.records import (
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
)

APPLICATION_ID = 0x50414353  # "PACS": marks the file as ours
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0


def way_forward(path: Path) -> str:
    return (
        f"It was left untouched. Move it aside to start afresh, or run with "
        f"--data-dir DIR (or PACS_TRAINER_HOME) to keep progress elsewhere. File: {path}"
    )


def _read_only_reason(path: Path) -> str | None:
    """Why this file cannot be written, or None when it can (root writes anything but a
    read-only file system)."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the file system holding {folder} is read-only"
    except (AttributeError, OSError):  # no statvfs on Windows
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path} is read-only"
    if folder.exists() and not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only (SQLite writes its journal beside the file)"
    return None


def _disk_full(path: Path) -> bool:
    try:
        stats = os.statvfs(path.parent)
    except (AttributeError, OSError):
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def classify(exc: sqlite3.Error, path: Path, doing: str) -> StoreError:
    """The store fault an SQLite error means, with a message a learner can act on."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED") or "locked" in text:
        return StoreLocked(
            f"cannot {doing}: the progress store is in use by another copy of pacs-trainer "
            f"(it stayed locked for {BUSY_TIMEOUT_S:g} s). Close the other copy or try again; "
            f"nothing was lost. File: {path}"
        )
    if name.startswith("SQLITE_FULL") or "disk is full" in text or (
        name.startswith("SQLITE_IOERR") and _disk_full(path)
    ):
        return StoreFull(
            f"could not {doing}: the disk is full; your earlier answers are safe. Free some "
            f"space and try again. File: {path}"
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")) or (
        "readonly" in text
    ):
        reason = _read_only_reason(path) or f"it cannot be written ({text})"
        return StoreReadOnly(
            f"cannot {doing}: {reason}. Your progress is safe and can still be read; make it "
            f"writable, or run with --data-dir DIR to keep progress elsewhere."
        )
    if name.startswith("SQLITE_IOERR"):
        return StoreFull(
            f"could not {doing}: the disk could not be written ({text}); your earlier answers "
            f"are safe. File: {path}"
        )
    return StoreDamaged(f"the progress store is damaged ({text}). {way_forward(path)}")


class SqliteDatabase:
    """One connection to a progress file, and the few things only SQLite says this way."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._check_header()
        self.read_only = _read_only_reason(path) is not None and path.exists()
        try:
            if not self.read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect()
        except sqlite3.Error as exc:
            raise classify(exc, path, "open the progress store") from exc
        except OSError as exc:
            raise StoreReadOnly(
                f"cannot open the progress store: {exc}. Run with --data-dir DIR to keep "
                f"progress elsewhere."
            ) from exc

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            return self._connect_read_only()
        else:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        try:  # the schema's triggers use power(), which some SQLite builds leave out
            db.execute("SELECT power(2, 1)")
        except sqlite3.OperationalError:
            db.create_function("power", 2, math.pow, deterministic=True)
        return db

    def _connect_read_only(self) -> sqlite3.Connection:
        """Read only, the last answers too: what a killed copy left in the WAL is read where
        SQLite can (its -shm exists or can be made). Where it cannot (a read-only folder
        without them: then no WAL is left either), the file is opened as immutable."""
        uri = self.path.resolve().as_uri()
        for options in ("mode=ro", "mode=ro&immutable=1"):
            db = sqlite3.connect(f"{uri}?{options}", uri=True, isolation_level=None)
            try:
                db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return db
            except sqlite3.Error:
                db.close()
                if "immutable" in options:
                    raise
        raise AssertionError("unreachable")

    def _check_header(self) -> None:
        """Refuse a non-empty file that is not SQLite before sqlite3 gets a chance to write."""
        path = self.path
        if not path.exists():
            return
        if path.is_dir():
            raise StoreDamaged(f"{path} is a folder, not a progress file. {way_forward(path)}")
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StoreReadOnly(f"cannot read the progress store {path}: {exc}.") from exc
        if head and head != SQLITE_HEADER:
            raise StoreDamaged(
                f"{path.name} is not a pacs-trainer progress database "
                f"(not an SQLite file). {way_forward(path)}"
            )

    # -- the schema's bookkeeping ---------------------------------------------------------

    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def check_ownership(self) -> None:
        """Refuse an SQLite database of another program (run inside the migration's
        transaction, so a second copy opening at once waits and then finds it ours)."""
        app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
        tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != APPLICATION_ID and (tables or self.schema_version()):
            raise StoreDamaged(
                f"{self.path.name} is an SQLite database of another program, not a "
                f"pacs-trainer progress store. {way_forward(self.path)}"
            )

    def set_schema_version(self, version: int) -> None:
        self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self._db.execute(f"PRAGMA user_version = {int(version)}")

    def after_migration(self) -> None:
        """WAL, once per file: it persists in the file, so later opens only check it. Turning
        it on needs the file to itself, and SQLite answers BUSY at once (no busy handler) when
        a second copy is opening too: retry until one of them has done it."""
        if self.read_only:
            return
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise classify(exc, self.path, "open the progress store") from exc
                time.sleep(0.02)
        # In WAL mode NORMAL still survives a killed process; only power loss can cost the
        # last commit, and it saves an fsync per answer and per page turn.
        self._db.execute("PRAGMA synchronous = NORMAL")

    # -- statements and transactions ------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        return self._db.executemany(sql, rows)

    @contextmanager
    def transaction(self, doing: str = "save your progress") -> Iterator[SqliteDatabase]:
        """One short write transaction, committed before returning: nothing is held in
        memory. Faults come out as the store's errors (locked, read-only, full, damaged)."""
        if self.read_only:
            raise StoreReadOnly(
                f"cannot {doing}: {_read_only_reason(self.path) or 'the store is read-only'}. "
                f"Your progress is safe and can still be read; make it writable, or run with "
                f"--data-dir DIR to keep progress elsewhere."
            )
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise classify(exc, self.path, doing) from exc
        try:
            yield self
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise classify(exc, self.path, doing) from exc
        except BaseException:
            self._rollback()
            raise

    def write_one(self, sql: str, params: Sequence[Any], doing: str) -> None:
        """One statement in its own write transaction."""
        with self.transaction(doing):
            self._db.execute(sql, params)

    def _rollback(self) -> None:
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:  # SQLite rolled back by itself (a full disk, say)
                pass

    def read_errors(self, doing: str) -> Any:
        """Map a failed read the same way as a failed write (use as a context manager)."""
        return _mapped(self.path, doing)

    # -- what SQL says differently --------------------------------------------------------

    @staticmethod
    def whole_days(later: str, earlier: str) -> str:
        """SQL for the whole days between two ISO times, floored as a timedelta's .days is
        (counted from milliseconds, so the two differ only within one of a whole day)."""
        return (
            f"CAST(round((julianday({later}) - julianday({earlier})) * 86400000) AS INTEGER) "
            "/ 86400000"
        )

    def reopen(self) -> SqliteDatabase:
        return SqliteDatabase(self.path)

    def close(self) -> None:
        self._db.close()


@contextmanager
def _mapped(path: Path, doing: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise classify(exc, path, doing) from exc
