"""Dashboard figures, and moving a learner's record between machines with export/import."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from testkit.stores import Backend

from trainer.cli import main
from trainer.core.banks import load_banks
from trainer.core.blueprints import load_blueprints
from trainer.core.exam import ExamSession
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool
from trainer.core.practice import PracticeSession
from trainer.core.progress import dashboard
from trainer.core.questions import correct_response
from trainer.core.record_file import RECORD_FORMAT, RecordError, export_record, import_record
from trainer.core.review import Rating
from trainer.core.store import Store

UTC_DAY = timedelta(0)
DAY = 86400
LESSONS = ["dicom-basics", "uids"]


@pytest.fixture(scope="module")
def pool():
    return question_pool(load_banks([question_bank_dir()]), seed=11)


def practise(store, clock, questions, rights, seconds=30.0):
    session = PracticeSession(list(questions), random.Random(1), clock, store)
    for right in rights:
        question = session.current.question
        session.answer(correct_response(question) if right else None, seconds)
        clock.advance(seconds)
        session.advance()
    return session


def on_topic(pool, topic, count):
    return [q for q in pool if q.topics == (topic,)][:count]


def test_dashboard_after_a_practice_round(backend, clock, pool):
    store = backend.open(clock)
    store.mark_lesson_complete("uids")
    store.mark_lesson_complete("a-lesson-no-longer-shipped")
    uids, dimse = on_topic(pool, "uids", 4), on_topic(pool, "dimse", 4)
    practise(store, clock, uids + dimse, [True] * 4 + [False, False, False, True])
    figures = dashboard(store, clock.now(), LESSONS, UTC_DAY)
    assert figures.lessons_completed == 1
    assert figures.answers == 8 and figures.cards == 8
    assert figures.studied == timedelta(seconds=8 * 30)
    assert figures.streak == 1
    topics = {t.topic: t for t in figures.topics}
    assert (topics["uids"].answers, topics["uids"].right) == (4, 4)
    assert (topics["dimse"].answers, topics["dimse"].right) == (4, 1)
    # Weakest first: dimse before uids; topics never practised come last, unrated.
    order = [t.topic for t in figures.topics]
    assert order.index("dimse") < order.index("uids")
    assert figures.topics[-1].mastery is None
    assert [t.topic for t in figures.weakest] == ["dimse"]


def test_memory_fades_without_review(backend, clock, pool):
    store = backend.open(clock)
    practise(store, clock, on_topic(pool, "uids", 3), [True] * 3)
    soon = {t.topic: t for t in dashboard(store, clock.now(), LESSONS, UTC_DAY).topics}
    clock.advance(90 * DAY)
    later = {t.topic: t for t in dashboard(store, clock.now(), LESSONS, UTC_DAY).topics}
    assert later["uids"].memory < soon["uids"].memory
    assert later["uids"].answers == 0  # older than the recent window


def test_streak_counts_days_in_a_row_up_to_today_or_yesterday(backend, clock, pool):
    store = backend.open(clock)
    for day in range(3):
        practise(store, clock, pool[day : day + 1], [True])
        clock.advance(DAY)
    # No answer yet today: the streak still stands.
    assert dashboard(store, clock.now(), LESSONS, UTC_DAY).streak == 3
    clock.advance(DAY)
    assert dashboard(store, clock.now(), LESSONS, UTC_DAY).streak == 0


def test_today_counts_answers_since_the_day_began_against_the_chosen_goal(backend, clock, pool):
    from trainer.core.today import DEFAULT_GOAL, GOAL_SETTING, GOALS, daily_goal, next_goal, today

    store = backend.open(clock)
    practise(store, clock, pool[:2], [True, False])
    clock.advance(DAY)  # yesterday's two do not count today
    practise(store, clock, pool[2:5], [True, True, False])
    store.mark_lesson_complete("uids")
    day = today(store, clock.now(), LESSONS, UTC_DAY)
    assert (day.answered, day.goal, day.goal_met) == (3, DEFAULT_GOAL, False)
    assert (day.streak, day.lessons_done, day.lessons) == (2, 1, 2)
    store.set_setting(GOAL_SETTING, str(GOALS[0]))
    practise(store, clock, pool[5:5 + GOALS[0] - 3], [False] * (GOALS[0] - 3))
    assert today(store, clock.now(), LESSONS, UTC_DAY).goal_met  # wrong answers count too
    assert [next_goal(goal) for goal in GOALS] == [*GOALS[1:], GOALS[0]]
    for hand_edited in ("7", "-20", "lots", ""):
        store.set_setting(GOAL_SETTING, hand_edited)
        assert daily_goal(store) == DEFAULT_GOAL


def test_exam_scores_over_time(backend, clock, pool):
    store = backend.open(clock)
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    for seed, right in ((1, False), (2, True)):
        session = ExamSession.start(store, blueprint, pool, seed=seed, clock=clock)
        for index, item in enumerate(session.items):
            session.answer(index, correct_response(item.question) if right else None)
        clock.advance(600)
        session.submit()
        clock.advance(DAY)
    figures = dashboard(store, clock.now(), LESSONS, UTC_DAY)
    assert [(e.score, e.passed, e.title) for e in figures.exams] == [
        (0.0, False, "Quick check"), (100.0, True, "Quick check"),
    ]
    assert figures.studied == timedelta(minutes=20)  # exam time counts as study


# --- export and import ----------------------------------------------------------------------


def full_store(backend, clock, pool, name="a") -> Store:
    """A store with every kind of record: settings, lessons, practice, an override, an exam
    (5 practice answers, and the Quick check's 20: one answered, 19 blanks)."""
    store = backend.open(clock, name=name)
    store.set_setting("theme", "nord")
    store.set_lesson_page("uids", 3)
    store.mark_lesson_complete("dicom-basics")
    session = practise(store, clock, pool[:5], [True, False, True, True, False])
    session.index = 0
    session.rate(Rating.Easy)
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    exam = ExamSession.start(store, blueprint, pool, seed=3, clock=clock)
    exam.answer(0, correct_response(exam.items[0].question))
    exam.flag(1, True)
    clock.advance(300)
    exam.submit()
    return store


def test_export_then_import_round_trips(backend, tmp_path, clock, pool):
    source = full_store(backend, clock, pool)
    counts = export_record(source, tmp_path / "record.json", clock.now())
    assert counts["answers"] == 25 and counts["exams"] == 1 and counts["cards"] == 25
    target = backend.open(clock, name="b")
    added = import_record(target, tmp_path / "record.json")
    assert added["answers"] == 25 and added["reviews"] == 25 and added["exams"] == 1
    assert target.export_data() == source.export_data()
    assert target.cards() == source.cards()  # the same schedule, the override included
    [attempt] = target.attempts()
    assert target.exam_items(attempt.id)[1].flagged


def test_importing_twice_adds_nothing(backend, tmp_path, clock, pool):
    source = full_store(backend, clock, pool)
    export_record(source, tmp_path / "record.json", clock.now())
    target = backend.open(clock, name="b")
    import_record(target, tmp_path / "record.json")
    before = target.export_data()
    again = import_record(target, tmp_path / "record.json")
    assert not any(again.values())
    assert target.export_data() == before


def test_import_merges_with_what_is_there(backend, tmp_path, clock, pool):
    source = full_store(backend, clock, pool)
    export_record(source, tmp_path / "record.json", clock.now())
    target = backend.open(clock, name="b")
    target.set_setting("theme", "gruvbox")
    clock.advance(DAY)
    target.set_lesson_page("uids", 1)  # later than the exported place, but not as far
    practise(target, clock, pool[:1], [True])  # the same question, answered here too
    import_record(target, tmp_path / "record.json")
    assert target.get_setting("theme") == "gruvbox"  # local settings win
    uids = target.lesson_progress()["uids"]
    assert (uids.last_page, uids.furthest_page) == (1, 3)
    assert target.lesson_progress()["dicom-basics"].completed
    assert target.answer_count() == 26
    # The shared card replays both machines' reviews in time order.
    reviews = target.reviews(pool[0].full_id)
    assert len(reviews) == 2 and reviews[0].rating == Rating.Easy


def bad_records(tmp_path, good: dict):
    def variant(**changes):
        return json.dumps({**good, **changes})

    answer = dict(good["answers"][0])
    yield "not json", '{"format": "pacs-trainer-record", "version": 1, "answ', "not valid JSON"
    yield "foreign", json.dumps({"name": "my playlist"}), "not a pacs-trainer record"
    yield "a list", "[1, 2, 3]", "not a pacs-trainer record"
    yield "newer", variant(version=99), "newer pacs-trainer"
    yield "no version", variant(version="1"), "no version"
    naive = {**answer, "answered_at": "2026-01-05T09:00:00"}
    yield "naive time", variant(answers=[answer, naive]), "answers.1.answered_at"
    yield "bad rating", variant(reviews=[{**good["reviews"][0], "rating": 7}]), "reviews.0.rating"
    orphan = {**good["reviews"][0], "question_id": "nowhere/q"}
    yield "orphan review", variant(reviews=[orphan]), "no card for nowhere/q"
    yield "unknown field", variant(answers=[{**answer, "extra": 1}]), "answers.0.extra"


def test_a_damaged_or_foreign_file_is_refused_and_changes_nothing(backend, tmp_path, clock, pool):
    source = full_store(backend, clock, pool)
    export_record(source, tmp_path / "record.json", clock.now())
    good = json.loads((tmp_path / "record.json").read_text())
    assert good["format"] == RECORD_FORMAT
    target = full_store(backend, clock, pool[5:], name="b")
    before = target.export_data()
    for name, text, message in bad_records(tmp_path, good):
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        with pytest.raises(RecordError, match=message):
            import_record(target, path)
        assert target.export_data() == before, name


def test_progress_cli_export_and_import(tmp_path, clock, pool, capsys):
    full_store(Backend("sqlite", tmp_path), clock, pool).close()
    record = tmp_path / "moving.json"
    assert main(["progress", "export", str(record), "--data-dir", str(tmp_path / "a")]) == 0
    assert "25 answers" in capsys.readouterr().out
    other = ["--data-dir", str(tmp_path / "new-machine")]
    assert main(["progress", "import", str(record), *other]) == 0
    assert "25 answers" in capsys.readouterr().out
    assert main(["progress", "import", str(record), *other]) == 0
    assert "Nothing new" in capsys.readouterr().out


def test_progress_cli_refuses_a_bad_file_without_creating_a_store(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    data = tmp_path / "fresh"
    assert main(["progress", "import", str(bad), "--data-dir", str(data)]) == 1
    assert "not a pacs-trainer record" in capsys.readouterr().err
    assert not data.exists()


def test_sqlite_to_postgresql_and_back_loses_nothing(tmp_path, clock, pool, postgres):
    """A learner moves from the laptop to the classroom server and back: the same record."""
    laptop = full_store(Backend("sqlite", tmp_path), clock, pool)
    export_record(laptop, tmp_path / "laptop.json", clock.now())
    server = Backend("postgresql", tmp_path, postgres).open(clock, learner="ann")
    added = import_record(server, tmp_path / "laptop.json")
    assert added["answers"] == 25 and added["exams"] == 1
    assert server.export_data() == laptop.export_data()
    assert server.cards() == laptop.cards()
    export_record(server, tmp_path / "server.json", clock.now())
    back = Backend("sqlite", tmp_path).open(clock, name="back")
    import_record(back, tmp_path / "server.json")
    assert back.export_data() == laptop.export_data()
    assert back.cards() == laptop.cards() and back.attempts() == laptop.attempts()
