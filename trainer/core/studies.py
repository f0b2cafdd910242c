"""Synthetic patients, studies, series and instances, and the ways a system counts them.

Studies are drawn from procedure templates with a realistic make-up (a CT with its dose report
and presentation state, an echo of multi-frame clips and a measurement SR ...), so a study list
looks like one an analyst meets at work. Everything comes from `random.Random(seed)` and
`generate_uid(entropy_srcs=...)`: the same seed gives the same studies, UIDs included, on any
machine. The model is plain frozen data with what a DICOM writer needs (dates as YYYYMMDD, sex
M/F/O, series numbers, body part); modality, pixel data and frames follow the SOP class
registry. Instances are materialised on demand, so counting a 400-image CT stays cheap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from trainer.core.registry import load_registry

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
    """How a system counts a study's "images": vendors differ, so one study shows differently."""

    PIXEL_DATA = "pixel"
    ALL_INSTANCES = "all"
    FRAMES = "frames"

    @property
    def title(self) -> str:
        return _POLICY_TITLES[self]

    @property
    def typical_of(self) -> str:
        return _POLICY_TYPICAL[self]


_POLICY_TITLES = {
    CountPolicy.PIXEL_DATA: "instances with pixel data",
    CountPolicy.ALL_INSTANCES: "all instances",
    CountPolicy.FRAMES: "frames",
}
_POLICY_TYPICAL = {
    CountPolicy.PIXEL_DATA: "as some PACS count",
    CountPolicy.ALL_INSTANCES: "as a VNA often counts",
    CountPolicy.FRAMES: "frames of multi-frame objects counted one by one",
}


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


@dataclass(frozen=True)
class Series:
    """One series: a single SOP class, with the frame count of each instance in order."""

    series_instance_uid: str
    series_number: int
    modality: str
    sop_class_uid: str
    description: str
    body_part: str  # Body Part Examined (0018,0015); "" where the series module has none (PR/SR/KO)
    has_pixel_data: bool
    frames: tuple[int, ...]  # per instance; 0 for objects without pixel data

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
    procedure: str  # the template's key
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


@dataclass(frozen=True)
class Procedure:
    key: str
    description: str
    body_part: str  # a Body Part Examined defined term (PS3.16 Annex L)
    series: tuple[SeriesTemplate, ...]
    sex: str = ""  # "F" for a procedure done on women only
    ages: tuple[int, int] = (18, 90)


def _s(
    uid: str,
    description: str,
    low: int,
    high: int | None = None,
    *,
    frames: tuple[int, int] = (1, 1),
    chance: float = 1.0,
) -> SeriesTemplate:
    """A series template, written compactly: `low`..`high` instances (just `low` if no high)."""
    return SeriesTemplate(uid, description, (low, low if high is None else high), frames, chance)


