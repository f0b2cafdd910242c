"""The seeded pool is defined per content version: a new generator or family reshuffles nothing
else, and families are found by registration, not by a list in the pool."""

from __future__ import annotations

import dataclasses
import random

from trainer.cli import main
from trainer.core import pool
from trainer.core.banks import Catalog
from trainer.core.generators import Family, Generator, single_choice
from trainer.core.generators import registry_questions as rq
from trainer.core.questions import Question

NO_BANKS = Catalog(())


def _colour_question(parameter: str, qid: str) -> Question:
    return single_choice(
        qid,
        random.Random(qid),
        parameter,
        [other for other in ("red", "green", "blue", "cyan") if other != parameter][:3],
        prompt="Which colour?",
        explanation="A test generator.",
        topics=("dicom-basics",),
        difficulty=1,
        references=("PS3.1",),
    )


def _colours(bank: str) -> Generator:
    draw = lambda rng: rng.choice(("red", "green", "blue", "cyan"))  # noqa: E731
    return Generator("colour", bank, frozenset({"dicom-basics"}), draw, _colour_question, 3)


def ids(questions: list[Question]) -> list[str]:
    return [question.full_id for question in questions]


def by_bank(questions: list[Question], bank: str) -> list[str]:
    return [q.full_id for q in questions if q.bank == bank]


def test_a_new_generator_in_a_family_leaves_the_other_generators_questions_alone(monkeypatch):
    before = pool.question_pool(NO_BANKS, seed=11)
    registry = next(family for family in pool.families() if family.source == "registry")
    grown = dataclasses.replace(
        registry, generators=(*registry.generators, _colours(registry.bank))
    )
    others = tuple(family for family in pool.families() if family is not registry)
    monkeypatch.setattr(pool, "families", lambda: (grown, *others))
    after = pool.question_pool(NO_BANKS, seed=11)
    added = [qid for qid in ids(after) if "/colour-" in qid]
    assert len(added) == 3
    assert [qid for qid in ids(after) if qid not in added] == ids(before)


def test_a_new_family_leaves_every_other_source_alone(monkeypatch):
    before = pool.question_pool(NO_BANKS, seed=5)
    extra = Family("colours", "Colours (test)", "gen-colours", (_colours("gen-colours"),), 9)
    shipped = pool.families()
    monkeypatch.setattr(pool, "families", lambda: (*shipped, extra))
    after = pool.question_pool(NO_BANKS, seed=5)
    assert [q for q in ids(after) if not q.startswith("gen-colours/")] == ids(before)
    assert len(by_bank(after, "gen-colours")) == 3
    made = next(q for q in after if q.bank == "gen-colours")
    assert pool.source_of(made) == "colours"
    assert pool.regenerate(made.full_id).model_dump() == made.model_dump()


def test_same_seed_same_pool_another_seed_another():
    first = ids(pool.question_pool(NO_BANKS, seed=3))
    assert ids(pool.question_pool(NO_BANKS, seed=3)) == first
    assert ids(pool.question_pool(NO_BANKS, seed=4)) != first


def test_families_are_found_in_the_package_with_their_labels():
    sources = [family.source for family in pool.families()]
    assert sources[:2] == ["registry", "studies"]
    assert pool.SOURCES == ("banks", *sources)
    assert set(pool.SOURCE_LABELS) == set(pool.SOURCES)
    assert rq.FAMILY in pool.families()


def test_the_cli_knows_every_source_and_says_which_exist(capsys):
    for source in pool.SOURCES[1:]:
        assert main(["questions", "sample", "--source", source, "--count", "1"]) == 0
    capsys.readouterr()
    assert main(["questions", "sample", "--source", "studys", "--count", "1"]) == 2
    err = capsys.readouterr().err
    assert "unknown source 'studys'" in err and 'did you mean "studies"' in err
    assert all(source in err for source in pool.SOURCES)
