"""Synthetic patients, studies, series and instances, and the ways a system counts them.

Studies are drawn from procedure templates with a realistic make-up (a CT with its dose report
and presentation state, an echo of multi-frame clips and a measurement SR ...), so a study list
looks like one an analyst meets at work. The templates and the patient names are data
(`data/procedures.yaml`, `data/names.yaml`): a new template is one entry there. Each study
comes from its own `random.Random` seeded with (template, seed, index), and its UIDs from
`generate_uid(entropy_srcs=...)` over the same three, so the same seed gives the same studies,
UIDs included, on any machine, and no two templates, seeds or places in a list ever share a UID.
The model is plain frozen data with what a DICOM writer needs (dates as YYYYMMDD, sex M/F/O,
series numbers, body part, geometry); modality, pixel data and frames follow the SOP class
registry. Instances are materialised on demand, so counting a 400-image CT stays cheap.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from trainer.core.registry import load_registry
from trainer.core.yaml_source import parse

DATA = Path(__file__).resolve().parent / "data"
PROCEDURES_PATH = DATA / "procedures.yaml"
NAMES_PATH = DATA / "names.yaml"

# pydicom's UID root, for objects made by pydicom users (PS3.5 9.1); never a real patient's.
UID_ROOT = "1.2.826.0.1.3680043.8.498."
STUDY_UID_LENGTH = 48

# Storage SOP Class UIDs the templates use (PS3.6 Annex A); a test checks each against pydicom.
CR = "1.2.840.10008.5.1.4.1.1.1"  # Computed Radiography Image Storage
DX = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray Image Storage - For Presentation
MG = "1.2.840.10008.5.1.4.1.1.1.2"  # Digital Mammography X-Ray Image Storage - For Presentation
CT = "1.2.840.10008.5.1.4.1.1.2"  # CT Image Storage
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"  # Enhanced CT Image Storage
US_MULTIFRAME = "1.2.840.10008.5.1.4.1.1.3.1"  # Ultrasound Multi-frame Image Storage
MR = "1.2.840.10008.5.1.4.1.1.4"  # MR Image Storage
ENHANCED_MR = "1.2.840.10008.5.1.4.1.1.4.1"  # Enhanced MR Image Storage
US = "1.2.840.10008.5.1.4.1.1.6.1"  # Ultrasound Image Storage
GSPS = "1.2.840.10008.5.1.4.1.1.11.1"  # Grayscale Softcopy Presentation State Storage
XA = "1.2.840.10008.5.1.4.1.1.12.1"  # X-Ray Angiographic Image Storage
BREAST_TOMO = "1.2.840.10008.5.1.4.1.1.13.1.3"  # Breast Tomosynthesis Image Storage
NM = "1.2.840.10008.5.1.4.1.1.20"  # Nuclear Medicine Image Storage
COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33"  # Comprehensive SR Storage
MAMMO_CAD_SR = "1.2.840.10008.5.1.4.1.1.88.50"  # Mammography CAD SR Storage
KO = "1.2.840.10008.5.1.4.1.1.88.59"  # Key Object Selection Document Storage
XRAY_DOSE_SR = "1.2.840.10008.5.1.4.1.1.88.67"  # X-Ray Radiation Dose SR Storage
RADIOPHARM_DOSE_SR = "1.2.840.10008.5.1.4.1.1.88.68"  # Radiopharmaceutical Radiation Dose SR
ENHANCED_XRAY_DOSE_SR = "1.2.840.10008.5.1.4.1.1.88.76"  # Enhanced X-Ray Radiation Dose SR
PET = "1.2.840.10008.5.1.4.1.1.128"  # Positron Emission Tomography Image Storage


class CountPolicy(Enum):
    """What a study's count counts. DICOM defines one, Number of Study Related Instances
    (0020,1208), every instance; the "Images" column of a worklist or viewer is a product's
    choice, and some products count only objects with pixel data, or frames."""

    PIXEL_DATA = "pixel"
    ALL_INSTANCES = "all"
    FRAMES = "frames"

    @property
    def title(self) -> str:
        return _POLICY_TITLES[self]

    @property
    def basis(self) -> str:
        """Whose count it is: the standard's attribute, or a product's choice."""
        return _POLICY_BASIS[self]


_POLICY_TITLES = {
    CountPolicy.PIXEL_DATA: "instances with pixel data",
    CountPolicy.ALL_INSTANCES: "all instances",
    CountPolicy.FRAMES: "frames",
}
_POLICY_BASIS = {
    CountPolicy.PIXEL_DATA: "a product's choice: some viewers leave out PR, SR and KO",
    CountPolicy.ALL_INSTANCES: (
        "Number of Study Related Instances (0020,1208), the standard's count, as a PACS "
        "returns it"
    ),
    CountPolicy.FRAMES: "a product's choice: each frame of a multi-frame object counted",
}
DEFAULT_POLICY = CountPolicy.ALL_INSTANCES


@dataclass(frozen=True)
class Patient:
    name: str  # Patient's Name (0010,0010), FAMILY^Given
    patient_id: str  # (0010,0020)
    birth_date: str  # (0010,0030), YYYYMMDD
    sex: str  # (0010,0040): M, F or O

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "patient_id": self.patient_id,
            "birth_date": self.birth_date,
            "sex": self.sex,
        }


@dataclass(frozen=True)
class Instance:
    sop_class_uid: str
    sop_instance_uid: str
    instance_number: int
    number_of_frames: int  # frames of pixel data: 1 for a single-frame image, 0 without pixels
    has_pixel_data: bool

    def to_dict(self) -> dict[str, str | int | bool]:
        return {
            "sop_class_uid": self.sop_class_uid,
            "sop_instance_uid": self.sop_instance_uid,
            "instance_number": self.instance_number,
            "number_of_frames": self.number_of_frames,
            "has_pixel_data": self.has_pixel_data,
        }


PLANES = ("axial", "sagittal", "coronal", "localizer")
CT_SCANS = ("spiral", "sequenced")


@dataclass(frozen=True)
class Geometry:
    """Where a series' images lie and which acquisition made them: what a writer needs for
    Image Plane (PS3.3 C.7.6.2) and for a dose report's irradiation events."""

    plane: str = ""  # one of PLANES; "" for projection images (CR, DX, MG, XA, NM, US)
    thickness: float = 0.0  # Slice Thickness (0018,0050) in mm
    spacing: float = 0.0  # between slice centres in mm; the thickness when 0
    stacks: int = 1  # images at each position (the b-values of a diffusion series)
    acquisition: int = 0  # series with one number came from one acquisition; 0: its own
    scan: str = ""  # CT Acquisition Type (one of CT_SCANS) of a CT stack; "" is spiral
    derived: bool = False  # reformatted from another series' data (MPR), no exposure of its own

    @property
    def step(self) -> float:
        return self.spacing or self.thickness


