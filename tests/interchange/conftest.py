"""Questions of every type for the interchange tests: the shipped banks plus generated ones."""

from __future__ import annotations

import random

import pytest

from trainer.core.banks import load_banks
from trainer.core.generators import registry_questions, sample, study_questions
from trainer.core.paths import question_bank_dir
from trainer.core.questions import QUESTION_TYPES, Question


@pytest.fixture(scope="session")
def every_type() -> list[Question]:
    catalog = load_banks([question_bank_dir()])
    questions = [
        *catalog.questions,
        *sample(registry_questions.GENERATORS, random.Random(1), 30),
        *sample(study_questions.GENERATORS, random.Random(1), 30),
    ]
    assert {q.type for q in questions} == set(QUESTION_TYPES)
    return questions
