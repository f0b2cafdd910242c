"""Where an exported instance goes: <Patient ID>/<Accession Number>/<nnn>_<modality>/IMnnnnn.dcm,
with any character a file system could object to replaced."""

from __future__ import annotations

from pathlib import PurePosixPath

from trainer.core.studies import Series, Study


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text) or "_"


def series_folder(study: Study, series: Series) -> PurePosixPath:
    """patient/study/series: <Patient ID>/<Accession Number>/<series number>_<modality>."""
    return PurePosixPath(
        _safe(study.patient.patient_id),
        _safe(study.accession_number),
        f"{series.series_number:03d}_{_safe(series.modality)}",
    )


def instance_path(study: Study, series: Series, number: int) -> PurePosixPath:
    return series_folder(study, series) / f"IM{number:05d}.dcm"
