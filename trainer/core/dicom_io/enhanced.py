"""Enhanced multi-frame image IODs (PS3.3 A.38 Enhanced CT, A.36 Enhanced MR, A.55 Breast
Tomosynthesis): one instance holds a stack, each frame with its own plane position in the
Per-frame Functional Groups, the rest in the Shared Functional Groups."""

from __future__ import annotations

import math

from pydicom.dataset import Dataset

from trainer.core.dicom_io.common import code, derived_uid, item
from trainer.core.dicom_io.geometry import (
    Orientation,
    field_of_view,
    geometry_of,
    pixel_spacing,
    plane,
)
from trainer.core.dicom_io.images import (
    breast,
    breast_view,
    ct_event_key,
    frame_of_reference,
    frame_of_reference_uid,
    irradiation_event_uid,
)
from trainer.core.dicom_io.pixels import MULTI_FRAME_SIZE, image_pixel
from trainer.core.studies import Series, Study

FRAME_TYPE = ["ORIGINAL", "PRIMARY", "VOLUME", "NONE"]


def enhanced(
    ds: Dataset,
    study: Study,
    series: Series,
    frame_type: list[str],
    region: Dataset,
    laterality: str = "U",
) -> Dataset:
    """Modules shared by Enhanced CT, Enhanced MR and breast tomosynthesis.

    Returns the shared functional group item for the caller to add its own macros to.
    """
    ds.ImageType = frame_type
    frame_of_reference(ds, frame_of_reference_uid(study))
    ds.PatientPosition = "HFS"
    ds.AcquisitionNumber = geometry_of(series).acquisition or 1
    ds.AcquisitionDateTime = study.date + study.time
    ds.AcquisitionDuration = 10.0
    ds.AcquisitionContextSequence = []
    ds.ContentQualification = "PRODUCT"
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"
    ds.PresentationLUTShape = "IDENTITY"
    ds.PixelPresentation = "MONOCHROME"
    ds.VolumetricProperties = "VOLUME"
    ds.VolumeBasedCalculationTechnique = "NONE"
    image_pixel(ds, series)
    organization = derived_uid(series.series_instance_uid, "dimension-organization")
    ds.DimensionOrganizationSequence = [item(DimensionOrganizationUID=organization)]
    ds.DimensionIndexSequence = [
        item(
            DimensionOrganizationUID=organization,
            DimensionIndexPointer=0x00200032,  # Image Position (Patient)
            FunctionalGroupPointer=0x00209113,  # Plane Position Sequence
        )
    ]
    geometry = geometry_of(series)
    spacing = pixel_spacing(series, MULTI_FRAME_SIZE)
    measures = item(PixelSpacing=[spacing, spacing], SliceThickness=geometry.thickness)
    measures.SpacingBetweenSlices = geometry.step
    shared = item(
        PixelMeasuresSequence=[measures],
        PlaneOrientationSequence=[item(ImageOrientationPatient=list(orientation_of(series)))],
        FrameAnatomySequence=[item(AnatomicRegionSequence=[region], FrameLaterality=laterality)],
    )
    ds.SharedFunctionalGroupsSequence = [shared]
    return shared


def orientation_of(series: Series) -> Orientation:
    """The stack's orientation: its plane's, or a tomosynthesis view's (breast_orientation)."""
    if geometry_of(series).plane:
        return plane(series, 0).orientation
    return breast_orientation(*breast_view(series))


def frame_items(ds: Dataset, series: Series, frames: int) -> None:
    """Per-frame functional groups: where each frame sits and when it was acquired."""
    when = ds.ContentDate + ds.ContentTime
    orientation = orientation_of(series)
    ds.PerFrameFunctionalGroupsSequence = [
        item(
            FrameContentSequence=[
                item(
                    FrameAcquisitionNumber=1,
                    FrameReferenceDateTime=when,
                    FrameAcquisitionDateTime=when,
                    FrameAcquisitionDuration=10.0,
                    DimensionIndexValues=[number],
                )
            ],
            PlanePositionSequence=[
                item(
                    ImagePositionPatient=list(
                        plane(series, number - 1, images=frames, orientation=orientation).position
                    )
                )
            ],
        )
        for number in range(1, frames + 1)
    ]


def frame_description(frame_type: list[str], **extra: object) -> Dataset:
    """The CT/MR/X-Ray 3D Image Frame Type item: the frame's own Image Type and properties."""
    return item(
        FrameType=frame_type,
        PixelPresentation="MONOCHROME",
        VolumetricProperties="VOLUME",
        VolumeBasedCalculationTechnique="NONE",
        **extra,
    )


# --- Enhanced CT ------------------------------------------------------------------------------


def enhanced_ct(ds: Dataset, study: Study, series: Series) -> None:
    shared = enhanced(ds, study, series, FRAME_TYPE, code("80891009", "SCT", "Heart"))
    shared.CTImageFrameTypeSequence = [frame_description(FRAME_TYPE)]
    shared.PixelValueTransformationSequence = [
        item(RescaleIntercept=-1024, RescaleSlope=1, RescaleType="HU")
    ]
    shared.FrameVOILUTSequence = [item(WindowCenter=300, WindowWidth=800)]
    event = irradiation_event_uid(study, ct_event_key(series, 1))
    shared.IrradiationEventIdentificationSequence = [item(IrradiationEventUID=event)]
    _ct_acquisition(shared, series)
    _ct_exposure(shared, series)


