"""A real PACS takes the exports as the app describes them.

Every template is exported with two seeds, as `study export --template T --seed S` writes it
(with at most three instances a series: the same studies and UIDs, stored in seconds rather
than minutes), and all of it is stored together into Orthanc (Debian's package, in a private network
namespace) with dcmtk's storescu; dcmtk's findscu then asks Orthanc what it holds. It must
hold one study per export, each with the app's series, per-series instance counts, Number of
Study Related Instances (0020,1208) and Modalities in Study: no two exports merged.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.multival import MultiValue
from testkit import external_tool
from testkit.netns import in_private_network
from testkit.orthanc import orthanc
from testkit.studies import shrunk

from trainer.core import studies as st
from trainer.core.dicom_io import export_studies
from trainer.core.studies import PROCEDURES, CountPolicy

SEEDS = (1, 2)


def _find(findscu: str, pacs, out: Path, level: str, *keys: str) -> list[dict[str, str]]:
    """C-FIND at `level`, every response as {keyword: value}."""
    out.mkdir(parents=True)
    args = [findscu, "-S", "-aec", pacs.ae_title, "-X", "-od", str(out),
            "-k", f"QueryRetrieveLevel={level}"]
    for key in keys:
        args += ["-k", key]
    done = subprocess.run([*args, pacs.host, str(pacs.port)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    answers = []
    for path in sorted(out.glob("rsp*.dcm")):
        ds = dcmread(path)
        answers.append({e.keyword: _text(e.value) for e in ds if e.keyword})
    return answers


def _text(value: object) -> str:
    """A value as DICOM writes it: several values joined by backslashes."""
    if isinstance(value, MultiValue):
        return "\\".join(str(v) for v in value)
    return str(value)


def _store_and_query(exports: Path, work: Path) -> tuple[str, list[dict[str, str]], list]:
    """Inside the private network: store everything, then ask for studies and series."""
    storescu = external_tool("storescu", "dcmtk")
    findscu = external_tool("findscu", "dcmtk")
    with orthanc(work / "orthanc") as pacs:
        stored = subprocess.run(
            [storescu, "-aec", pacs.ae_title, "+sd", "+r", "-R", "-nh", pacs.host,
             str(pacs.port), str(exports)],
            capture_output=True, text=True, timeout=900,
        )
        studies = _find(findscu, pacs, work / "studies", "STUDY", "StudyInstanceUID",
                        "PatientID", "AccessionNumber", "ModalitiesInStudy",
                        "NumberOfStudyRelatedInstances", "NumberOfStudyRelatedSeries")
        series = []
        for n, study in enumerate(studies):
            series += _find(findscu, pacs, work / f"series{n}", "SERIES",
                            f"StudyInstanceUID={study['StudyInstanceUID']}", "SeriesInstanceUID",
                            "Modality", "NumberOfSeriesRelatedInstances")
        return stored.stderr[-3000:], studies, series


@pytest.mark.slow
def test_orthanc_holds_one_study_per_export_with_the_apps_counts(tmp_path):
    exported: dict[str, st.Study] = {}
    for procedure in PROCEDURES:
        for seed in SEEDS:
            (study,) = st.generate_studies(seed, 1, (shrunk(procedure),))
            export_studies([study], tmp_path / "exports" / f"{procedure.key}-{seed}")
            exported[study.study_instance_uid] = study
    log, studies, series = in_private_network(
        _store_and_query, tmp_path / "exports", tmp_path / "work", timeout=1200
    )
    assert "E:" not in log, log
    assert len(exported) == len(PROCEDURES) * len(SEEDS)
    by_uid = {answer["StudyInstanceUID"]: answer for answer in studies}
    assert set(by_uid) == set(exported)  # one study per template and seed, none merged
    for uid, study in exported.items():
        answer = by_uid[uid]
        assert (answer["PatientID"], answer["AccessionNumber"]) == (
            study.patient.patient_id, study.accession_number)
        assert int(answer["NumberOfStudyRelatedInstances"]) == study.count(
            CountPolicy.ALL_INSTANCES), study.procedure
        assert int(answer["NumberOfStudyRelatedSeries"]) == len(study.series)
        # Orthanc lists Modalities in Study sorted; the app, images first.
        assert set(answer["ModalitiesInStudy"].split("\\")) == set(study.modalities)
    counts = {answer["SeriesInstanceUID"]: answer for answer in series}
    for study in exported.values():
        for one in study.series:
            answer = counts[one.series_instance_uid]
            assert answer["Modality"] == one.modality
            assert int(answer["NumberOfSeriesRelatedInstances"]) == one.instance_count