@dataclass(frozen=True)
class Series:
    """One series: a single SOP class, with the frame count of each instance in order."""

    series_instance_uid: str
    series_number: int
    modality: str
    sop_class_uid: str
    description: str
    body_part: str  # Body Part Examined (0018,0015); "" where the series module has none (SR/KO)
    has_pixel_data: bool
    frames: tuple[int, ...]  # per instance; 0 for objects without pixel data
    # How the images lie; None for series read from disk. Not part of a series' identity.
    geometry: Geometry | None = field(default=None, compare=False)

    @property
    def instance_count(self) -> int:
        return len(self.frames)

    @property
    def instances(self) -> tuple[Instance, ...]:
        """The instances, with SOP Instance UIDs <series UID>.<number> (built on request)."""
        return tuple(
            Instance(
                sop_class_uid=self.sop_class_uid,
                sop_instance_uid=f"{self.series_instance_uid}.{number}",
                instance_number=number,
                number_of_frames=frames,
                has_pixel_data=self.has_pixel_data,
            )
            for number, frames in enumerate(self.frames, 1)
        )

    def count(self, policy: CountPolicy) -> int:
        if policy is CountPolicy.ALL_INSTANCES:
            return len(self.frames)
        if policy is CountPolicy.PIXEL_DATA:
            return len(self.frames) if self.has_pixel_data else 0
        return sum(self.frames)

    def to_dict(self) -> dict[str, object]:
        return {
            "series_instance_uid": self.series_instance_uid,
            "series_number": self.series_number,
            "modality": self.modality,
            "sop_class_uid": self.sop_class_uid,
            "description": self.description,
            "body_part": self.body_part,
            "instances": [instance.to_dict() for instance in self.instances],
        }


