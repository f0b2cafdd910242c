"""The shipped question banks: they load cleanly, cover every type and link to real lessons.

Loading already enforces the rest (every question has an explanation and a reference, every
DICOM UID is in pydicom's registry, topics are known), so a clean load is the main check.
"""

from __future__ import annotations

import re

import pytest

from trainer.core.banks import Catalog, bank_files, load_bank, load_banks
from trainer.core.lessons import load_lessons, slugify
from trainer.core.paths import lessons_dir, question_bank_dir
from trainer.core.questions import QUESTION_TYPES

SCHEMA_LINE = "# yaml-language-server: $schema=schema/question-bank.schema.json"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_banks([question_bank_dir()])


def test_every_shipped_bank_loads_without_errors(catalog):
    assert [str(error) for error in catalog.errors] == []


def test_at_least_120_questions_covering_every_type(catalog):
    assert len(catalog.questions) >= 120
    assert sorted({question.type for question in catalog.questions}) == sorted(QUESTION_TYPES)


def test_lesson_anchors_point_at_real_lessons_and_headings(catalog):
    lessons = load_lessons(lessons_dir())
    broken = []
    for question in catalog.questions:
        anchor = question.lesson
        if anchor is None:
            continue
        lesson = lessons.get(anchor.id)
        if lesson is None:
            broken.append(f"{question.full_id}: no lesson {anchor.id!r}")
        elif anchor.section and lesson.page_index(slugify(anchor.section)) is None:
            headings = [page.title for page in lesson.pages]
            broken.append(f"{question.full_id}: {anchor.section!r} is not one of {headings}")
    assert broken == []


def test_every_shipped_bank_declares_the_schema_for_editors():
    first_lines = {
        path.name: path.read_text("utf-8").splitlines()[0]
        for path in bank_files(question_bank_dir())
    }
    assert first_lines and all(line == SCHEMA_LINE for line in first_lines.values()), first_lines


def test_the_instructor_guide_examples_validate(tmp_path):
    guide = (question_bank_dir() / "README.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, re.S)
    questions = [block for block in blocks if block.startswith("  - id:")]
    exhibits = [block for block in blocks if block.startswith("    exhibit:")]
    assert len(questions) == len(QUESTION_TYPES) and len(exhibits) == 2
    for number, exhibit in enumerate(exhibits):
        renamed = re.sub(r"^  - id: \S+", f"  - id: exhibit-{number}", questions[0])
        questions.append(renamed + exhibit)
    path = tmp_path / "guide.yaml"
    header = "id: guide\ntitle: Guide\nversion: 1\nauthor: T\nlicense: CC0-1.0\nquestions:\n"
    path.write_text(header + "".join(questions), "utf-8")
    result = load_bank(path)
    assert [str(error) for error in result.errors] == []
    assert sorted({q.type for q in result.bank.questions}) == sorted(QUESTION_TYPES)
