"""Classic image IODs (PS3.3 A.2-A.8, A.14, A.21): CR, DX, MG, CT, MR, US, XA, NM and PET.

Cross-sectional series (CT, MR, PET) carry the Image Plane module from their Geometry: a stack
in the plane its description names, or a localizer's single projections; the series of one
study share its Frame of Reference. Projection images (CR, DX, MG, XA, NM, US) carry Patient
Orientation instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydicom.dataset import Dataset

from trainer.core.dicom_io.common import code, derived_uid, is_multi_frame, item
from trainer.core.dicom_io.geometry import (
    field_of_view,
    geometry_of,
    pixel_spacing,
    plane,
    positions,
)
from trainer.core.dicom_io.pixels import image_pixel, matrix_size
from trainer.core.studies import Instance, Series, Study


def general_image(ds: Dataset, image_type: Iterable[str], orientation: str | None = "") -> None:
    """General Image and General Acquisition; Patient Orientation unless the image has a plane
    (None)."""
    ds.ImageType = list(image_type)
    ds.AcquisitionNumber = 1
    ds.AcquisitionDate = ds.ContentDate
    ds.AcquisitionTime = ds.ContentTime
    if orientation is not None:
        ds.PatientOrientation = orientation.split("\\") if orientation else ""
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"


def frame_of_reference_uid(study: Study) -> str:
    """One frame of reference per study: its CT, MR and PET series share patient coordinates,
    as they do when the patient stays on the table."""
    return derived_uid(study.study_instance_uid, "frame-of-reference")


def frame_of_reference(ds: Dataset, uid: str) -> None:
    ds.FrameOfReferenceUID = uid
    ds.PositionReferenceIndicator = ""


def image_plane(ds: Dataset, study: Study, series: Series) -> None:
    """Frame of Reference and Image Plane; the plane itself is set per instance."""
    frame_of_reference(ds, frame_of_reference_uid(study))
    spacing = pixel_spacing(series, matrix_size(series.sop_class_uid))
    ds.PixelSpacing = [spacing, spacing]
    ds.SliceThickness = geometry_of(series).thickness or ""
    set_plane(ds, series, 0)


def set_plane(ds: Dataset, series: Series, index: int) -> None:
    """Image Orientation and Position (Patient) and Slice Location of image `index`."""
    where = plane(series, index)
    ds.ImageOrientationPatient = list(where.orientation)
    ds.ImagePositionPatient = [round(value, 2) for value in where.position]
    ds.SliceLocation = round(where.location, 2)


def ct_event_key(series: Series, instance_number: int) -> str:
    """Which irradiation event made a CT image: each topogram image is one, a stack is one per
    acquisition (its reconstructions and reformats share it)."""
    geometry = geometry_of(series)
    acquisition = geometry.acquisition or series.series_number
    if geometry.plane == "localizer":
        return f"{acquisition}.{instance_number}"
    return str(acquisition)


def irradiation_event_uid(study: Study, key: str) -> str:
    return derived_uid(study.study_instance_uid, "irradiation", key)


def projection_event_uid(study: Study, series: Series, number: int) -> str:
    """The exposure that made projection image `number`: each is one irradiation event."""
    uid = series.series_instance_uid
    return derived_uid(study.study_instance_uid, "exposure", uid, str(number))


def set_event(ds: Dataset, study: Study, series: Series, instance: Instance) -> None:
    """Irradiation Event UID (0008,3010) of an X-ray image, as its dose report names it."""
    if series.modality == "CT":
        key = ct_event_key(series, instance.instance_number)
        ds.IrradiationEventUID = irradiation_event_uid(study, key)
    else:
        ds.IrradiationEventUID = projection_event_uid(study, series, instance.instance_number)


def ct(ds: Dataset, study: Study, series: Series) -> None:
    geometry = geometry_of(series)
    localizer = geometry.plane == "localizer"
    # Value 3 is AXIAL (a tomographic image, whatever its plane) or LOCALIZER (C.8.2.1.1.1).
    kind = "LOCALIZER" if localizer else "AXIAL"
    origin = ("DERIVED", "SECONDARY") if geometry.derived else ("ORIGINAL", "PRIMARY")
    general_image(ds, (*origin, kind), orientation=None)
    ds.AcquisitionNumber = geometry.acquisition or 1
    image_plane(ds, study, series)
    ds.PatientPosition = "HFS"
    image_pixel(ds, series)
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    if not localizer:  # a projection's values are not HU, and CT has no term for them
        ds.RescaleType = "HU"
    ds.KVP = 120
    if not localizer:
        ds.ConvolutionKernel = "STANDARD"
        ds.ReconstructionDiameter = field_of_view(series)
    ds.WindowCenter = 40
    ds.WindowWidth = 400


def mr(ds: Dataset, study: Study, series: Series) -> None:
    geometry = geometry_of(series)
    # MR's Value 3 terms (C.8.3.1.1.1) have no LOCALIZER; products add it as value 4.
    extra = ("LOCALIZER",) if geometry.plane == "localizer" else ()
    general_image(ds, ("ORIGINAL", "PRIMARY", "OTHER", *extra), orientation=None)
    image_plane(ds, study, series)
    if geometry.plane != "localizer":
        ds.SpacingBetweenSlices = geometry.step
    ds.PatientPosition = "HFS"
    image_pixel(ds, series)
    ds.ScanningSequence = "SE"
    ds.SequenceVariant = "NONE"
    ds.ScanOptions = ""
    ds.MRAcquisitionType = "2D"
    ds.RepetitionTime = 500
    ds.EchoTime = 15
    ds.EchoTrainLength = 1
    ds.MagneticFieldStrength = 1.5
    ds.WindowCenter = 600
    ds.WindowWidth = 1200


def nm_pet_orientation(ds: Dataset) -> None:
    ds.PatientOrientationCodeSequence = []
    ds.PatientGantryRelationshipCodeSequence = []


def pet(ds: Dataset, study: Study, series: Series) -> None:
    general_image(ds, ("ORIGINAL", "PRIMARY"), orientation=None)
    image_plane(ds, study, series)
    image_pixel(ds, series)
    nm_pet_orientation(ds)
    ds.Units = "BQML"
    ds.CountsSource = "EMISSION"
    ds.SeriesType = ["STATIC", "IMAGE"]
    ds.CorrectedImage = ["DECY"] if "NAC" in series.description else ["DECY", "ATTN"]
    ds.DecayCorrection = "START"
    ds.RandomsCorrectionMethod = "DLYD"
    ds.CollimatorType = "NONE"
    ds.NumberOfSlices = positions(series)
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.FrameReferenceTime = 0
    ds.ActualFrameDuration = 120000
    ds.DecayFactor = 1
    ds.ImageIndex = 1
    ds.RadiopharmaceuticalInformationSequence = [
        item(
            RadionuclideCodeSequence=[code("77004003", "SCT", "^18^Fluorine")],
            RadiopharmaceuticalCodeSequence=[code("35321007", "SCT", "Fluorodeoxyglucose F^18^")],
            RadionuclideTotalDose=300_000_000,
            RadionuclideHalfLife=6586.2,
            RadiopharmaceuticalStartTime=study.time,
        )
    ]


def detector_spacing(ds: Dataset, series: Series) -> None:
    """Imager Pixel Spacing of a projection image: the detector covers the body part."""
    spacing = pixel_spacing(series, matrix_size(series.sop_class_uid))
    ds.ImagerPixelSpacing = [spacing, spacing]


def cr(ds: Dataset, study: Study, series: Series) -> None:
    general_image(ds, ("ORIGINAL", "PRIMARY"), orientation="A\\F")
    image_pixel(ds, series)
    ds.Laterality = "R"
    ds.ViewPosition = "AP"
    ds.KVP = 65
    detector_spacing(ds, series)


def digital_xray(ds: Dataset, series: Series, orientation: str) -> None:
    """What DX and MG For Presentation images share (DX Image, Detector, Positioning, VOI)."""
    general_image(ds, ("ORIGINAL", "PRIMARY", ""), orientation=orientation)
    image_pixel(ds, series)
    ds.KVP = 110
    detector_spacing(ds, series)
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = 1
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    ds.PresentationLUTShape = "IDENTITY"
    ds.DetectorType = "DIRECT"
    ds.AcquisitionContextSequence = []
    ds.WindowCenter = 2048
    ds.WindowWidth = 4096


# DX views (CID 4010) by View Position (0018,5101).
_DX_VIEWS = {"PA": ("272479007", "postero-anterior"), "LL": ("399173006", "left lateral")}


def dx(ds: Dataset, study: Study, series: Series) -> None:
    lateral = "LAT" in series.description
    digital_xray(ds, series, "P\\F" if lateral else "L\\F")
    ds.ViewPosition = "LL" if lateral else "PA"
    value, meaning = _DX_VIEWS[ds.ViewPosition]
    ds.ViewCodeSequence = [code(value, "SCT", meaning)]
    ds.ViewCodeSequence[0].ViewModifierCodeSequence = []
    ds.PositionerType = "NONE"
    ds.ImageLaterality = "U"
    ds.AnatomicRegionSequence = [code("816094009", "SCT", "Chest")]  # CID 4009


# View codes (CID 4014), and Patient Orientation as the breasts hang back to back: rows run
# from the nipple to the chest wall (P) on the right breast, the other way (A) on the left.
_MG_VIEWS = {"CC": ("399162004", "cranio-caudal"), "MLO": ("399368009", "medio-lateral oblique")}
_MG_ORIENTATION = {
    ("R", "CC"): "P\\L",
    ("L", "CC"): "A\\R",
    ("R", "MLO"): "P\\FL",
    ("L", "MLO"): "A\\FR",
}


def breast_view(series: Series) -> tuple[str, str]:
    """'R CC', 'L MLO Tomo' -> ('R', 'CC'); a synthetic 2D set without one is right CC."""
    words = series.description.split()
    side = words[0] if words and words[0] in ("R", "L") else "R"
    return side, "MLO" if "MLO" in words else "CC"


def breast(ds: Dataset, side: str, view: str) -> None:
    ds.ImageLaterality = side
    value, meaning = _MG_VIEWS[view]
    ds.ViewCodeSequence = [code(value, "SCT", meaning)]
    ds.ViewCodeSequence[0].ViewModifierCodeSequence = []
    ds.AnatomicRegionSequence = [code("76752008", "SCT", "Breast")]
    ds.PositionerType = "MAMMOGRAPHIC"
    ds.OrganExposed = "BREAST"
    ds.BreastImplantPresent = "NO"


def mg(ds: Dataset, study: Study, series: Series) -> None:
    side, view = breast_view(series)
    digital_xray(ds, series, _MG_ORIENTATION[side, view])
    breast(ds, side, view)
    ds.PartialView = "NO"


def us(ds: Dataset, study: Study, series: Series) -> None:
    # Value 3 names the exam region from a list (PS3.3 C.8.5.6.1.1); echo has no term there.
    region = () if series.body_part == "HEART" else ("ABDOMINAL",)
    general_image(ds, ("ORIGINAL", "PRIMARY", *region), orientation="")
    image_pixel(ds, series)
    if is_multi_frame(series.sop_class_uid):
        ds.FrameTime = 33.3
        ds.FrameIncrementPointer = 0x00181063  # Frame Time


def xa(ds: Dataset, study: Study, series: Series) -> None:
    general_image(ds, ("ORIGINAL", "PRIMARY", "SINGLE PLANE"), orientation="")
    image_pixel(ds, series)
    ds.FrameTime = 66.7
    ds.FrameIncrementPointer = 0x00181063  # Frame Time
    ds.PixelIntensityRelationship = "LIN"
    ds.KVP = 80
    ds.RadiationSetting = "GR"
    ds.PositionerMotion = "STATIC"
    ds.PositionerPrimaryAngle = 30
    ds.PositionerSecondaryAngle = 0
    ds.IntensifierSize = 230
    ds.ExposureTime = 5
    ds.XRayTubeCurrent = 600
    ds.Exposure = 3
    ds.FocalSpots = 0.6
    ds.FieldOfViewShape = "ROUND"


# NM frames are indexed by energy window and detector; SPECT also by rotation and view angle.
_NM_PLANAR = [0x00540010, 0x00540020]
_NM_TOMO = [*_NM_PLANAR, 0x00540050, 0x00540090]


def nm(ds: Dataset, study: Study, series: Series) -> None:
    spect = "SPECT" in series.description
    ds.ImageType = ["ORIGINAL", "PRIMARY", "TOMO" if spect else "STATIC", "EMISSION"]
    ds.AcquisitionDate = ds.ContentDate
    ds.AcquisitionTime = ds.ContentTime
    ds.PatientOrientation = ""
    ds.LossyImageCompression = "00"
    image_pixel(ds, series)
    nm_pet_orientation(ds)
    spacing = pixel_spacing(series, matrix_size(series.sop_class_uid))
    ds.PixelSpacing = [spacing, spacing]
    ds.FrameIncrementPointer = _NM_TOMO if spect else _NM_PLANAR
    ds.CountsAccumulated = 500_000
    if not spect:  # a SPECT frame's duration is in its rotation (Rotation Information)
        ds.ActualFrameDuration = 20_000
    ds.NumberOfEnergyWindows = 1
    ds.EnergyWindowInformationSequence = [
        item(
            EnergyWindowRangeSequence=[item(EnergyWindowLowerLimit=126, EnergyWindowUpperLimit=154)]
        )
    ]
    ds.RadiopharmaceuticalInformationSequence = [
        item(RadionuclideCodeSequence=[code("72454006", "SCT", "^99m^Technetium")])
    ]
    ds.AnatomicRegionSequence = [code("38266002", "SCT", "Entire body")]


def nm_frames(ds: Dataset, series: Series, frames: int) -> None:
    """The frame vectors of an NM image: planar frames alternate two heads, SPECT rotates one."""
    tomo = ds.ImageType[2] == "TOMO"
    detectors = 1 if tomo else min(frames, 2)
    ds.NumberOfDetectors = detectors
    ds.DetectorInformationSequence = [
        item(CollimatorType="PARA", ImageOrientationPatient="", ImagePositionPatient="")
        for _ in range(detectors)
    ]
    ds.EnergyWindowVector = [1] * frames
    ds.DetectorVector = [1 + n % detectors for n in range(frames)]
    if tomo:
        ds.RotationVector = [1] * frames
        ds.AngularViewVector = list(range(1, frames + 1))
        ds.NumberOfRotations = 1
        ds.RotationInformationSequence = [
            item(
                StartAngle=0,
                AngularStep=round(360 / frames, 3),
                RotationDirection="CW",
                ScanArc=360,
                ActualFrameDuration=20_000,
                NumberOfFramesInRotation=frames,
            )
        ]
