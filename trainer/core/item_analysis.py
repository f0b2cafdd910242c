"""Item analysis: which questions work, from the answers learners gave.

Pure statistics over answer records in the `progress export` format (`answers` and `exams`
lists), so one learner's store, several stores and several export files merge the same
way: each record is one learner, and its sessions stay its own.

Per question: difficulty (the proportion of answers that were right), discrimination (the
point-biserial correlation between being right on it and the rest of the same session's
score: a practice run or an exam attempt is one sitting), how often each choice was picked,
the commonest wrong answers, and flags. Per exam blueprint: reliability as KR-20 (Cronbach's
alpha with partial credit) over its submitted attempts; seeded forms differ, so the item
variances are pooled over the items each form used, which is KR-20 itself when every
attempt had the same form.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from trainer.core.questions import (
    LETTERS,
    MultipleSelect,
    Question,
    SingleChoice,
    TrueFalse,
    format_answer,
    grade,
)

MIN_ANSWERS = 5  # fewer answers than this: no flags, no discrimination
MIN_SITTINGS = 5
LOW_DISCRIMINATION = 0.0
NOBODY_RIGHT = "nobody right"
EVERYBODY_RIGHT = "everybody right"
DISTRACTOR_BEATS_KEY = "distractor beats key"
NEGATIVE_DISCRIMINATION = "negative discrimination"
Lookup = Callable[[Iterable[str]], dict[str, Question | None]]  # questions by full id


@dataclass(frozen=True)
class ChoiceRate:
    key: str  # the letter in the bank, or "True"/"False"
    text: str
    picked: int
    rate: float  # of the answers to the question
    right: bool


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    type: str
    prompt: str
    answers: int
    right: int
    difficulty: float  # proportion right: low is hard
    discrimination: float | None
    choices: tuple[ChoiceRate, ...]
    wrong_answers: tuple[tuple[str, int], ...]  # the commonest, for typed answers
    flags: tuple[str, ...]
    known: bool  # False when the question is gone from the banks


@dataclass(frozen=True)
class Reliability:
    blueprint: str
    attempts: int
    items: int  # scored items per form
    kr20: float | None
    why_none: str = ""


@dataclass(frozen=True)
class ItemReport:
    learners: int
    answers: int
    items: list[ItemStats]  # the weakest first: flagged, then hardest
    reliability: list[Reliability] = field(default_factory=list)

    @property
    def flagged(self) -> list[ItemStats]:
        return [item for item in self.items if item.flags]


@dataclass
class _Answer:
    sitting: tuple[int, str] | None
    given: object
    score: float
    correct: bool


def analyse(records: Sequence[dict[str, Any]], lookup: Lookup) -> ItemReport:
    """The report for these learners' records; `lookup` finds the questions by full id."""
    by_question: dict[str, list[_Answer]] = defaultdict(list)
    for learner, record in enumerate(records):
        for answer in record.get("answers", []):
            session = answer.get("session_id")
            by_question[answer["question_id"]].append(_Answer(
                (learner, session) if session else None,
                answer.get("given"), float(answer.get("score", 0.0)), bool(answer["correct"]),
            ))
    questions = lookup(by_question)
    sittings: dict[tuple[int, str], list[tuple[str, float]]] = defaultdict(list)
    for qid, answers in by_question.items():
        for answer in answers:
            if answer.sitting is not None:
                sittings[answer.sitting].append((qid, float(answer.correct)))
    items = [_item(qid, answers, questions.get(qid), sittings) for qid, answers in
             by_question.items()]
    items.sort(key=lambda item: (not item.flags, item.difficulty, item.question_id))
    exams = [exam for record in records for exam in record.get("exams", [])]
    exam_questions = lookup({entry["id"] for exam in exams for entry in exam["form"]["items"]})
    return ItemReport(
        learners=len(records),
        answers=sum(len(answers) for answers in by_question.values()),
        items=items,
        reliability=reliability(exams, exam_questions),
    )


def _item(qid: str, answers: list[_Answer], question: Question | None,
          sittings: dict[tuple[int, str], list[tuple[str, float]]]) -> ItemStats:
    right = sum(answer.correct for answer in answers)
    difficulty = right / len(answers)
    choices = _choice_rates(question, answers) if question is not None else ()
    discrimination = _discrimination(qid, answers, sittings)
    flags = []
    if len(answers) >= MIN_ANSWERS:
        if right == 0:
            flags.append(NOBODY_RIGHT)
        elif right == len(answers):
            flags.append(EVERYBODY_RIGHT)
        if _distractor_beats_key(choices):
            flags.append(DISTRACTOR_BEATS_KEY)
        if discrimination is not None and discrimination < LOW_DISCRIMINATION:
            flags.append(NEGATIVE_DISCRIMINATION)
    return ItemStats(
        question_id=qid,
        type=question.type if question is not None else "?",
        prompt=question.prompt if question is not None else "(no longer in the banks)",
        answers=len(answers),
        right=right,
        difficulty=difficulty,
        discrimination=discrimination,
        choices=tuple(choices),
        wrong_answers=_wrong_answers(question, answers) if question is not None else (),
        flags=tuple(flags),
        known=question is not None,
    )


