"""Generating questions vs building the same number of plain dicts in the same run.

10,000 registry questions (ten seeded samples of 1,000 distinct ones) and 1,000 study-list
questions (each with its own synthetic study list as exhibit). The baseline builds dicts with
the same fields, so the ratio shows what validation and the domain work cost; the absolute
limit is the target: under 1 s each at the median.
Run: python benchmarks/bench_generators.py
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `trainer` and `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Figure, median_seconds
from trainer.core.generators import registry_questions, sample, study_questions

LIMIT_MS = 1000


def _registry_questions() -> None:
    made = sum(
        len(sample(registry_questions.GENERATORS, random.Random(seed), 1000)) for seed in range(10)
    )
    assert made == 10_000, made


def _study_questions() -> None:
    made = len(sample(study_questions.GENERATORS, random.Random(0), 1000))
    assert made == 1000, made


def _dicts(count: int, rows: int) -> list[dict[str, object]]:
    """What a question holds, as bare data: no validation, no registry, no study list."""
    return [
        {
            "id": f"plain-{n}",
            "type": "single_choice",
            "prompt": f"What is the SOP Class UID of class {n}?",
            "choices": [
                "1.2.840.10008.5.1.4.1.1.2",
                "1.2.840.10008.5.1.4.1.1.2.1",
                "1.2.840.10008.5.1.4.1.1.4",
            ],
            "answer": "A",
            "topics": ["uids"],
            "difficulty": 2,
            "explanation": "CT Image Storage is 1.2.840.10008.5.1.4.1.1.2.",
            "references": ["PS3.6 Annex A"],
            "exhibit": {
                "kind": "table",
                "columns": ["Name", "Imgs"],
                "rows": [["DOE^Jane", str(r)] for r in range(rows)],
            },
        }
        for n in range(count)
    ]


def figures() -> list[Figure]:
    return [
        Figure(
            "generate 10,000 registry questions",
            median_seconds(_registry_questions, repeat=5) * 1000,
            median_seconds(lambda: _dicts(10_000, 0), repeat=5) * 1000,
            "ms",
            limit=LIMIT_MS,
        ),
        Figure(
            "generate 1,000 study-list questions",
            median_seconds(_study_questions, repeat=5) * 1000,
            median_seconds(lambda: _dicts(1000, 5), repeat=5) * 1000,
            "ms",
            limit=LIMIT_MS,
        ),
    ]


if __name__ == "__main__":
    for figure in figures():
        print(figure.line())
