"""Run a function in a forked child that changes something for itself alone (its network,
its mounts, its privileges) and hand back its result, or its traceback, through a pipe.

The child is killed if it has not finished after `timeout` seconds, so a test that hangs
there fails instead of hanging the suite.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _child(conn: Any, prepare: Callable[[], None], func: Callable[..., Any],
           args: tuple[Any, ...]) -> None:
    try:
        prepare()
        result: tuple[str, Any] = ("ok", func(*args))
    except BaseException:  # everything goes back to the parent, which raises it there
        result = ("error", traceback.format_exc())
    try:
        conn.send(result)
    except Exception:  # an unpicklable result
        conn.send(("error", traceback.format_exc()))
    conn.close()


def in_forked_child(
    prepare: Callable[[], None],
    func: Callable[..., T],
    *args: Any,
    where: str,
    timeout: float = 120,
) -> T:
    """prepare(), then func(*args), in a forked child; its result, or an AssertionError with
    the child's traceback (`where` says what the child was, for the message)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, prepare, func, args), daemon=True)
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
        raise AssertionError(f"in {where}:\n{value}")
    return value  # type: ignore[no-any-return]
