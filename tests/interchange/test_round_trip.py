"""Bank -> Moodle XML -> bank and bank -> GIFT -> bank give the same questions, every type;
text that needs escaping survives; every format's per-type table covers every type."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from trainer.core.interchange import (
    gift_export,
    gift_import,
    moodle_export,
    moodle_import,
)
from trainer.core.questions import Question, SingleChoice, TrueFalse, in_bank


def _same(originals: list[Question], imported: list[Question]) -> None:
    assert len(imported) == len(originals)
    for original, back in zip(originals, imported):
        assert back.model_dump() == original.model_dump(), original.full_id


def test_moodle_round_trip_gives_equal_questions_of_every_type(every_type, tmp_path):
    path = tmp_path / "questions.xml"
    path.write_text(moodle_export.moodle_xml(every_type, "course"), encoding="utf-8")
    ET.parse(path)  # well-formed XML
    imported = moodle_import.read_moodle(path)
    assert imported.problems == [] and imported.notes == []
    _same(every_type, imported.questions)


def test_gift_round_trip_gives_equal_questions_of_every_type(every_type, tmp_path):
    path = tmp_path / "questions.gift"
    path.write_text(gift_export.gift(every_type, "course"), encoding="utf-8")
    imported = gift_import.read_gift(path)
    assert imported.problems == [] and imported.notes == []
    _same(every_type, imported.questions)


AWKWARD = "A ]]> B <b>&amp;</b> ~ = # { } : \\ -> 50% \"quoted\"  two  spaces\nnext line"


def _awkward() -> list[Question]:
    base = dict(topics=["uids"], difficulty=1, explanation=AWKWARD, references=[AWKWARD])
    return [
        in_bank(SingleChoice(id="awkward", type="single_choice", prompt=AWKWARD,
                             choices=[AWKWARD, "plain", {"text": "pinned", "pinned": True}],
                             answer="A", **base), "odd"),
        in_bank(TrueFalse(id="awkward-tf", type="true_false", prompt="{not a} =question=",
                          answer=False, **base), "odd"),
    ]


@pytest.mark.parametrize("fmt", ["moodle", "gift"])
def test_special_characters_survive_escaping(fmt, tmp_path):
    questions = _awkward()
    path = tmp_path / f"odd.{fmt}"
    if fmt == "moodle":
        text = moodle_export.moodle_xml(questions, "odd")
        path.write_text(text, encoding="utf-8")
        imported = moodle_import.read_moodle(path)
    else:
        text = gift_export.gift(questions, "odd")
        assert "\\~ \\= \\# \\{ \\} \\: \\\\" in text
        path.write_text(text, encoding="utf-8")
        imported = gift_import.read_gift(path)
    assert imported.problems == []
    _same(questions, imported.questions)


def test_moodle_file_has_topic_categories_and_feedback(every_type):
    root = ET.fromstring(moodle_export.moodle_xml(every_type[:30], "course"))
    categories = [q.findtext("category/text") for q in root if q.get("type") == "category"]
    assert categories[0] == f"$course$/top/course/{every_type[0].topics[0]}"
    questions = [q for q in root if q.get("type") != "category"]
    assert all(q.findtext("generalfeedback/text") for q in questions)
    choice = next(q for q in questions if q.get("type") == "multichoice")
    assert all(answer.findtext("feedback/text") for answer in choice.iter("answer"))
    assert {q.get("type") for q in ET.fromstring(moodle_export.moodle_xml(every_type, "c"))} == {
        "category", "multichoice", "truefalse", "matching", "ordering", "shortanswer", "numerical"}


def test_exhibits_are_html_tables_and_preformatted_text(every_type):
    table = next(q for q in every_type if q.exhibit is not None and q.exhibit.kind == "table")
    text = next(q for q in every_type if q.exhibit is not None and q.exhibit.kind == "text")
    xml = moodle_export.question_xml(table)
    assert '<table class="exhibit"' in xml and "<th>" in xml
    assert "<pre>" in moodle_export.question_xml(text)


def test_cdata_splits_its_end_marker():
    wrapped = moodle_export.cdata("<p>a ]]> b</p>")
    assert ET.fromstring(f"<text>{wrapped}</text>").text == "<p>a ]]> b</p>"
