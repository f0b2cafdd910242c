"""The questions practice and exams draw from: every bank question plus generated ones.

Generated questions are sampled with a seeded rng, so the same seed gives the same pool. Their
ids name their parameter, so `find_questions` can rebuild one that a stored exam form or a
mistake list mentions even when today's pool was sampled with another seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from trainer.core.generators import (
    Generator,
    registry_questions,
    sample,
    study_questions,
)
from trainer.core.questions import Question

if TYPE_CHECKING:
    from trainer.core.banks import Catalog

Source = Literal["banks", "registry", "studies"]
SOURCES: tuple[Source, ...] = ("banks", "registry", "studies")

# Enough to fill every shipped blueprint with room to vary between seeds (a test checks it).
REGISTRY_COUNT = 160
STUDY_COUNT = 60

_GENERATED: dict[str, tuple[Source, Sequence[Generator]]] = {
    registry_questions.BANK: ("registry", registry_questions.GENERATORS),
    study_questions.BANK: ("studies", study_questions.GENERATORS),
}


def question_pool(banks: Catalog, *, seed: int) -> list[Question]:
    """Bank questions, then generated registry and study-list questions; same seed, same pool."""
    registry = sample(
        registry_questions.GENERATORS, random.Random(f"registry-{seed}"), REGISTRY_COUNT
    )
    studies = sample(study_questions.GENERATORS, random.Random(f"studies-{seed}"), STUDY_COUNT)
    return [*banks.questions, *registry, *studies]


def source_of(question: Question) -> Source:
    """Where a question comes from: a bank file, or the registry or study-list generators."""
    generated = _GENERATED.get(question.bank)
    return generated[0] if generated else "banks"


def find_questions(pool: Iterable[Question], full_ids: Iterable[str]) -> list[Question | None]:
    """The question of each full id: from the pool, else rebuilt from a generated id; None
    for one that is gone (a bank question whose bank changed)."""
    by_id = {question.full_id: question for question in pool}
    return [by_id.get(full_id) or regenerate(full_id) for full_id in full_ids]


def regenerate(full_id: str) -> Question | None:
    """Rebuild a generated question from its id ("gen-registry/uid-to-name-5-1-4-1-1-2"), or
    find a lab scenario's question ("lab-enhanced-mr-refused/which-class")."""
    bank, _, qid = full_id.partition("/")
    generated = _GENERATED.get(bank)
    if generated is None:
        from trainer.core.lab.scenarios import find_question  # reads lab/ only when asked

        return find_question(full_id)
    # The longest name that prefixes the id: "count-difference-7" is not "count-..." of another.
    matches = [g for g in generated[1] if qid.startswith(f"{g.name}-")]
    if not matches:
        return None
    generator = max(matches, key=lambda g: len(g.name))
    try:
        return generator.make(qid[len(generator.name) + 1 :])
    except (ValueError, LookupError):  # a parameter this version cannot read
        return None
