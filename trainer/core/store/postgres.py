"""The classroom backend: a cohort's records on a PostgreSQL server (psycopg 3).

The record modules speak `?` placeholders; here they become psycopg's `%s`. Times stay ISO 8601
text, as in SQLite, so both engines compare and sort them alike. A lost connection is opened
again with a short backoff before a statement runs; when the server stays away the store's
`StoreUnavailable` says so (the outbox keeps the learner's answers meanwhile). A deadlock or
serialisation failure rolls the transaction back and comes out as `StoreLocked`: nothing was
written, so trying again is safe. The schema's version lives in a table of its own, and
migrations hold an advisory lock, so two servers opening a new database at once migrate once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import errors as pg_errors

from trainer.core.store.records import (
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
    StoreUnavailable,
)

META_TABLE = "pacs_trainer_meta"
MIGRATION_LOCK = 0x50414353  # "PACS", as SQLite's application_id
CONNECT_TIMEOUT_S = 5
RECONNECT_DELAYS_S = (0.05, 0.2, 0.5)  # then the server counts as away


def safe_location(url: str) -> str:
    """The server and database of a URL, never its password (for messages and logs)."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{user}{parts.hostname or 'localhost'}{port}{parts.path}"


_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|%")


@lru_cache(maxsize=512)
def to_psycopg(sql: str) -> str:
    """`?` placeholders to `%s` (and a literal `%` to `%%`), outside quoted strings."""
    return _TOKENS.sub(lambda m: {"?": "%s", "%": "%%"}.get(m.group(0), m.group(0)), sql)