PROCEDURES: tuple[Procedure, ...] = (
    Procedure(
        "xr-chest",
        "XR CHEST PA+LAT",
        "CHEST",
        (
            _s(DX, "PA", 1),
            _s(DX, "LAT", 1),
            _s(XRAY_DOSE_SR, "Dose report", 1, chance=0.5),
        ),
    ),
    Procedure(
        "ct-chest-abdomen",
        "CT CHEST/ABD+C",
        "CHESTABDOMEN",
        (
            _s(CT, "Topogram", 1, 2),
            _s(CT, "Ax 5mm", 70, 90),
            _s(CT, "Ax 1mm", 380, 450),
            _s(CT, "Cor MPR 3mm", 100, 130, chance=0.7),
            _s(GSPS, "Annotations", 1, 2),
            _s(XRAY_DOSE_SR, "Dose report", 1),
        ),
    ),
    Procedure(
        "echo",
        "US ECHO TTE",
        "HEART",
        (
            _s(US_MULTIFRAME, "Echo clips", 25, 60, frames=(40, 120)),
            _s(US, "Stills", 2, 10, chance=0.6),
            _s(COMPREHENSIVE_SR, "Measurements", 1),
        ),
    ),
    Procedure(
        "mr-brain",
        "MR BRAIN W/O",
        "BRAIN",
        (
            _s(MR, "Localizer", 3),
            _s(MR, "Sag T1", 22, 26),
            _s(MR, "Ax T2", 24, 30),
            _s(MR, "Ax FLAIR", 24, 30),
            _s(MR, "Ax DWI", 48, 90),
            _s(KO, "Key images", 1),
        ),
    ),
    Procedure(
        "mg-screening",
        "MG SCREEN BIL",
        "BREAST",
        (
            _s(MG, "R CC", 1),
            _s(MG, "L CC", 1),
            _s(MG, "R MLO", 1),
            _s(MG, "L MLO", 1),
            _s(MAMMO_CAD_SR, "CAD", 1),
        ),
        sex="F",
        ages=(40, 74),
    ),
    Procedure(
        "mg-tomo",
        "MG DBT SCREEN",
        "BREAST",
        (
            _s(BREAST_TOMO, "R CC Tomo", 1, frames=(40, 80)),
            _s(BREAST_TOMO, "L CC Tomo", 1, frames=(40, 80)),
            _s(BREAST_TOMO, "R MLO Tomo", 1, frames=(40, 80)),
            _s(BREAST_TOMO, "L MLO Tomo", 1, frames=(40, 80)),
            _s(MG, "Synthetic 2D", 4),
            _s(MAMMO_CAD_SR, "CAD", 1, chance=0.5),
        ),
        sex="F",
        ages=(40, 74),
    ),
    Procedure(
        "nm-bone",
        "NM BONE WB",
        "WHOLEBODY",
        (
            _s(NM, "WB Ant/Post", 1, frames=(2, 2)),
            _s(NM, "Spot views", 2, 6, frames=(1, 2)),
            _s(NM, "SPECT", 1, frames=(60, 128), chance=0.4),
            _s(RADIOPHARM_DOSE_SR, "Dose report", 1, chance=0.3),
        ),
        ages=(30, 90),
    ),
    Procedure(
        "pet-ct",
        "PET/CT WB FDG",
        "WHOLEBODY",
        (
            _s(CT, "Topogram", 1),
            _s(CT, "CTAC 3mm", 250, 330),
            _s(PET, "PET AC", 250, 330),
            _s(PET, "PET NAC", 250, 330, chance=0.6),
            _s(XRAY_DOSE_SR, "CT dose report", 1, chance=0.5),
            _s(RADIOPHARM_DOSE_SR, "PET dose report", 1, chance=0.5),
        ),
        ages=(30, 90),
    ),
    Procedure(
        "xa-coronary",
        "XA CORONARY",
        "HEART",
        (
            _s(XA, "Coronary runs", 8, 16, frames=(45, 120)),
            _s(ENHANCED_XRAY_DOSE_SR, "Dose report", 1),
        ),
        ages=(40, 90),
    ),
    Procedure("cr-knee", "CR KNEE 3V", "KNEE", (_s(CR, "Knee", 3),)),
    Procedure(
        "ct-head",
        "CT HEAD W/O",
        "HEAD",
        (
            _s(CT, "Topogram", 1),
            _s(CT, "Ax 5mm brain", 28, 36),
            _s(CT, "Ax 1mm bone", 140, 180),
            _s(XRAY_DOSE_SR, "Dose report", 1),
        ),
    ),
    Procedure(
        "us-abdomen",
        "US ABDOMEN",
        "ABDOMEN",
        (
            _s(US, "Abdomen", 20, 45),
            _s(US_MULTIFRAME, "Cine clips", 1, 4, frames=(30, 90), chance=0.5),
        ),
    ),
    Procedure(
        "mr-knee",
        "MR KNEE",
        "KNEE",
        (
            _s(ENHANCED_MR, "Sag PD FS", 1, frames=(28, 36)),
            _s(ENHANCED_MR, "Cor PD FS", 1, frames=(28, 36)),
            _s(ENHANCED_MR, "Ax T2 FS", 1, frames=(26, 34)),
            _s(ENHANCED_MR, "Sag T1", 1, frames=(28, 36)),
        ),
    ),
    Procedure(
        "ct-coronary",
        "CT CORONARY CTA",
        "HEART",
        (
            _s(CT, "Topogram", 1),
            _s(CT, "Calcium score", 40, 60),
            _s(ENHANCED_CT, "CTA 0.6mm", 1, frames=(250, 400)),
            _s(XRAY_DOSE_SR, "Dose report", 1),
        ),
        ages=(35, 85),
    ),
)

