"""Synthetic studies -> DICOM Part 10 files that an independent validator accepts.

Every instance of a `Study` becomes a real object of its SOP class: the modules its IOD requires
(PS3.3), file meta (PS3.10), a small uncompressed pixel matrix for images, and for PR, KO and SR
objects references to the study's own images and a minimal but valid content tree (a CT dose
report, CAD findings, echo measurements ...). UIDs are the study model's (`<series UID>.<n>`),
so the files are as reproducible as the seed. Datasets are built once per series and only the
per-instance attributes change, which keeps export close to the cost of pydicom's own writer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filewriter import dcmwrite
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pydicom.valuerep import DSfloat

from trainer import __version__
from trainer.core import studies as st
from trainer.core.registry import load_registry
from trainer.core.studies import UID_ROOT, Instance, Series, Study

IMPLEMENTATION_UID = UID_ROOT + "7"  # Implementation Class UID of pacs-trainer (0002,0012)
IMPLEMENTATION_NAME = "PACS_TRAINER"
MANUFACTURER = "pacs-trainer"
PROCEDURE_SCHEME = "99PACSTRAINER"  # a private coding scheme for the template keys (PS3.16 8.2)
SINGLE_FRAME_SIZE = 64  # rows = columns of single-frame images
MULTI_FRAME_SIZE = 16  # and of each frame of a multi-frame image: tests stay quick
SLICE_MM = 2.5


@dataclass(frozen=True)
class PixelFormat:
    photometric: str
    bits_allocated: int
    bits_stored: int
    samples: int = 1


_MONO16 = PixelFormat("MONOCHROME2", 16, 12)
_PIXEL_FORMATS: dict[str, PixelFormat] = {
    st.US: PixelFormat("RGB", 8, 8, 3),
    st.US_MULTIFRAME: PixelFormat("RGB", 8, 8, 3),
    st.XA: PixelFormat("MONOCHROME2", 8, 8),
    st.NM: PixelFormat("MONOCHROME2", 16, 16),
    st.PET: PixelFormat("MONOCHROME2", 16, 16),
}


def item(**attributes: object) -> Dataset:
    """A sequence item from keyword=value pairs: `item(RescaleSlope=1, RescaleType="HU")`."""
    dataset = Dataset()
    for keyword, value in attributes.items():
        setattr(dataset, keyword, value)
    return dataset


def code(value: str, scheme: str, meaning: str) -> Dataset:
    """A Code Sequence item (PS3.3 Table 8.8-1)."""
    return item(CodeValue=value, CodingSchemeDesignator=scheme, CodeMeaning=meaning)


def _uid(*parts: str) -> str:
    """A UID derived from `parts`, so the same study always gets the same one."""
    return str(generate_uid(prefix=UID_ROOT, entropy_srcs=list(parts)))


# --- paths and summary ----------------------------------------------------------------------


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
            f"Wrote {self.files} DICOM files ({kinds}) for {self.patients} patients, "
            f"{self.studies} studies, {self.series} series, {self.bytes / 1e6:.1f} MB, "
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


# --- datasets -------------------------------------------------------------------------------


def iter_datasets(study: Study) -> Iterator[tuple[PurePosixPath, Dataset]]:
    """(relative path, dataset) for every instance of `study`.

    One dataset per series is reused and changed in place for each instance: write or copy it
    before asking for the next one.
    """
    for series in study.series:
        dataset = _series_dataset(study, series)
        frame = dataset.get("PixelData")
        for instance in series.instances:
            _set_instance(dataset, series, instance, frame)
            yield instance_path(study, series, instance.instance_number), dataset


def build_dataset(study: Study, series: Series, number: int) -> Dataset:
    """A fresh dataset for instance `number` (1-based) of `series`, e.g. to show its header."""
    dataset = _series_dataset(study, series)
    _set_instance(dataset, series, series.instances[number - 1], dataset.get("PixelData"))
    return dataset


def _series_dataset(study: Study, series: Series) -> Dataset:
    """Everything the instances of a series share, file meta included."""
    builder = _BUILDERS.get(series.sop_class_uid)
    if builder is None:
        raise ValueError(f"no DICOM writer for SOP class {series.sop_class_uid}")
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = series.sop_class_uid
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.ImplementationClassUID = IMPLEMENTATION_UID
    ds.file_meta.ImplementationVersionName = IMPLEMENTATION_NAME
    ds.SOPClassUID = series.sop_class_uid
    _patient(ds, study)
    _general_study(ds, study)
    _general_series(ds, study, series)
    _equipment(ds)
    builder(ds, study, series)
    return ds


def _set_instance(ds: Dataset, series: Series, instance: Instance, frame: bytes | None) -> None:
    """What differs between the instances of a series: UIDs, number, position, frames."""
    ds.SOPInstanceUID = instance.sop_instance_uid
    ds.file_meta.MediaStorageSOPInstanceUID = instance.sop_instance_uid
    ds.InstanceNumber = instance.instance_number
    if "ImagePositionPatient" in ds:
        z = -SLICE_MM * instance.instance_number
        ds.ImagePositionPatient = [-80, -80, z]
        ds.SliceLocation = z
    if frame is not None and _is_multi_frame(series.sop_class_uid):
        _set_frames(ds, series, instance.number_of_frames, frame)


def _patient(ds: Dataset, study: Study) -> None:
    patient = study.patient
    ds.PatientName = patient.name
    ds.PatientID = patient.patient_id
    ds.PatientBirthDate = patient.birth_date
    ds.PatientSex = patient.sex


def _general_study(ds: Dataset, study: Study) -> None:
    ds.StudyInstanceUID = study.study_instance_uid
    ds.StudyDate = study.date
    ds.StudyTime = study.time
    ds.ReferringPhysicianName = ""
    ds.StudyID = study.study_id
    ds.AccessionNumber = study.accession_number
    ds.StudyDescription = study.description
    if study.procedure:  # the template key, coded in a private scheme; SH holds 16 characters
        value = "CodeValue" if len(study.procedure) <= 16 else "LongCodeValue"
        procedure = {value: study.procedure}
        ds.ProcedureCodeSequence = [
            item(
                **procedure,
                CodingSchemeDesignator=PROCEDURE_SCHEME,
                CodeMeaning=study.description or study.procedure,
            )
        ]


def _general_series(ds: Dataset, study: Study, series: Series) -> None:
    ds.Modality = series.modality
    ds.SeriesInstanceUID = series.series_instance_uid
    ds.SeriesNumber = series.series_number
    ds.SeriesDescription = series.description
    ds.SeriesDate = study.date
    ds.SeriesTime = study.time
    ds.ContentDate = study.date
    ds.ContentTime = study.time
    if series.body_part:
        ds.BodyPartExamined = series.body_part


def _equipment(ds: Dataset) -> None:
    ds.Manufacturer = MANUFACTURER
    ds.InstitutionName = "Synthetic Teaching Hospital"
    ds.ManufacturerModelName = "synthetic"
    ds.DeviceSerialNumber = "0001"
    ds.SoftwareVersions = __version__


# --- images -----------------------------------------------------------------------------------


def _is_multi_frame(sop_class_uid: str) -> bool:
    sop = load_registry().by_uid(sop_class_uid)
    return bool(sop and sop.multi_frame)


def _frame_bytes(fmt: PixelFormat, size: int) -> bytes:
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


def _image_pixel(ds: Dataset, series: Series) -> None:
    """Image Pixel module; multi-frame pixel data is filled in per instance (_set_frames)."""
    fmt = _PIXEL_FORMATS.get(series.sop_class_uid, _MONO16)
    size = MULTI_FRAME_SIZE if _is_multi_frame(series.sop_class_uid) else SINGLE_FRAME_SIZE
    ds.SamplesPerPixel = fmt.samples
    ds.PhotometricInterpretation = fmt.photometric
    if fmt.samples > 1:
        ds.PlanarConfiguration = 0
    ds.Rows = ds.Columns = size
    ds.BitsAllocated = fmt.bits_allocated
    ds.BitsStored = fmt.bits_stored
    ds.HighBit = fmt.bits_stored - 1
    ds.PixelRepresentation = 0
    ds.PixelData = _frame_bytes(fmt, size)


def _set_frames(ds: Dataset, series: Series, frames: int, frame: bytes) -> None:
    """Number of Frames, the pixel data, and what each frame needs of its own."""
    ds.NumberOfFrames = frames
    ds.PixelData = frame * frames
    per_frame = _PER_FRAME.get(series.sop_class_uid)
    if per_frame is not None:
        per_frame(ds, frames)


def _general_image(ds: Dataset, image_type: Iterable[str], orientation: str | None = "") -> None:
    ds.ImageType = list(image_type)
    ds.AcquisitionNumber = 1
    ds.AcquisitionDate = ds.ContentDate
    ds.AcquisitionTime = ds.ContentTime
    if orientation is not None:
        ds.PatientOrientation = orientation.split("\\") if orientation else ""
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"


def _frame_of_reference(ds: Dataset, study: Study) -> None:
    """One frame of reference per study: its CT and PET series share patient coordinates."""
    ds.FrameOfReferenceUID = _uid(study.study_instance_uid, "frame-of-reference")
    ds.PositionReferenceIndicator = ""


def _plane(ds: Dataset, study: Study, pixel_spacing: float) -> None:
    """Frame of Reference and Image Plane: an axial stack, one slice per instance."""
    _frame_of_reference(ds, study)
    ds.PixelSpacing = [pixel_spacing, pixel_spacing]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [-80, -80, 0]
    ds.SliceThickness = SLICE_MM
    ds.SliceLocation = 0


def _ct(ds: Dataset, study: Study, series: Series) -> None:
    _general_image(ds, ("ORIGINAL", "PRIMARY", "AXIAL"), orientation=None)
    _plane(ds, study, 0.7)
    ds.PatientPosition = "HFS"
    _image_pixel(ds, series)
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.RescaleType = "HU"
    ds.KVP = 120
    ds.ConvolutionKernel = "STANDARD"
    ds.WindowCenter = 40
    ds.WindowWidth = 400


def _mr(ds: Dataset, study: Study, series: Series) -> None:
    _general_image(ds, ("ORIGINAL", "PRIMARY", "OTHER"), orientation=None)
    _plane(ds, study, 0.9)
    ds.PatientPosition = "HFS"
    _image_pixel(ds, series)
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


def _nm_pet_orientation(ds: Dataset) -> None:
    ds.PatientOrientationCodeSequence = []
    ds.PatientGantryRelationshipCodeSequence = []


def _pet(ds: Dataset, study: Study, series: Series) -> None:
    _general_image(ds, ("ORIGINAL", "PRIMARY"), orientation=None)
    _plane(ds, study, 4.0)
    _image_pixel(ds, series)
    _nm_pet_orientation(ds)
    ds.Units = "BQML"
    ds.CountsSource = "EMISSION"
    ds.SeriesType = ["STATIC", "IMAGE"]
    ds.CorrectedImage = ["DECY"] if "NAC" in series.description else ["DECY", "ATTN"]
    ds.DecayCorrection = "START"
    ds.RandomsCorrectionMethod = "DLYD"
    ds.CollimatorType = "NONE"
    ds.NumberOfSlices = series.instance_count
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


def _cr(ds: Dataset, study: Study, series: Series) -> None:
    _general_image(ds, ("ORIGINAL", "PRIMARY"), orientation="A\\F")
    _image_pixel(ds, series)
    ds.Laterality = "R"
    ds.ViewPosition = "AP"
    ds.KVP = 65
    ds.ImagerPixelSpacing = [0.15, 0.15]


def _digital_xray(ds: Dataset, series: Series, orientation: str) -> None:
    """What DX and MG For Presentation images share (DX Image, Detector, Positioning, VOI)."""
    _general_image(ds, ("ORIGINAL", "PRIMARY", ""), orientation=orientation)
    _image_pixel(ds, series)
    ds.KVP = 110
    ds.ImagerPixelSpacing = [0.15, 0.15]
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


def _dx(ds: Dataset, study: Study, series: Series) -> None:
    lateral = "LAT" in series.description
    _digital_xray(ds, series, "P\\F" if lateral else "L\\F")
    ds.ViewPosition = "LL" if lateral else "PA"
    ds.PositionerType = "NONE"
    ds.ImageLaterality = "U"
    ds.AnatomicRegionSequence = [code("51185008", "SCT", "Chest")]


# View codes (CID 4014), and Patient Orientation as the breasts hang back to back: rows run
# from the nipple to the chest wall (P) on the right breast, the other way (A) on the left.
_MG_VIEWS = {"CC": ("399162004", "cranio-caudal"), "MLO": ("399368009", "medio-lateral oblique")}
_MG_ORIENTATION = {
    ("R", "CC"): "P\\L",
    ("L", "CC"): "A\\R",
    ("R", "MLO"): "P\\FL",
    ("L", "MLO"): "A\\FR",
}


def _breast_view(series: Series) -> tuple[str, str]:
    """'R CC', 'L MLO Tomo' -> ('R', 'CC'); a synthetic 2D set without one is right CC."""
    words = series.description.split()
    side = words[0] if words and words[0] in ("R", "L") else "R"
    return side, "MLO" if "MLO" in words else "CC"


def _breast(ds: Dataset, side: str, view: str) -> None:
    ds.ImageLaterality = side
    value, meaning = _MG_VIEWS[view]
    ds.ViewCodeSequence = [code(value, "SCT", meaning)]
    ds.ViewCodeSequence[0].ViewModifierCodeSequence = []
    ds.AnatomicRegionSequence = [code("76752008", "SCT", "Breast")]
    ds.PositionerType = "MAMMOGRAPHIC"
    ds.OrganExposed = "BREAST"
    ds.BreastImplantPresent = "NO"


def _mg(ds: Dataset, study: Study, series: Series) -> None:
    side, view = _breast_view(series)
    _digital_xray(ds, series, _MG_ORIENTATION[side, view])
    _breast(ds, side, view)
    ds.PartialView = "NO"


def _us(ds: Dataset, study: Study, series: Series) -> None:
    # Value 3 names the exam region from a list (PS3.3 C.8.5.6.1.1); echo has no term there.
    region = () if series.body_part == "HEART" else ("ABDOMINAL",)
    _general_image(ds, ("ORIGINAL", "PRIMARY", *region), orientation="")
    _image_pixel(ds, series)
    if _is_multi_frame(series.sop_class_uid):
        ds.FrameTime = 33.3
        ds.FrameIncrementPointer = 0x00181063  # Frame Time


def _xa(ds: Dataset, study: Study, series: Series) -> None:
    _general_image(ds, ("ORIGINAL", "PRIMARY", "SINGLE PLANE"), orientation="")
    _image_pixel(ds, series)
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


def _nm(ds: Dataset, study: Study, series: Series) -> None:
    spect = "SPECT" in series.description
    ds.ImageType = ["ORIGINAL", "PRIMARY", "TOMO" if spect else "STATIC", "EMISSION"]
    ds.AcquisitionDate = ds.ContentDate
    ds.AcquisitionTime = ds.ContentTime
    ds.PatientOrientation = ""
    ds.LossyImageCompression = "00"
    _image_pixel(ds, series)
    _nm_pet_orientation(ds)
    ds.PixelSpacing = [4.0, 4.0]
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


def _nm_frames(ds: Dataset, frames: int) -> None:
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


# --- enhanced multi-frame images -------------------------------------------------------------


def _enhanced(
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
    _frame_of_reference(ds, study)
    ds.PatientPosition = "HFS"
    ds.AcquisitionNumber = 1
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
    _image_pixel(ds, series)
    organization = _uid(series.series_instance_uid, "dimension-organization")
    ds.DimensionOrganizationSequence = [item(DimensionOrganizationUID=organization)]
    ds.DimensionIndexSequence = [
        item(
            DimensionOrganizationUID=organization,
            DimensionIndexPointer=0x00200032,  # Image Position (Patient)
            FunctionalGroupPointer=0x00209113,  # Plane Position Sequence
        )
    ]
    shared = item(
        PixelMeasuresSequence=[item(PixelSpacing=[0.5, 0.5], SliceThickness=SLICE_MM)],
        PlaneOrientationSequence=[item(ImageOrientationPatient=[1, 0, 0, 0, 1, 0])],
        FrameAnatomySequence=[item(AnatomicRegionSequence=[region], FrameLaterality=laterality)],
    )
    ds.SharedFunctionalGroupsSequence = [shared]
    return shared


def _frame_items(ds: Dataset, frames: int) -> None:
    """Per-frame functional groups: where each frame sits and when it was acquired."""
    when = ds.ContentDate + ds.ContentTime
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
            PlanePositionSequence=[item(ImagePositionPatient=[-80, -80, -SLICE_MM * number])],
        )
        for number in range(1, frames + 1)
    ]


def _description(frame_type: list[str], **extra: object) -> Dataset:
    """The CT/MR/X-Ray 3D Image Frame Type item: the frame's own Image Type and properties."""
    return item(
        FrameType=frame_type,
        PixelPresentation="MONOCHROME",
        VolumetricProperties="VOLUME",
        VolumeBasedCalculationTechnique="NONE",
        **extra,
    )


