"""Disks that cannot be written, for the tests of what a learner is told then: a forked child
without root's privileges (read-only files and folders mean what they say to it), and a
forked child with mounts of its own (a tiny tmpfs to fill up, or to make read-only).

CI runs as root, and root writes a read-only file without a blink: such a test would pass for
the wrong reason. So the child drops root's privileges first: it becomes `nobody` where that
user can run this Python; elsewhere (an interpreter under /root, say) it stays uid 0 but
drops every capability, CAP_DAC_OVERRIDE among them, so permission bits bind it as they bind
any account. Mounts need root: without it the tests skip, and fail under CI.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import shutil
import stat
import sysconfig
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from testkit import needs_root
from testkit.forked import in_forked_child

T = TypeVar("T")
CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_REMOUNT, MS_REC, MS_PRIVATE = 1, 32, 16384, 1 << 18
PR_CAPBSET_DROP = 24
CAPABILITY_VERSION_3 = 0x20080522


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _readable_by_others(path: Path) -> bool:
    """Whether an account that is neither owner nor group can reach and read `path`."""
    for folder in [*reversed(path.parents), path]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH or (folder == path and not mode & stat.S_IROTH):
            return False
    return True


def _nobody_can_run_python() -> bool:
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    return _readable_by_others(stdlib) and _readable_by_others(Path(os.__file__).resolve())


def _drop_privileges() -> None:
    """Become an ordinary account (see the module's docstring); checked, not assumed."""
    if os.geteuid() != 0:
        return
    if _nobody_can_run_python():
        nobody = pwd.getpwnam("nobody")
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)
    else:
        libc = _libc()
        for capability in range(64):  # past the last one the kernel knows, prctl just fails
            libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
        header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
        nothing = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: twice 32 bits
        _check(libc.capset(header, nothing), "capset")
    probe = Path(tempfile.mkdtemp())
    try:
        (probe / "read-only").write_text("")
        (probe / "read-only").chmod(0o444)
        try:
            (probe / "read-only").open("w").close()
        except PermissionError:
            return
        raise AssertionError("the child still writes read-only files: privileges not dropped")
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def as_unprivileged(func: Callable[..., T], *args: Any, timeout: float = 120) -> T:
    """func(folder, *args) in a forked child without root's privileges, `folder` a fresh
    folder of its own (the tests' tmp_path may be out of its reach)."""
    folder = Path(tempfile.mkdtemp(prefix="pacs-trainer-unprivileged-"))
    if os.geteuid() == 0 and _nobody_can_run_python():
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    try:
        return in_forked_child(_drop_privileges, func, folder, *args,
                               where="a child without root's privileges", timeout=timeout)
    finally:
        for path in [folder, *folder.rglob("*")]:  # made read-only on purpose: undo it
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def can_mount() -> bool:
    return os.geteuid() == 0 and os.path.exists("/proc/self/ns/mnt")


def private_mounts() -> None:
    """Give this process a mount namespace of its own (a forked child: see below)."""
    libc = _libc()
    _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")


def in_private_mounts(func: Callable[..., T], *args: Any, timeout: float = 120) -> T:
    """func(*args) in a forked child with a mount namespace of its own: what it mounts only
    it sees, and it goes with the child. Skips (fails under CI) without root."""
    if not can_mount():
        needs_root("a private mount namespace (unshare -m)")
    return in_forked_child(private_mounts, func, *args, where="the private mounts",
                           timeout=timeout)


def mount_tmpfs(folder: Path, size_kib: int) -> None:
    """A tmpfs of `size_kib` KiB on `folder` (inside `in_private_mounts`)."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size_kib}k,mode=0777".encode()
    _check(_libc().mount(b"tmpfs", str(folder).encode(), b"tmpfs", 0, options), "mount tmpfs")


def remount_read_only(folder: Path) -> None:
    """Make the file system mounted on `folder` read-only (inside `in_private_mounts`)."""
    flags = MS_REMOUNT | MS_RDONLY
    _check(_libc().mount(None, str(folder).encode(), None, flags, None), "remount read-only")


def fill(folder: Path) -> Path:
    """Write a file in `folder` until its disk is full; delete the file to free the space."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as exc:
            if exc.errno != 28:  # ENOSPC
                raise
    return filler
