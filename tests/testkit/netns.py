"""Run a function in a network namespace of its own: a private loopback, nothing else.

Servers that cannot be told to listen on 127.0.0.1 only (Debian's Orthanc 1.10) are started
inside one, together with the clients that talk to them, so nothing a test starts is ever
reachable from another machine. The function runs in a forked child that unshares its network
namespace and brings `lo` up; its result (or its traceback) comes back through a pipe.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import subprocess
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

CLONE_NEWNET = 0x40000000
T = TypeVar("T")


def _unshare_network() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"unshare(CLONE_NEWNET): {os.strerror(errno)}")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        _unshare_network()
        result: tuple[str, Any] = ("ok", func(*args))
    except BaseException:  # everything goes back to the parent, which raises it there
        result = ("error", traceback.format_exc())
    try:
        conn.send(result)
    except Exception:  # an unpicklable result
        conn.send(("error", traceback.format_exc()))
    conn.close()


def can_unshare() -> bool:
    return os.geteuid() == 0 and os.path.exists("/proc/self/ns/net")


def in_private_network(func: Callable[..., T], *args: Any, timeout: float = 120) -> T:
    """func(*args) in a fresh network namespace; skips (fails under CI) where that is not
    allowed. The child is killed if it has not finished after `timeout` seconds."""
    if not can_unshare():
        message = "a private network namespace needs root (unshare -n)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI runs as root")
        pytest.skip(message)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, func, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise TimeoutError(f"{getattr(func, '__name__', func)} took over {timeout:g} s")
        status, value = receiver.recv()
    finally:
        if process.is_alive():
            process.kill()
        process.join(10)
    if status == "error":
        raise AssertionError(f"in the private network:\n{value}")
    return value  # type: ignore[no-any-return]