def _enhanced_ct(ds: Dataset, study: Study, series: Series) -> None:
    frame_type = ["ORIGINAL", "PRIMARY", "VOLUME", "NONE"]
    shared = _enhanced(ds, study, series, frame_type, code("80891009", "SCT", "Heart"))
    shared.CTImageFrameTypeSequence = [_description(frame_type)]
    shared.PixelValueTransformationSequence = [
        item(RescaleIntercept=-1024, RescaleSlope=1, RescaleType="HU")
    ]
    shared.FrameVOILUTSequence = [item(WindowCenter=300, WindowWidth=800)]
    shared.IrradiationEventIdentificationSequence = [
        item(IrradiationEventUID=_uid(series.series_instance_uid, "irradiation"))
    ]
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
            ReconstructionTargetCenterPatient=[0, 0, -100],
            DataCollectionCenterPatient=[0, 0, -100],
        )
    ]
    shared.CTGeometrySequence = [
        item(DistanceSourceToDetector=1085.6, DistanceSourceToDataCollectionCenter=595)
    ]
    shared.CTReconstructionSequence = [
        item(
            ReconstructionAlgorithm="ITERATIVE",
            ConvolutionKernel="B26f",
            ConvolutionKernelGroup="SOFT_TISSUE",
            ReconstructionDiameter=180,
            ReconstructionPixelSpacing=[0.5, 0.5],
            ReconstructionAngle=360,
            ImageFilter="NONE",
        )
    ]
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


