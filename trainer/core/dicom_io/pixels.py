"""Pixel data of a phantom: small uncompressed frames in each SOP class's usual format."""

from __future__ import annotations

from dataclasses import dataclass

from pydicom.dataset import Dataset

from trainer.core import studies as st
from trainer.core.dicom_io.common import is_multi_frame
from trainer.core.studies import Series

SINGLE_FRAME_SIZE = 64  # rows = columns of single-frame images
MULTI_FRAME_SIZE = 16  # and of each frame of a multi-frame image: tests stay quick


@dataclass(frozen=True)
class PixelFormat:
    photometric: str
    bits_allocated: int
    bits_stored: int
    samples: int = 1


MONO16 = PixelFormat("MONOCHROME2", 16, 12)
PIXEL_FORMATS: dict[str, PixelFormat] = {
    st.US: PixelFormat("RGB", 8, 8, 3),
    st.US_MULTIFRAME: PixelFormat("RGB", 8, 8, 3),
    st.XA: PixelFormat("MONOCHROME2", 8, 8),
    st.NM: PixelFormat("MONOCHROME2", 16, 16),
    st.PET: PixelFormat("MONOCHROME2", 16, 16),
}


def frame_bytes(fmt: PixelFormat, size: int) -> bytes:
    """One frame of a phantom: a bright disk on a dark ramp, so a viewer shows something."""
    top = (1 << fmt.bits_stored) - 1
    centre, radius = (size - 1) / 2, size * 0.35
    values = [
        int(top * 0.8)
        if (row - centre) ** 2 + (column - centre) ** 2 <= radius**2
        else top * column // (size * 4)
        for row in range(size)
        for column in range(size)
    ]
    if fmt.samples == 3:
        return bytes(v for value in values for v in (value, value // 2, top - value))
    if fmt.bits_allocated == 8:
        return bytes(values)
    return b"".join(value.to_bytes(2, "little") for value in values)


def matrix_size(sop_class_uid: str) -> int:
    return MULTI_FRAME_SIZE if is_multi_frame(sop_class_uid) else SINGLE_FRAME_SIZE


def image_pixel(ds: Dataset, series: Series) -> None:
    """Image Pixel module; multi-frame pixel data is repeated per frame for each instance."""
    fmt = PIXEL_FORMATS.get(series.sop_class_uid, MONO16)
    size = matrix_size(series.sop_class_uid)
    ds.SamplesPerPixel = fmt.samples
    ds.PhotometricInterpretation = fmt.photometric
    if fmt.samples > 1:
        ds.PlanarConfiguration = 0
    ds.Rows = ds.Columns = size
    ds.BitsAllocated = fmt.bits_allocated
    ds.BitsStored = fmt.bits_stored
    ds.HighBit = fmt.bits_stored - 1
    ds.PixelRepresentation = 0
    ds.PixelData = frame_bytes(fmt, size)
