"""Generated questions are sound for any seed: one right answer, distinct choices, true UIDs.

The oracles below read pydicom's UID dictionary (and, for facts pydicom lacks, the registry)
or recompute the answer from the question's own exhibit, so a generator that mislabels an
answer fails here.
"""

from __future__ import annotations

import json
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as strat
from pydicom._uid_dict import UID_dictionary

from trainer.core.generators import Generator, sample
from trainer.core.generators import registry_questions as rq
from trainer.core.generators import study_questions as sq
from trainer.core.questions import (
    ID_PATTERN,
    LETTERS,
    MultipleSelect,
    Numeric,
    Question,
    SingleChoice,
    TableExhibit,
    TrueFalse,
    correct_response,
    grade,
)
from trainer.core.registry import VARIES, load_registry
from trainer.core.topics import TOPICS

SEEDS = strat.integers(min_value=0, max_value=2**63)
LESSONS = {
    "image-sop-classes",
    "pr-sr-ko",
    "study-lists",
    "image-counts",
    "sop-classes",
    "uids",
    "supporting-sop-classes",
}
DICOM_UID = re.compile(r"(?<![\d.])1\.2\.840\.10008(?:\.\d+)+")
CLAIM = re.compile(r"\((1\.2\.840\.10008(?:\.\d+)+)\)")
REGISTRY = load_registry()
ACTIVE_BY_NAME = {sop.name: sop for sop in REGISTRY if not sop.retired and sop.name}


def name_of(uid: str) -> str:
    return UID_dictionary[uid][0]


def texts(question: Question) -> list[str]:
    found = [question.prompt, question.explanation, *question.references]
    found += [choice.text for choice in getattr(question, "choices", ())]
    if isinstance(question.exhibit, TableExhibit):
        found += [question.exhibit.title or "", *question.exhibit.columns]
        found += [cell for row in question.exhibit.rows for cell in row]
    return found


def chosen(question: SingleChoice | MultipleSelect) -> tuple[list[str], list[str]]:
    """(texts of the right choices, texts of the others)."""
    right = {question.answer} if isinstance(question, SingleChoice) else set(question.answer)
    letters = LETTERS[: len(question.choices)]
    return (
        [c.text for letter, c in zip(letters, question.choices) if letter in right],
        [c.text for letter, c in zip(letters, question.choices) if letter not in right],
    )


def generator_of(question: Question, generators: tuple[Generator, ...]) -> tuple[Generator, str]:
    for generator in sorted(generators, key=lambda g: -len(g.name)):
        if question.id.startswith(generator.name + "-"):
            return generator, question.id[len(generator.name) + 1 :]
    raise AssertionError(f"no generator made {question.id}")


def check_sound(question: Question, generators: tuple[Generator, ...]) -> None:
    """What every generated question must satisfy, whatever made it."""
    assert re.fullmatch(ID_PATTERN, question.id) and len(question.id) <= 64
    assert set(question.topics) <= set(TOPICS)
    assert question.lesson is not None and question.lesson.id in LESSONS
    assert question.explanation and question.references
    if isinstance(question, (SingleChoice, MultipleSelect)):
        choice_texts = [choice.text for choice in question.choices]
        assert len(set(choice_texts)) == len(choice_texts) >= 2
        right, wrong = chosen(question)
        assert right and wrong
        if isinstance(question, SingleChoice):
            assert len(right) == 1
    result = grade(question, correct_response(question))
    assert result.correct and result.score == 1.0
    for text in texts(question):
        for uid in DICOM_UID.findall(text):
            assert uid in UID_dictionary, f"{question.id}: {uid} is not a DICOM UID"
        for match in CLAIM.finditer(text):
            before = text[: match.start()].replace("*", "").rstrip()
            assert before.endswith(name_of(match.group(1))), (
                f"{question.id}: {match.group(1)} is {name_of(match.group(1))!r}, "
                f"but the text says {before[-60:]!r}"
            )
    # The id names the question: rebuilding it from its parameter gives the same question.
    generator, parameter = generator_of(question, generators)
    again = generator.make(parameter)
    assert again is not None and again.model_dump() == question.model_dump()
    assert again.full_id == question.full_id == f"{generator.bank}/{question.id}"