def _ct_acquisition(shared: Dataset, series: Series) -> None:
    """CT Acquisition Type, Details, Table Dynamics, Position, Geometry and Reconstruction."""
    fov = field_of_view(series)
    shared.CTAcquisitionTypeSequence = [
        item(AcquisitionType="SPIRAL", ConstantVolumeFlag="NO", FluoroscopyFlag="NO")
    ]
    shared.CTAcquisitionDetailsSequence = [
        item(
            DataCollectionDiameter=500,
            RevolutionTime=0.28,
            SingleCollimationWidth=0.6,
            TotalCollimationWidth=38.4,
            TableHeight=150,
            GantryDetectorTilt=0,
            RotationDirection="CW",
        )
    ]
    shared.CTTableDynamicsSequence = [
        item(TableSpeed=60, TableFeedPerRotation=17, SpiralPitchFactor=0.45)
    ]
    shared.CTPositionSequence = [
        item(
            TablePosition=-100,
            ReconstructionTargetCenterPatient=[0, 0, 0],
            DataCollectionCenterPatient=[0, 0, 0],
        )
    ]
    shared.CTGeometrySequence = [
        item(DistanceSourceToDetector=1085.6, DistanceSourceToDataCollectionCenter=595)
    ]
    spacing = pixel_spacing(series, MULTI_FRAME_SIZE)
    shared.CTReconstructionSequence = [
        item(
            ReconstructionAlgorithm="ITERATIVE",
            ConvolutionKernel="B26f",
            ConvolutionKernelGroup="SOFT_TISSUE",
            ReconstructionDiameter=fov,
            ReconstructionPixelSpacing=[spacing, spacing],
            ReconstructionAngle=360,
            ImageFilter="NONE",
        )
    ]


def _ct_exposure(shared: Dataset, series: Series) -> None:
    shared.CTExposureSequence = [
        item(
            ExposureTimeInms=280,
            XRayTubeCurrentInmA=400,
            ExposureInmAs=112,
            ExposureModulationType="NONE",
            CTDIvol=12.5,
            CTDIPhantomTypeCodeSequence=[code("113691", "DCM", "IEC Body Dosimetry Phantom")],
        )
    ]
    shared.CTXRayDetailsSequence = [
        item(KVP=120, FocalSpots=[0.7], FilterType="FLAT", FilterMaterial=["ALUMINUM"])
    ]


# --- Enhanced MR ------------------------------------------------------------------------------


def enhanced_mr(ds: Dataset, study: Study, series: Series) -> None:
    knee = code("72696002", "SCT", "Knee")
    shared = enhanced(ds, study, series, FRAME_TYPE, knee, laterality="R")
    _mr_image_and_spectroscopy(ds)
    _mr_pulse_sequence(ds)
    shared.MRImageFrameTypeSequence = [
        frame_description(
            FRAME_TYPE, ComplexImageComponent="MAGNITUDE", AcquisitionContrast="PROTON_DENSITY"
        )
    ]
    shared.PixelValueTransformationSequence = [
        item(RescaleIntercept=0, RescaleSlope=1, RescaleType="US")
    ]
    _mr_timing(shared)
    _mr_modifiers(shared)
    _mr_coils(shared)


def _mr_image_and_spectroscopy(ds: Dataset) -> None:
    """MR Image and Spectroscopy Instance Macro and the Enhanced MR Image module."""
    ds.ComplexImageComponent = "MAGNITUDE"
    ds.AcquisitionContrast = "PROTON_DENSITY"
    ds.MagneticFieldStrength = 3
    ds.ResonantNucleus = "1H"
    ds.KSpaceFiltering = "NONE"
    ds.ApplicableSafetyStandardAgency = "IEC"


def _mr_pulse_sequence(ds: Dataset) -> None:
    """MR Pulse Sequence module: a 2D fat-saturated turbo spin echo."""
    ds.PulseSequenceName = "TSE"
    ds.MRAcquisitionType = "2D"
    ds.EchoPulseSequence = "SPIN"
    ds.MultipleSpinEcho = "YES"
    ds.MultiPlanarExcitation = "NO"
    ds.PhaseContrast = "NO"
    ds.TimeOfFlightContrast = "NO"
    ds.SteadyStatePulseSequence = "NONE"
    ds.EchoPlanarPulseSequence = "NO"
    ds.SaturationRecovery = "NO"
    ds.SpectrallySelectedSuppression = "FAT"
    ds.OversamplingPhase = "NONE"
    ds.GeometryOfKSpaceTraversal = "RECTILINEAR"
    ds.RectilinearPhaseEncodeReordering = "LINEAR"
    ds.SegmentedKSpaceTraversal = "PARTIAL"
    ds.NumberOfKSpaceTrajectories = 1


