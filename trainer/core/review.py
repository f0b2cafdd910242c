"""Spaced review: every answered question becomes an FSRS card, and a review brings back the
cards due now, then new questions up to a daily limit; readiness for an exam follows from them.

Ratings come from the answer: wrong (or only partly right) is Again, right is Good, right and
quick is Easy, where quick means under the quick_seconds of the question's kind (exam answers have
no time of their own, so right there is Good). After the feedback the learner may rate a right
answer Hard, Good or Easy instead. A card's FSRS state is always the replay of its review logs
(`rebuild`), so an override or an imported history recomputes it. Scheduling is deterministic
(no interval fuzz), so the same answers on the same clock give the same due dates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fsrs import Card, Rating, Scheduler

from trainer.core.clock import local_day
from trainer.core.store import CardInfo, CardState, ProgressStore, ReviewEntry, StoreError
from trainer.core.topics import TOPICS

if TYPE_CHECKING:
    from trainer.core.blueprints import Blueprint
    from trainer.core.questions import Question

SCHEDULER = Scheduler(enable_fuzzing=False)

OVERRIDES = (Rating.Hard, Rating.Good, Rating.Easy)

# Memory is asked of tomorrow: FSRS counts whole days, so any card seen today reads 100%.
RECALL_HORIZON = timedelta(days=1)

NEW_PER_DAY_SETTING = "review.new_per_day"
DEFAULT_NEW_PER_DAY = 10
MAX_NEW_PER_DAY = 500


# --- ratings and scheduling -----------------------------------------------------------------


def auto_rating(question_type: str, correct: bool, seconds: float | None) -> Rating:
    """The rating an answer earns; `seconds` None means its time is unknown (exams)."""
    if not correct:
        return Rating.Again
    from trainer.core.questions import KINDS

    kind = KINDS.get(question_type)  # a card of a type this version lacks is never Easy
    quick = kind is not None and seconds is not None and 0 < seconds < kind.quick_seconds
    return Rating.Easy if quick else Rating.Good


def rebuild(history: Sequence[tuple[int, datetime]]) -> CardState:
    """A card's state after its reviews, (rating, UTC time) oldest first, replayed with FSRS."""
    card = Card(card_id=0, due=history[0][1])
    for rating, when in history:
        card, _ = SCHEDULER.review_card(card, Rating(rating), when)
    data = card.to_dict()
    return CardState(
        data["state"], data["step"], data["stability"], data["difficulty"],
        card.due, card.last_review,
    )


def card_info(question: Question) -> CardInfo:
    return CardInfo(question.full_id, question.type, tuple(question.topics))


@dataclass(frozen=True)
class Scheduled:
    """A review as it went into the store: what the feedback shows and an override changes."""

    question_id: str
    reviewed_at: datetime
    rating: Rating
    due: datetime
    overridable: bool  # only a right answer may be re-rated


def schedule_answers(
    store: ProgressStore,
    answers: Iterable[tuple[Question, bool, float | None]],
    when: datetime,
) -> list[Scheduled]:
    """Review the card of each (question, correct, seconds) at `when`, in one transaction."""
    answers = list(answers)
    entries = [
        ReviewEntry(question.full_id, auto_rating(question.type, correct, seconds), when,
                    None if seconds is None else round(seconds * 1000))
        for question, correct, seconds in answers
    ]
    states = store.add_reviews((card_info(q) for q, _, _ in answers), entries, rebuild)
    return [
        Scheduled(e.question_id, when, Rating(e.rating), states[e.question_id].due, correct)
        for e, (_, correct, _) in zip(entries, answers)
    ]


def override(store: ProgressStore, scheduled: Scheduled, rating: Rating) -> Scheduled:
    """The learner's own rating of a right answer, replacing the one the answer earned."""
    if not scheduled.overridable or rating not in OVERRIDES:
        raise ValueError("only a right answer can be re-rated, as Hard, Good or Easy")
    state = store.rerate(scheduled.question_id, scheduled.reviewed_at, int(rating), rebuild)
    return Scheduled(scheduled.question_id, scheduled.reviewed_at, rating, state.due, True)


