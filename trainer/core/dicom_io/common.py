"""What every exported object shares: sequence items and codes, derived UIDs, and the Patient,
General Study, General Series and General Equipment modules (PS3.3 C.7)."""

from __future__ import annotations

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from trainer import __version__
from trainer.core.registry import load_registry
from trainer.core.studies import PROCEDURES, UID_ROOT, Series, Study

IMPLEMENTATION_UID = UID_ROOT + "7"  # Implementation Class UID of pacs-trainer (0002,0012)
IMPLEMENTATION_NAME = "PACS_TRAINER"
MANUFACTURER = "pacs-trainer"


_PROCEDURE_CODES = {p.key: p.code for p in PROCEDURES if p.code}


def item(**attributes: object) -> Dataset:
    """A sequence item from keyword=value pairs: `item(RescaleSlope=1, RescaleType="HU")`."""
    dataset = Dataset()
    for keyword, value in attributes.items():
        setattr(dataset, keyword, value)
    return dataset


def code(value: str, scheme: str, meaning: str) -> Dataset:
    """A Code Sequence item (PS3.3 Table 8.8-1)."""
    return item(CodeValue=value, CodingSchemeDesignator=scheme, CodeMeaning=meaning)


def derived_uid(*parts: str) -> str:
    """A UID derived from `parts`, so the same study always gets the same one."""
    return str(generate_uid(prefix=UID_ROOT, entropy_srcs=list(parts)))


def is_multi_frame(sop_class_uid: str) -> bool:
    sop = load_registry().by_uid(sop_class_uid)
    return bool(sop and sop.multi_frame)


def patient_module(ds: Dataset, study: Study) -> None:
    patient = study.patient
    ds.PatientName = patient.name
    ds.PatientID = patient.patient_id
    ds.PatientBirthDate = patient.birth_date
    ds.PatientSex = patient.sex


def general_study(ds: Dataset, study: Study) -> None:
    ds.StudyInstanceUID = study.study_instance_uid
    ds.StudyDate = study.date
    ds.StudyTime = study.time
    ds.ReferringPhysicianName = ""
    ds.StudyID = study.study_id
    ds.AccessionNumber = study.accession_number
    ds.StudyDescription = study.description
    procedure = _PROCEDURE_CODES.get(study.procedure)
    if procedure is not None:  # a PS3.16 code; templates without one leave it out (Type 3)
        ds.ProcedureCodeSequence = [code(procedure[1], procedure[0], procedure[2])]


def general_series(ds: Dataset, study: Study, series: Series) -> None:
    ds.Modality = series.modality
    ds.SeriesInstanceUID = series.series_instance_uid
    ds.SeriesNumber = series.series_number
    ds.SeriesDescription = series.description
    ds.SeriesDate = study.date
    ds.SeriesTime = study.time
    ds.ContentDate = study.date
    ds.ContentTime = study.time
    if series.body_part:
        ds.BodyPartExamined = series.body_part


def general_equipment(ds: Dataset) -> None:
    ds.Manufacturer = MANUFACTURER
    ds.InstitutionName = "Synthetic Teaching Hospital"
    ds.ManufacturerModelName = "synthetic"
    ds.DeviceSerialNumber = "0001"
    ds.SoftwareVersions = __version__