def _enhanced_mr(ds: Dataset, study: Study, series: Series) -> None:
    frame_type = ["ORIGINAL", "PRIMARY", "VOLUME", "NONE"]
    knee = code("72696002", "SCT", "Knee")
    shared = _enhanced(ds, study, series, frame_type, knee, laterality="R")
    ds.ComplexImageComponent = "MAGNITUDE"
    ds.AcquisitionContrast = "PROTON_DENSITY"
    ds.MagneticFieldStrength = 3
    ds.ResonantNucleus = "1H"
    ds.KSpaceFiltering = "NONE"
    ds.ApplicableSafetyStandardAgency = "IEC"
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
    shared.MRImageFrameTypeSequence = [
        _description(
            frame_type, ComplexImageComponent="MAGNITUDE", AcquisitionContrast="PROTON_DENSITY"
        )
    ]
    shared.PixelValueTransformationSequence = [
        item(RescaleIntercept=0, RescaleSlope=1, RescaleType="US")
    ]
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
    shared.MRAveragesSequence = [item(NumberOfAverages=1)]


def _breast_tomo(ds: Dataset, study: Study, series: Series) -> None:
    frame_type = ["ORIGINAL", "PRIMARY", "TOMOSYNTHESIS", "NONE"]
    side, view = _breast_view(series)
    _breast(ds, side, view)
    breast = ds.AnatomicRegionSequence[0]
    # Laterality and region go per frame (Frame Anatomy); the DX-style attributes would make
    # this a Standard Extended SOP Class.
    for keyword in ("ImageLaterality", "AnatomicRegionSequence", "PositionerType", "OrganExposed"):
        delattr(ds, keyword)
    shared = _enhanced(ds, study, series, frame_type, breast, laterality=side)
    for keyword in ("AcquisitionNumber", "AcquisitionDuration", "AcquisitionDateTime"):
        delattr(ds, keyword)
    shared.PixelValueTransformationSequence = [
        item(RescaleIntercept=0, RescaleSlope=1, RescaleType="US")
    ]


