"""The progress dashboard's figures (a learner's whole record as a file: `record_file`).

Figures are aggregated in SQL (the store's progress queries), so a dashboard over a hundred
thousand answers never loads them; only cards are read, to ask FSRS how well each is recalled.

Mastery of a topic is what the learner's own graded answers on it say (the same weighed
evidence readiness uses: exams and reviews in full, practice half, older answers less), shown
beside the plain count of the last RECENT_DAYS and FSRS's memory of its cards.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from trainer.core.clock import local_day
from trainer.core.review import (
    Belief,
    Evidence,
    Readiness,
    Recall,
    backfill,
    evidence,
    readiness,
    recall,
)
from trainer.core.store import ExamScore, ProgressStore
from trainer.core.today import lessons_done, streak
from trainer.core.topics import TOPICS, topic_title

if TYPE_CHECKING:
    from trainer.core.blueprints import Blueprint
    from trainer.core.questions import Question

RECENT_DAYS = 30
WEAK_BELOW = 0.6  # mastery under this marks a topic weak


@dataclass(frozen=True)
class TopicMastery:
    topic: str
    answers: int  # in the last RECENT_DAYS
    right: int
    cards: int
    memory: float | None  # FSRS's recall of its cards tomorrow; a card last answered wrong is 0
    belief: Belief | None  # from the weighed answers on it; None before any

    @property
    def title(self) -> str:
        return topic_title(self.topic)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answers if self.answers else None

    @property
    def mastery(self) -> float | None:
        return self.belief.mean if self.belief is not None else None

    @property
    def weak(self) -> bool:
        return self.mastery is not None and self.mastery < WEAK_BELOW


@dataclass(frozen=True)
class Dashboard:
    lessons_completed: int  # among the lessons asked about
    studied: timedelta
    studied_this_week: timedelta  # the last seven days
    streak: int  # days in a row with an answer, up to today (or yesterday, if none yet today)
    answers: int
    due_now: int
    exams: list[ExamScore]
    topics: list[TopicMastery]  # weakest first; topics not started last, in curriculum order
    recall: list[Recall]  # FSRS memory of the cards, by kind
    evidence: list[Evidence]  # weighed answers, by kind: for readiness and mastery

    @property
    def cards(self) -> int:
        return sum(kind.cards for kind in self.recall)

    @property
    def weakest(self) -> list[TopicMastery]:
        return [t for t in self.topics if t.weak]


def dashboard(
    store: ProgressStore,
    now: datetime,
    lesson_ids: Collection[str],
    utc_offset: timedelta | None = None,
) -> Dashboard:
    """Every figure of the progress screen, as of `now`; lessons count if among `lesson_ids`
    (the ones that ship today)."""
    kinds = recall(store, now)
    found = evidence(store, now)
    day_start, _ = local_day(now, utc_offset)
    due_now, _, _ = store.card_counts(now, now)
    studied, this_week = store.study_seconds(day_start - timedelta(days=6))
    return Dashboard(
        lessons_completed=lessons_done(store, lesson_ids),
        studied=timedelta(seconds=studied),
        studied_this_week=timedelta(seconds=this_week),
        streak=streak(store, day_start),
        answers=store.answer_count(),
        due_now=due_now,
        exams=store.exam_scores(),
        topics=topic_mastery(
            store.topic_answer_stats(now - timedelta(days=RECENT_DAYS)), kinds, found
        ),
        recall=kinds,
        evidence=found,
    )


@dataclass(frozen=True)
class Snapshot:
    """What the progress screen shows: the figures, and readiness for one exam."""

    figures: Dashboard
    readiness: Readiness | None


def snapshot(
    store: ProgressStore,
    *,
    now: datetime,
    lesson_ids: Collection[str],
    blueprint: Blueprint | None,
    questions: Callable[[], Iterable[Question]],
) -> Snapshot:
    """The progress screen's use case: cards for answers that have none yet (from before
    cards existed, or imported; `questions` is asked only then), then every figure."""
    backfill(store, questions)
    figures = dashboard(store, now, lesson_ids)
    estimate = readiness(blueprint, figures.evidence) if blueprint is not None else None
    return Snapshot(figures, estimate)


def topic_mastery(
    stats: dict[str, tuple[int, int]], kinds: Iterable[Recall], found: Iterable[Evidence]
) -> list[TopicMastery]:
    memory: dict[str, tuple[int, float]] = {}
    for kind in kinds:
        for topic in kind.topics:
            cards, known = memory.get(topic, (0, 0.0))
            memory[topic] = (cards + kind.cards, known + kind.known)
    answered: dict[str, list[Evidence]] = {}
    for item in found:
        for topic in item.topics:
            answered.setdefault(topic, []).append(item)
    order = {topic: index for index, topic in enumerate(TOPICS)}
    mastery = [
        TopicMastery(
            topic,
            *stats.get(topic, (0, 0)),
            memory.get(topic, (0, 0.0))[0],
            memory[topic][1] / memory[topic][0] if memory.get(topic, (0, 0))[0] else None,
            Belief.of(answered[topic]) if topic in answered else None,
        )
        for topic in sorted(
            {*TOPICS, *stats, *memory, *answered}, key=lambda t: (order.get(t, len(order)), t)
        )
    ]
    started = sorted(
        (t for t in mastery if t.mastery is not None), key=lambda t: t.mastery or 0.0
    )
    return started + [t for t in mastery if t.mastery is None]