@dataclass(frozen=True)
class Study:
    study_instance_uid: str
    study_id: str  # Study ID (0020,0010)
    accession_number: str  # (0008,0050)
    description: str  # Study Description (0008,1030)
    date: str  # Study Date (0008,0020), YYYYMMDD
    time: str  # Study Time (0008,0030), HHMMSS
    procedure: str  # the template's key; "" for a study read from disk
    patient: Patient
    series: tuple[Series, ...]

    @property
    def modalities(self) -> tuple[str, ...]:
        """Modalities in Study (0008,0061): image modalities in series order, then PR/SR/KO."""
        images = [s.modality for s in self.series if s.has_pixel_data]
        others = sorted({s.modality for s in self.series if not s.has_pixel_data})
        return tuple(dict.fromkeys(images)) + tuple(others)

    def count(self, policy: CountPolicy) -> int:
        return sum(series.count(policy) for series in self.series)

    def to_dict(self) -> dict[str, object]:
        return {
            "study_instance_uid": self.study_instance_uid,
            "study_id": self.study_id,
            "accession_number": self.accession_number,
            "description": self.description,
            "date": self.date,
            "time": self.time,
            "procedure": self.procedure,
            "modalities_in_study": list(self.modalities),
            "counts": {policy.value: self.count(policy) for policy in CountPolicy},
            "patient": self.patient.to_dict(),
            "series": [series.to_dict() for series in self.series],
        }


# --- procedure templates ------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesTemplate:
    sop_class_uid: str
    description: str
    instances: tuple[int, int]  # inclusive range of the instance count
    frames: tuple[int, int] = (1, 1)  # inclusive range of frames per instance (multi-frame)
    chance: float = 1.0  # how often the series is present
    geometry: Geometry = Geometry()


@dataclass(frozen=True)
class Procedure:
    key: str
    description: str
    body_part: str  # a Body Part Examined defined term (PS3.16 Annex L)
    series: tuple[SeriesTemplate, ...]
    sex: str = ""  # "F" for a procedure done on women only
    ages: tuple[int, int] = (18, 90)
    code: tuple[str, str, str] | None = None  # (scheme, value, meaning) from PS3.16


class TemplateError(ValueError):
    """A shipped data file is wrong: `file:line:col: what`."""


_SERIES_KEYS = {"class", "description", "instances", "frames", "chance"}
_GEOMETRY_KEYS = {"plane", "thickness", "spacing", "stacks", "acquisition", "scan", "derived"}
_PROCEDURE_KEYS = {"key", "description", "body_part", "series", "sex", "ages", "code"}


class _Reader:
    """Procedure templates from the data file, each value checked where it stands."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.document = parse(path.read_text(encoding="utf-8"))
        self.registry = load_registry()

    def fail(self, where: tuple[str | int, ...], message: str) -> TemplateError:
        line, col = self.document.locate(where)
        return TemplateError(f"{self.path}:{line}:{col}: {message}")

    def procedures(self) -> tuple[Procedure, ...]:
        data = self.document.data
        if not isinstance(data, list):
            raise self.fail((), "expected a list of procedure templates")
        made = tuple(self.procedure(entry, (index,)) for index, entry in enumerate(data))
        keys = [procedure.key for procedure in made]
        if len(set(keys)) != len(keys):
            raise self.fail((), f"template keys repeat: {sorted(keys)}")
        return made

    def procedure(self, entry: Any, where: tuple[str | int, ...]) -> Procedure:
        self.known(entry, _PROCEDURE_KEYS, where)
        series = entry.get("series")
        if not isinstance(series, list) or not series:
            raise self.fail((*where, "series"), "a template needs a list of series")
        code = entry.get("code")
        if code is not None and (len(code) != 3 or code[0] not in ("DCM", "SCT", "LN")):
            raise self.fail((*where, "code"), "code is [DCM|SCT|LN, value, meaning]")
        return Procedure(
            key=str(entry["key"]),
            description=str(entry["description"]),
            body_part=str(entry["body_part"]),
            series=tuple(self.series(s, (*where, "series", n)) for n, s in enumerate(series)),
            sex=str(entry.get("sex", "")),
            ages=self.span(entry.get("ages", [18, 90]), (*where, "ages")),
            code=None if code is None else (str(code[0]), str(code[1]), str(code[2])),
        )

    def series(self, entry: Any, where: tuple[str | int, ...]) -> SeriesTemplate:
        self.known(entry, _SERIES_KEYS | _GEOMETRY_KEYS, where)
        geometry = Geometry(**{k: v for k, v in entry.items() if k in _GEOMETRY_KEYS})
        if geometry.plane and geometry.plane not in PLANES:
            raise self.fail((*where, "plane"), f"plane is one of {', '.join(PLANES)}")
        if geometry.scan and geometry.scan not in CT_SCANS:
            raise self.fail((*where, "scan"), f"scan is one of {', '.join(CT_SCANS)}")
        return SeriesTemplate(
            sop_class_uid=self.sop_class(entry.get("class"), (*where, "class")),
            description=str(entry["description"]),
            instances=self.span(entry.get("instances", 1), (*where, "instances")),
            frames=self.span(entry.get("frames", 1), (*where, "frames")),
            chance=float(entry.get("chance", 1.0)),
            geometry=geometry,
        )

    def sop_class(self, keyword: Any, where: tuple[str | int, ...]) -> str:
        sop = self.registry.by_keyword(str(keyword))
        if sop is None or not sop.modality:
            raise self.fail(where, f"{keyword!r} is not a Storage SOP class keyword of PS3.6")
        return sop.uid

    def span(self, value: Any, where: tuple[str | int, ...]) -> tuple[int, int]:
        low, high = (value, value) if isinstance(value, int) else tuple(value)
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
            raise self.fail(where, "expected a count N or a range [low, high]")
        return low, high

    def known(self, entry: Any, keys: set[str], where: tuple[str | int, ...]) -> None:
        if not isinstance(entry, dict):
            raise self.fail(where, "expected a mapping")
        unknown = sorted(set(entry) - keys)
        if unknown:
            raise self.fail((*where, unknown[0]), f"unknown field {unknown[0]!r}")


def load_procedures(path: Path = PROCEDURES_PATH) -> tuple[Procedure, ...]:
    return _Reader(path).procedures()


def _load_names(path: Path = NAMES_PATH) -> tuple[tuple[str, ...], Mapping[str, tuple[str, ...]]]:
    data: Any = parse(path.read_text(encoding="utf-8")).data
    return tuple(data["family"]), {sex: tuple(names) for sex, names in data["given"].items()}


PROCEDURES: tuple[Procedure, ...] = load_procedures()
_FAMILY, _GIVEN = _load_names()
_FIRST_DAY = date(2025, 1, 1)
_DAYS = 365
# Series numbers of PR, SR and KO series: (first, step). Vendors differ, so sites do too.
_OTHER_NUMBERING = ((990, 1), (999, -1), (501, 1), (9001, 1), (0, 1))  # 0: after the images


def study_uid(key: str) -> str:
    """A Study Instance UID from pydicom's generate_uid, deterministic for `key`.

    Cut to 48 characters (still 22 digits of hash) so that series and instance UIDs can extend
    it as <study>.<series number>.<instance number>, a pattern many modalities use.
    """
    from pydicom.uid import generate_uid

    return str(generate_uid(prefix=UID_ROOT, entropy_srcs=[key]))[:STUDY_UID_LENGTH]


def study_key(procedure: Procedure, seed: int, index: int) -> str:
    """What a study's randomness and UIDs come from: its template, the seed, its place."""
    return f"pacs-trainer|{procedure.key}|{seed}|{index}"


