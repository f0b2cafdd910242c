"""Practice: pick questions by lesson, topic, bank or past mistakes; answer with feedback.

Every answer is graded and stored the moment it is given, so closing the app loses nothing and
the "mistakes" list and spaced review see it at once. The session only holds what a screen
needs to show: the current question as presented, and a tally by topic.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from trainer.core.clock import Clock
from trainer.core.pool import find_questions, source_of
from trainer.core.questions import Grade, Presented, Question, grade, present
from trainer.core.review import Rating, Scheduled, override, schedule_answers
from trainer.core.store import ProgressStore, StoreError
from trainer.core.topics import TOPICS, in_lesson_quiz, topic_title


@dataclass(frozen=True)
class TopicScore:
    """Points earned on a topic's questions: 1 per question, a fraction with partial credit.

    A question with two topics counts towards both."""

    topic: str
    right: float
    total: int

    @property
    def title(self) -> str:
        return topic_title(self.topic)

    @property
    def percent(self) -> float:
        return 100 * self.right / self.total if self.total else 0.0


def topic_scores(scored: Iterable[tuple[Question, float]]) -> list[TopicScore]:
    """Tally (question, points) by topic, in the order of the shared topic list."""
    right: dict[str, float] = {}
    total: dict[str, int] = {}
    for question, points in scored:
        for topic in question.topics:
            right[topic] = right.get(topic, 0.0) + points
            total[topic] = total.get(topic, 0) + 1
    order = {topic: index for index, topic in enumerate(TOPICS)}
    return [
        TopicScore(topic, right[topic], total[topic])
        for topic in sorted(total, key=lambda t: (order.get(t, len(order)), t))
    ]


def select_questions(
    pool: Sequence[Question],
    *,
    rng: random.Random,
    count: int,
    topics: Iterable[str] = (),
    lesson: str | None = None,
    course: Sequence[str] = (),
    banks: Iterable[str] = (),
    sources: Iterable[str] = (),
    mistakes: Iterable[str] = (),
) -> list[Question]:
    """Up to `count` questions in random order, fewer when fewer match.

    Empty filters match everything. `topics` keeps questions sharing a topic. With `lesson`
    (pass its topics as `topics`, and `course`, the lesson ids in course order), the quiz of
    that lesson: questions about it that ask nothing a later lesson teaches
    (`topics.in_lesson_quiz`).
    `mistakes` keeps only those question ids (generated ones are rebuilt if the pool lacks
    them); an empty list means no such filter, so check for "no mistakes" before asking.
    """
    topics, banks, sources = set(topics), set(banks), set(sources)
    mistakes = list(mistakes)
    if mistakes:
        candidates = [q for q in find_questions(pool, dict.fromkeys(mistakes)) if q is not None]
    else:
        candidates = list(pool)

    def wanted(question: Question) -> bool:
        if lesson is not None:
            anchor = question.lesson.id if question.lesson is not None else None
            in_scope = in_lesson_quiz(question.topics, anchor, lesson, topics, course)
        else:
            in_scope = not topics or bool(topics.intersection(question.topics))
        return (
            in_scope
            and (not banks or question.bank in banks)
            and (not sources or source_of(question) in sources)
        )

    matching = [question for question in candidates if wanted(question)]
    return rng.sample(matching, min(count, len(matching)))


@dataclass
class PracticeSession:
    """A run through `questions` with immediate feedback; answers go to the store at once."""

    questions: list[Question]
    rng: random.Random
    clock: Clock
    store: ProgressStore
    mode: str = "practice"
    partial_credit: bool = False
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    index: int = 0
    current: Presented | None = field(init=False, default=None)
    grades: dict[int, Grade] = field(init=False, default_factory=dict)
    reviews: dict[int, Scheduled] = field(init=False, default_factory=dict)  # the cards scheduled

    def __post_init__(self) -> None:
        if self.index < len(self.questions):
            self.current = present(self.questions[self.index], self.rng)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        return len(self.grades)

    @property
    def right(self) -> int:
        return sum(g.correct for g in self.grades.values())

    @property
    def current_grade(self) -> Grade | None:
        """The grade of the current question once answered (the feedback to show)."""
        return self.grades.get(self.index)

    def answer(self, response: object, seconds: float) -> Grade:
        """Grade the current question, store the answer and review its card before returning.
        A StoreError from saving the answer leaves the question unanswered, to try again."""
        if self.current is None:
            raise RuntimeError("the practice session is over")
        if self.index in self.grades:
            raise RuntimeError("this question is answered already; advance first")
        question = self.current.question
        result = grade(question, response, partial_credit=self.partial_credit)
        answered_at = self.store.record_answer(
            question.full_id,
            response,
            correct=result.correct,
            score=result.score,
            seconds=seconds,
            mode=self.mode,
            session_id=self.session_id,
        )
        self.grades[self.index] = result  # stored: from here on it counts
        try:
            [self.reviews[self.index]] = schedule_answers(
                self.store, [(question, result.correct, seconds)], answered_at
            )
        except StoreError:  # the answer is safe; backfill makes a missing card later
            pass
        return result

    def rate(self, rating: Rating) -> Scheduled:
        """The learner's own rating of the current (right) answer, rescheduling its card."""
        scheduled = override(self.store, self.reviews[self.index], rating)
        self.reviews[self.index] = scheduled
        return scheduled

    def advance(self) -> bool:
        """Move to the next question (unanswered ones count as skipped); False at the end."""
        if self.index < self.total:
            self.index += 1
        if self.index >= self.total:
            self.current = None
            return False
        self.current = present(self.questions[self.index], self.rng)
        return True

    def summary(self) -> list[TopicScore]:
        """Points by topic over the questions answered."""
        return topic_scores((self.questions[i], g.score) for i, g in sorted(self.grades.items()))

    def missed(self) -> list[Question]:
        """The questions answered wrong, in the order asked."""
        return [self.questions[i] for i, g in sorted(self.grades.items()) if not g.correct]

    def to_retry(self) -> list[Question]:
        """The questions answered wrong or never answered (the round ended early)."""
        return [q for i, q in enumerate(self.questions) if i not in self.grades
                or not self.grades[i].correct]
