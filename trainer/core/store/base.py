"""The store's footing: a database connection, the migrations, the learner, the settings.

Every write commits at once (a candidate must never lose an answer). A store is bound to one
learner when it opens: every query below it reads and writes that learner's rows only, so a
learner can reach no one else's record through any method (an id of another learner's exam is
as good as no id at all). The engine-specific parts live in the backend (`sqlite.py`): this
module and the record modules speak the SQL both engines share.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol, Self

from trainer.core.clock import Clock, SystemClock
from trainer.core.store.records import StoreDamaged, StoreReadOnly
from trainer.core.store.schema import (
    DEFAULT_LEARNER,
    MIGRATIONS,
    SCHEMA_VERSION,
    STORE_FILE,
    statements,
)
from trainer.core.store.sqlite import SqliteDatabase, way_forward


class Database(Protocol):
    """What a backend offers the store: statements with `?` parameters, short write
    transactions that raise the store's errors, and the schema's bookkeeping."""

    dialect: str
    location: str  # for messages: a file path, or a server without its password
    read_only: bool

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any: ...
    def transaction(self, doing: str = ...) -> AbstractContextManager[Any]: ...
    def write_one(self, sql: str, params: Sequence[Any], doing: str) -> None: ...
    def read_errors(self, doing: str) -> AbstractContextManager[None]: ...
    def schema_version(self) -> int: ...
    def set_schema_version(self, version: int) -> None: ...
    def check_ownership(self) -> None: ...
    def after_migration(self) -> None: ...
    def whole_days(self, later: str, earlier: str) -> str: ...
    def reopen(self) -> Database: ...
    def close(self) -> None: ...


def migrate(db: Database) -> None:
    """Bring the schema up to date (or refuse a file that is not ours); the roster uses it
    too, before any learner's store opens."""
    with db.read_errors("open the progress store"):
        version = db.schema_version()
    if version == SCHEMA_VERSION and db.read_only:
        with db.read_errors("open the progress store"):
            db.check_ownership()
        return
    if version > SCHEMA_VERSION:
        raise StoreDamaged(
            f"{Path(db.location).name} was written by a newer pacs-trainer (schema "
            f"{version}, this version knows up to {SCHEMA_VERSION}). Upgrade pacs-trainer. "
            f"{way_forward(Path(db.location))}"
        )
    if db.read_only:
        raise StoreReadOnly(
            f"the progress store {db.location} needs upgrading (schema {version} to "
            f"{SCHEMA_VERSION}) but cannot be written. Make it writable, or run with "
            "--data-dir DIR to keep progress elsewhere."
        )
    # One copy migrates; a second waits for the lock, then finds it done.
    with db.transaction("open the progress store"):
        db.check_ownership()
        version = db.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreDamaged(
                f"{Path(db.location).name} was written by a newer pacs-trainer. "
                f"{way_forward(Path(db.location))}"
            )
        for step in range(version, SCHEMA_VERSION):
            for statement in statements(MIGRATIONS[step].sql(db.dialect), db.dialect):
                db.execute(statement)
        if version != SCHEMA_VERSION:
            db.set_schema_version(SCHEMA_VERSION)


class StoreBase:
    """Opening (refusing what is not ours), migrating, the learner, one transaction per write,
    and the learner's settings."""

    def __init__(
        self,
        target: Path | Database,
        clock: Clock | None = None,
        *,
        learner: str = DEFAULT_LEARNER,
    ) -> None:
        """Open (or create) the store: a progress file's path, or an open backend database.
        Raises StoreError (a subclass saying which fault) instead of touching a bad file."""
        self.clock = clock or SystemClock()
        self._db: Database = SqliteDatabase(target) if isinstance(target, Path) else target
        self.path = Path(self._db.location) if self._db.dialect == "sqlite" else None
        try:
            self._migrate()
            self._db.after_migration()
            self.learner = learner
            self.learner_id = self._learner_id(learner)
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def in_dir(cls, folder: Path, clock: Clock | None = None) -> Self:
        return cls(folder / STORE_FILE, clock)

    @property
    def location(self) -> str:
        return self._db.location

    @property
    def read_only(self) -> bool:
        return self._db.read_only

    def reopen(self) -> Self:
        """Another connection to the same store, for another thread (a connection belongs
        to the thread that made it; WAL or the server lets it read while this one writes)."""
        return type(self)(self._db.reopen(), self.clock, learner=self.learner)

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        migrate(self._db)

    def _learner_id(self, name: str) -> int:
        row = self._db.execute("SELECT id FROM learners WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        with self._write() as db:
            db.execute(
                "INSERT INTO learners(name, role, created_at) VALUES (?, 'learner', ?) "
                "ON CONFLICT(name) DO NOTHING",
                (name, self._now()),
            )
        return int(
            self._db.execute("SELECT id FROM learners WHERE name = ?", (name,)).fetchone()[0]
        )

    @property
    def schema_version(self) -> int:
        return self._db.schema_version()

    @contextmanager
    def _write(self, doing: str = "save your progress") -> Iterator[Database]:
        """One short transaction, committed before returning: nothing is held in memory."""
        with self._db.transaction(doing):
            yield self._db

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of a query, its faults mapped like a write's (a locked or damaged file)."""
        with self._db.read_errors("read your progress"):
            return list(self._db.execute(sql, params))

    def _read_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._db.read_errors("read your progress"):
            return self._db.execute(sql, params).fetchone()

    def _now(self) -> str:
        return self.clock.now().isoformat()

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._read_one(
            "SELECT value FROM settings WHERE learner_id = ? AND key = ?", (self.learner_id, key)
        )
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write("save a setting") as db:
            db.execute(
                "INSERT INTO settings(learner_id, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT(learner_id, key) DO UPDATE SET value = excluded.value",
                (self.learner_id, key, value),
            )
