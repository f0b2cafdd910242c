"""Header rows and excerpts: readable, searchable, and safe whatever the file holds."""

from __future__ import annotations

import random
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filewriter import dcmwrite
from pydicom.uid import ExplicitVRLittleEndian

from trainer.core import studies as st
from trainer.core.dicom_header import (
    MAX_VALUE,
    dump_lines,
    filter_rows,
    header_exhibit,
    header_rows,
    load_header,
)
from trainer.core.dicom_io import build_dataset

SAMPLES = Path(pydicom.__file__).parent / "data" / "test_files"


def _instance(key: str, sop_class_uid: str) -> Dataset:
    procedure = next(p for p in st.PROCEDURES if p.key == key)
    study = st.make_study(random.Random(1), procedure, f"header|{key}", ("1234567", "A1"))
    series = next(s for s in study.series if s.sop_class_uid == sop_class_uid)
    return build_dataset(study, series, 1)


def _by_keyword(rows):
    return {row.keyword: row for row in rows}


def test_rows_show_tag_keyword_vr_and_value():
    rows = _by_keyword(header_rows(_instance("ct-head", st.CT)))
    assert (rows["Modality"].tag, rows["Modality"].vr, rows["Modality"].value) == (
        "(0008,0060)",
        "CS",
        "CT",
    )
    assert rows["SOPClassUID"].value == "1.2.840.10008.5.1.4.1.1.2 (CT Image Storage)"
    assert rows["MediaStorageSOPClassUID"].depth == 0  # file meta comes first


def test_pixel_data_is_summarised_not_dumped():
    row = _by_keyword(header_rows(_instance("ct-head", st.CT)))["PixelData"]
    assert row.vr == "OW"
    assert row.value == "8,192 bytes: 64x64, 1 frame, 16-bit; not shown"


def test_sequences_are_followed_by_indented_items():
    rows = header_rows(_instance("ct-head", st.XRAY_DOSE_SR))
    index = next(i for i, r in enumerate(rows) if r.keyword == "ConceptNameCodeSequence")
    sequence, item, code = rows[index : index + 3]
    assert (sequence.vr, sequence.value, sequence.depth) == ("SQ", "1 item", 0)
    assert (item.tag, item.keyword, item.depth, item.parent) == ("(FFFE,E000)", "Item 1", 1, index)
    assert (code.keyword, code.value, code.depth) == ("CodeValue", "113701", 2)


def test_filter_by_keyword_or_tag_keeps_the_enclosing_sequences():
    rows = header_rows(_instance("ct-head", st.XRAY_DOSE_SR))
    uids = filter_rows(rows, "UID")
    assert {r.keyword for r in uids} >= {"SOPClassUID", "StudyInstanceUID"}
    by_tag = filter_rows(rows, "0040,A30A")  # Numeric Value, nested three sequences deep
    assert [r.keyword for r in by_tag if r.depth == 0] == ["ContentSequence"]
    assert by_tag[-1].keyword == "NumericValue"
    kept = {rows.index(r) for r in by_tag}
    assert all(r.parent is None or r.parent in kept for r in by_tag)  # no orphan rows
    assert filter_rows(rows, "(0008,0060)") == [r for r in rows if r.keyword == "Modality"]
    assert filter_rows(rows, "  ") == rows


@pytest.mark.filterwarnings("ignore:The value length")  # an over-long value, on purpose
def test_hostile_values_are_plain_one_line_and_short():
    ds = Dataset()
    ds.PatientName = "EVIL\x1b[2J\x1b]0;title\x07^Name"
    ds.StudyDescription = "line one\nline two\x9b31m"
    ds.ImageComments = "X" * 100_000
    ds.SeriesDescription = "right\u202etfel\u200b"
    rows = _by_keyword(header_rows(ds))
    # Shown as written, never obeyed: escapes and invisible characters are spelled out.
    assert rows["PatientName"].value == "EVIL\\x1b[2J\\x1b]0;title\\x07^Name"
    assert rows["StudyDescription"].value == "line one line two\\x9b31m"
    assert rows["SeriesDescription"].value == "right\\u202etfel\\u200b"
    assert len(rows["ImageComments"].value) == MAX_VALUE
    for row in rows.values():
        assert row.value.isprintable()