def _tomo_frames(ds: Dataset, frames: int) -> None:
    """dciodvfy looks for the X-Ray 3D Frame Type in each frame's own functional groups."""
    _frame_items(ds, frames)
    frame_type = _description(list(ds.ImageType))
    for frame in ds.PerFrameFunctionalGroupsSequence:
        frame.XRay3DFrameTypeSequence = [frame_type]


_PER_FRAME: dict[str, Callable[[Dataset, int], None]] = {
    st.NM: _nm_frames,
    st.ENHANCED_CT: _frame_items,
    st.ENHANCED_MR: _frame_items,
    st.BREAST_TOMO: _tomo_frames,
}


# --- presentation states, key objects, structured reports -------------------------------------

Reference = tuple[Series, Instance]


def _image_references(study: Study, per_series: int) -> list[Reference]:
    """The first `per_series` instances of each image series, for PR, KO and SR to point at."""
    return [
        (series, instance)
        for series in study.series
        if series.has_pixel_data
        for instance in series.instances[:per_series]
    ]


def _sop_reference(instance: Instance) -> Dataset:
    return item(
        ReferencedSOPClassUID=instance.sop_class_uid,
        ReferencedSOPInstanceUID=instance.sop_instance_uid,
    )


def _evidence(study: Study, references: list[Reference]) -> list[Dataset]:
    """Hierarchical SOP Instance Reference Macro (PS3.3 Table C.17-3): study/series/instances."""
    by_series: dict[str, list[Instance]] = {}
    for series, instance in references:
        by_series.setdefault(series.series_instance_uid, []).append(instance)
    return [
        item(
            StudyInstanceUID=study.study_instance_uid,
            ReferencedSeriesSequence=[
                item(
                    SeriesInstanceUID=uid,
                    ReferencedSOPSequence=[_sop_reference(i) for i in instances],
                )
                for uid, instances in by_series.items()
            ],
        )
    ]