def _patient(rng: random.Random, procedure: Procedure, study_day: date, patient_id: str) -> Patient:
    sex = procedure.sex or rng.choices(("F", "M", "O"), weights=(49, 49, 2))[0]
    given = rng.choice(_GIVEN[sex] if sex in _GIVEN else _GIVEN["F"] + _GIVEN["M"])
    age = rng.randint(*procedure.ages)
    birth = date(study_day.year - age, 1, 1) + timedelta(days=rng.randrange(365))
    return Patient(f"{rng.choice(_FAMILY)}^{given}", patient_id, f"{birth:%Y%m%d}", sex)


def _series(rng: random.Random, procedure: Procedure, parent_uid: str) -> tuple[Series, ...]:
    registry = load_registry()
    first, step = rng.choice(_OTHER_NUMBERING)
    made: list[Series] = []
    images = others = 0
    for template in procedure.series:
        if template.chance < 1.0 and rng.random() >= template.chance:
            continue
        sop = registry.by_uid(template.sop_class_uid)
        assert sop is not None and sop.modality, template.sop_class_uid
        pixels = bool(sop.has_pixel_data)
        count = rng.randint(*template.instances)
        if not pixels:
            frames: tuple[int, ...] = (0,) * count
        elif template.frames == (1, 1):
            frames = (1,) * count
        else:
            frames = tuple(rng.randint(*template.frames) for _ in range(count))
        if pixels:
            images += 1
            number = images
        else:
            others += 1
            number = -others  # numbered once the images are counted
        made.append(
            Series(
                series_instance_uid="",
                series_number=number,
                modality=sop.modality,
                sop_class_uid=sop.uid,
                description=template.description,
                # Image and presentation series have Body Part Examined; SR and KO have none.
                body_part=procedure.body_part if pixels or sop.modality == "PR" else "",
                has_pixel_data=pixels,
                frames=frames,
                geometry=template.geometry if pixels else None,
            )
        )
    first = first or images + 1
    return tuple(_numbered(s, parent_uid, first, step) for s in made)