def _choice_rates(question: Question, answers: list[_Answer]) -> list[ChoiceRate]:
    picks: Counter[str] = Counter()
    for answer in answers:
        given = answer.given
        if isinstance(question, TrueFalse) and isinstance(given, bool):
            picks[str(given)] += 1
        elif isinstance(given, str):
            picks[given] += 1
        elif isinstance(given, (list, tuple)):
            picks.update(str(letter) for letter in set(given))
    if isinstance(question, (SingleChoice, MultipleSelect)):
        keys = set(question.answer) if isinstance(question, MultipleSelect) else {question.answer}
        options = [(LETTERS[i], choice.text, LETTERS[i] in keys)
                   for i, choice in enumerate(question.choices)]
    elif isinstance(question, TrueFalse):
        options = [(str(value), str(value), value == question.answer) for value in (True, False)]
    else:
        return []
    return [ChoiceRate(key, text, picks[key], picks[key] / len(answers), right)
            for key, text, right in options]


def _distractor_beats_key(choices: Sequence[ChoiceRate]) -> bool:
    keys = [choice.picked for choice in choices if choice.right]
    wrong = [choice.picked for choice in choices if not choice.right]
    return bool(keys and wrong) and max(wrong) > min(keys)


def _wrong_answers(question: Question, answers: list[_Answer]) -> tuple[tuple[str, int], ...]:
    if isinstance(question, (SingleChoice, MultipleSelect, TrueFalse)):
        return ()
    wrong = Counter(format_answer(question, a.given) for a in answers if not a.correct)
    return tuple(wrong.most_common(3))


def _discrimination(qid: str, answers: list[_Answer],
                    sittings: dict[tuple[int, str], list[tuple[str, float]]]) -> float | None:
    """Point-biserial of this item against the rest of each sitting's score."""
    pairs = []
    for answer in answers:
        if answer.sitting is None:
            continue
        rest = [score for other, score in sittings[answer.sitting] if other != qid]
        if rest:
            pairs.append((float(answer.correct), sum(rest) / len(rest)))
    if len(pairs) < MIN_SITTINGS:
        return None
    return _correlation(pairs)


def _correlation(pairs: Sequence[tuple[float, float]]) -> float | None:
    count = len(pairs)
    mean_x = sum(x for x, _ in pairs) / count
    mean_y = sum(y for _, y in pairs) / count
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    spread_x = math.sqrt(sum((x - mean_x) ** 2 for x, _ in pairs))
    spread_y = math.sqrt(sum((y - mean_y) ** 2 for _, y in pairs))
    if spread_x == 0 or spread_y == 0:
        return None
    return covariance / (spread_x * spread_y)


def reliability(exams: Sequence[dict[str, Any]],
                questions: dict[str, Question | None]) -> list[Reliability]:
    """KR-20 per blueprint over its graded attempts (pilot items left out, unanswered = 0)."""
    by_blueprint: dict[str, list[list[tuple[str, float]]]] = defaultdict(list)
    for exam in exams:
        if exam.get("score") is None:
            continue  # unfinished or abandoned
        blueprint = exam["form"].get("blueprint", {})
        partial = bool(blueprint.get("partial_credit")) if isinstance(blueprint, dict) else False
        responses = {item["position"]: item["response"] for item in exam.get("items", [])}
        scored = []
        for position, entry in enumerate(exam["form"]["items"]):
            if entry.get("pilot"):
                continue
            question = questions.get(entry["id"])
            if question is None:
                break
            result = grade(question, responses.get(position), partial_credit=partial)
            scored.append((entry["id"], result.score))
        else:
            by_blueprint[exam["blueprint"]].append(scored)
    return [_kr20(name, attempts) for name, attempts in sorted(by_blueprint.items())]


def _kr20(blueprint: str, attempts: list[list[tuple[str, float]]]) -> Reliability:
    length = max(len(attempt) for attempt in attempts)
    if len(attempts) < 2 or length < 2:
        return Reliability(blueprint, len(attempts), length, None,
                           "needs at least 2 graded attempts of 2 or more questions")
    totals = [sum(score for _, score in attempt) for attempt in attempts]
    variance = _variance(totals)
    if variance == 0:
        return Reliability(blueprint, len(attempts), length, None,
                           "every attempt has the same score")
    scores: dict[str, list[float]] = defaultdict(list)
    for attempt in attempts:
        for qid, score in attempt:
            scores[qid].append(score)
    # Each item's variance weighted by how many forms used it, as a mean per item slot.
    slots = sum(len(values) for values in scores.values())
    mean_item_variance = sum(_variance(v) * len(v) for v in scores.values()) / slots
    kr20 = length / (length - 1) * (1 - length * mean_item_variance / variance)
    return Reliability(blueprint, len(attempts), length, kr20)


def _variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values) / len(values)