def _gsps(ds: Dataset, study: Study, series: Series) -> None:
    """A presentation state with a text annotation and a CT window for one image series."""
    target = next(s for s in study.series if s.has_pixel_data and s.instance_count > 2)
    ds.Laterality = ""  # General Series asks for it when the body part may be paired
    del ds.ContentDate, ds.ContentTime  # a presentation state has its creation date instead
    ds.PresentationCreationDate = study.date
    ds.PresentationCreationTime = study.time
    ds.ContentLabel = "ANNOTATIONS"
    ds.ContentDescription = "Lesion measurement"
    ds.ContentCreatorName = "READER^Demo"
    ds.ReferencedSeriesSequence = [
        item(
            SeriesInstanceUID=target.series_instance_uid,
            ReferencedImageSequence=[_sop_reference(i) for i in target.instances[:20]],
        )
    ]
    ds.DisplayedAreaSelectionSequence = [
        item(
            DisplayedAreaTopLeftHandCorner=[1, 1],
            DisplayedAreaBottomRightHandCorner=[SINGLE_FRAME_SIZE, SINGLE_FRAME_SIZE],
            PresentationSizeMode="SCALE TO FIT",
            PresentationPixelAspectRatio=[1, 1],
        )
    ]
    ds.GraphicAnnotationSequence = [
        item(
            GraphicLayer="ANNOTATION",
            TextObjectSequence=[
                item(
                    BoundingBoxAnnotationUnits="PIXEL",
                    UnformattedTextValue="Lesion 12 mm",
                    BoundingBoxTopLeftHandCorner=[4.0, 4.0],
                    BoundingBoxBottomRightHandCorner=[40.0, 12.0],
                    BoundingBoxTextHorizontalJustification="LEFT",
                )
            ],
        )
    ]
    ds.GraphicLayerSequence = [item(GraphicLayer="ANNOTATION", GraphicLayerOrder=1)]
    ds.ImageRotation = 0
    ds.ImageHorizontalFlip = "N"
    ds.SoftcopyVOILUTSequence = [item(WindowCenter=40, WindowWidth=400)]
    ds.PresentationLUTShape = "IDENTITY"
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.RescaleType = "HU"


