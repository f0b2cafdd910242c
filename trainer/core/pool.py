"""The questions practice and exams draw from: every bank question plus generated ones.

Generated questions come from the generator families found in `trainer.core.generators` (a
module that defines `FAMILY`). For a seed, each generator adds its own questions, drawn from
a random stream of its own, so the same seed gives the same pool for the same content, and a
new generator or family changes no other generator's questions. Their ids name their
parameter, so `find_questions` can rebuild one that a stored exam form or a mistake list
mentions even when today's pool was sampled with another seed.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from trainer.core import generators
from trainer.core.generators import Family
from trainer.core.questions import Question

if TYPE_CHECKING:
    from trainer.core.banks import Catalog

BANKS = "banks"


@functools.cache
def families() -> tuple[Family, ...]:
    """Every generator family of the package, in their order."""
    found = []
    for module in pkgutil.iter_modules(generators.__path__):
        imported = importlib.import_module(f"{generators.__name__}.{module.name}")
        family = getattr(imported, "FAMILY", None)
        if isinstance(family, Family):
            found.append(family)
    return tuple(sorted(found, key=lambda family: (family.order, family.source)))


SOURCES: tuple[str, ...] = (BANKS, *(family.source for family in families()))
Source = Literal[SOURCES]  # type: ignore[valid-type]
SOURCE_LABELS: dict[str, str] = {
    BANKS: "Question banks (written by instructors)",
    **{family.source: family.label for family in families()},
}


def question_pool(banks: Catalog, *, seed: int) -> list[Question]:
    """Bank questions, then each family's generated questions; same seed, same pool."""
    return [*banks.questions, *(q for family in families() for q in family.pool(seed))]


def _family_of(bank: str) -> Family | None:
    return next((family for family in families() if family.bank == bank), None)


def source_of(question: Question) -> str:
    """Where a question comes from: "banks", or the source of the family that made it."""
    family = _family_of(question.bank)
    return family.source if family else BANKS


def find_questions(pool: Iterable[Question], full_ids: Iterable[str]) -> list[Question | None]:
    """The question of each full id: from the pool, else rebuilt from a generated id; None
    for one that is gone (a bank question whose bank changed)."""
    by_id = {question.full_id: question for question in pool}
    return [by_id.get(full_id) or regenerate(full_id) for full_id in full_ids]


def regenerate(full_id: str) -> Question | None:
    """Rebuild a generated question from its id ("gen-registry/uid-to-name-5-1-4-1-1-2"), or
    find a lab scenario's question ("lab-enhanced-mr-refused/which-class")."""
    bank, _, qid = full_id.partition("/")
    family = _family_of(bank)
    if family is None:
        from trainer.core.lab.scenarios import find_question  # reads lab/ only when asked

        return find_question(full_id)
    # The longest name that prefixes the id: "count-difference-7" is not "count-..." of another.
    matches = [g for g in family.generators if qid.startswith(f"{g.name}-")]
    if not matches:
        return None
    generator = max(matches, key=lambda g: len(g.name))
    try:
        return generator.make(qid[len(generator.name) + 1 :])
    except (ValueError, LookupError):  # a parameter this version cannot read
        return None
