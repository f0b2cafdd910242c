"""`pacs-trainer bank ...`: what an instructor and a CI job see."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.core.banks import json_schema, load_bank
from trainer.core.questions import QUESTION_TYPES

GOOD = """\
id: {bank_id}
title: Test bank
version: "1.2"
author: Test
license: CC0-1.0
questions:
  - id: echo
    type: short_answer
    prompt: Which DIMSE-C service checks connectivity?
    answers: [C-ECHO]
    topics: [dimse]
    difficulty: 1
    explanation: C-ECHO.
    references: [PS3.7]
"""


def bank(folder: Path, name: str, text: str | None = None) -> Path:
    path = folder / name
    path.write_text(text if text is not None else GOOD.format(bank_id=path.stem), "utf-8")
    return path


def test_validate_a_clean_file_exits_0(tmp_path, capsys):
    path = bank(tmp_path, "echo.yaml")
    assert main(["bank", "validate", str(path)]) == 0
    assert capsys.readouterr().out == "1 bank, 1 question: no errors\n"


def test_validate_prints_located_errors_and_exits_1(tmp_path, capsys):
    good = bank(tmp_path, "a.yaml")
    bad = bank(tmp_path, "b.yaml", GOOD.format(bank_id="b").replace("ty: 1", "ty: 5"))
    assert main(["bank", "validate", str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{bad}:12:17: questions[0].difficulty: must be at most 3 (got 5)"
    assert out[-1] == "1 bank, 1 question; 1 bad bank skipped (1 error)"


def test_validate_a_folder_checks_its_banks_together(tmp_path, capsys):
    bank(tmp_path, "a.yaml", GOOD.format(bank_id="same"))
    bank(tmp_path, "b.yaml", GOOD.format(bank_id="same"))
    assert main(["bank", "validate", str(tmp_path)]) == 1
    assert 'bank id "same" is already used by' in capsys.readouterr().out


def test_validate_json_for_editors_and_ci(tmp_path, capsys):
    bad = bank(tmp_path, "b.yaml", GOOD.format(bank_id="b").replace("short_answer", "essay"))
    assert main(["bank", "validate", "--format", "json", str(tmp_path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["banks"] == []
    [error] = report["errors"]
    place = (error["file"], error["line"], error["col"], error["path"])
    assert place == (str(bad), 8, 11, "questions[0].type")
    assert error["message"].startswith('"essay" is not a question type')


def test_validate_an_empty_folder_or_missing_path_fails(tmp_path, capsys):
    assert main(["bank", "validate", str(tmp_path)]) == 1
    assert "no bank files" in capsys.readouterr().err
    assert main(["bank", "validate", str(tmp_path / "nope.yaml")]) == 1
    assert "no such file or folder" in capsys.readouterr().out


def test_list_shows_every_source_with_counts_and_bad_banks(tmp_path, capsys):
    extra = tmp_path / "extra"
    user_banks = tmp_path / "data" / "banks"
    extra.mkdir(), user_banks.mkdir(parents=True)
    bank(extra, "mine.yaml")
    bank(user_banks, "broken.yaml", "- not a bank\n")
    status = main(["bank", "list", "--bank-dir", str(extra), "--data-dir", str(tmp_path / "data")])
    out = capsys.readouterr().out
    assert status == 0
    assert f"{extra}/\n  mine" in out and "1 question" in out
    broken = user_banks / "broken.yaml"
    assert f"{user_banks}/\n  broken.yaml: not loaded\n    {broken}:1:1: a bank must be" in out


def test_new_writes_a_commented_starter_that_validates(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["bank", "new", "Cardiology Basics"]) == 0
    path = tmp_path / "Cardiology Basics.yaml"
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=file://")
    result = load_bank(path)
    assert result.errors == ()
    assert result.bank.id == "cardiology-basics"
    assert {q.type for q in result.bank.questions} == set(QUESTION_TYPES)
    assert "bank validate" in capsys.readouterr().out


def test_new_refuses_to_overwrite(tmp_path, capsys):
    path = bank(tmp_path, "mine.yaml")
    before = path.read_text("utf-8")
    assert main(["bank", "new", str(tmp_path / "mine")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_text("utf-8") == before


def test_new_rejects_a_name_without_letters(tmp_path, capsys):
    assert main(["bank", "new", str(tmp_path / "---")]) == 2
    assert "cannot make a bank id" in capsys.readouterr().err


def test_schema_prints_the_json_schema(capsys):
    assert main(["bank", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()


@pytest.mark.parametrize("argv", [["bank"], ["bank", "frobnicate"]])
def test_bank_without_a_known_action_is_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2


def test_importing_the_command_stays_cheap():
    heavy = "{'pydantic', 'yaml', 'pydicom', 'textual'}"
    code = f"import sys, trainer.commands.bank; print(sorted({heavy} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]"


def test_validate_reports_lesson_links_to_no_lesson_or_no_heading(tmp_path, capsys):
    """Issue 17 item 6 / newcomer finding 8: located errors, exit 1."""
    text = GOOD.format(bank_id="links") + (
        "    lesson: {id: no-such-lesson, section: Nope}\n"
        + GOOD.split("questions:\n")[1].replace("id: echo", "id: echo-2")
        + "    lesson: {id: uids, section: No such heading}\n"
        + GOOD.split("questions:\n")[1].replace("id: echo", "id: echo-3")
        + "    lesson: {id: uids, section: What a UID is}\n"
    )
    path = bank(tmp_path, "links.yaml", text)
    assert main(["bank", "validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f'{path}:15:18: questions[0].lesson.id: unknown lesson "no-such-lesson"'
    assert out[1].startswith(
        f'{path}:24:33: questions[1].lesson.section: "No such heading" is not a heading of '
        "lesson uids; its headings: Overview, What a UID is,"
    )
    assert out[-1] == "1 bank, 3 questions: 2 errors"


def choice_question(number: int, right: str, wrong: list[str]) -> str:
    choices = "".join(f"      - {text}\n" for text in [right, *wrong])
    return (
        f"  - id: q{number}\n    type: single_choice\n    prompt: Which?\n"
        f"    choices:\n{choices}    answer: A\n    topics: [dimse]\n    difficulty: 1\n"
        "    explanation: Because.\n    references: [PS3.7]\n"
    )


def test_validate_warns_when_the_key_is_systematically_the_longest(tmp_path, capsys):
    header = GOOD.split("questions:\n")[0] + "questions:\n"
    right = "The right one, with every qualification it needs"
    long_keys = "".join(choice_question(n, right, ["No", "Nope", "Never"]) for n in range(6))
    path = bank(tmp_path, "long.yaml", header.format(bank_id="long") + long_keys)
    assert main(["bank", "validate", str(path)]) == 0  # a warning, not an error
    out = capsys.readouterr().out.splitlines()
    warning = f"{path}:6:1: warning: the right answer is the longest choice in 6 of 6"
    assert out[0].startswith(warning)
    assert "q0, q1, q2, q3, q4, q5" in out[0]
    assert out[-1] == "1 bank, 6 questions: no errors, 1 warning"
    assert main(["bank", "validate", "--format", "json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["warnings"][0]["line"] == 6


def test_balanced_choices_raise_no_warning(tmp_path, capsys):
    header = GOOD.split("questions:\n")[0] + "questions:\n"
    wrong = ["A wrong choice that is long", "Wrong", "No"]
    balanced = "".join(choice_question(n, "Right", wrong) for n in range(6))
    path = bank(tmp_path, "fair.yaml", header.format(bank_id="fair") + balanced)
    assert main(["bank", "validate", str(path)]) == 0
    assert capsys.readouterr().out == "1 bank, 6 questions: no errors\n"