# Content items (PS3.3 C.17.3): a concept name, a value type and, below the root, a relationship.
CONTAINS, HAS_OBS_CONTEXT, HAS_CONCEPT_MOD = "CONTAINS", "HAS OBS CONTEXT", "HAS CONCEPT MOD"


def _content(value_type: str, concept: Dataset, relationship: str, **value: object) -> Dataset:
    return item(
        RelationshipType=relationship,
        ValueType=value_type,
        ConceptNameCodeSequence=[concept],
        **value,
    )


def _container(concept: Dataset, children: list[Dataset]) -> Dataset:
    return _content(
        "CONTAINER", concept, CONTAINS, ContinuityOfContent="SEPARATE", ContentSequence=children
    )


def _num(concept: Dataset, value: float, unit: str) -> Dataset:
    """A NUM item in UCUM units, where the unit's code is also its meaning."""
    measured = item(
        NumericValue=DSfloat(value, auto_format=True),  # DS holds at most 16 characters
        MeasurementUnitsCodeSequence=[code(unit, "UCUM", unit)],
    )
    return _content("NUM", concept, CONTAINS, MeasuredValueSequence=[measured])


def _coded(concept: Dataset, value: Dataset, relationship: str = CONTAINS) -> Dataset:
    return _content("CODE", concept, relationship, ConceptCodeSequence=[value])


def _image(instance: Instance) -> Dataset:
    return item(
        RelationshipType=CONTAINS,
        ValueType="IMAGE",
        ReferencedSOPSequence=[_sop_reference(instance)],
    )


def _datetime(concept: Dataset, study: Study) -> Dataset:
    return _content("DATETIME", concept, CONTAINS, DateTime=study.date + study.time)


def _device_observer() -> list[Dataset]:
    """Observer context (TID 1002/1004): the report was made by a device, this program."""
    return [
        _coded(
            code("121005", "DCM", "Observer Type"), code("121007", "DCM", "Device"), HAS_OBS_CONTEXT
        ),
        _content(
            "UIDREF",
            code("121012", "DCM", "Device Observer UID"),
            HAS_OBS_CONTEXT,
            UID=IMPLEMENTATION_UID,
        ),
        _content(
            "TEXT",
            code("121013", "DCM", "Device Observer Name"),
            HAS_OBS_CONTEXT,
            TextValue=MANUFACTURER,
        ),
    ]


def _study_scope(study: Study) -> Dataset:
    """Scope of Accumulation: this study, named by its Study Instance UID."""
    scope = _coded(
        code("113705", "DCM", "Scope of Accumulation"),
        code("113014", "DCM", "Study"),
        HAS_OBS_CONTEXT,
    )
    scope.ContentSequence = [
        _content(
            "UIDREF",
            code("110180", "DCM", "Study Instance UID"),
            "HAS PROPERTIES",
            UID=study.study_instance_uid,
        )
    ]
    return scope


def _document(
    ds: Dataset,
    study: Study,
    root: Dataset,
    template: str,
    children: list[Dataset],
    references: list[Reference],
) -> None:
    """SR Document General and Content modules around the root container of `template`."""
    if ds.Modality == "SR":  # the KO IOD has no completion or verification flags
        ds.CompletionFlag = "COMPLETE"
        ds.VerificationFlag = "UNVERIFIED"
        ds.PerformedProcedureCodeSequence = []
    ds.ReferencedPerformedProcedureStepSequence = []
    if references or ds.Modality == "KO":
        ds.CurrentRequestedProcedureEvidenceSequence = _evidence(study, references)
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = [root]
    ds.ContinuityOfContent = "SEPARATE"
    ds.ContentTemplateSequence = [item(MappingResource="DCMR", TemplateIdentifier=template)]
    ds.ContentSequence = children


