"""DICOM export and import vs bare pydicom loops doing the same file work, in the same run.

Export: a 300-instance CT study written by `export_studies` (building every dataset on the way)
vs a loop of `dcmwrite` over the same 300 datasets built beforehand. Target <= 1.5x.
Import: the files of seed 7's 14-study list (one study of every template) read by
`import_folder` (headers, grouping, checks for damage) vs a loop of
`dcmread(stop_before_pixels=True)` over them. Target <= 1.3x.
Run: python benchmarks/bench_dicom.py
"""

from __future__ import annotations

import copy
import random
import shutil
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `trainer` and `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydicom import dcmread
from pydicom.filewriter import dcmwrite

from benchmarks.harness import Figure, median_seconds
from trainer.core import studies as st
from trainer.core.dicom_import import import_folder
from trainer.core.dicom_io import export_studies, iter_datasets

EXPORT_TARGET = 1.5
IMPORT_TARGET = 1.3
CT_300 = st.Procedure(
    "bench-ct",
    "CT CHEST 300",
    "CHEST",
    (st.SeriesTemplate(st.CT, "Ax 1mm", (300, 300), geometry=st.Geometry("axial", 1.0)),),
)


def _export(work: Path) -> Figure:
    study = st.make_study(random.Random(0), CT_300, "bench|export", ("1000001", "A1"))
    built = [(work / "bare" / path, copy.deepcopy(ds)) for path, ds in iter_datasets(study)]
    for path in {path.parent for path, _ in built}:
        path.mkdir(parents=True, exist_ok=True)

    def bare() -> None:
        for path, dataset in built:
            dcmwrite(path, dataset, enforce_file_format=True)

    ours = median_seconds(lambda: export_studies([study], work / "ours"), repeat=5)
    return Figure(
        "export a 300-instance study",
        ours * 1000,
        median_seconds(bare, repeat=5) * 1000,
        "ms",
        target_ratio=EXPORT_TARGET,
    )


def _import(work: Path) -> Figure:
    folder = work / "list"
    export_studies(st.generate_studies(7, 14), folder)
    files = sorted(folder.rglob("*.dcm"))

    def bare() -> None:
        for path in files:
            dcmread(path, stop_before_pixels=True)

    ours = median_seconds(lambda: import_folder(folder), repeat=5)
    return Figure(
        f"import {len(files):,} files (headers only)",
        ours * 1000,
        median_seconds(bare, repeat=5) * 1000,
        "ms",
        target_ratio=IMPORT_TARGET,
    )


def figures() -> list[Figure]:
    work = Path(tempfile.mkdtemp(prefix="pacs-trainer-bench-"))
    try:
        return [_export(work), _import(work)]
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    for figure in figures():
        print(figure.line())
