"""The shipped scenarios: they load, and on the real network each behaves as it says: the
first send fails, each change in solved_by alone makes every instance arrive, the others do
not; what the questions claim about counts is what C-FIND returns."""

from __future__ import annotations

import re

import pytest
from conftest import QUICK

from trainer.core.lab.scenarios import find_question, load_scenarios, shipped
from trainer.core.lab.session import LabSession
from trainer.core.lab.transcript import Transcript
from trainer.core.paths import lab_dir
from trainer.core.pool import find_questions
from trainer.core.questions import Numeric

SCENARIOS = shipped().scenarios
STORING = [s for s in SCENARIOS if s.goal == "all-stored"]


def test_the_shipped_scenarios_load_without_errors():
    assert not shipped().errors
    ids = {scenario.id for scenario in SCENARIOS}
    assert {"enhanced-mr-refused", "wrong-called-ae", "jpeg2000-refused", "pacs-vs-vna-counts",
            "ko-series-no-images", "private-sop-class"} <= ids


@pytest.fixture
def session(tmp_path):
    made = []

    def make(scenario):
        lab = LabSession(scenario, tmp_path / scenario.id, timeouts=QUICK)
        lab.start()
        made.append(lab)
        return lab

    yield make
    for lab in made:
        lab.stop()


@pytest.mark.parametrize("scenario", STORING, ids=lambda s: s.id)
def test_the_ticket_is_real_and_only_the_right_changes_solve_it(scenario, session):
    first = session(scenario)
    [sent] = first.send(Transcript())
    assert sent.report.failed == sent.report.total or sent.report.failed > 0
    for change in scenario.changes:
        lab = session(scenario)
        lab.apply(change.id, Transcript())
        reports = [sent.report for sent in lab.send(Transcript())]
        solved = all(not report.failed for report in reports)
        assert solved == (change.id in scenario.solved_by), change.id


def _numeric(scenario, question_id: str) -> float:
    question = next(q for q in scenario.questions if q.id == question_id)
    assert isinstance(question, Numeric)
    return question.answer


def test_pacs_and_vna_show_two_and_three_and_find_says_three(session):
    scenario = shipped().get("pacs-vs-vna-counts")
    lab = session(scenario)
    lab.send(Transcript())
    shown = {name: lab.pacs[name].archive.studies()[0].count(lab.conformance(name).count)
             for name in lab.names}
    assert shown == {"PACS": 2, "VNA": 3}
    [match] = lab.find("STUDY", Transcript(), "PACS").matches
    assert match["NumberOfStudyRelatedInstances"] == _numeric(scenario, "related-instances")


def test_the_ko_series_holds_one_instance_and_no_image(session):
    scenario = shipped().get("ko-series-no-images")
    lab = session(scenario)
    lab.send(Transcript())
    found = lab.find("SERIES", Transcript(), keys={"SeriesNumber": "990", "Modality": "",
                                                  "NumberOfSeriesRelatedInstances": ""})
    assert found.matches == [{"SeriesNumber": 990, "Modality": "KO",
                              "NumberOfSeriesRelatedInstances":
                                  _numeric(scenario, "series-instances")}]
    [study] = lab.pacs["PACS"].archive.studies()
    [ko] = [series for series in study.series if series.series_number == 990]
    assert ko.count(lab.conformance().count) == 0


def test_questions_are_found_again_by_id_for_review_and_mistakes():
    question = SCENARIOS[0].questions[0]
    assert question.full_id.startswith("lab-")
    assert find_question(question.full_id) is question
    assert find_questions([], [question.full_id]) == [question]
    assert find_question("lab-no-such/which") is None


def test_a_bad_scenario_is_reported_with_file_and_line_and_the_others_load(tmp_path):
    good = (shipped().get("wrong-called-ae"))
    assert good is not None
    (tmp_path / "bad.yaml").write_text(
        "id: broken\ntitle: t\nsummary: s\nticket: t\ngoal: all-stored\n"
        "modality:\n  ae_title: A_TITLE_THAT_IS_FAR_TOO_LONG\n  template: mr-knee\n"
        "pacs:\n  - storage: [Not A Class]\nquestions: []\n"
    )
    catalog = load_scenarios([tmp_path])
    assert catalog.scenarios == ()
    messages = [str(error) for error in catalog.errors]
    assert any(":7:13: modality.ae_title: AE title" in m and "at most 16" in m for m in messages)
    assert any(":10:15: pacs[0].storage[0]" in m and "not a Storage SOP class" in m
               for m in messages)


TAG = re.compile(r"\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)")


def test_every_tag_the_lab_shows_is_in_pydicoms_dictionary():
    from pydicom.datadict import keyword_for_tag, tag_for_keyword

    from trainer.ui.screens.lab import _COLUMN_TITLES

    texts = [path.read_text() for path in lab_dir().glob("*.yaml")]
    tags = {(int(g, 16) << 16) | int(e, 16) for text in texts for g, e in TAG.findall(text)}
    assert tags, "the scenarios cite no tag"
    for tag in tags:
        assert keyword_for_tag(tag), f"({tag >> 16:04X},{tag & 0xFFFF:04X}) is not in PS3.6"
    for keyword, title in _COLUMN_TITLES.items():
        found = TAG.fullmatch(title)
        if found:
            assert tag_for_keyword(keyword) == (int(found[1], 16) << 16) | int(found[2], 16)


def test_private_sop_classes_named_by_the_lab_are_not_dicom_uids():
    from trainer.core.lab.names import PRIVATE_SOP_CLASSES
    from trainer.core.registry import uid_dictionary

    for uid in PRIVATE_SOP_CLASSES:
        assert not uid.startswith("1.2.840.10008.") and uid not in uid_dictionary()


def test_the_uids_the_lab_names_are_pydicoms():
    from trainer.core.lab import names
    from trainer.core.registry import uid_dictionary

    dictionary = uid_dictionary()
    for group, uids in names.TRANSFER_SYNTAX_GROUPS.items():
        for uid in uids:
            assert dictionary[uid][1] == "Transfer Syntax", (group, uid)
    assert dictionary[names.VERIFICATION][0] == "Verification SOP Class"
    assert dictionary[names.STUDY_ROOT_FIND][0] == (
        "Study Root Query/Retrieve Information Model - FIND")
    assert dictionary[names.JPEG2000_LOSSLESS][0] == "JPEG 2000 Image Compression (Lossless Only)"
