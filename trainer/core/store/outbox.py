"""Answers given while the classroom database is away are kept on this machine, in order,
and written when it is back: a lost connection never loses an answer.

`Outbox` wraps a learner's store. A write that fails with `StoreUnavailable` goes into a
journal file (one JSON line each, flushed to disk before the call returns), and so does
every later write until the journal is empty again: the order of writes is kept. `retry()`
(the app calls it on a worker, with backoff) writes the journal through; each kept write is
safe to repeat (upserts, or an answer checked by question, time and mode), so a commit whose
acknowledgement was lost is not written twice. Reads go straight to the store.

What a kept write returns is what the server would have said: an answer's time, True for a
submit; a review's new card state is replayed from that one review (the real one, with the
card's history, is written when the server is back).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from trainer.core.clock import Clock
from trainer.core.store.records import (
    AttemptClosed,
    CardInfo,
    CardState,
    GradedAnswer,
    NotYours,
    Rebuild,
    ReviewEntry,
    StoreUnavailable,
)

log = logging.getLogger(__name__)
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)  # between tries while the server is away
_TYPES: dict[str, Any] = {cls.__name__: cls for cls in (GradedAnswer, CardInfo, ReviewEntry)}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$time": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$type": type(value).__name__, **fields}
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if "$time" in value:
            return datetime.fromisoformat(value["$time"])
        if "$type" in value:
            fields = {k: _decode(v) for k, v in value.items() if k != "$type"}
            return _TYPES[value["$type"]](**{
                k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()
            })
        return {key: _decode(item) for key, item in value.items()}
    return value


class _At:
    """A clock stopped at the moment a kept write was first made."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


