"""The course hangs together: topics, lessons, banks, generators and blueprints agree.

Every topic is taught where topics.yaml says and has questions; every lesson's quiz has
questions that keep to what it and the lessons before it teach; the shipped banks pass
`bank validate`'s checks; and the exam blueprints keep classes a PACS analyst never meets out
of their draws unless they ask for them (never more than a tenth of a Quick check).
"""

from __future__ import annotations

import random
from functools import cache

import pytest

from trainer.core.bank_checks import lesson_link_errors, longest_key_warning
from trainer.core.banks import load_banks
from trainer.core.blueprints import load_blueprints
from trainer.core.exam import build_form
from trainer.core.generators import registry_questions as rq
from trainer.core.lessons import load_lessons
from trainer.core.paths import lessons_dir, question_bank_dir
from trainer.core.pool import question_pool, regenerate
from trainer.core.registry import load_registry
from trainer.core.topics import TOPICS, in_lesson_quiz, shipped_topics, taught_by

LESSONS = load_lessons(lessons_dir())
COURSE = [lesson.id for lesson in LESSONS.lessons]
CATALOG = load_banks([question_bank_dir()])
BLUEPRINTS = load_blueprints(question_bank_dir() / "exams")


@cache
def pool(seed: int):
    return tuple(question_pool(CATALOG, seed=seed))


def test_the_topics_file_is_clean_and_names_real_lessons():
    assert [str(error) for error in shipped_topics().errors] == []
    for topic in TOPICS:
        lesson = taught_by(topic)
        assert lesson is None or lesson in COURSE, topic


def test_a_topic_is_taught_by_the_first_lesson_that_lists_it():
    for topic in TOPICS:
        listing = [lesson.id for lesson in LESSONS.lessons if topic in lesson.topics]
        assert taught_by(topic) == (listing[0] if listing else None), topic


@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_topic_has_questions(topic):
    questions = [q for q in pool(1) if topic in q.topics]
    assert len(questions) >= 5, f"{topic}: {len(questions)} questions"


@pytest.mark.parametrize("lesson", LESSONS.lessons, ids=lambda lesson: lesson.id)
def test_every_lesson_quiz_has_questions_that_keep_to_the_course(lesson):
    def in_quiz(question) -> bool:
        anchor = question.lesson.id if question.lesson else None
        return in_lesson_quiz(question.topics, anchor, lesson.id, lesson.topics, COURSE)

    quiz = [q for q in pool(1) if in_quiz(q)]
    assert len(quiz) >= 8, f"{lesson.id}: {len(quiz)} questions"
    here = COURSE.index(lesson.id)
    for question in quiz:
        assert all(COURSE.index(taught_by(topic)) <= here for topic in question.topics)


def test_the_shipped_banks_pass_the_link_and_length_checks():
    assert [str(e) for r in CATALOG.results for e in lesson_link_errors(r, LESSONS)] == []
    assert [str(w) for r in CATALOG.results if (w := longest_key_warning(r))] == []


def subject(question) -> object | None:
    """The SOP class a generated registry question is about, if it is about one."""
    if question.bank != rq.BANK or question.id.startswith("dimse-task-"):
        return None
    names = [g.name for g in rq.GENERATORS if question.id.startswith(g.name + "-")]
    name = max(names, key=len)
    uid = rq.DICOM_ROOT + question.id[len(name) + 1 :].replace("-", ".")
    return load_registry().by_uid(uid)


@pytest.mark.parametrize("seed", range(0, 60, 3))
def test_a_quick_check_never_spends_more_than_a_tenth_on_rare_classes(seed):
    blueprint = BLUEPRINTS.get("quick-check")
    form = build_form(blueprint, pool(seed), random.Random(seed))
    questions = [regenerate(qid) or CATALOG.get(qid) for qid in form.question_ids]
    rare = [q.full_id for q in questions if (sop := subject(q)) is not None and not sop.common]
    assert len(rare) <= blueprint.questions // 10, rare


@pytest.mark.parametrize("exam", [b.id for b in BLUEPRINTS.blueprints])
def test_rare_classes_appear_only_where_a_blueprint_asks_for_them(exam):
    blueprint = BLUEPRINTS.get(exam)
    asked = any(rq.SPECIALISED in draw.topics for draw in blueprint.draws)
    for seed in (1, 7, 42):
        form = build_form(blueprint, pool(seed), random.Random(seed))
        questions = [regenerate(qid) or CATALOG.get(qid) for qid in form.question_ids]
        rare = [q for q in questions if rq.SPECIALISED in q.topics]
        assert bool(rare) <= asked
        assert len(rare) <= max(draw.count or 0 for draw in blueprint.draws)
