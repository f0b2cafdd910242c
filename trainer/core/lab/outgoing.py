"""What the learner sends: a synthetic study (as a modality would send it) or a folder of files.

A synthetic study's data sets are built one at a time as they are sent, as `study export`
builds them. A scenario can vary it the way real modalities do: encode its images in a
compressed transfer syntax (JPEG 2000 through pydicom's encoders), or add a series of a
vendor's private SOP class. A folder is read with `study import`'s reader: files that are not
DICOM are listed, not sent; the rest are sent as they are.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.uid import UID

from trainer.core.dicom_import import Skipped, import_folder
from trainer.core.dicom_io import iter_datasets
from trainer.core.lab.names import EXPLICIT_LE
from trainer.core.lab.scu import Outgoing
from trainer.core.studies import Study

PRIVATE_SERIES_NUMBER = 99


@dataclass(frozen=True)
class Variation:
    """How a scenario's modality differs from a plain export."""

    transfer_syntax: str | None = None  # encode every image in this syntax
    private_class: str | None = None  # add a series of this private SOP class...
    private_count: int = 0  # ...with this many objects...
    private_description: str = "Vendor private data"  # ...and this description


def study_objects(study: Study, variation: Variation = Variation()) -> list[Outgoing]:
    """Every instance of `study`, loaded in order as it is sent."""
    source = _datasets(study, variation)
    items: list[Outgoing] = []
    for series in study.series:
        syntax = variation.transfer_syntax if series.has_pixel_data else None
        for instance in series.instances:
            items.append(Outgoing(
                f"series {series.series_number} #{instance.instance_number}",
                series.sop_class_uid, syntax or EXPLICIT_LE, lambda: next(source),
            ))
    if variation.private_class:
        for number in range(1, variation.private_count + 1):
            items.append(Outgoing(f"series {PRIVATE_SERIES_NUMBER} #{number}",
                                  variation.private_class, EXPLICIT_LE, lambda: next(source)))
    return items


def _datasets(study: Study, variation: Variation) -> Iterator[Dataset]:
    first: Dataset | None = None
    for _path, dataset in iter_datasets(study):
        if first is None and "PixelData" in dataset:
            first = copy.deepcopy(dataset)
        if variation.transfer_syntax and "PixelData" in dataset:
            encoded = copy.deepcopy(dataset)
            encoded.compress(variation.transfer_syntax)
            yield encoded
        else:
            yield dataset
    if variation.private_class and first is not None:
        yield from _private_series(first, variation)


def _private_series(template: Dataset, variation: Variation) -> Iterator[Dataset]:
    """Objects of a private SOP class in a series of their own: what a vendor's scanner adds
    (spectroscopy, physiological logs), without pixel data a viewer could show."""
    dataset = template
    for keyword in ("PixelData", "Rows", "Columns", "BitsAllocated", "BitsStored", "HighBit",
                    "PixelRepresentation", "SamplesPerPixel", "PhotometricInterpretation"):
        if keyword in dataset:
            delattr(dataset, keyword)
    series_uid = f"{dataset.StudyInstanceUID}.{PRIVATE_SERIES_NUMBER}"
    private = UID(variation.private_class or "")
    dataset.SOPClassUID = dataset.file_meta.MediaStorageSOPClassUID = private
    dataset.SeriesInstanceUID = series_uid
    dataset.SeriesNumber = PRIVATE_SERIES_NUMBER
    dataset.SeriesDescription = variation.private_description
    for number in range(1, variation.private_count + 1):
        instance = UID(f"{series_uid}.{number}")
        dataset.SOPInstanceUID = dataset.file_meta.MediaStorageSOPInstanceUID = instance
        dataset.InstanceNumber = number
        yield dataset


@dataclass(frozen=True)
class Folder:
    objects: list[Outgoing]
    skipped: tuple[Skipped, ...]


def folder_objects(root: Path) -> Folder:
    """The DICOM files under `root` to send as they are; the others, with why they are not."""
    found = import_folder(root)
    items = []
    for study in found.studies:
        for series in study.series:
            for instance in found.files(study, series):
                path = instance.path
                syntax = _transfer_syntax(path)
                label = str(path.relative_to(root))
                items.append(Outgoing(label, series.sop_class_uid, syntax, _reader(path)))
    return Folder(items, found.skipped)


def _reader(path: Path) -> Callable[[], Dataset]:
    from pydicom import dcmread

    return lambda: dcmread(path)


def _transfer_syntax(path: Path) -> str:
    from pydicom.filereader import read_file_meta_info

    try:
        return str(read_file_meta_info(path).get("TransferSyntaxUID", EXPLICIT_LE))
    except Exception:  # noqa: BLE001 - read_header accepted the file; send it as it is
        return EXPLICIT_LE
