"""A real Orthanc (Debian's package) for a test: its own config and storage in a temp folder,
a free port, stopped by PID when the test ends, even when it fails.

Debian's Orthanc 1.10 cannot be bound to 127.0.0.1 by its config, so start it only inside
`testkit.netns.in_private_network`, with the clients that talk to it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from testkit import external_tool, free_port


@dataclass(frozen=True)
class Orthanc:
    host: str
    port: int
    ae_title: str
    http_port: int
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Orthanc exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"Orthanc did not listen on port {port} within {limit:g} s")


@contextmanager
def orthanc(folder: Path, *, ae_title: str = "ORTHANC", startup: float = 30) -> Iterator[Orthanc]:
    """Orthanc with a fresh database in `folder`; accepts any calling AE title (store, echo,
    find)."""
    binary = external_tool("Orthanc", "orthanc")
    folder.mkdir(parents=True, exist_ok=True)
    port, http_port = free_port(), free_port()
    config = folder / "orthanc.json"
    config.write_text(
        json.dumps(
            {
                "Name": "pacs-trainer-test",
                "StorageDirectory": str(folder / "storage"),
                "IndexDirectory": str(folder / "storage"),
                "DicomAet": ae_title,
                "DicomPort": port,
                "HttpPort": http_port,
                "RemoteAccessAllowed": False,
                "AuthenticationEnabled": False,
                "DicomCheckCalledAet": True,
                "DicomAlwaysAllowFind": True,  # C-FIND and C-GET from any calling AE, as for
                "DicomAlwaysAllowGet": True,  # C-STORE
                "Plugins": [],
                "StableAge": 1,
            }
        )
    )
    log = folder / "orthanc.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, str(config)], stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log, startup)
        yield Orthanc("127.0.0.1", port, ae_title, http_port, log)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