# --- registry questions -----------------------------------------------------------------------

DIMSE_ANSWERS = {
    "modality-sends": "C-STORE",
    "pacs-forwards": "C-STORE",
    "find-priors": "C-FIND",
    "query-worklist": "C-FIND",
    "move-to-workstation": "C-MOVE",
    "get-same-association": "C-GET",
    "test-connection": "C-ECHO",
}


def check_registry_answer(question: Question) -> None:
    generator, parameter = generator_of(question, rq.GENERATORS)
    uid = "1.2.840.10008." + parameter.replace("-", ".")
    kind = generator.name
    if kind == "dimse-task":
        assert isinstance(question, SingleChoice)
        assert chosen(question)[0] == [DIMSE_ANSWERS[parameter]]
        return
    sop = REGISTRY.by_uid(uid)
    assert sop is not None and uid in UID_dictionary
    if kind in ("pixel-data", "retired"):
        assert isinstance(question, TrueFalse)
        expected = bool(UID_dictionary[uid][3]) if kind == "retired" else sop.has_pixel_data
        assert question.answer is expected
        return
    assert isinstance(question, SingleChoice)
    (right,), wrong = chosen(question)
    if kind == "name-to-uid":
        assert name_of(uid) in question.prompt and right == uid
        assert all(name_of(other) != name_of(uid) for other in wrong)
    elif kind == "uid-to-name":
        assert uid in question.prompt and right == name_of(uid)
        assert all(UID_dictionary.get(ACTIVE_BY_NAME[name].uid) for name in wrong)
    elif kind == "modality-of":
        assert sop.modality not in (None, VARIES) and right == sop.modality
        assert sop.modality not in wrong
    elif kind == "class-for-modality":
        asked = question.prompt.rstrip("?").split()[-1]
        assert ACTIVE_BY_NAME[right].modality == asked
        for name in wrong:
            assert ACTIVE_BY_NAME[name].modality not in (asked, None, VARIES)
    elif kind == "service-class":
        assert right == f"{sop.service_class} Service Class"
        assert all(text.removesuffix(" Service Class") != sop.service_class for text in wrong)
    else:
        raise AssertionError(f"unchecked generator {kind}")


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_registry_questions_are_sound_for_any_seed(seed: int):
    questions = sample(rq.GENERATORS, random.Random(seed), 25)
    assert len(questions) == 25
    assert len({q.full_id for q in questions}) == 25
    for question in questions:
        check_sound(question, rq.GENERATORS)
        check_registry_answer(question)


def test_every_registry_question_there_is_is_sound():
    """The registry is finite: check every question its generators can make, not a sample."""
    made = 0
    for generator in rq.GENERATORS:
        parameters = (
            rq.TASKS if generator.name == "dimse-task" else map(rq.uid_parameter, UID_dictionary)
        )
        for parameter in parameters:
            question = generator.make(parameter)
            if question is not None:
                made += 1
                check_sound(question, rq.GENERATORS)
                check_registry_answer(question)
    assert made > 1000


def test_every_registry_generator_and_task_is_exercised():
    questions = sample(rq.GENERATORS, random.Random(0), 400)
    made = {generator_of(q, rq.GENERATORS)[0].name for q in questions}
    assert made == {generator.name for generator in rq.GENERATORS}
    tasks = {q.id.removeprefix("dimse-task-") for q in questions if q.id.startswith("dimse-task-")}
    assert tasks == set(DIMSE_ANSWERS) == set(rq.TASKS)