def _key_objects(ds: Dataset, study: Study, series: Series) -> None:
    """Key Object Selection (TID 2010): a few images flagged "Of Interest"."""
    references = _image_references(study, per_series=2)[:6]
    children = [
        _content(
            "TEXT",
            code("113012", "DCM", "Key Object Description"),
            CONTAINS,
            TextValue="Key images for the report",
        ),
        *[_image(instance) for _, instance in references],
    ]
    _document(ds, study, code("113000", "DCM", "Of Interest"), "2010", children, references)


_X_RAY_DOSE_REPORT = code("113701", "DCM", "X-Ray Radiation Dose Report")


def _ct_acquisition(study: Study, series: Series) -> Dataset:
    """One CT Acquisition (TID 10013): what was scanned and the dose of that irradiation."""
    topogram = series.instance_count <= 2
    kind = (
        code("113805", "DCM", "Constant Angle Acquisition")
        if topogram
        else code("116152004", "SCT", "Spiral Acquisition")
    )
    ctdi = 0.2 if topogram else 8.0 + series.series_number
    return _container(
        code("113819", "DCM", "CT Acquisition"),
        [
            _coded(code("123014", "DCM", "Target Region"), _REGIONS[series.body_part]),
            _coded(code("113820", "DCM", "CT Acquisition Type"), kind),
            _content(
                "UIDREF",
                code("113769", "DCM", "Irradiation Event UID"),
                CONTAINS,
                UID=_uid(series.series_instance_uid, "irradiation"),
            ),
            _container(
                code("113829", "DCM", "CT Dose"),
                [
                    _num(code("113830", "DCM", "Mean CTDIvol"), ctdi, "mGy"),
                    _coded(
                        code("113835", "DCM", "CTDIw Phantom Type"),
                        code("113691", "DCM", "IEC Body Dosimetry Phantom"),
                    ),
                    _num(code("113838", "DCM", "DLP"), _dlp(series), "mGy.cm"),
                ],
            ),
        ],
    )


def _dlp(series: Series) -> float:
    """A plausible dose length product for a series: a few mGy.cm per slice."""
    return round(2.5 * series.instance_count + 4, 1)


_REGIONS = {
    "CHESTABDOMEN": code("416775004", "SCT", "Chest and abdomen"),
    "HEAD": code("69536005", "SCT", "Head"),
    "HEART": code("80891009", "SCT", "Heart"),
    "WHOLEBODY": code("38266002", "SCT", "Entire body"),
    "CHEST": code("51185008", "SCT", "Chest"),
}


def _xray_dose(ds: Dataset, study: Study, series: Series) -> None:
    """X-Ray Radiation Dose SR: a CT dose report (TID 10011) or a projection one (TID 10001)."""
    images = [s for s in study.series if s.has_pixel_data]
    ct = [s for s in images if s.modality == "CT"]
    if ct:
        children = [
            _coded(
                code("121058", "DCM", "Procedure reported"),
                code("77477000", "SCT", "Computed Tomography X-Ray"),
                HAS_CONCEPT_MOD,
            ),
            *_device_observer(),
            _datetime(code("113809", "DCM", "Start of X-Ray Irradiation"), study),
            _datetime(code("113810", "DCM", "End of X-Ray Irradiation"), study),
            _study_scope(study),
            _container(
                code("113811", "DCM", "CT Accumulated Dose Data"),
                [
                    _num(
                        code("113812", "DCM", "Total Number of Irradiation Events"),
                        len(ct),
                        "{events}",
                    ),
                    _num(
                        code("113813", "DCM", "CT Dose Length Product Total"),
                        sum(_dlp(s) for s in ct),
                        "mGy.cm",
                    ),
                ],
            ),
            *[_ct_acquisition(study, s) for s in ct],
        ]
        template = "10011"
    else:
        children = [
            _coded(
                code("121058", "DCM", "Procedure reported"),
                code("113704", "DCM", "Projection X-Ray"),
                HAS_CONCEPT_MOD,
            ),
            *_device_observer(),
            _study_scope(study),
            _projection_dose(len(images)),
        ]
        template = "10001"
    _document(ds, study, _X_RAY_DOSE_REPORT, template, children, [])


def _projection_dose(exposures: int, fluoro_seconds: float | None = None) -> Dataset:
    """Accumulated X-Ray Dose Data (TID 10002): dose-area product and reference-point dose."""
    values = [
        _num(code("113722", "DCM", "Dose Area Product Total"), 0.00012 * exposures, "Gy.m2"),
        _num(code("113725", "DCM", "Dose (RP) Total"), 0.0004 * exposures, "Gy"),
    ]
    if fluoro_seconds is not None:
        values.append(_num(code("113730", "DCM", "Total Fluoro Time"), fluoro_seconds, "s"))
    return _container(code("113702", "DCM", "Accumulated X-Ray Dose Data"), values)


