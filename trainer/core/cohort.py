"""The instructor's cohort report: each learner's figures, the cohort's weakest topics, and
item statistics over every answer in the cohort; as data, JSON, and gradebook rows.

Each learner's figures are what their own Progress screen shows (`progress.dashboard` and
`review.readiness` on their store); the item statistics are `item_analysis.analyse` over the
learners' records, the same figures `items report` gives (difficulty, discrimination, choices,
flags, KR-20 per exam).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from trainer.core.blueprints import Blueprint
from trainer.core.item_analysis import ItemReport, ItemStats, Lookup, analyse
from trainer.core.progress import WEAK_BELOW, dashboard
from trainer.core.review import Readiness, readiness
from trainer.core.store import ExamAttempt
from trainer.core.store.cohort import CohortRecords
from trainer.core.topics import topic_title


@dataclass(frozen=True)
class LearnerFigures:
    name: str
    cohort: str | None
    lessons_done: int
    lessons_total: int
    answers: int
    mastery: dict[str, float]  # topic -> 0..1, the topics the learner has started
    readiness: Readiness | None  # None also when too few answers for an estimate
    attempts: list[ExamAttempt]  # oldest first

    @property
    def graded(self) -> list[ExamAttempt]:
        return [a for a in self.attempts if a.score is not None]

    @property
    def best_score(self) -> float | None:
        return max((a.score for a in self.graded if a.score is not None), default=None)

    @property
    def last_score(self) -> float | None:
        graded = self.graded
        return graded[-1].score if graded else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.graded)


@dataclass(frozen=True)
class TopicFigures:
    topic: str
    learners: int  # who have started it
    mean_mastery: float
    weak: int  # learners below WEAK_BELOW

    @property
    def title(self) -> str:
        return topic_title(self.topic)


@dataclass(frozen=True)
class CohortReport:
    generated_at: datetime
    cohort: str | None
    blueprint: Blueprint | None  # readiness is for this exam
    learners: list[LearnerFigures]
    topics: list[TopicFigures]  # weakest first
    items: ItemReport  # flagged first, then hardest


def build_report(
    records: CohortRecords,
    now: datetime,
    lesson_ids: Collection[str],
    *,
    blueprint: Blueprint | None,
    lookup: Lookup,
    cohort: str | None = None,
) -> CohortReport:
    """`lookup` finds questions by id for the item statistics (`item_sources.question_lookup`)."""
    learners: list[LearnerFigures] = []
    their_records: list[dict[str, Any]] = []
    for learner in records.learners(cohort):
        store = records.store_of(learner)
        figures = dashboard(store, now, lesson_ids)
        estimate = readiness(blueprint, figures.evidence) if blueprint is not None else None
        learners.append(LearnerFigures(
            learner.name,
            learner.cohort,
            figures.lessons_completed,
            len(lesson_ids),
            figures.answers,
            {t.topic: t.mastery for t in figures.topics if t.mastery is not None},
            estimate if estimate is not None and estimate.enough else None,
            store.attempts(),
        ))
        their_records.append(store.export_data())
    return CohortReport(
        now, cohort, blueprint, learners, _topics(learners), analyse(their_records, lookup)
    )


def _topics(learners: list[LearnerFigures]) -> list[TopicFigures]:
    by_topic: dict[str, list[float]] = {}
    for learner in learners:
        for topic, mastery in learner.mastery.items():
            by_topic.setdefault(topic, []).append(mastery)
    topics = [
        TopicFigures(topic, len(values), sum(values) / len(values),
                     sum(value < WEAK_BELOW for value in values))
        for topic, values in by_topic.items()
    ]
    return sorted(topics, key=lambda t: (t.mean_mastery, t.topic))


def picked(item: ItemStats) -> str:
    """How often each choice was picked, the key marked: "A 3*, B 1"."""
    return ", ".join(f"{c.key} {c.picked}{'*' if c.right else ''}" for c in item.choices)


GRADEBOOK_FIELDS = (
    "learner", "cohort", "lessons_done", "lessons_total", "answers", "exam_attempts",
    "exams_graded", "best_score", "last_score", "passed", "readiness_exam",
    "readiness_expected", "readiness_pass_chance",
)


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def gradebook_rows(report: CohortReport) -> list[dict[str, Any]]:
    """One row per learner, the columns an LMS gradebook imports (scores in percent)."""
    return [
        {
            "learner": f.name,
            "cohort": f.cohort or "",
            "lessons_done": f.lessons_done,
            "lessons_total": f.lessons_total,
            "answers": f.answers,
            "exam_attempts": len(f.attempts),
            "exams_graded": len(f.graded),
            "best_score": _rounded(f.best_score),
            "last_score": _rounded(f.last_score),
            "passed": f.passed,
            "readiness_exam": f.readiness.blueprint_id if f.readiness else "",
            "readiness_expected": _rounded(f.readiness.expected if f.readiness else None),
            "readiness_pass_chance": _rounded(
                f.readiness.pass_chance if f.readiness else None, 3
            ),
        }
        for f in report.learners
    ]


def report_data(report: CohortReport) -> dict[str, Any]:
    """The whole report as plain JSON data."""
    by_name = {f.name: f for f in report.learners}
    learners = []
    for row in gradebook_rows(report):
        figures = by_name[row["learner"]]
        learners.append({
            **row,
            "mastery": {topic: round(value, 3) for topic, value in figures.mastery.items()},
            "attempts": [
                {"id": a.id, "blueprint": a.blueprint, "title": a.title, "status": a.status,
                 "started_at": a.started_at.isoformat(),
                 "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                 "score": _rounded(a.score), "passed": a.passed}
                for a in figures.attempts
            ],
        })
    return {
        "generated_at": report.generated_at.isoformat(),
        "cohort": report.cohort,
        "readiness_exam": report.blueprint.id if report.blueprint else None,
        "learners": learners,
        "topics": [
            {"topic": t.topic, "title": t.title, "learners": t.learners,
             "mean_mastery": round(t.mean_mastery, 3), "weak_learners": t.weak}
            for t in report.topics
        ],
        "items": [
            {"question_id": i.question_id, "type": i.type, "answers": i.answers,
             "right": i.right, "difficulty": round(i.difficulty, 3),
             "discrimination": _rounded(i.discrimination, 3), "flags": list(i.flags),
             "choices": [{"key": c.key, "text": c.text, "picked": c.picked, "right": c.right}
                         for c in i.choices],
             "wrong_answers": [{"given": given, "count": n} for given, n in i.wrong_answers]}
            for i in report.items.items
        ],
        "reliability": [
            {"blueprint": r.blueprint, "attempts": r.attempts, "items": r.items,
             "kr20": _rounded(r.kr20, 3), "why_none": r.why_none}
            for r in report.items.reliability
        ],
    }