_FAMILY = (
    "GARCIA",
    "SMITH",
    "NGUYEN",
    "MUELLER",
    "KOWALSKI",
    "OKAFOR",
    "TANAKA",
    "ROSSI",
    "PATEL",
    "KIM",
    "HASSAN",
    "DUBOIS",
    "SILVA",
    "MURPHY",
    "NOVAK",
    "COHEN",
    "WANG",
    "MARTIN",
    "BROWN",
    "LOPEZ",
    "SCHMIDT",
    "YILMAZ",
    "MENDES",
    "LARSEN",
    "KHAN",
    "FISCHER",
    "MORENO",
    "SATO",
    "BERG",
    "WALSH",
    "ADEYEMI",
    "CHEN",
    "RAMOS",
    "WEBER",
    "JANSEN",
    "OLSEN",
)
_GIVEN = {
    "F": (
        "Ana",
        "Maria",
        "Aisha",
        "Emma",
        "Yuki",
        "Sofia",
        "Fatima",
        "Olga",
        "Grace",
        "Priya",
        "Lena",
        "Chloe",
        "Amara",
        "Mei",
        "Nadia",
        "Rosa",
        "Hana",
        "Ines",
    ),
    "M": (
        "John",
        "Ahmed",
        "Luca",
        "Kenji",
        "David",
        "Omar",
        "Mateo",
        "Pavel",
        "Samuel",
        "Raj",
        "Erik",
        "Tomas",
        "Kwame",
        "Jonas",
        "Wei",
        "Diego",
        "Ali",
        "Liam",
    ),
}
_FIRST_DAY = date(2025, 1, 1)
_DAYS = 365


def study_uid(key: str) -> str:
    """A Study Instance UID from pydicom's generate_uid, deterministic for `key`.

    Cut to 48 characters (still 22 digits of hash) so that series and instance UIDs can extend
    it as <study>.<series number>.<instance number>, a pattern many modalities use.
    """
    from pydicom.uid import generate_uid

    return str(generate_uid(prefix=UID_ROOT, entropy_srcs=[key]))[:STUDY_UID_LENGTH]


def _patient(rng: random.Random, procedure: Procedure, study_day: date, patient_id: str) -> Patient:
    sex = procedure.sex or rng.choices(("F", "M", "O"), weights=(49, 49, 2))[0]
    given = rng.choice(_GIVEN[sex] if sex in _GIVEN else _GIVEN["F"] + _GIVEN["M"])
    age = rng.randint(*procedure.ages)
    birth = date(study_day.year - age, 1, 1) + timedelta(days=rng.randrange(365))
    return Patient(f"{rng.choice(_FAMILY)}^{given}", patient_id, f"{birth:%Y%m%d}", sex)


def _series(rng: random.Random, procedure: Procedure, parent_uid: str) -> tuple[Series, ...]:
    registry = load_registry()
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
        # Images are numbered 1, 2, ...; PR/SR/KO series 990, 991, ... as many systems do.
        if pixels:
            images += 1
            number = images
        else:
            number = 990 + others
            others += 1
        made.append(
            Series(
                series_instance_uid=f"{parent_uid}.{number}",
                series_number=number,
                modality=sop.modality,
                sop_class_uid=sop.uid,
                description=template.description,
                body_part=procedure.body_part if pixels else "",
                has_pixel_data=pixels,
                frames=frames,
            )
        )
    return tuple(made)


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
    """
    rng = random.Random(seed)
    deck: list[Procedure] = []
    used_ids: set[str] = set()
    studies = []
    for index in range(count):
        if not deck:
            deck = rng.sample(procedures, len(procedures))
        ids = (_unique(rng, used_ids, "", 7), _unique(rng, used_ids, "A", 7))
        studies.append(make_study(rng, deck.pop(), f"pacs-trainer|{seed}|{index}", ids))
    return tuple(sorted(studies, key=lambda study: (study.date, study.time), reverse=True))


def _unique(rng: random.Random, used: set[str], prefix: str, digits: int) -> str:
    while True:
        value = f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"
        if value not in used:
            used.add(value)
            return value


# --- the study list as a worklist table ---------------------------------------------------

WORKLIST_COLUMNS = ("Name", "ID", "DOB", "Acc#", "Description", "Mods", "Date", "Imgs")


def display_date(value: str) -> str:
    """A DICOM date (YYYYMMDD) as a worklist shows it: YYYY-MM-DD."""
    return f"{value[:4]}-{value[4:6]}-{value[6:]}"


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
    }


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
