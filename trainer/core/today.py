"""Today at a glance, for the home screen: answers against the learner's daily goal, the
streak and the lessons done. Plain SQL counts and no scheduler (fsrs) import, so the home
screen paints at once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from trainer.core.clock import local_day
from trainer.core.store import ProgressStore

GOALS = (10, 20, 30, 50)  # questions a day the learner can choose from
DEFAULT_GOAL = 20
GOAL_SETTING = "daily_goal"


@dataclass(frozen=True)
class Today:
    answered: int  # questions answered since the learner's day began
    goal: int
    streak: int
    lessons_done: int
    lessons: int

    @property
    def goal_met(self) -> bool:
        return self.answered >= self.goal


def daily_goal(store: ProgressStore) -> int:
    """The goal the learner chose; a value that is not one of GOALS (edited by hand) is
    ignored rather than shown."""
    saved = store.get_setting(GOAL_SETTING) or ""
    return int(saved) if saved.isdigit() and int(saved) in GOALS else DEFAULT_GOAL


def next_goal(goal: int) -> int:
    """The next of GOALS, round again after the last."""
    later = [choice for choice in GOALS if choice > goal]
    return later[0] if later else GOALS[0]


def today(store: ProgressStore, now: datetime, lesson_ids: Collection[str],
          utc_offset: timedelta | None = None) -> Today:
    start, end = local_day(now, utc_offset)
    return Today(store.answers_between(start, end), daily_goal(store), streak(store, start),
                 lessons_done(store, lesson_ids), len(lesson_ids))


def lessons_done(store: ProgressStore, lesson_ids: Collection[str]) -> int:
    """Lessons marked complete among `lesson_ids` (a lesson no longer shipped does not count)."""
    return sum(p.completed and p.lesson_id in lesson_ids
               for p in store.lesson_progress().values())


def streak(store: ProgressStore, day_start: datetime) -> int:
    """Days in a row with at least one answer, ending today, or yesterday while today is
    still empty (a streak is not lost before the day is over)."""
    day = timedelta(days=1)
    start = day_start if store.answers_between(day_start, day_start + day) else day_start - day
    days = 0
    while store.answers_between(start, start + day):
        days += 1
        start -= day
    return days