def due_in(due: datetime, now: datetime) -> str:
    """"now", "in 10 minutes", "in 3 hours", "in 4 days": when a card comes back."""
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "now"
    size, unit = (60, "minute") if seconds < 3600 else (3600, "hour") if seconds < 86400 else (
        86400, "day")
    count = max(1, round(seconds / size))
    return f"in {count} {unit}{'s' if count != 1 else ''}"


# --- the learner's day and the review queue ----------------------------------------------------


@dataclass(frozen=True)
class ReviewStatus:
    due_now: int
    due_today: int  # due before the learner's day ends, those due now included
    cards: int
    new_today: int  # cards first seen today, in any mode
    new_per_day: int

    @property
    def new_left(self) -> int:
        return max(0, self.new_per_day - self.new_today)


def new_per_day(store: ProgressStore) -> int:
    value = store.get_setting(NEW_PER_DAY_SETTING)
    if value and value.isascii() and value.isdigit():  # "²" is a digit, not a number
        return min(int(value), MAX_NEW_PER_DAY)
    return DEFAULT_NEW_PER_DAY


def set_new_per_day(store: ProgressStore, count: int) -> None:
    if not 0 <= count <= MAX_NEW_PER_DAY:
        raise ValueError(f"new questions a day must be 0 to {MAX_NEW_PER_DAY}")
    store.set_setting(NEW_PER_DAY_SETTING, str(count))


def status(
    store: ProgressStore, now: datetime, utc_offset: timedelta | None = None
) -> ReviewStatus:
    start, end = local_day(now, utc_offset)
    due_now, due_today, cards = store.card_counts(now, end)
    return ReviewStatus(due_now, due_today, cards, store.cards_created_since(start),
                        new_per_day(store))


@dataclass(frozen=True)
class ReviewQueue:
    due: list[Question]  # in the order FSRS made them due
    new: list[Question]  # never answered, in pool order, up to what today's limit leaves
    missing: int  # due cards whose question is gone from the banks

    @property
    def questions(self) -> list[Question]:
        return [*self.due, *self.new]


def review_queue(
    store: ProgressStore,
    pool: Sequence[Question],
    now: datetime,
    utc_offset: timedelta | None = None,
) -> ReviewQueue:
    """The cards due now (rebuilt from their ids), then new questions up to the daily limit."""
    from trainer.core.pool import find_questions

    found = find_questions(pool, store.due_question_ids(now))
    due = [question for question in found if question is not None]
    left = status(store, now, utc_offset).new_left
    known = store.known_question_ids() if left else set()
    new = [q for q in pool if q.full_id not in known][:left]
    return ReviewQueue(due, new, len(found) - len(due))


def backfill(store: ProgressStore, questions: Callable[[], Iterable[Question]]) -> int:
    """Make cards for questions answered without one (before cards existed, or imported), by
    replaying their answers. `questions` gives where to find them (generated ones are
    rebuilt); it is called only when there is something to do, as loading banks takes time.
    Returns how many cards were made. A store that cannot be written (read-only, full,
    locked) is left as it is: the dashboard and `review status` read what is there."""
    if store.read_only:
        return 0
    try:
        return _backfill(store, questions)
    except StoreError:
        return 0


def _backfill(store: ProgressStore, questions: Callable[[], Iterable[Question]]) -> int:
    pending, through = store.answered_without_card()
    if not pending:
        store.mark_backfilled(through)
        return 0
    from trainer.core.pool import (
        find_questions,  # pydantic and the generators: only if needed
    )

    infos: list[CardInfo] = []
    entries: list[ReviewEntry] = []
    for question in find_questions(questions(), pending):
        if question is None:
            continue
        infos.append(card_info(question))
        entries.extend(
            ReviewEntry(
                question.full_id,
                auto_rating(question.type, a.correct, a.seconds if a.mode != "exam" else None),
                a.answered_at,
                round(a.seconds * 1000) if a.mode != "exam" else None,
            )
            for a in store.answers(question.full_id)
        )
    if entries:
        store.add_reviews(infos, entries, rebuild)
    store.mark_backfilled(through)
    return len(infos)


# --- memory, evidence and readiness ---------------------------------------------------------


