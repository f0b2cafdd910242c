"""`pacs-trainer registry` prints tables and JSON a script can rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from trainer.cli import main

REPO = Path(__file__).resolve().parents[2]
KO_UID = "1.2.840.10008.5.1.4.1.1.88.59"
KEYS = {
    "uid", "name", "keyword", "retired", "modality", "modality_rule", "other_modalities",
    "category", "pixel_data", "frames", "common", "service_class",
    "has_pixel_data", "multi_frame", "is_storage",
}


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=60
    )


def test_done_when_ko_modality_json():
    proc = _python("-m", "trainer", "registry", "--modality", "KO", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [(item["name"], item["uid"]) for item in data] == [
        ("Key Object Selection Document Storage", KO_UID)
    ]


def test_json_is_an_array_of_sop_class_objects(capsys):
    assert main(["registry", "CT Image", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {item["name"] for item in data} >= {"CT Image Storage", "Enhanced CT Image Storage"}
    for item in data:
        assert set(item) == KEYS
        assert "CT Image" in item["name"]


def test_json_keeps_long_names_whole(capsys):
    assert main(["registry", "Intravascular Optical Coherence", "--json"]) == 0
    names = [item["name"] for item in json.loads(capsys.readouterr().out)]
    assert "Intravascular Optical Coherence Tomography Image Storage - For Presentation" in names


def test_no_match_exits_1_with_a_message_on_stderr(capsys):
    assert main(["registry", "no such sop class"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "no SOP class matches 'no such sop class'" in err


def test_no_match_points_to_retired_classes_when_they_would_match(capsys):
    assert main(["registry", "Standalone Curve"]) == 1
    assert "--include-retired" in capsys.readouterr().err
    assert main(["registry", "Standalone Curve", "--include-retired"]) == 0


def test_table_has_aligned_columns_and_fits_the_terminal(capsys):
    assert main(["registry", "--storage"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["UID", "NAME", "MODALITY", "CATEGORY"]
    ct_row = next(line for line in lines if line.startswith("1.2.840.10008.5.1.4.1.1.2 "))
    assert ct_row.split("  ")[0].strip() == "1.2.840.10008.5.1.4.1.1.2"
    assert "CT Image Storage" in ct_row and ct_row.split()[-2:] == ["CT", "image"]
    name_column = lines[0].index("NAME")
    assert all(line[name_column - 2 : name_column] == "  " for line in lines[1:])
    assert max(len(line) for line in lines) <= 120
    assert any(line.rstrip().endswith("…") or "…  " in line for line in lines)


def test_modality_option_ignores_case(capsys):
    assert main(["registry", "--modality", "pt", "--json"]) == 0
    modalities = {item["modality"] for item in json.loads(capsys.readouterr().out)}
    assert modalities == {"PT"}


def test_unknown_category_lists_the_valid_ones(capsys):
    assert main(["registry", "--category", "pictures"]) == 2
    err = capsys.readouterr().err
    assert "unknown category 'pictures'" in err
    assert "structured report" in err and "waveform" in err


def test_category_option(capsys):
    assert main(["registry", "--category", "Key Object Selection", "--json"]) == 0
    assert [item["uid"] for item in json.loads(capsys.readouterr().out)] == [KO_UID]


def test_common_keeps_the_classes_an_analyst_meets(capsys):
    assert main(["registry", "--common", "--modality", "SR", "--json"]) == 0
    names = {item["name"] for item in json.loads(capsys.readouterr().out)}
    assert "X-Ray Radiation Dose SR Storage" in names
    assert "Spectacle Prescription Report Storage" not in names
    assert main(["registry", "--common", "DICOS"]) == 1
    assert "common only" in capsys.readouterr().err


def test_common_options_work_after_the_subcommand(capsys, tmp_path):
    assert main(["registry", "Verification", "--data-dir", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["uid"] == "1.2.840.10008.1.1"


def test_registry_command_does_not_import_textual():
    code = (
        "import sys; from trainer.cli import main; "
        "main(['registry', 'CT Image', '--json']); "
        "assert 'textual' not in sys.modules, 'textual was imported'"
    )
    proc = _python("-c", code)
    assert proc.returncode == 0, proc.stderr
