"""Exam blueprints: the shipped ones load and fill; bad ones give located errors; short draws
say which draw is short."""

from __future__ import annotations

import random
import textwrap
from collections import Counter
from functools import cache

import pytest

from trainer.core.banks import load_banks
from trainer.core.blueprints import Blueprint, load_blueprints
from trainer.core.exam import ShortDraw, build_form
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool, source_of

EXAMS = question_bank_dir() / "exams"


@cache
def shipped_pool(seed: int):
    return tuple(question_pool(load_banks([question_bank_dir()]), seed=seed))


def blueprint(**fields) -> Blueprint:
    data = {"id": "t", "title": "T", "questions": 10, "time_limit_minutes": 10, "pass_mark": 70,
            "draws": [{"count": 10}]}
    return Blueprint.model_validate({**data, **fields})


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def test_shipped_blueprints_load_as_the_issue_describes():
    catalog = load_blueprints(EXAMS)
    assert catalog.errors == ()
    shape = {b.id: (b.title, b.questions, b.time_limit_minutes) for b in catalog.blueprints}
    assert shape == {
        "quick-check": ("Quick check", 20, 15),
        "sop-certification": ("SOP classes certification practice", 100, 60),
        "study-lists": ("Study lists and image counts", 30, 30),
        "sop-networking": ("Networking, encoding and workflow", 25, 25),
    }


@pytest.mark.parametrize("seed", [1, 3, 17, 2024])
@pytest.mark.parametrize(
    "exam", ["quick-check", "sop-certification", "study-lists", "sop-networking"]
)
def test_shipped_blueprints_fill_from_shipped_banks_and_generators(exam, seed):
    bp = load_blueprints(EXAMS).get(exam)
    pool = shipped_pool(seed)
    form = build_form(bp, pool, random.Random(seed))
    assert len(form.items) == bp.questions + bp.pilot_items
    assert len(set(form.question_ids)) == len(form.items)  # no question twice


def test_certification_is_mostly_four_option_single_choice_with_few_true_false():
    bp = load_blueprints(EXAMS).get("sop-certification")
    pool = shipped_pool(5)
    by_id = {q.full_id: q for q in pool}
    questions = [by_id[qid] for qid in build_form(bp, pool, random.Random(5)).question_ids]
    types = Counter(q.type for q in questions)
    assert types["true_false"] <= 10
    assert types["single_choice"] >= 80
    assert all(len(q.choices) == 4 for q in questions if hasattr(q, "choices"))


def test_study_list_exam_mixes_generated_study_lists_with_bank_questions():
    bp = load_blueprints(EXAMS).get("study-lists")
    pool = shipped_pool(5)
    by_id = {q.full_id: q for q in pool}
    sources = Counter(source_of(by_id[qid]) for qid in build_form(bp, pool, random.Random(5)).question_ids)
    assert sources["studies"] >= 14 and sources["banks"] >= 12


def test_same_seed_same_form_another_seed_another():
    bp = load_blueprints(EXAMS).get("quick-check")
    pool = shipped_pool(1)
    first = build_form(bp, pool, random.Random(8))
    assert build_form(bp, pool, random.Random(8)) == first
    assert build_form(bp, pool, random.Random(9)).question_ids != first.question_ids


def test_weights_share_what_the_counts_leave():
    bp = blueprint(questions=20, draws=[{"count": 5}, {"weight": 2}, {"weight": 1}, {"weight": 1}])
    assert bp.draw_counts() == [5, 7, 4, 4]  # 7.5, 3.75, 3.75: the largest remainders round up
    assert sum(bp.draw_counts()) == 20


def test_a_short_draw_is_named_with_its_selectors():
    bp = blueprint(
        questions=60,
        # The first draw shares no question with the second, so "available" is all of them.
        draws=[{"topics": ["image-counts"], "count": 10}, {"topics": ["private-sop-classes"],
                                                            "sources": ["banks"], "count": 50}],
    )
    pool = shipped_pool(1)
    available = sum(1 for q in pool if "private-sop-classes" in q.topics and source_of(q) == "banks")
    with pytest.raises(ShortDraw) as caught:
        build_form(bp, pool, random.Random(1))
    assert str(caught.value) == (
        "draws[1] (topic private-sop-classes; source banks): needs 50 questions, "
        f"only {available} available"
    )


def test_max_percent_by_type_and_choice_count_are_kept():
    bp = blueprint(
        questions=40,
        allowed_types=["single_choice", "true_false"],
        max_percent_by_type={"true_false": 10},
        choice_count=4,
        draws=[{"sources": ["registry"], "count": 40}],
    )
    pool = shipped_pool(2)
    by_id = {q.full_id: q for q in pool}
    questions = [by_id[qid] for qid in build_form(bp, pool, random.Random(2)).question_ids]
    assert Counter(q.type for q in questions)["true_false"] <= 4
    assert {q.type for q in questions} <= {"single_choice", "true_false"}
    assert all(len(q.choices) == 4 for q in questions if q.type == "single_choice")


def test_pilot_items_come_on_top_and_are_marked():
    bp = blueprint(questions=10, pilot_items=3, draws=[{"topics": ["uids"], "count": 10}])
    form = build_form(bp, shipped_pool(1), random.Random(4))
    assert len(form.items) == 13 and len(form.pilot) == 3


def test_a_bad_blueprint_gives_located_errors_and_the_good_ones_load(tmp_path):
    write(tmp_path, "good.yaml", """\
        id: good
        title: Good
        questions: 2
        time_limit_minutes: 5
        pass_mark: 50
        draws:
          - {topics: [uids], count: 2}
        """)
    bad = write(tmp_path, "bad.yaml", """\
        id: bad
        title: Bad
        questions: 20
        time_limit: 5
        pass_mark: 170
        navigation: fre
        draws:
          - topics: [uid]
            count: 12
          - count: 3
            weight: 2
        """)
    catalog = load_blueprints(tmp_path)
    assert [b.id for b in catalog.blueprints] == ["good"]
    assert [str(e) for e in catalog.errors] == [
        f'{bad}:1:1: missing required field "time_limit_minutes"',
        f'{bad}:4:1: unknown field "time_limit"; did you mean "time_limit_minutes"?',
        f"{bad}:5:12: pass_mark: must be at most 100 (got 170)",
        f'{bad}:6:13: navigation: must be one of free, sequential (got "fre"); did you mean "free"?',
        f'{bad}:8:14: draws[0].topics[0]: unknown topic "uid"; did you mean "uids"?',
        f"{bad}:10:5: draws[1]: give a draw either a count or a weight (not both)",
    ]


def test_counts_that_do_not_add_up_point_at_the_draws(tmp_path):
    path = write(tmp_path, "sum.yaml", """\
        id: sum
        title: Sum
        questions: 20
        time_limit_minutes: 5
        pass_mark: 50
        draws:
          - {topics: [uids], count: 12}
        """)
    [error] = load_blueprints(tmp_path).errors
    assert str(error) == (
        f"{path}:7:3: draws: the draw counts add up to 12 but questions is 20; fix a count, "
        "or give a draw a weight to take the rest"
    )


def test_a_blueprint_id_used_twice_is_an_error(tmp_path):
    text = """\
        id: same
        title: Same
        questions: 1
        time_limit_minutes: 5
        pass_mark: 50
        draws: [{count: 1}]
        """
    write(tmp_path, "a.yaml", text)
    second = write(tmp_path, "b.yaml", text)
    catalog = load_blueprints(tmp_path)
    assert len(catalog.blueprints) == 1
    [error] = catalog.errors
    assert str(error).startswith(f'{second}:1:5: id: blueprint id "same" is already used by')
