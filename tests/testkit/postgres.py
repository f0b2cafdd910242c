"""A real PostgreSQL (Debian's package) for tests and benchmarks: its own cluster in a temporary
folder, password authentication, listening on a free port on 127.0.0.1 only (no Unix socket),
stopped by PID when the test ends, even when it fails.

initdb refuses to run as root, so under root (CI) the cluster belongs to `nobody` and the
server runs as `nobody`; otherwise it runs as the current user. Each test gets a database of
its own (`fresh_database`), which is cheap next to a new cluster.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from testkit import external_tool, free_port

SUPERUSER = "trainer"
_names = count(1)


def pg_tool(name: str) -> str:
    """A PostgreSQL program: Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin
    (the newest N installed)."""
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0)
    if versions:
        return str(versions[-1])
    return external_tool(name, "postgresql")


def postgres_installed() -> bool:
    """Whether PostgreSQL's server programs are here (the benchmarks skip, not fail)."""
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def _as_server_user() -> dict[str, Any]:
    """Popen arguments that run a program as the cluster's owner (nobody under root)."""
    if os.geteuid() != 0:
        return {}
    return {"user": "nobody", "group": "nogroup", "extra_groups": []}


@dataclass
class PostgresServer:
    folder: Path
    port: int
    password: str
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def start(self, limit: float = 30) -> None:
        """Start (or start again, on the same port and data) and wait until it accepts."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [pg_tool("postgres"), "-D", str(self.folder / "data"), "-p", str(self.port),
                 "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                 "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off", "-c", "max_connections=150"],
                stdout=out, stderr=subprocess.STDOUT, **_as_server_user(),
            )
        deadline = time.monotonic() + limit
        import psycopg

        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited:\n{self.log.read_text()[-2000:]}")
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"postgres did not start within {limit:g} s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop by PID (SIGINT: fast shutdown, open sessions are cut off), killed if slow."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
        return self.url(name)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A new cluster, started; stopped and removed afterwards whatever happens."""
    initdb = pg_tool("initdb")
    folder = Path(tempfile.mkdtemp(prefix="pacs-trainer-pg-"))
    server = PostgresServer(folder, free_port(), secrets.token_hex(12))
    try:
        pwfile = folder / "pw"
        pwfile.write_text(server.password + "\n")
        if os.geteuid() == 0:
            shutil.chown(folder, "nobody", "nogroup")
            shutil.chown(pwfile, "nobody", "nogroup")
        subprocess.run(
            [initdb, "-D", str(folder / "data"), "-U", SUPERUSER, f"--pwfile={pwfile}",
             "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True, **_as_server_user(),
        )
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