def test_an_undecodable_value_is_shown_as_such():
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag

    ds = Dataset()
    ds.PatientName = "OK"
    rows_tag = Tag(0x00280010)
    ds[rows_tag] = RawDataElement(rows_tag, "US", 3, b"\x01\x02\x03", 0, False, True)
    rows = _by_keyword(header_rows(ds))
    assert rows["Rows"].value.startswith("(cannot decode")
    assert rows["PatientName"].value == "OK"


def test_dump_lines_look_like_dcmdump_and_hide_uid_names():
    lines = dump_lines(_instance("mr-brain", st.KO), ["SOPClassUID", "Modality", "ValueType"])
    assert lines[0].startswith("(0008,0016) UI [1.2.840.10008.5.1.4.1.1.88.59]")
    assert lines[0].endswith("# SOPClassUID") and "Key Object" not in lines[0]
    assert lines[1].split() == ["(0008,0060)", "CS", "[KO]", "#", "Modality"]
    assert lines[2].split()[:3] == ["(0040,A040)", "CS", "[CONTAINER]"]


def test_dump_lines_indent_sequences():
    lines = dump_lines(_instance("ct-chest-abdomen", st.GSPS), ["ReferencedSeriesSequence"])
    assert lines[0].startswith("(0008,1115) SQ (Sequence with 1 item)")
    assert lines[1] == "  (FFFE,E000) na (Item 1)"
    assert lines[2].startswith("    (0008,1140) SQ (Sequence with")


def test_header_exhibit_is_a_valid_text_exhibit():
    exhibit = header_exhibit(
        _instance("ct-head", st.XRAY_DOSE_SR), ["SOPClassUID", "Modality"], "What is it?"
    )
    assert exhibit.kind == "text" and exhibit.title == "What is it?"
    assert "[SR]" in exhibit.text


def test_load_header_reports_damage_and_never_raises(tmp_path):
    ds = _instance("ct-head", st.CT)
    good = tmp_path / "good.dcm"
    dcmwrite(good, ds, enforce_file_format=True)
    truncated = tmp_path / "truncated.dcm"
    truncated.write_bytes(good.read_bytes()[:-1000])
    (tmp_path / "text.txt").write_text("not DICOM")

    loaded = load_header(good)
    assert loaded.problems == () and loaded.dataset.Modality == "CT"
    loaded = load_header(truncated)
    assert loaded.dataset is not None and "truncated" in loaded.problems[0]
    assert "PixelData (7FE0,0010) lacks 1,000 bytes." in loaded.problems
    loaded = load_header(tmp_path / "text.txt")
    assert loaded.dataset is None and "Not a DICOM Part 10 file" in loaded.problems[0]
    loaded = load_header(tmp_path / "missing.dcm")
    assert loaded.dataset is None and loaded.problems[0].startswith("Cannot read")


def test_load_header_of_pydicoms_damaged_samples():
    for name, element in (
        ("MR_truncated.dcm", "PixelData"),
        ("rtplan_truncated.dcm", "BeamSequence"),
    ):
        loaded = load_header(SAMPLES / name)
        assert any(problem.startswith(element) for problem in loaded.problems), name
        assert header_rows(loaded.dataset)


def test_large_values_stay_on_disk(tmp_path):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = st.CT
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
    ds.EncapsulatedDocument = b"%PDF" + b"\0" * 200_000
    path = tmp_path / "big.dcm"
    dcmwrite(path, ds, enforce_file_format=True)
    row = _by_keyword(header_rows(load_header(path).dataset))["EncapsulatedDocument"]
    assert row.value == "200,004 bytes, not loaded"


def test_a_bare_data_set_is_shown_and_said_to_lack_the_part10_header(tmp_path):
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset

    ds = _instance("cr-knee", st.CR)
    buffer = DicomBytesIO()
    buffer.is_little_endian, buffer.is_implicit_VR = True, False
    write_dataset(buffer, ds)
    path = tmp_path / "bare"
    path.write_bytes(buffer.getvalue())
    loaded = load_header(path)
    assert loaded.dataset is not None and loaded.dataset.Modality == "CR"
    assert loaded.problems[0].startswith("Not a DICOM Part 10 file")
    assert "bare data set" in loaded.problems[0]