def test_ct_siblings_are_the_distractors_of_ct_image_storage():
    question = rq.GENERATORS[0].make(rq.uid_parameter("1.2.840.10008.5.1.4.1.1.2"))
    assert isinstance(question, SingleChoice)
    choices = {choice.text for choice in question.choices}
    assert {"1.2.840.10008.5.1.4.1.1.2.1", "1.2.840.10008.5.1.4.1.1.2.2"} <= choices


def test_modality_questions_skip_classes_without_a_definite_modality():
    modality_of = next(g for g in rq.GENERATORS if g.name == "modality-of")
    for uid in (
        "1.2.840.10008.5.1.4.1.1.7",
        "1.2.840.10008.5.1.4.1.1.104.1",
        "1.2.840.10008.5.1.4.38.1",
    ):
        assert REGISTRY.by_uid(uid).modality in (None, VARIES)
        assert modality_of.make(rq.uid_parameter(uid)) is None


def test_retired_twin_is_named_with_its_uid():
    retired = next(g for g in rq.GENERATORS if g.name == "retired")
    question = retired.make(rq.uid_parameter("1.2.840.10008.5.1.4.1.1.5"))
    assert isinstance(question, TrueFalse) and question.answer is True
    assert "1.2.840.10008.5.1.4.1.1.5" in question.prompt
    assert "Nuclear Medicine Image Storage (1.2.840.10008.5.1.4.1.1.20)" in question.explanation


# --- study-list questions -----------------------------------------------------------------------


def column(exhibit: TableExhibit, name: str) -> list[str]:
    index = exhibit.columns.index(name)
    return [row[index] for row in exhibit.rows]


def row_of(exhibit: TableExhibit, accession: str) -> dict[str, str]:
    for row in exhibit.rows:
        if accession in row:
            return dict(zip(exhibit.columns, row))
    raise AssertionError(f"{accession} is not in the exhibit")


def accession_in(text: str) -> str:
    match = re.search(r"\bA\d{7}\b", text)
    assert match, text
    return match.group(0)


LIKELY = {  # (image modality, asked) -> the class an analyst should infer
    ("CT", "SR"): "X-Ray Radiation Dose SR Storage",
    ("CT", "PR"): "Grayscale Softcopy Presentation State Storage",
    ("US", "SR"): "Comprehensive SR Storage",
    ("MR", "KO"): "Key Object Selection Document Storage",
    ("MG", "SR"): "Mammography CAD SR Storage",
    ("NM", "SR"): "Radiopharmaceutical Radiation Dose SR Storage",
    ("XA", "SR"): "Enhanced X-Ray Radiation Dose SR Storage",
    ("DX", "SR"): "X-Ray Radiation Dose SR Storage",
}
GENERIC_SR = {
    "Basic Text SR Storage",
    "Enhanced SR Storage",
    "Extensible SR Storage",
    "Comprehensive 3D SR Storage",
}