def _mr_timing(shared: Dataset) -> None:
    shared.MRTimingAndRelatedParametersSequence = [
        item(
            RepetitionTime=3000,
            FlipAngle=90,
            EchoTrainLength=12,
            RFEchoTrainLength=12,
            GradientEchoTrainLength=0,
            SpecificAbsorptionRateSequence=[
                item(
                    SpecificAbsorptionRateDefinition="IEC_WHOLE_BODY",
                    SpecificAbsorptionRateValue=0.8,
                )
            ],
            OperatingModeSequence=[
                item(OperatingModeType=mode, OperatingMode="IEC_NORMAL")
                for mode in ("STATIC FIELD", "RF", "GRADIENT")
            ],
        )
    ]
    shared.MRFOVGeometrySequence = [
        item(
            InPlanePhaseEncodingDirection="ROW",
            MRAcquisitionFrequencyEncodingSteps=256,
            MRAcquisitionPhaseEncodingStepsInPlane=256,
            PercentSampling=100,
            PercentPhaseFieldOfView=100,
        )
    ]
    shared.MREchoSequence = [item(EffectiveEchoTime=35)]
    shared.MRAveragesSequence = [item(NumberOfAverages=1)]


def _mr_modifiers(shared: Dataset) -> None:
    shared.MRModifierSequence = [
        item(
            InversionRecovery="NO",
            FlowCompensation="NONE",
            T2Preparation="NO",
            SpectrallySelectedExcitation="NONE",
            SpatialPresaturation="NONE",
            PartialFourier="NO",
            ParallelAcquisition="NO",
        )
    ]
    shared.MRImagingModifierSequence = [
        item(
            MagnetizationTransfer="NONE",
            BloodSignalNulling="NO",
            Tagging="NONE",
            TransmitterFrequency=127.7,
            PixelBandwidth=200,
        )
    ]


def _mr_coils(shared: Dataset) -> None:
    shared.MRReceiveCoilSequence = [
        item(
            ReceiveCoilName="KNEE",
            ReceiveCoilManufacturerName="",
            ReceiveCoilType="VOLUME",
            QuadratureReceiveCoil="NO",
        )
    ]
    shared.MRTransmitCoilSequence = [
        item(TransmitCoilName="BODY", TransmitCoilManufacturerName="", TransmitCoilType="BODY")
    ]


# --- Breast tomosynthesis ---------------------------------------------------------------------

# Patient directions as unit vectors (LPS), for the letters of Patient Orientation.
_DIRECTIONS = {"L": (1, 0, 0), "R": (-1, 0, 0), "P": (0, 1, 0), "A": (0, -1, 0), "H": (0, 0, 1),
               "F": (0, 0, -1)}
# Rows and columns of each view, as the 2D images' Patient Orientation has them (images.py).
_TOMO_AXES = {("R", "CC"): ("P", "L"), ("L", "CC"): ("A", "R"), ("R", "MLO"): ("P", "FL"),
              ("L", "MLO"): ("A", "FR")}


def breast_orientation(side: str, view: str) -> Orientation:
    """Image Orientation (Patient) of a view's slices: parallel to the detector, rows and
    columns as the view's Patient Orientation (an MLO column runs down and out at 45 degrees)."""
    row, column = (_unit(letters) for letters in _TOMO_AXES[side, view])
    return (*row, *column)


def _unit(letters: str) -> tuple[float, float, float]:
    x, y, z = (sum(_DIRECTIONS[letter][axis] for letter in letters) for axis in range(3))
    length = math.sqrt(x * x + y * y + z * z)
    return round(x / length, 6) + 0.0, round(y / length, 6) + 0.0, round(z / length, 6) + 0.0


def breast_tomo(ds: Dataset, study: Study, series: Series) -> None:
    side, view = breast_view(series)
    breast(ds, side, view)
    region = ds.AnatomicRegionSequence[0]
    # Laterality and region go per frame (Frame Anatomy); the DX-style attributes would make
    # this a Standard Extended SOP Class.
    for keyword in ("ImageLaterality", "AnatomicRegionSequence", "PositionerType", "OrganExposed"):
        delattr(ds, keyword)
    frame_type = ["ORIGINAL", "PRIMARY", "TOMOSYNTHESIS", "NONE"]
    shared = enhanced(ds, study, series, frame_type, region, laterality=side)
    # Each view is its own compression of one breast: its own frame of reference.
    frame_of_reference(ds, derived_uid(series.series_instance_uid, "frame-of-reference"))
    for keyword in ("AcquisitionNumber", "AcquisitionDuration", "AcquisitionDateTime"):
        delattr(ds, keyword)
    shared.PixelValueTransformationSequence = [
        item(RescaleIntercept=0, RescaleSlope=1, RescaleType="US")
    ]


def tomo_frames(ds: Dataset, series: Series, frames: int) -> None:
    """dciodvfy looks for the X-Ray 3D Frame Type in each frame's own functional groups."""
    frame_items(ds, series, frames)
    frame_type = frame_description(list(ds.ImageType))
    for frame in ds.PerFrameFunctionalGroupsSequence:
        frame.XRay3DFrameTypeSequence = [frame_type]