def _enhanced_xray_dose(ds: Dataset, study: Study, series: Series) -> None:
    """Enhanced X-Ray Radiation Dose SR (TID 10040) of an angiography study."""
    runs = sum(s.instance_count for s in study.series if s.has_pixel_data)
    children = [
        _coded(
            code("121058", "DCM", "Procedure reported"),
            code("113704", "DCM", "Projection X-Ray"),
            HAS_CONCEPT_MOD,
        ),
        *_device_observer(),
        _study_scope(study),
        _projection_dose(runs * 40, fluoro_seconds=300.0),
    ]
    _document(ds, study, _X_RAY_DOSE_REPORT, "10040", children, [])


# (radiopharmaceutical, radionuclide, half-life in s, activity in MBq) for PET and NM studies.
_FDG = (
    code("35321007", "SCT", "Fluorodeoxyglucose F^18^"),
    code("77004003", "SCT", "^18^Fluorine"),
    6586.2,
    300.0,
)
_MDP = (
    code("96390006", "SCT", "Technetium Tc^99m^ medronate"),
    code("72454006", "SCT", "^99m^Technetium"),
    21624.12,
    740.0,
)


def _radiopharmaceutical_dose(ds: Dataset, study: Study, series: Series) -> None:
    """Radiopharmaceutical Radiation Dose SR (TID 10021): what was injected, and how much."""
    agent, nuclide, half_life, activity = (
        _FDG if any(s.modality == "PT" for s in study.series) else _MDP
    )
    administration = _container(
        code("113502", "DCM", "Radiopharmaceutical Administration"),
        [
            _coded(code("349358000", "SCT", "Radiopharmaceutical agent"), agent),
            _coded(code("89457008", "SCT", "Radionuclide"), nuclide),
            _num(code("304283002", "SCT", "Radionuclide physical half life"), half_life, "s"),
            _datetime(code("123003", "DCM", "Radiopharmaceutical Start DateTime"), study),
            _num(code("113507", "DCM", "Administered activity"), activity, "MBq"),
            _coded(
                code("410675002", "SCT", "Route of administration"),
                code("47625008", "SCT", "Intravenous route"),
            ),
        ],
    )
    # No observer context here: this IOD allows HAS OBS CONTEXT only below TEXT, CODE or NUM
    # items (PS3.3 Table A.35.14-2), and TID 10021 asks for none at the root.
    root = code("113500", "DCM", "Radiopharmaceutical Radiation Dose Report")
    _document(ds, study, root, "10021", [administration], [])


def _mammo_cad(ds: Dataset, study: Study, series: Series) -> None:
    """Mammography CAD SR (TID 4000): the images the algorithm read, no findings."""
    references = _image_references(study, per_series=1)
    children = [
        _coded(
            code("111056", "DCM", "Rendering Intent"),
            code("111150", "DCM", "Presentation Required: Rendering device is expected to present"),
        ),
        _container(
            code("111028", "DCM", "Image Library"),
            [_image(instance) for _, instance in references],
        ),
    ]
    root = code("111036", "DCM", "Mammography CAD Report")
    _document(ds, study, root, "4000", children, references)


def _echo_measurements(ds: Dataset, study: Study, series: Series) -> None:
    """Comprehensive SR with echo measurements (TID 5200): an ejection fraction and LV size."""
    findings = _container(
        code("121070", "DCM", "Findings"),
        [
            _num(code("10230-1", "LN", "Left Ventricular Ejection Fraction"), 62, "%"),
            _num(code("29436-3", "LN", "Left Ventricle diastolic major axis"), 48, "mm"),
        ],
    )
    children = [*_device_observer(), findings]
    root = code("125200", "DCM", "Adult Echocardiography Procedure Report")
    _document(ds, study, root, "5200", children, [])


_BUILDERS: dict[str, Callable[[Dataset, Study, Series], None]] = {
    st.CR: _cr,
    st.DX: _dx,
    st.MG: _mg,
    st.CT: _ct,
    st.ENHANCED_CT: _enhanced_ct,
    st.US_MULTIFRAME: _us,
    st.MR: _mr,
    st.ENHANCED_MR: _enhanced_mr,
    st.US: _us,
    st.GSPS: _gsps,
    st.XA: _xa,
    st.BREAST_TOMO: _breast_tomo,
    st.NM: _nm,
    st.COMPREHENSIVE_SR: _echo_measurements,
    st.MAMMO_CAD_SR: _mammo_cad,
    st.KO: _key_objects,
    st.XRAY_DOSE_SR: _xray_dose,
    st.RADIOPHARM_DOSE_SR: _radiopharmaceutical_dose,
    st.ENHANCED_XRAY_DOSE_SR: _enhanced_xray_dose,
    st.PET: _pet,
}
