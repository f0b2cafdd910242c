"""C-FIND over what a PACS stores: Study Root matching at study, series and image level.

Keys are keywords with text values as a C-FIND identifier carries them (PS3.4 C.2.2.2): empty
matches anything and asks for the value; "*" and "?" are wildcards; UIDs may be a list joined
by backslashes; dates may be a range "20250101-20250131". Patient names match ignoring case,
as many PACS do. Counts follow the standard: Number of Study Related Instances (0020,1208)
counts every stored instance, whatever the PACS's own study list shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from trainer.core.dicom_import import ImportResult
from trainer.core.studies import Series, Study

LEVELS = ("STUDY", "SERIES", "IMAGE")

STUDY_KEYS = (
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime",
    "AccessionNumber", "StudyID", "StudyInstanceUID", "StudyDescription", "ModalitiesInStudy",
    "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances",
)
SERIES_KEYS = (
    "StudyInstanceUID", "SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription",
    "BodyPartExamined", "NumberOfSeriesRelatedInstances",
)
IMAGE_KEYS = (
    "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID", "InstanceNumber",
    "NumberOfFrames",
)
KEYS = {"STUDY": STUDY_KEYS, "SERIES": SERIES_KEYS, "IMAGE": IMAGE_KEYS}
_UIDS = {"StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID"}
_DATES = {"StudyDate", "PatientBirthDate"}
_COUNTS = {
    "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances",
    "NumberOfSeriesRelatedInstances",
}

Value = str | int | tuple[str, ...]


@dataclass(frozen=True)
class Match:
    level: str
    values: dict[str, Value]


def find(stored: ImportResult, level: str, identifier: Mapping[str, str]) -> list[Match]:
    """The matches for an identifier, with the keys it asked for (its own keys only)."""
    if level not in LEVELS:
        raise ValueError(f"Query/Retrieve Level must be one of {', '.join(LEVELS)}")
    matches = []
    for values in _records(stored, level):
        if all(_matches(key, wanted, values.get(key, "")) for key, wanted in identifier.items()):
            matches.append(Match(level, {key: values.get(key, "") for key in identifier}))
    return matches


def instance_files(stored: ImportResult, level: str, identifier: Mapping[str, str]) -> list[Path]:
    """The files of the instances a C-GET identifier names (its UID keys, at its level)."""
    keys = {k: v for k, v in identifier.items() if k in _UIDS}
    if not keys:
        raise ValueError("a C-GET needs the UID of what to retrieve (e.g. StudyInstanceUID)")
    if level not in LEVELS:
        raise ValueError(f"Query/Retrieve Level must be one of {', '.join(LEVELS)}")
    wanted = {str(m.values["SOPInstanceUID"])
              for m in find(stored, "IMAGE", {**keys, "SOPInstanceUID": keys.get(
                  "SOPInstanceUID", "")})}
    return [found.path for files in stored.instances.values() for found in files
            if found.sop_instance_uid in wanted]


def _records(stored: ImportResult, level: str) -> list[dict[str, Value]]:
    records = []
    for study in stored.studies:
        study_values = _study_values(study)
        by_uid: dict[str, list[Series]] = {}
        for series in study.series:  # a mixed series was split by SOP class: join it again
            by_uid.setdefault(series.series_instance_uid, []).append(series)
        if level == "STUDY":
            records.append(study_values)
            continue
        for uid, parts in by_uid.items():
            series_values = _series_values(study, uid, parts)
            if level == "SERIES":
                records.append(series_values)
                continue
            for part in parts:
                for found in stored.files(study, part):
                    records.append({
                        "StudyInstanceUID": study.study_instance_uid,
                        "SeriesInstanceUID": uid,
                        "SOPInstanceUID": found.sop_instance_uid,
                        "SOPClassUID": part.sop_class_uid,
                        "InstanceNumber": found.instance_number,
                        "NumberOfFrames": found.number_of_frames,
                    })
    return records


def _study_values(study: Study) -> dict[str, Value]:
    return {
        "PatientName": study.patient.name,
        "PatientID": study.patient.patient_id,
        "PatientBirthDate": study.patient.birth_date,
        "PatientSex": study.patient.sex,
        "StudyDate": study.date,
        "StudyTime": study.time,
        "AccessionNumber": study.accession_number,
        "StudyID": study.study_id,
        "StudyInstanceUID": study.study_instance_uid,
        "StudyDescription": study.description,
        "ModalitiesInStudy": tuple(sorted({s.modality for s in study.series if s.modality})),
        "NumberOfStudyRelatedSeries": len({s.series_instance_uid for s in study.series}),
        "NumberOfStudyRelatedInstances": sum(s.instance_count for s in study.series),
    }


def _series_values(study: Study, uid: str, parts: list[Series]) -> dict[str, Value]:
    head = parts[0]
    return {
        "StudyInstanceUID": study.study_instance_uid,
        "SeriesInstanceUID": uid,
        "Modality": head.modality,
        "SeriesNumber": head.series_number,
        "SeriesDescription": head.description,
        "BodyPartExamined": head.body_part,
        "NumberOfSeriesRelatedInstances": sum(part.instance_count for part in parts),
    }


def _matches(key: str, wanted: str, value: Value) -> bool:
    wanted = wanted.strip()
    if not wanted or wanted == "*" or key in _COUNTS:
        return True
    if isinstance(value, tuple):
        return any(_matches(key, wanted, item) for item in value)
    text = str(value)
    if key in _UIDS:
        return text in wanted.split("\\")
    if key in _DATES and "-" in wanted:
        start, _, end = wanted.partition("-")
        return bool(text) and (not start or text >= start) and (not end or text <= end)
    if "*" in wanted or "?" in wanted:
        return _pattern(wanted, key == "PatientName").fullmatch(text) is not None
    if key == "PatientName":
        return text.casefold() == wanted.casefold()
    return text == wanted


@cache
def _pattern(wanted: str, fold: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in wanted)
    return re.compile(body, re.IGNORECASE | re.DOTALL if fold else re.DOTALL)
