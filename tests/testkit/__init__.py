"""Shared test helpers: external tools, private networks, real servers started by the tests.

Importable from any test as `testkit` (pytest puts `tests/` on the path, see pyproject.toml).
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest


def external_tool(name: str, package: str) -> str:
    """The path of an external program the test needs; skip without it, except under CI,
    where .ci/run installs it (as root), so a check can never be skipped there silently."""
    path = shutil.which(name)
    if path is None:
        _missing(f"{name} is not installed (Debian package {package})")
    return str(path)


def external_file(path: Path, package: str) -> Path:
    """A file an external tool needs (a Java library), skipped or failed as external_tool."""
    if not path.is_file():
        _missing(f"{path} is missing (Debian package {package})")
    return path


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must install it: .ci/run does as root")
    pytest.skip(message)


def needs_root(what: str) -> None:
    """Skip a test that needs root (a namespace of its own), except under CI, which runs as
    root, so it can never be skipped there silently."""
    message = f"{what} needs root"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI runs as root")
    pytest.skip(message)


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 now, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
