"""Run a function in a network namespace of its own: a private loopback, nothing else.

Servers that cannot be told to listen on 127.0.0.1 only (Debian's Orthanc 1.10) are started
inside one, together with the clients that talk to them, so nothing a test starts is ever
reachable from another machine. The function runs in a forked child that unshares its network
namespace and brings `lo` up; its result (or its traceback) comes back through a pipe.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
from collections.abc import Callable
from typing import Any, TypeVar

from testkit import needs_root
from testkit.forked import in_forked_child

CLONE_NEWNET = 0x40000000
T = TypeVar("T")


def _unshare_network() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"unshare(CLONE_NEWNET): {os.strerror(errno)}")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def can_unshare() -> bool:
    return os.geteuid() == 0 and os.path.exists("/proc/self/ns/net")


def in_private_network(func: Callable[..., T], *args: Any, timeout: float = 120) -> T:
    """func(*args) in a fresh network namespace; skips (fails under CI) where that is not
    allowed. The child is killed if it has not finished after `timeout` seconds."""
    if not can_unshare():
        needs_root("a private network namespace (unshare -n)")
    return in_forked_child(_unshare_network, func, *args, where="the private network",
                           timeout=timeout)
