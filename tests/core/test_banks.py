"""Loading banks: namespaced questions, located errors, sources, and the schema file in sync."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from trainer.core import banks
from trainer.core.banks import bank_files, load_bank, load_banks
from trainer.core.context import Context
from trainer.core.paths import question_bank_dir

HEADER = """\
id: {bank_id}
title: A test bank
version: 1
author: Test
license: CC0-1.0
questions:
"""
GOOD = """\
  - id: gsps-modality
    type: single_choice
    prompt: Which Modality value does a GSPS carry?
    choices: [PR, SR, KO, {text: None of the above, pinned: true}]
    answer: A
    topics: [pr-sr-ko, modality-attribute]
    difficulty: 2
    explanation: A presentation state has Modality PR.
    references: ["PS3.3 C.7.3.1"]
  - id: ct-class-uid
    type: short_answer
    prompt: What is the SOP Class UID of CT Image Storage?
    answers: ["1.2.840.10008.5.1.4.1.1.2"]
    topics: [uids]
    difficulty: 1
    explanation: It is a constant from PS3.6.
    references: ["PS3.6 Annex A"]
"""


def write(folder: Path, name: str, questions: str = GOOD, bank_id: str | None = None) -> Path:
    path = folder / name
    path.write_text(HEADER.format(bank_id=bank_id or Path(name).stem) + questions, "utf-8")
    return path


def only_error(path: Path) -> str:
    result = load_bank(path)
    assert result.bank is None
    [error] = result.errors
    return str(error)


def test_a_good_bank_loads_with_namespaced_ids(tmp_path):
    result = load_bank(write(tmp_path, "pr-sr-ko.yaml"))
    assert result.errors == ()
    assert [q.full_id for q in result.bank.questions] == [
        "pr-sr-ko/gsps-modality",
        "pr-sr-ko/ct-class-uid",
    ]


def test_the_error_names_file_line_col_path_and_what_is_wrong(tmp_path):
    path = write(tmp_path, "pr-sr-ko.yaml", GOOD.replace("answer: A", "answer: E"))
    assert only_error(path) == (
        f'{path}:11:13: questions[0].answer: "E" is not one of the choices (A-D)'
    )


def test_unknown_field_points_at_the_key_and_suggests_the_right_one(tmp_path):
    typo = GOOD.replace("    answer: A\n", "    answer: A\n    shufle: no\n")
    path = write(tmp_path, "b.yaml", typo)
    assert only_error(path) == (
        f'{path}:12:5: questions[0]: unknown field "shufle"; did you mean "shuffle"?'
    )


def test_a_missing_field_points_at_its_question(tmp_path):
    path = write(tmp_path, "b.yaml", GOOD.replace("    difficulty: 1\n", ""))
    assert only_error(path) == f'{path}:16:5: questions[1]: missing required field "difficulty"'


def test_an_unknown_type_lists_the_types_and_suggests_one(tmp_path):
    path = write(tmp_path, "b.yaml", GOOD.replace("type: short_answer", "type: short-answer"))
    message = only_error(path)
    assert message.startswith(
        f'{path}:17:11: questions[1].type: "short-answer" is not a question type'
    )
    assert message.endswith('did you mean "short_answer"?')


def test_duplicate_keys_are_an_error_not_silently_the_last_one(tmp_path):
    twice = GOOD.replace("    answer: A\n", "    answer: A\n    answer: B\n")
    path = write(tmp_path, "b.yaml", twice)
    assert only_error(path) == (
        f'{path}:12:5: questions[0]: duplicate key "answer" (first on line 11)'
    )


def test_question_ids_are_unique_within_a_bank(tmp_path):
    path = write(tmp_path, "b.yaml", GOOD.replace("id: ct-class-uid", "id: gsps-modality"))
    assert only_error(path) == (
        f'{path}:16:9: questions[1].id: "gsps-modality" is already the id of questions[0]'
    )


def test_every_error_of_a_bank_is_reported_in_file_order(tmp_path):
    broken = GOOD.replace("answer: A", "answer: E").replace("difficulty: 1", "difficulty: 4")
    errors = load_bank(write(tmp_path, "b.yaml", broken)).errors
    assert [(e.line, e.path) for e in errors] == [
        (11, "questions[0].answer"),
        (21, "questions[1].difficulty"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("    answer: no", 'questions[0].answer: must be true or false (got "no")'),
        ("    answer: 'false'", 'questions[0].answer: must be true or false (got "false")'),
    ],
)
def test_yes_no_words_are_text_not_booleans(tmp_path, line, message):
    question = GOOD.split("  - id: ct-class-uid")[0].replace("    answer: A", line)
    question = question.replace("type: single_choice", "type: true_false")
    question = "".join(line for line in question.splitlines(True) if "choices:" not in line)
    assert only_error(write(tmp_path, "b.yaml", question)).endswith(message)


def test_leading_zeros_and_dates_stay_text_in_a_table(tmp_path):
    exhibit = textwrap.indent(
        "exhibit:\n  kind: table\n  columns: [Patient ID, Study Date, Images]\n"
        "  rows:\n    - [0123, 2024-01-15, 3]\n",
        "    ",
    )
    bank = load_bank(write(tmp_path, "b.yaml", GOOD + exhibit)).bank
    assert bank.questions[1].exhibit.rows == (("0123", "2024-01-15", "3"),)


def test_a_float_version_asks_for_quotes(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text(HEADER.format(bank_id="b").replace("version: 1", "version: 1.10") + GOOD)
    assert only_error(path) == (
        f"{path}:3:10: version: read as the number 1.1; "
        'write it in quotes ("1.2") to keep it as written'
    )


def test_a_bad_bank_is_skipped_and_the_good_ones_still_load(tmp_path):
    write(tmp_path, "a-good.yaml")
    write(tmp_path, "b-bad.yaml", GOOD.replace("answer: A", "answer: Z"))
    catalog = load_banks([tmp_path])
    assert [bank.id for bank in catalog.banks] == ["a-good"]
    assert [error.file.name for error in catalog.errors] == ["b-bad.yaml"]
    assert catalog.get("a-good/ct-class-uid").answers == ("1.2.840.10008.5.1.4.1.1.2",)
    assert catalog.get("b-bad/ct-class-uid") is None


def test_the_same_bank_id_twice_keeps_the_first_and_reports_the_second(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    write(first, "x.yaml", bank_id="shared")
    other = write(second, "y.yaml", bank_id="shared")
    catalog = load_banks([first, second])
    assert len(catalog.banks) == 1 and len(catalog.questions) == 2
    assert [str(e) for e in catalog.errors] == [
        f'{other}:1:5: id: bank id "shared" is already used by {first / "x.yaml"}'
    ]


def test_only_yaml_files_directly_in_a_folder_are_banks(tmp_path):
    (tmp_path / "exams").mkdir()
    write(tmp_path / "exams", "final.yaml")
    write(tmp_path, "a.yaml")
    write(tmp_path, "b.yml")
    (tmp_path / "notes.txt").write_text("not a bank")
    assert [p.name for p in bank_files(tmp_path)] == ["a.yaml", "b.yml"]


def test_a_missing_folder_is_reported(tmp_path):
    catalog = load_banks([tmp_path / "nowhere"])
    assert [e.message for e in catalog.errors] == ["no such file or folder"]


def test_default_sources_are_shipped_then_extra_then_user_banks(tmp_path):
    def bank_dirs(extra):
        return Context.from_options(data_dir=tmp_path / "data", bank_dirs=extra).bank_dirs

    extra = tmp_path / "extra"
    assert bank_dirs([extra]) == [question_bank_dir(), extra]
    (tmp_path / "data" / "banks").mkdir(parents=True)
    dirs = bank_dirs([extra, question_bank_dir()])
    assert dirs == [question_bank_dir(), extra, tmp_path / "data" / "banks"]
    assert bank_dirs(None)[0] == question_bank_dir()


def test_the_schema_file_matches_the_models():
    shipped = question_bank_dir() / "schema" / banks.SCHEMA_FILE
    assert shipped.read_text("utf-8") == banks.schema_text(), (
        "regenerate: pacs-trainer bank schema > question_bank/schema/question-bank.schema.json"
    )


def test_the_schema_describes_every_question_type_and_leaves_topics_to_the_topics_file():
    schema = banks.json_schema()
    mapping = schema["properties"]["questions"]["items"]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(banks.QUESTION_TYPES)
    # A new topic in lessons/topics.yaml needs no new schema: topics are checked on loading.
    topic = schema["$defs"]["SingleChoice"]["properties"]["topics"]["items"]
    assert "enum" not in topic and re.fullmatch(topic["pattern"], "pr-sr-ko")
    assert json.loads(banks.schema_text()) == schema