class Outbox:
    """A learner's store that keeps writes locally while its server is away."""

    def __init__(
        self,
        store: Any,
        journal: Path,
        rebuild: Rebuild,
        *,
        told: Callable[[str], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self.journal = journal
        self.rebuild = rebuild
        self.told = told or (lambda message: None)
        self._monotonic = monotonic
        self._db_lock = threading.Lock()  # one writer on the connection: a call, or retry
        self._journal_lock = threading.Lock()  # short: an append, a read, a rewrite
        self._failures = 0
        self._next_try = 0.0
        self.pending = len(self._entries())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    @property
    def clock(self) -> Clock:
        return self._store.clock

    # -- the journal ------------------------------------------------------------------------

    def _entries(self) -> list[dict[str, Any]]:
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:  # a line cut short by a crash while it was written
                log.warning("kept write unreadable, skipped: %r", line[:200])
        return entries

    def _keep(self, call: str, at: datetime, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
        line = json.dumps({"call": call, "at": at.isoformat(), "args": _encode(list(args)),
                           "kwargs": _encode(kwargs)}, ensure_ascii=False)
        with self._journal_lock:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            with self.journal.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
                out.flush()
                os.fsync(out.fileno())
            first = self.pending == 0
            self.pending += 1
        if first:
            self._failures, self._next_try = 0, self._monotonic() + BACKOFF_S[0]
            self.told(
                "The classroom database cannot be reached. Keep going: your answers are kept "
                "on this computer and written as soon as it is back."
            )

    def _drop(self, count: int) -> None:
        """Forget the oldest `count` kept writes (written through); later ones stay."""
        with self._journal_lock:
            rest = self._entries()[count:]
            self.pending = len(rest)
            if not rest:
                self.journal.unlink(missing_ok=True)
                return
            partial = self.journal.with_suffix(".partial")
            partial.write_text(
                "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in rest), encoding="utf-8"
            )
            os.replace(partial, self.journal)

    # -- writing, or keeping ----------------------------------------------------------------

    def _write(self, call: str, *args: Any, **kwargs: Any) -> Any:
        at = self._store.clock.now()
        if self.pending or not self._db_lock.acquire(blocking=False):
            # Away (or a retry is writing the journal through): keep it, in order, at once.
            self._keep(call, at, args, kwargs)
            return self._kept_result(call, at, args)
        try:
            return self._call(call, at, args, kwargs)
        except StoreUnavailable:
            self._keep(call, at, args, kwargs)
            return self._kept_result(call, at, args)
        finally:
            self._db_lock.release()

    def _call(self, call: str, at: datetime, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        store = self._store
        saved, store.clock = store.clock, _At(at)
        try:
            if call == "add_reviews":
                return store.add_reviews(args[0], args[1], self.rebuild)
            return getattr(store, call)(*args, **kwargs)
        finally:
            store.clock = saved

    def _kept_result(self, call: str, at: datetime, args: Sequence[Any]) -> Any:
        if call == "record_answer":
            return at
        if call == "submit_attempt":
            return True
        if call == "add_reviews":
            return {e.question_id: self.rebuild([(e.rating, e.reviewed_at)]) for e in args[1]}
        return None

    def retry(self, *, now: bool = False) -> int:
        """Write the kept writes through, oldest first, if the backoff allows (or `now`);
        returns how many were written. The learner is told when all are in."""
        if not self.pending or (not now and self._monotonic() < self._next_try):
            return 0
        written = 0
        with self._db_lock:
            while True:
                with self._journal_lock:
                    entries = self._entries()
                if not entries:
                    break
                for done, entry in enumerate(entries):
                    try:
                        self._replay(entry)
                    except StoreUnavailable:
                        self._drop(done)
                        delay = BACKOFF_S[min(self._failures, len(BACKOFF_S) - 1)]
                        self._failures += 1
                        self._next_try = self._monotonic() + delay
                        return written + done
                self._drop(len(entries))
                written += len(entries)
        self.told(f"The classroom database is back: {written} kept answer(s) and change(s) "
                  "were written.")
        return written

    def _replay(self, entry: dict[str, Any]) -> None:
        call, at = entry["call"], datetime.fromisoformat(entry["at"])
        args, kwargs = _decode(entry["args"]), _decode(entry["kwargs"])
        if call == "record_answer" and any(
            a.answered_at == at and a.mode == kwargs["mode"]
            for a in self._store.answers(args[0])
        ):
            return  # written before the connection was lost, only its acknowledgement was
        try:
            self._call(call, at, args, kwargs)
        except (AttemptClosed, NotYours) as exc:  # closed meanwhile (by time, elsewhere)
            log.warning("kept %s not written: %s", call, exc)

    # -- the writes it keeps ----------------------------------------------------------------

    def record_answer(self, question_id: str, given: Any, **details: Any) -> datetime:
        return self._write("record_answer", question_id, given, **details)

    def set_exam_response(
        self, attempt_id: int, position: int, response: Any, *, holder: str
    ) -> None:
        self._write("set_exam_response", attempt_id, position, response, holder=holder)

    def set_exam_flag(self, attempt_id: int, position: int, flagged: bool, *, holder: str) -> None:
        self._write("set_exam_flag", attempt_id, position, flagged, holder=holder)

    def set_exam_position(self, attempt_id: int, position: int, *, holder: str) -> None:
        self._write("set_exam_position", attempt_id, position, holder=holder)

    def announce_warnings(self, attempt_id: int, minutes: list[int], *, holder: str) -> None:
        self._write("announce_warnings", attempt_id, list(minutes), holder=holder)

    def submit_attempt(self, attempt_id: int, **details: Any) -> bool:
        return bool(self._write("submit_attempt", attempt_id, **details))

    def add_reviews(
        self, infos: Iterable[CardInfo], reviews: Sequence[ReviewEntry], rebuild: Rebuild
    ) -> dict[str, CardState]:
        return self._write("add_reviews", list(infos), list(reviews))

    def set_lesson_page(self, lesson_id: str, page: int) -> None:
        self._write("set_lesson_page", lesson_id, page)

    def mark_lesson_complete(self, lesson_id: str, complete: bool = True) -> None:
        self._write("mark_lesson_complete", lesson_id, complete)

    def set_setting(self, key: str, value: str) -> None:
        self._write("set_setting", key, value)
