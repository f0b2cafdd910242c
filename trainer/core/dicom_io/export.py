"""Write studies as DICOM Part 10 files, and say what was written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydicom.filewriter import dcmwrite

from trainer.core import wording
from trainer.core.dicom_io.builders import iter_datasets
from trainer.core.studies import Study


@dataclass(frozen=True)
class ExportSummary:
    out: Path
    files: int
    patients: int
    studies: int
    series: int
    bytes: int
    by_modality: tuple[tuple[str, int], ...]

    def line(self) -> str:
        kinds = ", ".join(f"{modality} {count}" for modality, count in self.by_modality)
        return (
            f"Wrote {wording.count(self.files, 'DICOM file')} ({kinds}) for "
            f"{wording.count(self.patients, 'patient')}, "
            f"{wording.count(self.studies, 'study', 'studies')}, {self.series} series, "
            f"{self.bytes / 1e6:.1f} MB, "
            f"to {self.out}"
        )


def export_studies(studies: Iterable[Study], out: Path) -> ExportSummary:
    """Write every instance of `studies` under `out` as patient/study/series/IMnnnnn.dcm."""
    studies = tuple(studies)
    made_dirs: set[Path] = set()
    files = size = 0
    kinds: Counter[str] = Counter()
    for study in studies:
        for relative, dataset in iter_datasets(study):
            path = out / relative
            if path.parent not in made_dirs:
                path.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(path.parent)
            dcmwrite(path, dataset, enforce_file_format=True)
            files += 1
            size += path.stat().st_size
            kinds[dataset.Modality] += 1
    return ExportSummary(
        out=out,
        files=files,
        patients=len({study.patient.patient_id for study in studies}),
        studies=len(studies),
        series=sum(len(study.series) for study in studies),
        bytes=size,
        by_modality=tuple(sorted(kinds.items(), key=lambda pair: (-pair[1], pair[0]))),
    )
