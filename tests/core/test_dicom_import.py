"""Importing a folder of DICOM files gives an honest study list and never dies on a bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pydicom
import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filewriter import dcmwrite
from pydicom.uid import ExplicitVRLittleEndian

from trainer.cli import main
from trainer.core.dicom_import import (
    DAMAGED,
    DUPLICATE,
    MAX_TEXT,
    NOT_AN_INSTANCE,
    NOT_DICOM,
    import_folder,
)
from trainer.core.dicom_io import export_studies
from trainer.core.studies import CountPolicy, generate_studies, worklist_rows

# The sample files inside the pydicom wheel, globbed directly (get_testdata_files downloads).
SAMPLES = Path(pydicom.__file__).parent / "data" / "test_files"


@pytest.fixture(scope="module")
def samples():
    return import_folder(SAMPLES)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Seed 7's list with one study of each of the 14 templates, exported."""
    root = tmp_path_factory.mktemp("exported")
    studies = generate_studies(7, 14)
    export_studies(studies, root)
    return studies, root


def _kinds(result) -> dict[str, str]:
    return {str(skip.path.relative_to(SAMPLES)): skip.kind for skip in result.skipped}


def test_every_sample_file_is_counted_once(samples):
    files = [p for p in SAMPLES.rglob("*") if p.is_file()]
    imported = sum(len(found) for found in samples.instances.values())
    assert samples.files_read == len(files) == imported + len(samples.skipped)


def test_bad_sample_files_are_listed_with_a_reason(samples):
    kinds = _kinds(samples)
    assert kinds["README.txt"] == NOT_DICOM
    assert kinds["MR_truncated.dcm"] == DAMAGED
    assert kinds["rtplan_truncated.dcm"] == DAMAGED
    assert kinds["dicomdirtests/DICOMDIR"] == NOT_AN_INSTANCE
    # MR_small.dcm in other transfer syntaxes: the same instance, counted once.
    assert kinds["MR_small_bigendian.dcm"] == DUPLICATE
    assert all(skip.reason for skip in samples.skipped)


def test_sample_counts_are_honest(samples):
    by_id = {}
    for study in samples.studies:
        by_id.setdefault(study.patient.patient_id, []).append(study)
    # TINY_ALPHA: 50 CT instances whose files carry no pixel data.
    (tiny,) = by_id["12345678"]
    assert [tiny.count(p) for p in CountPolicy] == [0, 50, 0]
    # A 30-frame ultrasound clip: one instance, thirty frames.
    (clip,) = by_id["204"]
    assert [clip.count(p) for p in CountPolicy] == [1, 1, 30]
    # An SR carries no pixel data.
    (report,) = [s for s in samples.studies if "Structured Reporting Test" in s.description]
    assert report.modalities == ("SR",) and report.count(CountPolicy.PIXEL_DATA) == 0
    for study in samples.studies:
        assert study.count(CountPolicy.PIXEL_DATA) <= study.count(CountPolicy.ALL_INSTANCES)


def test_imported_studies_feed_the_study_list_model(samples):
    for policy in CountPolicy:
        rows = worklist_rows(samples.studies, policy)
        assert len(rows) == len(samples.studies)


def test_import_of_an_export_gives_back_the_same_study_list(exported):
    studies, root = exported
    result = import_folder(root)
    assert result.skipped == ()
    assert result.studies == studies  # every field, series, frame count and order


def test_imported_instances_point_at_their_files(exported):
    _, root = exported
    result = import_folder(root)
    study = result.studies[0]
    data = result.study_dict(study)
    for series, entry in zip(study.series, data["series"], strict=True):
        assert len(entry["instances"]) == series.instance_count
        for found in entry["instances"]:
            assert (
                dcmread(found["path"], stop_before_pixels=True).SOPInstanceUID
                == (found["sop_instance_uid"])
            )


def _write(path: Path, **attributes) -> Path:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPInstanceUID = "1.2.3.4"
    ds.StudyInstanceUID = "1.2.3"
    ds.SeriesInstanceUID = "1.2.3.1"
    ds.Modality = "OT"
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    dcmwrite(path, ds, enforce_file_format=True)
    return path


@pytest.mark.filterwarnings("ignore:The value length")  # an over-long value, on purpose
def test_hostile_values_arrive_as_safe_plain_text(tmp_path):
    _write(
        tmp_path / "evil.dcm",
        PatientName="EVIL\x1b[2J^Name\x07",
        StudyDescription="A" * 5000,
        PatientID="\x1b]0;owned\x07ID",
    )
    (study,) = import_folder(tmp_path).studies
    assert study.patient.name == "EVIL^Name"
    assert study.patient.patient_id == "ID"
    assert len(study.description) <= MAX_TEXT


def test_damaged_and_foreign_files_never_stop_an_import(tmp_path):
    good = _write(
        tmp_path / "good.dcm", PixelData=b"\0" * 256, Rows=16, Columns=16, BitsAllocated=8
    )
    (tmp_path / "truncated.dcm").write_bytes(good.read_bytes()[:-100])
    (tmp_path / "empty.dcm").write_bytes(b"")
    (tmp_path / "random.bin").write_bytes(os.urandom(4096))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "header-only.dcm").write_bytes(good.read_bytes()[:200])
    result = import_folder(tmp_path)
    kinds = {skip.path.name: skip.kind for skip in result.skipped}
    assert kinds == {
        "truncated.dcm": DAMAGED,
        "empty.dcm": NOT_DICOM,
        "random.bin": NOT_DICOM,
        "header-only.dcm": DAMAGED,
    }
    assert [s.count(CountPolicy.PIXEL_DATA) for s in result.studies] == [1]


def test_cli_import_prints_a_study_list_with_every_count(capsys):
    assert main(["study", "import", str(SAMPLES)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("Name"))
    assert header.split()[-3:] == ["Pixel", "All", "Frames"]
    assert "MR_truncated.dcm: damaged: truncated" in out
    assert "README.txt: not DICOM" in out


def test_cli_import_json(capsys):
    assert main(["study", "import", str(SAMPLES), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"root", "summary", "studies", "skipped"} <= set(data)
    first = data["studies"][0]
    assert set(first["counts"]) == {policy.value for policy in CountPolicy}
    assert Path(first["series"][0]["instances"][0]["path"]).is_file()


def test_cli_import_of_a_missing_folder(tmp_path, capsys):
    assert main(["study", "import", str(tmp_path / "nope")]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_a_long_header_cut_short_is_damaged(tmp_path):
    """An enhanced CT's per-frame header runs past the first read; a cut inside it is found."""
    studies = generate_studies(7, 14)
    study = next(s for s in studies if s.procedure == "ct-coronary")
    export_studies([study], tmp_path / "full")
    enhanced = max((tmp_path / "full").rglob("*.dcm"), key=lambda p: p.stat().st_size)
    data = enhanced.read_bytes()
    assert len(data) > 100_000
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "cut.dcm").write_bytes(data[:20_000])
    (skip,) = import_folder(tmp_path / "cut").skipped
    assert skip.kind == DAMAGED and "truncated" in skip.reason