def check_study_answer(question: Question) -> None:
    generator, _ = generator_of(question, sq.GENERATORS)
    kind = generator.name
    exhibit = question.exhibit
    assert isinstance(exhibit, TableExhibit)
    if kind.startswith("count-") and kind != "count-difference":
        assert isinstance(question, Numeric)
        objects = [int(n) for n in column(exhibit, "Objs")]
        modalities = column(exhibit, "Mod")
        expected = {
            "count-all": sum(objects),
            "count-pixel": sum(
                n for n, m in zip(objects, modalities) if m not in ("PR", "SR", "KO")
            ),
        }.get(kind)
        if kind == "count-frames":
            expected = sum(int(f) for f in column(exhibit, "Frames") if f != "-")
        assert question.answer == expected
    elif kind == "count-difference":
        row = row_of(exhibit, accession_in(question.prompt))
        other = exhibit.columns[-1]
        system = other.lower() if other == "Viewer" else other
        assert f"shows {row['PACS']} and the {system} {row[other]}" in question.prompt
        (right,), _ = chosen(question)
        if other == "VNA":
            extra = int(row["VNA"]) - int(row["PACS"])
            assert extra > 0 and f"(here {extra} " in right
            assert set(row["Mods"].split(", ")) & {"PR", "SR", "KO"}
        else:
            assert int(row["Viewer"]) > int(row["PACS"]) and "frame" in right
    elif kind == "not-displayed":
        right, wrong = chosen(question)
        assert all(text.split()[2] in ("PR", "SR", "KO") for text in right)
        assert all(text.split()[2] not in ("PR", "SR", "KO") for text in wrong)
        assert len(right) == sum(m in ("PR", "SR", "KO") for m in column(exhibit, "Mod"))
    elif kind == "likely-class":
        row = row_of(exhibit, accession_in(question.prompt))
        asked = re.search(r"its (\w+) object most likely", question.prompt).group(1)
        images = [m for m in row["Mods"].split(", ") if m not in ("PR", "SR", "KO")]
        assert asked in row["Mods"].split(", ") and len(images) == 1
        (right,), wrong = chosen(question)
        assert right == LIKELY[(images[0], asked)]
        assert not GENERIC_SR & set(wrong)
        dose_reports = [name for name in [right, *wrong] if "X-Ray Radiation Dose" in name]
        assert len(dose_reports) <= 1, "two X-ray dose reports would both be likely"
    elif kind == "must-support":
        right, wrong = chosen(question)
        present = {name_of(uid) for uid in column(exhibit, "SOP Class UID")}
        assert set(right) == present
        assert not present & set(wrong)
    elif kind == "inconsistent-row":
        odd = [row[1] for row in exhibit.rows if set(row[3].split(", ")) != set(row[4].split())]
        assert len(odd) == 1
        (right,), _ = chosen(question)
        assert right.startswith(odd[0])
    else:
        raise AssertionError(f"unchecked generator {kind}")


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_study_questions_are_sound_for_any_seed(seed: int):
    questions = sample(sq.GENERATORS, random.Random(seed), 16)
    assert len(questions) == 16
    for question in questions:
        check_sound(question, sq.GENERATORS)
        check_study_answer(question)


def test_every_study_generator_is_exercised():
    questions = sample(sq.GENERATORS, random.Random(0), 200)
    made = {generator_of(q, sq.GENERATORS)[0].name for q in questions}
    assert made == {generator.name for generator in sq.GENERATORS}


def test_inferences_say_most_likely_and_counts_are_hedged():
    questions = sample(sq.GENERATORS, random.Random(5), 120)
    for question in questions:
        if question.id.startswith("likely-class-"):
            assert "most likely" in question.prompt and "not a certainty" in question.explanation
        if question.id.startswith("count-difference-"):
            hedges = ("typically", "often", "Some PACS", "can")
            assert any(hedge in question.explanation for hedge in hedges), question.explanation
            assert "most likely" in question.prompt


# --- sampling ---------------------------------------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(seed=SEEDS)
def test_same_seed_same_questions(seed: int):
    for generators in (rq.GENERATORS, sq.GENERATORS):
        first = [q.model_dump() for q in sample(generators, random.Random(seed), 8)]
        second = [q.model_dump() for q in sample(generators, random.Random(seed), 8)]
        assert json.dumps(first) == json.dumps(second)


def test_topic_filter_keeps_only_that_topic():
    for generators, topic in ((rq.GENERATORS, "dimse"), (sq.GENERATORS, "conformance")):
        questions = sample(generators, random.Random(2), 5, topic)
        assert questions and all(topic in q.topics for q in questions)
    assert sample(sq.GENERATORS, random.Random(2), 5, "file-meta") == []


def test_sample_stops_when_the_generators_run_out():
    questions = sample(rq.GENERATORS, random.Random(1), 50, "dimse")
    assert len(questions) == len(rq.TASKS)


def test_no_pixel_data_question_about_parametric_map():
    parametric_map = rq.uid_parameter("1.2.840.10008.5.1.4.1.1.30")
    pixel = next(g for g in rq.GENERATORS if g.name == "pixel-data")
    assert pixel.make(parametric_map) is None
