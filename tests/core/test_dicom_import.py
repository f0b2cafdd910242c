"""Importing a folder of DICOM files gives an honest study list and never dies on a bad file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pydicom
import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import dcmwrite, write_dataset
from pydicom.uid import ExplicitVRLittleEndian
from testkit.studies import shrunk

from trainer.cli import main
from trainer.core.dicom_import import (
    DAMAGED,
    DUPLICATE,
    HEADERLESS,
    MAX_TEXT,
    NOT_A_FILE,
    NOT_AN_INSTANCE,
    NOT_DICOM,
    import_folder,
)
from trainer.core.dicom_io import export_studies
from trainer.core.studies import PROCEDURES, CountPolicy, generate_studies, worklist_rows

# The sample files inside the pydicom wheel, globbed directly (get_testdata_files downloads).
SAMPLES = Path(pydicom.__file__).parent / "data" / "test_files"


@pytest.fixture(scope="module")
def samples():
    return import_folder(SAMPLES)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A study of every template, a few instances a series (every SOP class, quickly)."""
    root = tmp_path_factory.mktemp("exported")
    studies = generate_studies(7, len(PROCEDURES), tuple(shrunk(p) for p in PROCEDURES))
    export_studies(studies, root)
    return studies, root


def _kinds(result) -> dict[str, str]:
    return {str(skip.path.relative_to(SAMPLES)): skip.kind for skip in result.skipped}


def test_every_sample_file_is_counted_once(samples):
    files = [p for p in SAMPLES.rglob("*") if p.is_file()]
    assert samples.files_read == len(files) == samples.imported + len(samples.skipped)


def test_bad_sample_files_are_listed_with_a_reason(samples):
    kinds = _kinds(samples)
    assert kinds["README.txt"] == NOT_DICOM
    assert kinds["MR_truncated.dcm"] == DAMAGED
    assert kinds["rtplan_truncated.dcm"] == DAMAGED
    assert kinds["dicomdirtests/DICOMDIR"] == NOT_AN_INSTANCE
    assert kinds["no_meta.dcm"] == NOT_DICOM  # no header, and no data set either
    reasons = {str(s.path.relative_to(SAMPLES)): s.reason for s in samples.skipped}
    assert reasons["README.txt"].startswith("not a DICOM Part 10 file")
    assert all(skip.reason for skip in samples.skipped)


def test_the_same_instance_in_other_transfer_syntaxes_is_listed_and_remarked(samples):
    """MR_small.dcm as big endian, RLE, JPEG ...: every file is in the list, and each later
    one is remarked as a duplicate of the first, naming both."""
    remarks = {str(r.path.relative_to(SAMPLES)): r for r in samples.remarks}
    again = remarks["MR_small_bigendian.dcm"]
    assert again.kind == DUPLICATE
    assert "MR_small.dcm" in again.reason and "MR_small_bigendian.dcm" in again.reason
    listed = {f.path.name for files in samples.instances.values() for f in files}
    assert {"MR_small.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm"} <= listed


def test_compressed_and_deflated_pixel_data_count_as_pixel_data(samples):
    by_file = {
        f.path.name: f for files in samples.instances.values() for f in files
    }
    for name in ("image_dfl.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm", "SC_rgb_rle_2frame.dcm"):
        assert by_file[name].number_of_frames >= 1, name
    assert by_file["SC_rgb_rle_2frame.dcm"].number_of_frames == 2


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
    assert result.skipped == () and result.remarks == ()
    # Every field, series, frame count and order; the template is not in the files.
    assert result.studies == tuple(replace(study, procedure="") for study in studies)


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
    # Shown, not obeyed: the escapes are written out.
    assert study.patient.name == "EVIL\\x1b[2J^Name\\x07"
    assert study.patient.patient_id == "\\x1b]0;owned\\x07ID"
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


def test_a_bare_data_set_is_read_and_said_to_lack_the_part10_header(tmp_path):
    good = _write(tmp_path / "with-header.dcm", StudyInstanceUID="1.2.9", SOPInstanceUID="1.2.9.1")
    bare = dcmread(good)
    bare.SOPInstanceUID = "1.2.9.2"
    buffer = DicomBytesIO()
    buffer.is_little_endian, buffer.is_implicit_VR = True, True
    write_dataset(buffer, bare)  # the data set alone: no preamble, no DICM, no file meta
    (tmp_path / "bare.dcm").write_bytes(buffer.getvalue())
    assert (tmp_path / "bare.dcm").read_bytes()[128:132] != b"DICM"
    result = import_folder(tmp_path)
    assert result.skipped == ()
    (study,) = result.studies
    assert study.count(CountPolicy.ALL_INSTANCES) == 2
    (remark,) = result.remarks
    assert (remark.path.name, remark.kind) == ("bare.dcm", HEADERLESS)
    assert remark.reason.startswith("not a DICOM Part 10 file")
    assert "1 read without a Part 10 header" in result.summary()