@dataclass(frozen=True)
class Recall:
    """The cards of one kind, and how well they are recalled a RECALL_HORIZON from now.

    A kind is what blueprint draws can tell apart: type, bank and topics, so it is shaped like
    a question for `Draw.matches`. Readiness and mastery need only sums and counts, so
    thousands of cards come down to a few hundred kinds. `known` counts only the cards whose
    last answer was right: a card answered wrong last time is not known, whatever FSRS's
    curve says of it tomorrow."""

    type: str
    bank: str
    topics: tuple[str, ...]
    cards: int
    retrievability: float  # summed over the cards
    known: float = 0.0  # summed over the cards last answered right


@dataclass(frozen=True)
class Evidence:
    """The learner's graded answers on questions of one kind, weighed (see EVIDENCE_WEIGHTS
    and HALF_LIFE_DAYS): `weight` is how many answers they count as, `score` how many of
    those were right (partly right counts its fraction)."""

    type: str
    bank: str
    topics: tuple[str, ...]
    weight: float
    score: float


# How much an answer tells of how the learner would do in an exam: exam and review answers
# are given cold; a practice answer may follow a lesson just read or the feedback on the
# question before, so it counts half. Lab steps are answered cold too.
EVIDENCE_WEIGHTS = {"exam": 1.0, "review": 1.0, "lab": 1.0, "practice": 0.5}
HALF_LIFE_DAYS = 21  # an answer three weeks old counts half (kept in schema 5's sums)
EVIDENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # the sums' scale: 2^(days since / 21)
ENOUGH_EVIDENCE = 10  # answers (weighed) on an exam's parts before readiness is estimated


_DECAY = -SCHEDULER.parameters[20]  # FSRS-6's forgetting curve, as the scheduler defines it
_FACTOR = 0.9 ** (1 / _DECAY) - 1


def retrievability(stability: float | None, elapsed_days: int | None) -> float:
    """`Scheduler.get_card_retrievability` from the two numbers it reads, without making an
    fsrs Card for each of thousands of cards; a test holds the two equal."""
    if stability is None or elapsed_days is None:
        return 0.0
    return (1 + _FACTOR * max(0, elapsed_days) / stability) ** _DECAY


def recall(store: ProgressStore, now: datetime) -> list[Recall]:
    """Each card's FSRS retrievability a RECALL_HORIZON from now, summed by kind."""
    sums: dict[tuple[str, str, str], list[float]] = {}
    for question_type, bank, topics, stability, elapsed_days, right in store.card_recall(
        now + RECALL_HORIZON
    ):
        kind = (question_type, bank, topics)
        chance = retrievability(stability, elapsed_days)
        found = sums.setdefault(kind, [0, 0.0, 0.0])
        found[0] += 1
        found[1] += chance
        if right:
            found[2] += chance
    return [
        Recall(kind, bank, tuple(topics.split()), int(count), total, known)
        for (kind, bank, topics), (count, total, known) in sums.items()
    ]


def evidence(store: ProgressStore, now: datetime) -> list[Evidence]:
    """The learner's answers, weighed by mode and age (half every HALF_LIFE_DAYS), by kind."""
    days = (now - EVIDENCE_EPOCH).total_seconds() / 86400
    scale = 2.0 ** (-days / HALF_LIFE_DAYS)
    sums: dict[tuple[str, str, str], list[float]] = {}
    for question_type, bank, topics, mode, decayed, decayed_score in store.answer_evidence():
        weight = EVIDENCE_WEIGHTS.get(mode, 0.5) * scale
        found = sums.setdefault((question_type, bank, topics), [0.0, 0.0])
        found[0] += weight * float(decayed or 0)
        found[1] += weight * float(decayed_score or 0)
    return [
        Evidence(kind, bank, tuple(topics.split()), weight, score)
        for (kind, bank, topics), (weight, score) in sums.items()
    ]


@dataclass(frozen=True)
class Belief:
    """What we believe of a chance of success after weighed successes and failures:
    Beta(1 + right, 1 + wrong), uniform before any answer."""

    mean: float
    variance: float
    weight: float  # how many answers it rests on

    @classmethod
    def of(cls, found: Iterable[Evidence]) -> Belief:
        weight = right = 0.0
        for item in found:
            weight += item.weight
            right += item.score
        mean = (1 + right) / (2 + weight)
        return cls(mean, mean * (1 - mean) / (3 + weight), weight)


