"""`pacs-trainer questions` and `pacs-trainer study`: reproducible output an instructor can use."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.core.banks import load_bank
from trainer.core.questions import LETTERS
from trainer.core.studies import CountPolicy

REPO = Path(__file__).resolve().parents[2]
DONE_WHEN = ["questions", "sample", "--source", "studies", "--count", "5", "--seed", "7"]
JSON_KEYS = {"id", "type", "prompt", "choices", "answer", "explanation", "exhibit"}


def _python(*args: str, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "-m", "trainer", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_done_when_five_study_questions_twice_identically():
    first = _python(*DONE_WHEN, hash_seed="1")
    second = _python(*DONE_WHEN, hash_seed="2")  # set and dict order must not matter
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    out = first.stdout
    numbers = re.findall(r"^(\d+)\. gen-studies/", out, flags=re.MULTILINE)
    assert numbers == ["1", "2", "3", "4", "5"]
    assert out.count("Answer: ") == 5 and out.count("Why: ") == 5
    assert out.count("Acc#") + out.count("Ser#") >= 5  # each shows its exhibit table


def test_text_output_fits_80_columns(capsys):
    for source in ("studies", "registry"):
        assert (
            main(["questions", "sample", "--source", source, "--count", "20", "--seed", "3"]) == 0
        )
        lines = capsys.readouterr().out.splitlines()
        assert max(len(line) for line in lines) <= 80


def test_json_is_an_array_of_answerable_questions(capsys):
    assert main([*DONE_WHEN, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 5
    for item in data:
        assert JSON_KEYS <= set(item)
        assert item["id"].startswith("gen-studies/")
        assert item["exhibit"]["kind"] == "table" and item["exhibit"]["rows"]
        if item["type"] == "single_choice":
            assert item["answer"] in LETTERS[: len(item["choices"])]
        if item["type"] == "multiple_select":
            assert set(item["answer"]) <= set(LETTERS[: len(item["choices"])])
        if item["type"] == "numeric":
            assert item["choices"] == [] and isinstance(item["answer"], int)


def test_without_seed_the_seed_is_1(capsys):
    assert main(["questions", "sample", "--source", "registry", "--count", "4", "--json"]) == 0
    unseeded = capsys.readouterr().out
    assert (
        main(
            ["questions", "sample", "--source", "registry", "--count", "4", "--json", "--seed", "1"]
        )
        == 0
    )
    assert capsys.readouterr().out == unseeded
    assert (
        main(
            ["questions", "sample", "--source", "registry", "--count", "4", "--json", "--seed", "2"]
        )
        == 0
    )
    assert capsys.readouterr().out != unseeded


@pytest.mark.parametrize("source", ["registry", "studies", "banks"])
def test_export_writes_a_bank_that_validates(source, tmp_path, capsys):
    out = tmp_path / f"{source}.yaml"
    args = [
        "questions",
        "export",
        "--source",
        source,
        "--count",
        "12",
        "--seed",
        "4",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert "wrote" in capsys.readouterr().out
    result = load_bank(out)
    assert result.errors == (), [str(e) for e in result.errors]
    assert len(result.bank.questions) == 12
    assert main(["bank", "validate", str(out)]) == 0


def test_exported_questions_equal_the_sampled_ones(tmp_path, capsys):
    """A frozen generated question keeps its full id, so spaced review still knows it."""
    out = tmp_path / "studies.yaml"
    assert (
        main(
            [
                "questions",
                "export",
                "--source",
                "studies",
                "--count",
                "6",
                "--seed",
                "9",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert (
        main(
            ["questions", "sample", "--source", "studies", "--count", "6", "--seed", "9", "--json"]
        )
        == 0
    )
    sampled = json.loads(capsys.readouterr().out)
    frozen = load_bank(out).bank.questions
    assert [q.full_id for q in frozen] == [item["id"] for item in sampled]
    for question, item in zip(frozen, sampled):
        assert question.prompt == item["prompt"]
        assert question.exhibit.model_dump(mode="json") == item["exhibit"]
        assert [c.text for c in getattr(question, "choices", ())] == item["choices"]


def test_topic_filters_every_source(capsys):
    for source, topic in (("registry", "dimse"), ("studies", "conformance"), ("banks", "uids")):
        assert (
            main(
                [
                    "questions",
                    "sample",
                    "--source",
                    source,
                    "--topic",
                    topic,
                    "--count",
                    "3",
                    "--json",
                ]
            )
            == 0
        )
        data = json.loads(capsys.readouterr().out)
        assert len(data) == 3 and all(topic in item["topics"] for item in data)


def test_unknown_topic_is_one_clear_error(capsys):
    assert main(["questions", "sample", "--source", "registry", "--topic", "uid"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert (
        err.startswith("pacs-trainer: error: unknown topic 'uid'") and 'did you mean "uids"' in err
    )


def test_a_topic_no_generator_covers_exits_1(capsys):
    assert main(["questions", "sample", "--source", "studies", "--topic", "file-meta"]) == 1
    assert "no studies questions match topic file-meta" in capsys.readouterr().err


def test_count_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["questions", "sample", "--source", "registry", "--count", "0"])
    assert exit_info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_export_into_a_missing_folder_fails_cleanly(tmp_path, capsys):
    out = tmp_path / "nowhere" / "bank.yaml"
    assert (
        main(["questions", "export", "--source", "registry", "--count", "2", "--out", str(out)])
        == 1
    )
    assert "no such folder" in capsys.readouterr().err


# --- study list -------------------------------------------------------------------------------


def test_study_list_prints_the_worklist_columns(capsys):
    assert main(["study", "list", "--count", "4", "--seed", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "all instances" in lines[0] and "(0020,1208)" in lines[0]  # the default count
    assert lines[2].split() == ["Name", "ID", "DOB", "Acc#", "Description", "Mods", "Date", "Imgs"]
    assert len(lines) == 4 + 4  # title, blank, header, rule, four studies
    assert all(re.search(r"\^", line) for line in lines[4:])


def test_study_list_policy_changes_the_count(capsys):
    counts = {}
    for policy in CountPolicy:
        assert main(["study", "list", "--count", "6", "--seed", "2", "--policy", policy.value]) == 0
        lines = capsys.readouterr().out.splitlines()[4:]
        counts[policy] = [int(line.split()[-1]) for line in lines]
    assert all(
        p <= a for p, a in zip(counts[CountPolicy.PIXEL_DATA], counts[CountPolicy.ALL_INSTANCES])
    )
    assert counts[CountPolicy.PIXEL_DATA] != counts[CountPolicy.ALL_INSTANCES]


def test_study_list_json_has_instances_and_every_count(capsys):
    assert main(["study", "list", "--count", "3", "--json"]) == 0
    unseeded = capsys.readouterr().out
    data = json.loads(unseeded)
    assert len(data) == 3
    for study in data:
        instances = [i for series in study["series"] for i in series["instances"]]
        assert study["counts"] == {
            "pixel": sum(i["has_pixel_data"] for i in instances),
            "all": len(instances),
            "frames": sum(i["number_of_frames"] for i in instances),
        }
    assert main(["study", "list", "--count", "3", "--json", "--seed", "1"]) == 0
    assert capsys.readouterr().out == unseeded


def test_help_says_the_default_seed(capsys):
    for command in (["study", "list"], ["questions", "sample"], ["questions", "export"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        assert "the seed is 1" in " ".join(capsys.readouterr().out.split())


def test_commands_do_not_import_textual():
    code = (
        "import sys; from trainer.cli import main; "
        "main(['questions', 'sample', '--source', 'studies', '--count', '2']); "
        "main(['study', 'list', '--count', '2']); "
        "assert 'textual' not in sys.modules, 'textual was imported'"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
