"""Topics are data next to the lessons: read from YAML with located errors, scoped by lesson."""

from __future__ import annotations

import textwrap

from trainer.core.topics import TOPICS, in_lesson_quiz, load_topics, taught_by, topic_title


def write(tmp_path, text: str):
    path = tmp_path / "topics.yaml"
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def test_a_topics_file_is_read_in_order_with_titles_and_lessons(tmp_path):
    path = write(
        tmp_path,
        """\
        zeta:
          title: Last letter first
          lesson: greek
        alpha:
          title: "First: letter"
        """,
    )
    catalog = load_topics(path)
    assert catalog.errors == ()
    assert list(catalog.topics) == ["zeta", "alpha"]
    assert catalog.topics["zeta"].lesson == "greek"
    assert catalog.topics["alpha"].title == "First: letter"
    assert catalog.topics["alpha"].lesson is None


def test_bad_entries_are_located_and_the_good_ones_still_load(tmp_path):
    path = write(
        tmp_path,
        """\
        good:
          title: Fine
        Bad_Id:
          title: Nope
        no-title:
          lesson: uids
        typo:
          titel: Misspelt
        wrong-lesson:
          title: T
          lesson: [a, b]
        """,
    )
    catalog = load_topics(path)
    assert list(catalog.topics) == ["good"]
    assert [str(error) for error in catalog.errors] == [
        f"{path}:3:1: topic id \"Bad_Id\" must be lowercase words joined by '-'",
        f"{path}:5:1: no-title: title must be non-empty text",
        f'{path}:8:3: typo: unknown field "titel"; did you mean "title"?',
        f"{path}:11:11: wrong-lesson: lesson must be a lesson id such as uids",
    ]


def test_a_broken_or_missing_file_is_an_error_not_a_crash(tmp_path):
    broken = write(tmp_path, "a: [unclosed\n")
    catalog = load_topics(broken)
    assert catalog.topics == {} and str(catalog.errors[0]).startswith(f"{broken}:2:")
    missing = load_topics(tmp_path / "none.yaml")
    assert "cannot read the file" in str(missing.errors[0])
    assert load_topics(write(tmp_path, "- a\n- b\n")).errors[0].line == 1


def test_the_shipped_topics_are_the_vocabulary_of_the_app():
    assert TOPICS["uids"] == "SOP Class UID vs SOP Instance UID"
    assert "query-retrieve" in TOPICS and "no-such-topic" not in TOPICS
    assert topic_title("no-such-topic") == "no-such-topic"
    assert taught_by("file-meta") == "dicom-basics"
    assert taught_by("specialised-sop-classes") is None


COURSE = ["dicom-basics", "sop-classes", "uids", "image-sop-classes", "pr-sr-ko"]


def test_a_lesson_quiz_keeps_to_that_lesson_and_what_came_before():
    def basics(topics: list[str], anchor: str | None) -> bool:
        lesson_topics = ("dicom-basics", "information-model", "file-meta")
        return in_lesson_quiz(topics, anchor, "dicom-basics", lesson_topics, COURSE)

    # About the lesson, nothing later: in.
    assert basics(["information-model"], "dicom-basics") and basics(["file-meta"], None)
    # The newcomer's case: shares information-model, but also asks about UIDs or PR objects.
    assert not basics(["information-model", "uids"], "uids")
    assert not basics(["pr-sr-ko", "information-model"], None)
    # Anchored to a later lesson: out, even with an early topic.
    assert not basics(["information-model"], "uids")


def test_a_later_lesson_quiz_may_ask_earlier_topics_only_with_its_own():
    uids_topics = ("uids", "file-meta")
    assert in_lesson_quiz(["uids", "information-model"], None, "uids", uids_topics, COURSE)
    assert not in_lesson_quiz(["information-model"], None, "uids", uids_topics, COURSE)
    assert not in_lesson_quiz(["specialised-sop-classes"], None, "uids", uids_topics, COURSE)
    assert not in_lesson_quiz(["uids"], None, "not-a-lesson", uids_topics, COURSE)
