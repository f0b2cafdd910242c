"""Classical item statistics over many exam attempts: how hard each question was, how well it
told strong candidates from weak ones, and which answers were chosen.

Pure and store-free, so the cohort report and any other item analysis share one definition:

- difficulty (the p-value): the mean score on the item, 0..1 (1 = everyone got it right);
- discrimination: the point-biserial correlation between the item's score and the score of
  the rest of the attempt (the attempt's mean over its other items, so an item does not
  correlate with itself); None when either side does not vary or fewer than 3 attempts;
- choices: how often each answer was given (as its JSON text), the distractors included.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

MIN_ATTEMPTS = 3


@dataclass(frozen=True)
class ItemResponse:
    question_id: str
    attempt: Hashable  # which attempt it belongs to (any key, e.g. learner and attempt id)
    score: float  # 0..1
    given: Any  # the response as given (plain JSON data)


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    attempts: int
    difficulty: float
    discrimination: float | None
    choices: tuple[tuple[str, int], ...]  # most chosen first


def item_statistics(responses: Iterable[ItemResponse]) -> list[ItemStats]:
    """Statistics of every question answered, hardest first."""
    by_attempt: dict[Hashable, list[ItemResponse]] = defaultdict(list)
    by_item: dict[str, list[ItemResponse]] = defaultdict(list)
    for response in responses:
        by_attempt[response.attempt].append(response)
        by_item[response.question_id].append(response)
    totals = {key: (sum(r.score for r in rs), len(rs)) for key, rs in by_attempt.items()}
    stats = []
    for question_id, answers in by_item.items():
        scores = [r.score for r in answers]
        rest = []
        for r in answers:
            total, count = totals[r.attempt]
            rest.append((total - r.score) / (count - 1) if count > 1 else math.nan)
        pairs = [(s, o) for s, o in zip(scores, rest) if not math.isnan(o)]
        choices = Counter(json.dumps(r.given, ensure_ascii=False, sort_keys=True) for r in answers)
        stats.append(ItemStats(
            question_id,
            len(answers),
            sum(scores) / len(scores),
            _correlation(pairs) if len(pairs) >= MIN_ATTEMPTS else None,
            tuple(sorted(choices.items(), key=lambda item: (-item[1], item[0]))),
        ))
    return sorted(stats, key=lambda s: (s.difficulty, s.question_id))


def _correlation(pairs: list[tuple[float, float]]) -> float | None:
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    var_x = sum((x - mean_x) ** 2 for x, _ in pairs)
    var_y = sum((y - mean_y) ** 2 for _, y in pairs)
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return cov / math.sqrt(var_x * var_y)