def _numbered(series: Series, parent_uid: str, first: int, step: int) -> Series:
    """The series with its number (images 1, 2 ...; the others from `first` by `step`)."""
    number = series.series_number
    if number < 0:
        number = first + step * (-number - 1)
    return replace(series, series_instance_uid=f"{parent_uid}.{number}", series_number=number)


def make_study(rng: random.Random, procedure: Procedure, key: str, ids: tuple[str, str]) -> Study:
    """One study of `procedure`; `key` makes its UIDs unique, `ids` are (patient ID, accession)."""
    day = _FIRST_DAY + timedelta(days=rng.randrange(_DAYS))
    patient = _patient(rng, procedure, day, ids[0])
    uid = study_uid(key)
    return Study(
        study_instance_uid=uid,
        study_id=str(rng.randint(1000, 99999)),
        accession_number=ids[1],
        description=procedure.description,
        date=f"{day:%Y%m%d}",
        time=f"{rng.randint(7, 19):02d}{rng.randrange(60):02d}{rng.randrange(60):02d}",
        procedure=procedure.key,
        patient=patient,
        series=_series(rng, procedure, uid),
    )


def generate_studies(
    seed: int, count: int, procedures: tuple[Procedure, ...] = PROCEDURES
) -> tuple[Study, ...]:
    """`count` studies for `seed`, newest first, each of a different patient.

    Procedures are dealt like cards (all of them before any repeats), so a short list is varied.
    Each study is drawn from its own generator keyed by (template, seed, index), so a template
    exported alone gives the same study as in a list, and other templates never the same UIDs,
    Patient ID or Accession Number.
    """
    deal = random.Random(seed)
    deck: list[Procedure] = []
    used_ids: set[str] = set()
    studies = []
    for index in range(count):
        if not deck:
            deck = deal.sample(procedures, len(procedures))
        procedure = deck.pop()
        key = study_key(procedure, seed, index)
        rng = random.Random(key)
        ids = (_unique(rng, used_ids, "", 7), _unique(rng, used_ids, "A", 7))
        studies.append(make_study(rng, procedure, key, ids))
    return tuple(sorted(studies, key=lambda study: (study.date, study.time), reverse=True))


def _unique(rng: random.Random, used: set[str], prefix: str, digits: int) -> str:
    while True:
        value = f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"
        if value not in used:
            used.add(value)
            return value


# --- the study list as a worklist table ---------------------------------------------------

WORKLIST_COLUMNS = ("Name", "ID", "DOB", "Acc#", "Description", "Mods", "Date", "Imgs")
LIST_COLUMNS = ("Name", "Acc#", "Description", "Mods", "Date", "Imgs")  # where space is short
# A study's three counts side by side, by a short column title (the study browser, `import`).
COUNT_COLUMNS = {"Pix": CountPolicy.PIXEL_DATA, "All": CountPolicy.ALL_INSTANCES,
                 "Frm": CountPolicy.FRAMES}
BROWSER_COLUMNS = ("Name", "Acc#", "Description", "Mods", "Date", *COUNT_COLUMNS)
COUNTS_HINT = (
    "All: Number of Study Related Instances (0020,1208), what a VNA or C-FIND returns. "
    "Pix: instances with pixel data, what many PACS Images columns show. "
    "Frm: frames, what a viewer's frame counter shows."
)


def display_date(value: str) -> str:
    """A DICOM date (YYYYMMDD) as a worklist shows it, YYYY-MM-DD; any other value as it is,
    so a file's odd date is seen rather than hidden."""
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def worklist_cells(study: Study, policy: CountPolicy) -> dict[str, str]:
    """A study's worklist row by column title (objective 6: name, ID, DOB ... and a count)."""
    return {
        "Name": study.patient.name,
        "ID": study.patient.patient_id,
        "DOB": display_date(study.patient.birth_date),
        "Acc#": study.accession_number,
        "Description": study.description,
        "Mods": ", ".join(study.modalities),
        "Date": display_date(study.date),
        "Imgs": str(study.count(policy)),
        **count_cells(study),
    }


def count_cells(counted: Study | Series) -> dict[str, str]:
    """A study's or a series' three counts by their short column titles (COUNT_COLUMNS)."""
    return {title: str(counted.count(policy)) for title, policy in COUNT_COLUMNS.items()}


def worklist_rows(
    studies: tuple[Study, ...] | list[Study],
    policy: CountPolicy,
    columns: tuple[str, ...] = WORKLIST_COLUMNS,
) -> list[tuple[str, ...]]:
    rows = []
    for study in studies:
        cells = worklist_cells(study, policy)
        rows.append(tuple(cells[column] for column in columns))
    return rows
