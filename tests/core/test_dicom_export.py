"""Exported studies are real DICOM: independent validators and readers accept every template,
and the files say what their series descriptions say.

dciodvfy (dicom3tools) checks each object against its IOD, with no error and no warning;
dcmdump (dcmtk) must read it; PixelMed's DicomSRValidator checks every SR's content tree
against its PS3.16 template. Where the tools are missing these tests skip with the reason,
except under CI, where they fail: CI installs them (.ci/run), so validation can never be
skipped there silently.
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.filewriter import dcmwrite
from pydicom.sr._cid_dict import cid_concepts
from pydicom.sr._concepts_dict import concepts
from pydicom.sr._snomed_dict import mapping as snomed
from pydicom.uid import UID
from testkit import external_tool
from testkit.pixelmed import validate_sr
from testkit.studies import full_study, shrunk

from trainer.cli import main
from trainer.core import studies as st
from trainer.core.dicom_io import build_dataset, export_studies, instance_path, iter_datasets
from trainer.core.dicom_io.dose import ct_events, exposures
from trainer.core.dicom_io.geometry import AXIAL, CORONAL, SAGITTAL, normal
from trainer.core.studies import PROCEDURES, CountPolicy, Study

PACKAGES = {"dciodvfy": "dicom3tools", "dcmdump": "dcmtk"}
KEYS = [procedure.key for procedure in PROCEDURES]


def tool(name: str) -> str:
    return external_tool(name, PACKAGES[name])


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, list[Path]]:
    """Per template, the first and last instance of every series of a full study, on disk."""
    root = tmp_path_factory.mktemp("validate")
    written: dict[str, list[Path]] = {}
    for key in KEYS:
        study = full_study(key)
        wanted = {(s.series_number, n) for s in study.series for n in {1, s.instance_count}}
        paths = written[key] = []
        for relative, dataset in iter_datasets(study):
            if (dataset.SeriesNumber, dataset.InstanceNumber) in wanted:
                path = root / key / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                dcmwrite(path, dataset, enforce_file_format=True)
                paths.append(path)
    return written


def dciodvfy_findings(path: Path) -> list[str]:
    result = subprocess.run(
        [tool("dciodvfy"), str(path)], check=False, capture_output=True, text=True
    )
    return [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.startswith(("Error", "Warning"))
    ]


@pytest.mark.slow
@pytest.mark.parametrize("key", KEYS)
def test_every_template_passes_dciodvfy_without_an_error_or_a_warning(samples, key):
    findings = {str(path): dciodvfy_findings(path) for path in samples[key]}
    assert {path: lines for path, lines in findings.items() if lines} == {}


@pytest.mark.slow
@pytest.mark.parametrize("key", KEYS)
def test_dcmdump_reads_every_template(samples, key):
    result = subprocess.run(
        [tool("dcmdump"), "-q", *map(str, samples[key])],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "E:" not in result.stderr and "W:" not in result.stderr, result.stderr


# --- PixelMed's SR validator ------------------------------------------------------------------

# What the root templates are; PixelMed validates each of these but TID 5200 (it has none).
ROOTS = {"10011", "10001", "10021", "4000", "2010"}


def _pydicom_cid(cid: int, value: str) -> bool:
    return any(
        cid in concepts[scheme][name].get(value, ("", []))[1]
        for scheme, names in cid_concepts.get(cid, {}).items()
        for name in names
    )


def stale_in_pixelmed(line: str) -> bool:
    """An error that PixelMed 20220618 reports only because its tables predate PS3.16's current
    codes, proven from pydicom's copy of the standard's dictionaries:

    - it still expects a SNOMED RT (SRT) code where the template now has the SNOMED CT (SCT)
      one that PS3.16's SRT-to-SCT mapping gives (TID 10011 Procedure reported: P5-08000 ->
      77477000);
    - its context groups lack a code the current group has (CID 4031 Chest, 816094009);
    - TID 10022 row 2, Radiopharmaceutical agent, is (349358000, SCT) now, the SCT code of
      SRT C-B02C9; PixelMed asks for 417881006 (from F-61FDB), which the standard no longer has.
    """
    expected = re.search(r"expected \(([^,]+),SRT,[^)]*\) - found \(([^,]+),SCT,", line)
    if expected:
        return snomed["SRT"].get(expected[1]) == expected[2]
    absent = re.search(r"Code \(([^,]+),(?:SCT|DCM),[^)]*\) not found in context group (\d+)", line)
    if absent:
        return _pydicom_cid(int(absent[2]), absent[1])
    if '(417881006,SCT,"Radiopharmaceutical agent")' in line and "Missing required" in line:
        old = any("417881006" in codes for codes in concepts["SCT"].values())
        return snomed["SRT"].get("C-B02C9") == "349358000" and not old
    return False


@pytest.mark.slow
def test_every_sr_passes_pixelmeds_validator(samples):
    reports_to_check = {
        path
        for paths in samples.values()
        for path in paths
        if path.parent.name.endswith(("_SR", "_KO")) and path.name == "IM00001.dcm"
    }
    reports = validate_sr(sorted(reports_to_check))
    assert set(reports) == reports_to_check
    failures = {}
    for path, lines in reports.items():
        dataset = dcmread(path, stop_before_pixels=True)
        template = dataset.ContentTemplateSequence[0].TemplateIdentifier
        assert "IOD validation complete" in lines, path
        if template in ROOTS:
            assert any(line.startswith("Found Root Template TID_" + template) for line in lines)
        errors = [line for line in lines if line.startswith("Error")]
        if [line for line in errors if not stale_in_pixelmed(line)]:
            failures[str(path)] = errors
    assert failures == {}
    kinds = {dcmread(p, stop_before_pixels=True).SOPClassUID for p in reports_to_check}
    assert kinds == {st.XRAY_DOSE_SR, st.RADIOPHARM_DOSE_SR, st.MAMMO_CAD_SR, st.KO,
                     st.COMPREHENSIVE_SR}


def test_pixelmeds_stale_findings_are_told_from_real_ones():
    stale = (
        'Incorrect value - expected (P5-08000,SRT,"Computed Tomography X-Ray") - found '
        '(77477000,SCT,"Computed Tomography X-Ray")'
    )
    assert stale_in_pixelmed("Error: ...: " + stale)
    assert not stale_in_pixelmed("Error: ...: " + stale.replace("77477000", "77477001"))
    assert stale_in_pixelmed('Error: ...: Code (816094009,SCT,"Chest") not found in context '
                             "group 4031")
    assert not stale_in_pixelmed('Error: ...: Code (12345,SCT,"Chest") not found in context '
                                 "group 4031")
    assert not stale_in_pixelmed("Error: ...: Missing required content item")


# --- codes ----------------------------------------------------------------------------------


def _codes(dataset) -> set[tuple[str, str, str]]:
    return {
        (item.CodingSchemeDesignator, item.CodeValue, item.CodeMeaning)
        for element in dataset.iterall()
        if element.VR == "SQ"
        for item in element.value
        if "CodeValue" in item and "CodingSchemeDesignator" in item
    }


def test_every_code_written_is_in_the_standards_dictionary():
    """DCM, SCT and LN codes as PS3.16 has them (pydicom's copy), UCUM units, one language;
    no private coding scheme anywhere."""
    found: set[tuple[str, str, str]] = set()
    for key in KEYS:
        study = full_study(key, small=True)
        for _, dataset in iter_datasets(study):
            found |= _codes(dataset)
    assert {scheme for scheme, _, _ in found} <= {"DCM", "SCT", "LN", "UCUM", "RFC5646"}
    unknown = [
        (scheme, value, meaning)
        for scheme, value, meaning in found
        if scheme in ("DCM", "SCT", "LN")
        and not any(value in codes for codes in concepts[scheme].values())
    ]
    assert unknown == []


# --- geometry -------------------------------------------------------------------------------

EXPECTED = {"axial": AXIAL, "sagittal": SAGITTAL, "coronal": CORONAL}
CROSS_SECTIONAL = {"CT", "MR", "PT"}


def _planes(study: Study) -> dict[str, list[tuple[list[float], list[float], float]]]:
    """(orientation, position, thickness) of each image (or frame), by series UID."""
    planes: dict[str, list[tuple[list[float], list[float], float]]] = {}
    for _, ds in iter_datasets(study):
        found = planes.setdefault(ds.SeriesInstanceUID, [])
        if "PerFrameFunctionalGroupsSequence" in ds:
            shared = ds.SharedFunctionalGroupsSequence[0]
            orientation = [
                float(v) for v in shared.PlaneOrientationSequence[0].ImageOrientationPatient
            ]
            thickness = float(shared.PixelMeasuresSequence[0].SliceThickness)
            for frame in ds.PerFrameFunctionalGroupsSequence:
                position = [float(v) for v in frame.PlanePositionSequence[0].ImagePositionPatient]
                found.append((orientation, position, thickness))
        elif "ImageOrientationPatient" in ds:
            found.append((
                [float(v) for v in ds.ImageOrientationPatient],
                [float(v) for v in ds.ImagePositionPatient],
                float(ds.SliceThickness or 0),
            ))
    return planes


def _check_stack(series: st.Series, planes) -> None:
    geometry = series.geometry
    orientations = {tuple(p[0]) for p in planes}
    assert orientations == {EXPECTED[geometry.plane]}, series.description
    across = normal(EXPECTED[geometry.plane])
    distances = sorted({round(sum(a * b for a, b in zip(across, p[1], strict=True)), 2) for p in planes})
    steps = {round(b - a, 2) for a, b in zip(distances, distances[1:], strict=False)}
    assert steps <= {round(geometry.step, 2)}, series.description
    assert {p[2] for p in planes} == {geometry.thickness}, series.description
    extent = distances[-1] - distances[0] + geometry.step
    assert 60 <= extent <= 1200, (series.description, extent)  # a body part, not a metre of CT
    images = series.instance_count if series.frames == (1,) * series.instance_count else None
    if images and geometry.stacks > 1:  # each b-value repeats the positions
        assert len(distances) == math.ceil(images / geometry.stacks)


@pytest.mark.parametrize("key", KEYS)
def test_every_series_lies_where_its_description_says(key):
    study = full_study(key)
    frames_of_reference = set()
    every = _planes(study)
    for series in study.series:
        geometry = series.geometry
        if not series.has_pixel_data or geometry is None:
            continue
        planes = every[series.series_instance_uid]
        if geometry.plane == "localizer":
            kinds = [p[0] for p in planes]
            views = [SAGITTAL, CORONAL, AXIAL] if series.modality == "MR" else [CORONAL, SAGITTAL]
            assert [tuple(k) for k in kinds] == views[: len(kinds)]
            for instance in series.instances:
                ds = build_dataset(study, series, instance.instance_number)
                assert ds.ImageType[-1] == "LOCALIZER" and "NumberOfFrames" not in ds
        elif geometry.plane:
            _check_stack(series, planes)
        if series.modality in CROSS_SECTIONAL:
            ds = build_dataset(study, series, 1)
            frames_of_reference.add(ds.FrameOfReferenceUID)
            measures = ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0] if (
                "SharedFunctionalGroupsSequence" in ds) else ds
            assert ds.Rows * float(measures.PixelSpacing[0]) >= 100  # a body-sized field
    # One table, one patient position: a study's CT, MR and PET share a frame of reference.
    assert len(frames_of_reference) <= 1


def test_each_tomosynthesis_view_has_its_own_frame_of_reference():
    study = full_study("mg-tomo", small=True)
    tomo = [s for s in study.series if s.sop_class_uid == st.BREAST_TOMO]
    uids = {build_dataset(study, s, 1).FrameOfReferenceUID for s in tomo}
    assert len(uids) == len(tomo) == 4


def test_the_ct_topogram_is_an_ap_and_a_lateral_localizer():
    study = full_study("ct-chest-abdomen", small=True)
    topogram = study.series[0]
    first, second = (build_dataset(study, topogram, n) for n in (1, 2))
    assert list(first.ImageType) == ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    assert [int(v) for v in first.ImageOrientationPatient] == list(CORONAL)  # AP projection
    assert [int(v) for v in second.ImageOrientationPatient] == list(SAGITTAL)  # lateral
    mpr = next(s for s in study.series if s.description.startswith("Cor MPR"))
    assert list(build_dataset(study, mpr, 1).ImageType)[:2] == ["DERIVED", "SECONDARY"]


# --- dose reports ---------------------------------------------------------------------------


def _items(ds, meaning: str) -> list:
    return [
        item
        for item in (element for element in ds.iterall() if element.VR == "SQ")
        for item in item.value
        if "ConceptNameCodeSequence" in item
        and item.ConceptNameCodeSequence[0].CodeMeaning == meaning
    ]


def _numbers(ds, meaning: str) -> list[float]:
    return [float(i.MeasuredValueSequence[0].NumericValue) for i in _items(ds, meaning)]


def test_a_ct_dose_report_has_one_event_per_acquisition():
    """Topogram AP and lateral are two events; the helical run is one, however many
    reconstructions (5 mm, 1 mm) and reformats (coronal MPR) it gave."""
    study = full_study("ct-chest-abdomen")
    report = next(s for s in study.series if s.sop_class_uid == st.XRAY_DOSE_SR)
    ds = build_dataset(study, report, 1)
    events = _items(ds, "CT Acquisition")
    topograms = study.series[0].instance_count
    assert len(events) == topograms + 1 == len(ct_events(study))
    assert _numbers(ds, "Total Number of Irradiation Events") == [topograms + 1]
    dlp = _numbers(ds, "DLP")
    assert _numbers(ds, "CT Dose Length Product Total") == [pytest.approx(sum(dlp), abs=0.2)]
    assert 200 < sum(dlp) < 1000  # mGy.cm, as a chest-abdomen CT gives
    uids = {i.UID for i in _items(ds, "Irradiation Event UID")}
    for series in study.series:
        if series.modality == "CT":
            image = build_dataset(study, series, series.instance_count)
            assert image.IrradiationEventUID in uids, series.description


def test_a_projection_dose_report_has_one_event_per_exposure():
    for key, extra in (("xr-chest", 0), ("mg-screening", 0), ("xa-coronary", 1)):
        study = full_study(key, small=True)
        report = next(s for s in study.series if s.sop_class_uid == st.XRAY_DOSE_SR)
        ds = build_dataset(study, report, 1)
        events = _items(ds, "Irradiation Event X-Ray Data")
        images = [s for s in study.series if s.has_pixel_data]
        assert len(events) == sum(s.instance_count for s in images) + extra == len(
            exposures(study)
        )
        uids = {i.UID for i in _items(ds, "Irradiation Event UID")}
        for series in images:
            assert build_dataset(study, series, 1).IrradiationEventUID in uids


# --- every template its own UIDs ---------------------------------------------------------------


def test_every_template_exported_with_one_seed_shares_no_uid():
    """Each template exported alone with --seed 1 (as `study export --template T` does), then
    all of them together: no UID, Patient ID or Accession Number is in two studies."""
    owners: dict[str, str] = {}
    for procedure in PROCEDURES:
        (study,) = st.generate_studies(1, 1, (shrunk(procedure),))
        for _, ds in iter_datasets(study):
            values = {
                str(e.value) for e in ds.iterall() if e.VR == "UI" and e.tag != 0x00080016
                and not str(e.value).startswith("1.2.840.10008.")  # SOP classes
            }
            values -= {"1.2.826.0.1.3680043.8.498.7"}  # the Implementation Class UID
            values |= {"patient:" + ds.PatientID, "accession:" + ds.AccessionNumber}
            for value in values:
                assert owners.setdefault(value, procedure.key) == procedure.key, value


# --- files ----------------------------------------------------------------------------------


def test_export_writes_every_instance_as_patient_study_series(tmp_path):
    studies = st.generate_studies(3, 2, tuple(p for p in PROCEDURES if p.key == "mg-screening"))
    summary = export_studies(studies, tmp_path)
    files = sorted(tmp_path.rglob("*.dcm"))
    assert summary.files == len(files) == sum(s.count(CountPolicy.ALL_INSTANCES) for s in studies)
    assert (summary.patients, summary.studies) == (2, 2)
    assert "MG 8" in summary.line()
    for study in studies:
        for series in study.series:
            for instance in series.instances:
                path = tmp_path / instance_path(study, series, instance.instance_number)
                assert path.parts[-4:-1] == (
                    study.patient.patient_id,
                    study.accession_number,
                    f"{series.series_number:03d}_{series.modality}",
                )
                assert path.read_bytes()[128:132] == b"DICM"  # a Part 10 file


def test_files_carry_the_study_model(tmp_path):
    study = full_study("ct-chest-abdomen", small=True)
    export_studies([study], tmp_path)
    for series in study.series:
        path = tmp_path / instance_path(study, series, 1)
        ds = dcmread(path)
        assert ds.SOPClassUID == ds.file_meta.MediaStorageSOPClassUID == series.sop_class_uid
        assert ds.SOPInstanceUID == ds.file_meta.MediaStorageSOPInstanceUID
        assert ds.SOPInstanceUID == series.instances[0].sop_instance_uid
        assert (ds.StudyInstanceUID, ds.SeriesInstanceUID) == (
            study.study_instance_uid,
            series.series_instance_uid,
        )
        assert (ds.PatientName, ds.PatientID, ds.AccessionNumber) == (
            study.patient.name,
            study.patient.patient_id,
            study.accession_number,
        )
        assert ds.Modality == series.modality
        assert ("PixelData" in ds) == series.has_pixel_data
        for uid in (ds.SOPInstanceUID, ds.SeriesInstanceUID, ds.StudyInstanceUID):
            assert UID(uid).is_valid  # digits and dots, at most 64 characters


def test_same_seed_same_files(tmp_path):
    studies = st.generate_studies(11, 1, tuple(p for p in PROCEDURES if p.key == "cr-knee"))
    export_studies(studies, tmp_path / "a")
    export_studies(studies, tmp_path / "b")
    first = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.dcm")}
    second = {
        p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.dcm")
    }
    assert first == second and len(first) == 3


def _dataset(study: Study, sop_class_uid: str):
    series = next(s for s in study.series if s.sop_class_uid == sop_class_uid)
    return build_dataset(study, series, 1)


def _referenced(ds) -> set[str]:
    return {e.value for e in ds.iterall() if e.keyword == "ReferencedSOPInstanceUID"}


def test_pr_ko_and_sr_reference_the_studys_own_images():
    for key, uid in (
        ("ct-chest-abdomen", st.GSPS),
        ("mr-brain", st.KO),
        ("mg-screening", st.MAMMO_CAD_SR),
    ):
        study = full_study(key, small=True)
        images = {i.sop_instance_uid for s in study.series if s.has_pixel_data for i in s.instances}
        referenced = _referenced(_dataset(study, uid))
        assert referenced and referenced <= images, key


def test_images_have_real_pixel_data_with_the_models_frames():
    for key in ("echo", "ct-coronary", "nm-bone", "mr-knee"):
        study = full_study(key, small=True)
        for series in (s for s in study.series if s.has_pixel_data):
            ds = build_dataset(study, series, 1)
            frames = series.frames[0]
            per_frame = ds.Rows * ds.Columns * ds.SamplesPerPixel * ds.BitsAllocated // 8
            assert len(ds.PixelData) == per_frame * frames
            assert int(ds.get("NumberOfFrames", 1)) == frames
            if "PerFrameFunctionalGroupsSequence" in ds:
                assert len(ds.PerFrameFunctionalGroupsSequence) == frames


def test_cli_export_writes_and_summarises(tmp_path, capsys):
    out = tmp_path / "s"
    assert (
        main(["study", "export", "--seed", "7", "--template", "xr-chest", "--out", str(out)]) == 0
    )
    line = capsys.readouterr().out
    assert line.startswith("Wrote ") and str(out) in line
    assert len(list(out.rglob("*.dcm"))) >= 2


def test_cli_export_refuses_a_file_as_folder(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["study", "export", "--out", str(target)]) == 1
    assert "is a file" in capsys.readouterr().err


def test_cli_export_rejects_an_unknown_template(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["study", "export", "--template", "nope", "--out", str(tmp_path)])
    assert exit_info.value.code == 2


def test_export_summary_counts_one_patient_in_the_singular(tmp_path):
    studies = st.generate_studies(3, 1, tuple(p for p in PROCEDURES if p.key == "mg-screening"))
    line = export_studies(studies, tmp_path).line()
    assert " for 1 patient, 1 study, " in line
