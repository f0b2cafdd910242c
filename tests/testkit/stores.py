"""One store test, two backends: the embedded SQLite file and a real PostgreSQL database.

`Backend.open(clock, learner=..., name=...)` opens a store; the same name is the same store
(reopened), another name a separate one (another folder, or another database). `rows(sql)`
reads with a second, independent connection, as another process or a crash survivor would.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testkit.postgres import PostgresServer
from trainer.core.clock import Clock
from trainer.core.store import DEFAULT_LEARNER, STORE_FILE, Store, open_database


@dataclass
class Backend:
    dialect: str
    folder: Path
    server: PostgresServer | None = None
    _urls: dict[str, str] = field(default_factory=dict)

    def target(self, name: str = "a") -> str:
        """The store's file path, or its database URL: what --store takes."""
        if self.server is None:
            return str(self.folder / name / STORE_FILE)
        if name not in self._urls:
            self._urls[name] = self.server.create_database()
        return self._urls[name]

    def open(
        self, clock: Clock | None = None, *, learner: str = DEFAULT_LEARNER, name: str = "a"
    ) -> Store:
        return Store(open_database(self.target(name)), clock, learner=learner)

    def rows(self, sql: str, name: str = "a") -> list[tuple[Any, ...]]:
        if self.server is None:
            db = sqlite3.connect(self.target(name))
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.target(name)) as db:
            return [tuple(row) for row in db.execute(sql).fetchall()]
