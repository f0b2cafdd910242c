"""Synthetic studies -> DICOM Part 10 files that independent validators accept.

Every instance of a `Study` becomes a real object of its SOP class: the modules its IOD requires
(PS3.3), file meta (PS3.10), a small uncompressed pixel matrix for images, a plane in the
patient that matches the series description, and for PR, KO and SR objects references to the
study's own images and a content tree that follows its PS3.16 template (a CT dose report with
one irradiation event per acquisition, CAD findings, echo measurements ...). UIDs are the study
model's (`<series UID>.<n>`), so the files are as reproducible as the seed.

One module per family: `images` (classic single- and multi-frame images), `enhanced`
(Enhanced CT/MR, breast tomosynthesis), `presentation` (GSPS), `reports` (KO, CAD, echo SR),
`dose` (the dose reports); `geometry` places images in the patient, `builders` maps SOP classes
to builders, `export` writes files.
"""

from trainer.core.dicom_io.builders import build_dataset, iter_datasets
from trainer.core.dicom_io.export import ExportSummary, export_studies
from trainer.core.dicom_io.paths import instance_path, series_folder

__all__ = [
    "ExportSummary",
    "build_dataset",
    "export_studies",
    "instance_path",
    "iter_datasets",
    "series_folder",
]
