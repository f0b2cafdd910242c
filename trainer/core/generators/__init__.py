"""Questions made by code: from the SOP class registry, synthetic study lists, the standard.

A generator turns one parameter (a SOP Class UID, a study-list seed ...) into one question and
needs nothing else: the question id is "<generator>-<parameter>", so an id always names the
same question and spaced review can track it. Choices are placed by a `random.Random` seeded
with that id (a string seed is hashed with SHA-512, the same on every machine); `sample` draws
the parameters from the caller's seeded rng.

Generators come in families, one module of this package each. A module that defines
`FAMILY = Family(...)` is found by `trainer.core.pool` without being named anywhere else: a
new family is a source for practice, exams (`sources:` in a blueprint) and the CLI at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from trainer.core.questions import (
    LETTERS,
    Choice,
    MultipleSelect,
    Question,
    SingleChoice,
    in_bank,
)


@dataclass(frozen=True)
class Generator:
    name: str
    bank: str  # namespace of its questions: full ids read "<bank>/<name>-<parameter>"
    topics: frozenset[str]  # every topic its questions can carry
    draw: Callable[[random.Random], str]  # a parameter, usable in an id
    build: Callable[[str, str], Question | None]  # (parameter, question id) -> question
    count: int = 10  # questions it adds to each seeded pool

    def question_id(self, parameter: str) -> str:
        return f"{self.name}-{parameter}"

    def make(self, parameter: str) -> Question | None:
        """The question for `parameter`, or None when the parameter does not suit one."""
        question = self.build(parameter, self.question_id(parameter))
        return in_bank(question, self.bank) if question is not None else None


@dataclass(frozen=True)
class Family:
    """The generators of one module, and how the app names their source."""

    source: str  # what blueprints (`sources:`) and `questions --source` call it
    label: str  # what the practice screen shows
    bank: str  # the namespace of its questions' full ids
    generators: tuple[Generator, ...]
    order: int  # where it sits among the sources

    def pool(self, seed: int) -> list[Question]:
        """Each generator's `count` questions for `seed`, from a stream of its own: adding a
        generator, or a family, leaves every other generator's questions as they were."""
        return [
            question
            for generator in self.generators
            for question in sample(
                [generator], random.Random(f"{self.bank}/{generator.name}/{seed}"), generator.count
            )
        ]


def sample(
    generators: Sequence[Generator], rng: random.Random, count: int, topic: str | None = None
) -> list[Question]:
    """Up to `count` distinct questions, fewer only when the generators run out of new ones."""
    if topic is not None:
        generators = [generator for generator in generators if topic in generator.topics]
    found: dict[str, Question] = {}
    tried: set[str] = set()
    attempts = 0
    while generators and len(found) < count and attempts < 20 * count + 100:
        attempts += 1
        generator = rng.choice(generators)
        parameter = generator.draw(rng)
        key = generator.question_id(parameter)
        if key in tried:
            continue
        tried.add(key)
        question = generator.make(parameter)
        if question is not None and (topic is None or topic in question.topics):
            found[key] = question
    return list(found.values())


def single_choice(
    qid: str, rng: random.Random, correct: str, wrong: Sequence[str], **fields: Any
) -> SingleChoice:
    """A single-choice question with the right answer at a position `rng` picks."""
    texts = rng.sample([correct, *wrong], len(wrong) + 1)
    return SingleChoice(
        type="single_choice",
        id=qid,
        choices=tuple(Choice(text=text, pinned=False) for text in texts),
        answer=LETTERS[texts.index(correct)],
        **fields,
    )


def multiple_select(
    qid: str, rng: random.Random, correct: Sequence[str], wrong: Sequence[str], **fields: Any
) -> MultipleSelect:
    """A select-all question with its choices in an order `rng` picks."""
    texts = rng.sample([*correct, *wrong], len(correct) + len(wrong))
    return MultipleSelect(
        type="multiple_select",
        id=qid,
        choices=tuple(Choice(text=text, pinned=False) for text in texts),
        answer=tuple(LETTERS[texts.index(text)] for text in correct),
        **fields,
    )