def classify(exc: psycopg.Error, location: str, doing: str) -> StoreError:
    """The store fault a PostgreSQL error means, with a message a learner can act on."""
    if isinstance(exc, (pg_errors.DeadlockDetected, pg_errors.SerializationFailure,
                        pg_errors.LockNotAvailable)):
        return StoreLocked(
            f"cannot {doing}: the classroom database was busy and gave up this write; nothing "
            f"was lost, try again. Database: {location}"
        )
    if isinstance(exc, (pg_errors.DiskFull, pg_errors.OutOfMemory)):
        return StoreFull(
            f"could not {doing}: the classroom database server is out of space; your earlier "
            f"answers are safe. Tell your instructor. Database: {location}"
        )
    if isinstance(exc, (pg_errors.ReadOnlySqlTransaction, pg_errors.InsufficientPrivilege)):
        return StoreReadOnly(
            f"cannot {doing}: the classroom database does not accept writes ({exc}). Your "
            f"progress can still be read. Database: {location}"
        )
    if isinstance(exc, (pg_errors.InvalidPassword, pg_errors.InvalidAuthorizationSpecification)):
        return StoreUnavailable(
            f"cannot {doing}: the classroom database refused the sign-in ({_first_line(exc)}). "
            f"Check the user and password in the store URL. Database: {location}"
        )
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return StoreUnavailable(
            f"cannot {doing}: the classroom database cannot be reached ({_first_line(exc)}). "
            f"Your answers are kept and written when it is back. Database: {location}"
        )
    return StoreDamaged(f"the classroom database failed ({_first_line(exc)}). Database: {location}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class PostgresDatabase:
    """One connection to a classroom database, and what only PostgreSQL says this way."""

    dialect = "postgresql"
    read_only = False

    def __init__(self, url: str) -> None:
        self.url = url
        self.location = safe_location(url)
        self._db: psycopg.Connection[Any] | None = None
        self._in_transaction = False
        try:
            self._db = self._connect()
        except psycopg.Error as exc:
            raise classify(exc, self.location, "open the classroom database") from exc

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
            application_name="pacs-trainer",
        )

    def _connection(self, doing: str) -> psycopg.Connection[Any]:
        """The connection, opened again (with a short backoff) if the server dropped it."""
        db = self._db
        if db is not None and not db.closed and not db.broken:
            return db
        if self._in_transaction:  # a transaction does not survive its connection
            raise StoreUnavailable(
                f"cannot {doing}: the connection to the classroom database was lost in the "
                f"middle of it; nothing of it was written. Database: {self.location}"
            )
        last: psycopg.Error | None = None
        for delay in (0.0, *RECONNECT_DELAYS_S):
            time.sleep(delay)
            try:
                self._db = self._connect()
                return self._db
            except psycopg.Error as exc:
                last = exc
        assert last is not None
        raise classify(last, self.location, doing) from last

    # -- the schema's bookkeeping ---------------------------------------------------------

    def schema_version(self) -> int:
        db = self._connection("open the classroom database")
        if not self._tables(db, META_TABLE):
            return 0
        row = db.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema'").fetchone()
        return int(row[0]) if row else 0

    def check_ownership(self) -> None:
        """Inside the migration's transaction: wait for any other migrating copy, then refuse
        a database that holds another program's tables."""
        db = self._connection("open the classroom database")
        db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        if self._tables(db) and not self._tables(db, META_TABLE):
            raise StoreDamaged(
                f"the database {self.location} holds another program's tables, not a "
                "pacs-trainer classroom store; it was left untouched. Create an empty database "
                "for pacs-trainer (createdb pacs_trainer) and point --store at it."
            )

    @staticmethod
    def _tables(db: psycopg.Connection[Any], name: str = "%") -> int:
        """How many tables of the schema in use match (a fresh snapshot: to_regclass may
        answer from a catalog cache that has not yet seen another copy's migration)."""
        row = db.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_name LIKE %s",
            (name,),
        ).fetchone()
        return int(row[0]) if row else 0

    def set_schema_version(self, version: int) -> None:
        db = self._connection("open the classroom database")
        db.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
        db.execute(
            f"INSERT INTO {META_TABLE}(key, value) VALUES ('schema', %s) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(int(version)),),
        )

    def after_migration(self) -> None:
        """Nothing to switch on: the server keeps its own journal."""

    # -- statements and transactions ------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        db = self._connection("reach the classroom database")
        if not params and "?" not in sql:  # a migration's statement, maybe with a $$ body
            return db.execute(sql.encode())  # bytes: psycopg passes it untouched
        return db.execute(to_psycopg(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> psycopg.Cursor[Any]:
        cursor = self._connection("reach the classroom database").cursor()
        cursor.executemany(to_psycopg(sql), list(rows))
        return cursor

    @contextmanager
    def transaction(self, doing: str = "save your progress") -> Iterator[PostgresDatabase]:
        """One short write transaction, committed before returning; faults come out as the
        store's errors, and a failed one wrote nothing."""
        try:
            db = self._connection(doing)
            self._in_transaction = True
            _command(db, b"BEGIN")
            try:
                yield self
                _command(db, b"COMMIT")
            except BaseException:
                if not db.broken and not db.closed:
                    _command(db, b"ROLLBACK")
                raise
        except psycopg.Error as exc:
            raise classify(exc, self.location, doing) from exc
        finally:
            self._in_transaction = False

    def write_one(self, sql: str, params: Sequence[Any], doing: str) -> None:
        """One statement, atomic on its own (and its triggers with it): sent in autocommit,
        one round trip instead of BEGIN, the statement and COMMIT."""
        try:
            self.execute(sql, params)
        except psycopg.Error as exc:
            raise classify(exc, self.location, doing) from exc

    def read_errors(self, doing: str) -> Any:
        """Map a failed read the same way as a failed write (use as a context manager)."""
        return _mapped(self.location, doing)

    # -- what SQL says differently --------------------------------------------------------

    @staticmethod
    def whole_days(later: str, earlier: str) -> str:
        """SQL for the whole days between two ISO times, floored from milliseconds as the
        SQLite backend does (integer division truncates, and the span is never negative)."""
        return (
            f"(round(extract(epoch FROM (CAST({later} AS timestamptz) - "
            f"CAST({earlier} AS timestamptz))) * 1000)::bigint / 86400000)"
        )

    def reopen(self) -> PostgresDatabase:
        return PostgresDatabase(self.url)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _command(db: psycopg.Connection[Any], command: bytes) -> None:
    """BEGIN, COMMIT or ROLLBACK straight through libpq: the connection stays in autocommit
    for reads, and a write skips psycopg's transaction bookkeeping (a third of an answer's
    cost with 60 writers, measured in bench_classroom)."""
    with db.lock:
        result = db.pgconn.exec_(command)
    if result.status == psycopg.pq.ExecStatus.COMMAND_OK:
        return
    message = (result.error_message or b"").decode(errors="replace").strip()
    sqlstate = result.error_field(psycopg.pq.DiagnosticField.SQLSTATE)
    try:
        error = pg_errors.lookup(sqlstate.decode()) if sqlstate else psycopg.OperationalError
    except KeyError:
        error = psycopg.DatabaseError
    raise error(f"{command.decode()} failed: {message}")


@contextmanager
def _mapped(location: str, doing: str) -> Iterator[None]:
    try:
        yield
    except psycopg.Error as exc:
        raise classify(exc, location, doing) from exc
