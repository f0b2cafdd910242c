"""Where each image lies in the patient: Image Orientation and Position (Patient), Slice
Location and pixel spacing, following the series' Geometry (PS3.3 C.7.6.2).

Coordinates are the patient's (LPS: +x to the patient's left, +y posterior, +z head). A stack
is centred on the body part, so the stacks of one acquisition overlap; it runs head to feet
(axial), right to left (sagittal) or front to back (coronal), one step apart. A localizer is a
set of single images: a CT topogram AP then lateral, an MR localizer sagittal, coronal and
axial through the centre. The field of view is sized for the body part, so a 64-pixel image of
a body is 400 mm across, and measurements in a viewer come out body-sized.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from trainer.core.studies import Geometry, Series

Orientation = tuple[float, float, float, float, float, float]
AXIAL: Orientation = (1, 0, 0, 0, 1, 0)  # rows to the left, columns to the back
SAGITTAL: Orientation = (0, 1, 0, 0, 0, -1)  # rows to the back, columns to the feet
CORONAL: Orientation = (1, 0, 0, 0, 0, -1)  # rows to the left, columns to the feet
ORIENTATIONS = {"axial": AXIAL, "sagittal": SAGITTAL, "coronal": CORONAL}
# Single images of a localizer series, in instance order.
CT_LOCALIZER = (CORONAL, SAGITTAL)  # AP topogram, then lateral
MR_LOCALIZER = (SAGITTAL, CORONAL, AXIAL)  # a three-plane localizer

# Field of view in mm by Body Part Examined: what the image (or detector) covers.
FIELD_OF_VIEW = {
    "HEAD": 240,
    "BRAIN": 240,
    "HEART": 200,
    "KNEE": 160,
    "BREAST": 240,
    "CHEST": 430,
    "ABDOMEN": 400,
    "CHESTABDOMEN": 400,
    "WHOLEBODY": 500,
}
DEFAULT_FIELD_OF_VIEW = 300


@dataclass(frozen=True)
class Plane:
    orientation: Orientation  # Image Orientation (Patient) (0020,0037)
    position: tuple[float, float, float]  # Image Position (Patient) (0020,0032): first pixel
    location: float  # Slice Location (0020,1041): where the plane crosses its normal


def field_of_view(series: Series) -> float:
    return float(FIELD_OF_VIEW.get(series.body_part, DEFAULT_FIELD_OF_VIEW))


def pixel_spacing(series: Series, size: int) -> float:
    """Square pixels that make `size` pixels cover the field of view, rounded to 0.01 mm."""
    return round(field_of_view(series) / size, 2)


def geometry_of(series: Series) -> Geometry:
    return series.geometry or Geometry()


def positions(series: Series) -> int:
    """How many distinct slice positions a stack has (images over stacks, rounded up)."""
    return max(1, math.ceil(series.instance_count / geometry_of(series).stacks))


def plane(
    series: Series,
    index: int,
    *,
    images: int | None = None,
    orientation: Orientation | None = None,
) -> Plane:
    """The plane of image `index` (0-based) of a stack, or of a localizer's single image.

    `images` is how many images the stack has (the frames of a multi-frame instance), by
    default its positions; `orientation` overrides the plane's (an oblique tomosynthesis view).
    """
    geometry = geometry_of(series)
    half = field_of_view(series) / 2
    if geometry.plane == "localizer":
        views = MR_LOCALIZER if series.modality == "MR" else CT_LOCALIZER
        return _at(views[index % len(views)], half, 0.0)
    count = images if images is not None else positions(series)
    orientation = orientation or ORIENTATIONS.get(geometry.plane, AXIAL)
    distance = (index % count - (count - 1) / 2) * geometry.step * _TRAVEL.get(orientation, 1)
    return _at(orientation, half, distance)


# Which way a stack runs along its normal (row x column): head to feet, right to left, front
# to back, as scanners order their images.
_TRAVEL = {AXIAL: -1, SAGITTAL: -1, CORONAL: 1}


def normal(orientation: Orientation) -> tuple[float, float, float]:
    (a, b, c), (d, e, f) = orientation[:3], orientation[3:]
    return (b * f - c * e, c * d - a * f, a * e - b * d)


def _at(orientation: Orientation, half: float, distance: float) -> Plane:
    """The plane `distance` mm along the normal from the centre; its first pixel's position."""
    row, column, across = orientation[:3], orientation[3:], normal(orientation)
    x, y, z = (
        round(-half * r - half * c + distance * n, 2) + 0.0  # never -0.0
        for r, c, n in zip(row, column, across, strict=True)
    )
    return Plane(orientation, (x, y, z), round(distance, 2))

