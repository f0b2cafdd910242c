"""Injected time, so exams, answers and reviews are reproducible in tests.

An exam's remaining time is always computed from a deadline on a Clock, never by counting ticks.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The wall time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to: for tests and reproducible runs."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)


def clock_text(span: timedelta) -> str:
    """A countdown as shown: "14:59", or "1:02:03" from an hour up. Seconds round down, so it
    never shows more time than is left."""
    seconds = int(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes:02}:{seconds:02}"


def minutes_left(left: timedelta) -> str:
    """"13 min", "under a minute": the time left, rounded up as a learner counts it."""
    if left < timedelta(minutes=1):
        return "under a minute"
    return f"{math.ceil(left.total_seconds() / 60)} min"


def local_day(now: datetime, utc_offset: timedelta | None = None) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the learner's day; the offset defaults to this machine's zone."""
    offset = now.astimezone().utcoffset() if utc_offset is None else utc_offset
    local = now + offset  # type: ignore[operator]
    start = local.replace(hour=0, minute=0, second=0, microsecond=0) - offset  # type: ignore[operator]
    return start, start + timedelta(days=1)