def test_a_file_without_sop_class_uid_is_skipped_with_the_reason(tmp_path):
    path = _write(tmp_path / "classless.dcm")
    ds = dcmread(path)
    del ds.SOPClassUID  # the file meta still names a class; a PACS needs the data set's
    dcmwrite(path, ds, enforce_file_format=True)
    result = import_folder(tmp_path)
    (skip,) = result.skipped
    assert skip.kind == NOT_AN_INSTANCE and "SOP Class UID (0008,0016)" in skip.reason
    assert result.studies == ()


def test_two_files_of_one_uid_in_two_studies_are_both_listed(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _write(tmp_path / "a" / "one.dcm", StudyInstanceUID="1.2.3", PatientID="A")
    _write(tmp_path / "b" / "one.dcm", StudyInstanceUID="1.2.4", PatientID="B")
    result = import_folder(tmp_path)
    assert result.files_read == 2 and result.imported == 2
    assert sorted(s.patient.patient_id for s in result.studies) == ["A", "B"]
    paths = [
        result.files(study, study.series[0])[0].path.relative_to(tmp_path).as_posix()
        for study in result.studies
    ]
    assert sorted(paths) == ["a/one.dcm", "b/one.dcm"]  # each study its own file
    (remark,) = result.remarks
    assert remark.kind == DUPLICATE and remark.path == tmp_path / "b" / "one.dcm"
    assert "a/one.dcm" in remark.reason and "b/one.dcm" in remark.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fifos_and_sockets_are_skipped_without_being_opened(tmp_path):
    _write(tmp_path / "good.dcm")
    os.mkfifo(tmp_path / "pipe.dcm")  # opening it to read would wait for a writer forever
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock.dcm"))
        result = import_folder(tmp_path)
    reasons = {s.path.name: (s.kind, s.reason) for s in result.skipped}
    assert reasons["pipe.dcm"][0] == NOT_A_FILE and "FIFO" in reasons["pipe.dcm"][1]
    assert reasons["sock.dcm"][0] == NOT_A_FILE and "socket" in reasons["sock.dcm"][1]
    assert result.imported == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_the_cli_reads_a_folder_with_a_fifo_and_ends(tmp_path):
    _write(tmp_path / "good.dcm")
    os.mkfifo(tmp_path / "pipe")
    done = subprocess.run(
        [sys.executable, "-m", "trainer", "study", "import", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "pipe: not a file: a FIFO (named pipe)" in done.stdout


def test_reading_stops_when_cancelled(tmp_path):
    for n in range(5):
        _write(tmp_path / f"{n}.dcm", SOPInstanceUID=f"1.2.3.{n}")
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2

    result = import_folder(tmp_path, cancelled)
    assert result.imported == 2 and not result.complete


def test_file_names_reach_the_terminal_escaped(tmp_path, capsys):
    hostile = "evil\x1b]0;owned\x07\u202etxt.dcm"
    (tmp_path / hostile).write_text("not DICOM")
    _write(tmp_path / "a.dcm", SOPInstanceUID="1.2.3.9")
    _write(tmp_path / ("dup\u200b\x9b.dcm"), SOPInstanceUID="1.2.3.9")
    assert main(["study", "import", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "evil\\x1b]0;owned\\x07\\u202etxt.dcm: not DICOM" in out
    assert "dup\\u200b\\x9b.dcm" in out
    assert all(ch.isprintable() or ch == "\n" for ch in out)


def test_an_empty_folder_says_so_and_a_file_is_not_a_folder(tmp_path, capsys):
    assert main(["study", "import", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "0 files read: 0 instances in 0 studies of 0 patients (there are no files" in out
    (tmp_path / "one.dcm").write_bytes(b"x")
    assert main(["study", "import", str(tmp_path / "one.dcm")]) == 1
    assert "one.dcm is a file, not a folder" in capsys.readouterr().err