@dataclass(frozen=True)
class Readiness:
    blueprint_id: str
    expected: float  # percent
    low: float  # about a 95% range, percent
    high: float
    pass_mark: float
    pass_chance: float  # 0..1
    study_next: str | None  # a topic tag
    answers_used: float  # weighed answers on the exam's parts

    @property
    def enough(self) -> bool:
        """Enough answers for an estimate worth showing; before, "not enough data yet"."""
        return self.answers_used >= ENOUGH_EVIDENCE


def readiness(blueprint: Blueprint, found: Sequence[Evidence]) -> Readiness:
    """The expected exam score and its uncertainty from the learner's own graded answers.

    Each part (draw) of the exam gets a Beta belief over the chance of a right answer, from
    the answers on questions that fit it, weighed by mode and age; parts weigh by their share
    of the questions. The variance of the score is the beta-binomial one: the draw of
    questions plus what the answers leave unknown. Study next: the topic with the most points
    at stake (its share of the exam times the chance of losing them)."""
    total = blueprint.questions
    expected = variance = 0.0
    used: set[int] = set()
    topic_share: dict[str, float] = {}
    for draw, count in zip(blueprint.draws, blueprint.draw_counts()):
        if not count:
            continue
        fitting = [
            index for index, item in enumerate(found)
            if blueprint.allows(item) and draw.matches(item)  # type: ignore[arg-type]
        ]
        used.update(fitting)
        belief = Belief.of(found[index] for index in fitting)
        weight = count / total
        expected += weight * belief.mean
        variance += weight**2 * (
            belief.mean * (1 - belief.mean) / count + belief.variance * (1 - 1 / count)
        )
        for topic in draw.topics:
            topic_share[topic] = topic_share.get(topic, 0.0) + weight / len(draw.topics)
    spread = 1.96 * math.sqrt(variance)
    # The score moves in whole questions: passing takes `needed` of them, and the normal
    # curve stands in for the count with half a question either side (continuity).
    needed = math.ceil(blueprint.pass_mark / 100 * total - 1e-9)
    threshold = (needed - 0.5) / total
    if variance > 0:
        pass_chance = 0.5 * math.erfc((threshold - expected) / math.sqrt(2 * variance))
    else:
        pass_chance = float(expected >= threshold)
    order = list(TOPICS)

    def at_stake(topic: str) -> tuple[float, int]:
        belief = Belief.of(item for item in found if topic in item.topics)
        rank = order.index(topic) if topic in order else len(order)
        return (topic_share[topic] * (1 - belief.mean), -rank)

    return Readiness(
        blueprint.id,
        100 * expected,
        100 * max(0.0, expected - spread),
        100 * min(1.0, expected + spread),
        blueprint.pass_mark,
        pass_chance,
        max(topic_share, key=at_stake, default=None),
        sum(found[index].weight for index in used),
    )


READINESS_EXPLAINED = f"""\
**How the readiness estimate is worked out**

- It comes from your own graded answers on the questions this exam can ask: exams and
  reviews count in full, practice answers half (you may just have read the lesson or the
  feedback), and an answer counts half as much for every {HALF_LIFE_DAYS} days of its age.
- The exam draws its questions in parts (by topic, bank or source). For each part, your
  chance of a right answer is the share you got right, pulled towards 50% when there are
  few answers: with none at all, anything from 0 to 100% is equally likely.
- The expected score weights each part by its share of the exam's questions.
- The range (about 95%) adds two uncertainties: which questions the exam happens to draw,
  and how little your answers tell about a part. Answer more questions to narrow it.
- The chance to pass compares that spread with the pass mark.
- Until you have about {ENOUGH_EVIDENCE} answers on the exam's topics it says *not enough
  data yet* instead.
- *Study next* is the topic with the most points at stake: its share of the exam times
  the chance of losing those points.
- **Memory** in the topic list is different: FSRS's chance that you would recall your cards
  on the topic tomorrow, counting a card you got wrong last time as not known.

A check in the tests simulates learners of every level: among those told "70% chance to
pass", about 70% pass. It is an estimate from your history, not a promise.
"""
