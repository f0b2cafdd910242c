"""Radiation dose reports: the X-Ray Radiation Dose SR as a CT report (TID 10011) or a
projection X-ray one (TID 10001), and the Radiopharmaceutical Radiation Dose SR (TID 10021).

A CT report has one irradiation event per acquisition, as a scanner counts them: each topogram
image, and each helical or sequential run, whatever number of reconstructions and reformats it
gave; the images carry the same Irradiation Event UID (0008,3010), so a viewer can link them.
A projection report has one event per exposure (a radiograph, a mammogram, an angiography run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime as DateTime
from datetime import timedelta

from pydicom.dataset import Dataset

from trainer.core import studies as st
from trainer.core.dicom_io.common import code, derived_uid
from trainer.core.dicom_io.content import (
    CONTAINS,
    HAS_CONCEPT_MOD,
    HAS_OBS_CONTEXT,
    HAS_PROPERTIES,
    coded,
    container,
    content,
    device_observer,
    document,
    num,
    study_scope,
    text,
    uidref,
)
from trainer.core.dicom_io.geometry import field_of_view, geometry_of, positions
from trainer.core.dicom_io.images import (
    breast_view,
    ct_event_key,
    irradiation_event_uid,
    projection_event_uid,
)
from trainer.core.studies import Series, Study

X_RAY_DOSE_REPORT = code("113701", "DCM", "X-Ray Radiation Dose Report")
DIAGNOSTIC_INTENT = code("261004008", "SCT", "Diagnostic Intent")
AUTOMATED = code("113856", "DCM", "Automated Data Collection")  # CID 10020, 10021
SINGLE_PLANE = code("113622", "DCM", "Single Plane")

# Target Region (CID 4030/4031) by Body Part Examined.
REGIONS = {
    "CHESTABDOMEN": code("416550000", "SCT", "Chest and Abdomen"),
    "HEAD": code("69536005", "SCT", "Head"),
    "HEART": code("80891009", "SCT", "Heart"),
    "WHOLEBODY": code("38266002", "SCT", "Entire body"),
    "CHEST": code("816094009", "SCT", "Chest"),
    "KNEE": code("72696002", "SCT", "Knee"),
    "BREAST": code("76752008", "SCT", "Breast"),
}


def _when(study: Study, minutes: float = 0) -> str:
    start = DateTime.strptime(study.date + study.time, "%Y%m%d%H%M%S")
    return f"{start + timedelta(minutes=minutes):%Y%m%d%H%M%S}"


def _datetime(concept: Dataset, value: str, relationship: str = CONTAINS) -> Dataset:
    return content("DATETIME", concept, relationship, DateTime=value)


def _procedure_reported(value: Dataset) -> Dataset:
    """Procedure reported, with its intent (TID 10001/10011 rows 2-3)."""
    return coded(
        code("121058", "DCM", "Procedure reported"),
        value,
        HAS_CONCEPT_MOD,
        [coded(code("363703001", "SCT", "Has Intent"), DIAGNOSTIC_INTENT, HAS_CONCEPT_MOD)],
    )


def _source() -> Dataset:
    return coded(code("113854", "DCM", "Source of Dose Information"), AUTOMATED)


# --- CT (TID 10011) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CtEvent:
    """One CT irradiation event: a topogram image, or one acquisition's run."""

    key: str
    series: Series  # the first series of the acquisition
    localizer: bool
    length: float  # scanning length in mm
    ctdi: float  # Mean CTDIvol in mGy

    @property
    def dlp(self) -> float:
        return round(self.ctdi * self.length / 10, 1)


# Mean CTDIvol (mGy) of a run by body part: head and cardiac doses are higher, the low-dose CT
# of a PET/CT lower; a sequenced calcium score and a topogram are small.
_CTDI = {"HEAD": 50.0, "HEART": 20.0, "CHESTABDOMEN": 10.0, "WHOLEBODY": 4.0}


def ct_events(study: Study) -> list[CtEvent]:
    """The study's CT irradiation events in the order they happened."""
    events: dict[str, CtEvent] = {}
    for series in study.series:
        geometry = geometry_of(series)
        if series.modality != "CT" or not series.has_pixel_data or geometry.derived:
            continue
        if geometry.plane == "localizer":
            for instance in series.instances:
                key = ct_event_key(series, instance.instance_number)
                # A topogram's dose is not reported (TID 10013 CT Dose is for rotating scans).
                events[key] = CtEvent(key, series, True, field_of_view(series) * 1.2, 0.0)
            continue
        key = ct_event_key(series, 1)
        length = _stack_length(series)
        if key in events:  # another reconstruction of the same run
            length = max(length, events[key].length)
            events[key] = CtEvent(key, events[key].series, False, length, events[key].ctdi)
            continue
        ctdi = 3.0 if geometry.scan == "sequenced" else _CTDI.get(series.body_part, 10.0)
        events[key] = CtEvent(key, series, False, length, ctdi)
    return list(events.values())


def _stack_length(series: Series) -> float:
    """How far the table travelled for a stack: its slices (frames of one instance) times the
    step between them."""
    slices = series.frames[0] if series.sop_class_uid == st.ENHANCED_CT else positions(series)
    return round(slices * geometry_of(series).step, 1)


def _ct_report(study: Study) -> list[Dataset]:
    events = ct_events(study)
    accumulated = container(
        code("113811", "DCM", "CT Accumulated Dose Data"),
        [
            num(code("113812", "DCM", "Total Number of Irradiation Events"), len(events),
                "{events}"),
            num(code("113813", "DCM", "CT Dose Length Product Total"),
                round(sum(event.dlp for event in events), 1), "mGy.cm"),
        ],
    )
    return [
        _procedure_reported(code("77477000", "SCT", "Computed Tomography X-Ray")),
        *device_observer(),
        _datetime(code("113809", "DCM", "Start of X-Ray Irradiation"), _when(study),
                  HAS_OBS_CONTEXT),
        _datetime(code("113810", "DCM", "End of X-Ray Irradiation"), _when(study, 12),
                  HAS_OBS_CONTEXT),
        study_scope(study),
        accumulated,
        *[_ct_acquisition(study, event) for event in events],
        _source(),
    ]


def _ct_acquisition(study: Study, event: CtEvent) -> Dataset:
    """CT Irradiation Event Data (TID 10013): what was scanned, how, and its dose."""
    scan = geometry_of(event.series).scan
    if event.localizer:
        kind = code("113805", "DCM", "Constant Angle Acquisition")
    elif scan == "sequenced":
        kind = code("113804", "DCM", "Sequenced Acquisition")
    else:
        kind = code("116152004", "SCT", "Spiral Acquisition")
    children = [
        text(code("125203", "DCM", "Acquisition Protocol"), event.series.description),
        coded(code("123014", "DCM", "Target Region"), REGIONS[event.series.body_part]),
        coded(code("113820", "DCM", "CT Acquisition Type"), kind),
        uidref(code("113769", "DCM", "Irradiation Event UID"),
               irradiation_event_uid(study, event.key)),
        _ct_parameters(event),
    ]
    if not event.localizer:
        children.append(_ct_dose(event))
    return container(code("113819", "DCM", "CT Acquisition"), children)


def _ct_parameters(event: CtEvent) -> Dataset:
    """CT Acquisition Parameters: exposure, scanning length (TID 10014), collimation, source."""
    rotation = 0.5
    exposure = round(event.length / 40 * rotation, 1) if not event.localizer else 2.5
    values = [
        num(code("113824", "DCM", "Exposure Time"), max(exposure, rotation), "s"),
        num(code("113825", "DCM", "Scanning Length"), event.length, "mm"),
        num(code("113826", "DCM", "Nominal Single Collimation Width"), 0.6, "mm"),
        num(code("113827", "DCM", "Nominal Total Collimation Width"), 38.4, "mm"),
    ]
    if not event.localizer:  # spiral and sequenced scans have a pitch
        values.append(num(code("113828", "DCM", "Pitch Factor"), 1.0, "{ratio}"))
    values.append(num(code("113823", "DCM", "Number of X-Ray Sources"), 1, "{X-Ray sources}"))
    source = [
        text(code("113832", "DCM", "Identification of the X-Ray Source"), "A"),
        num(code("113733", "DCM", "KVP"), 120, "kV"),
        num(code("113833", "DCM", "Maximum X-Ray Tube Current"), 400 if not event.localizer
            else 30, "mA"),
        num(code("113734", "DCM", "X-Ray Tube Current"), 250 if not event.localizer else 30,
            "mA"),
    ]
    if not event.localizer:
        source.append(num(code("113834", "DCM", "Exposure Time per Rotation"), rotation, "s"))
    values.append(container(code("113831", "DCM", "CT X-Ray Source Parameters"), source))
    return container(code("113822", "DCM", "CT Acquisition Parameters"), values)


def _ct_dose(event: CtEvent) -> Dataset:
    head = event.series.body_part == "HEAD"
    phantom = (
        code("113690", "DCM", "IEC Head Dosimetry Phantom")
        if head
        else code("113691", "DCM", "IEC Body Dosimetry Phantom")
    )
    return container(
        code("113829", "DCM", "CT Dose"),
        [
            num(code("113830", "DCM", "Mean CTDIvol"), event.ctdi, "mGy"),
            coded(code("113835", "DCM", "CTDIw Phantom Type"), phantom),
            num(code("113838", "DCM", "DLP"), event.dlp, "mGy.cm"),
        ],
    )


# --- projection X-ray (TID 10001) ------------------------------------------------------------


@dataclass(frozen=True)
class Exposure:
    """One projection irradiation event: a radiograph, a mammogram, an angiography run, or the
    fluoroscopy of a procedure (reported as one pulsed event)."""

    uid: str
    protocol: str  # Acquisition Protocol: the series description
    region: Dataset  # Target Region (CID 4031)
    minute: int  # when it started, minutes into the study
    kind: str  # "radiograph", "mammogram", "run" or "fluoroscopy"
    pulses: int = 1  # frames of a run, pulses of fluoroscopy

    @property
    def dap(self) -> float:
        """Dose Area Product in Gy.m2: a few uGy.m2 a frame (fluoroscopy pulses much less)."""
        per_pulse = {"radiograph": 1.2e-4, "run": 1.0e-5, "fluoroscopy": 1.5e-6}
        return round(per_pulse.get(self.kind, 0.0) * self.pulses, 6)


_FLUORO_RP = code("113860", "DCM", "15cm from Isocenter toward Source")  # CID 10025
_SURFACE_RP = code("113964", "DCM", "At Surface of Patient")
_BREAST_RP = code("113865", "DCM", "4.2cm above Breast Support Surface")
_BREASTS = {  # CID 6022
    "R": code("73056007", "SCT", "Right breast"),
    "L": code("80248007", "SCT", "Left breast"),
}
_MAMMOGRAM_AGD = 1.4  # mGy, average glandular dose of one view
_FLUORO_SECONDS = 300


def exposures(study: Study) -> list[Exposure]:
    """The projection irradiation events of a study, in the order they happened."""
    made: list[Exposure] = []
    for series in study.series:
        if not series.has_pixel_data:
            continue
        kind = {"MG": "mammogram", "XA": "run"}.get(series.modality, "radiograph")
        for instance in series.instances:
            made.append(
                Exposure(
                    projection_event_uid(study, series, instance.instance_number),
                    series.description,
                    REGIONS[series.body_part],
                    len(made) + 1,
                    kind,
                    instance.number_of_frames,
                )
            )
    if any(exposure.kind == "run" for exposure in made):
        made.append(
            Exposure(
                derived_uid(study.study_instance_uid, "fluoroscopy"),
                "Fluoroscopy",
                made[0].region,
                len(made) + 1,
                "fluoroscopy",
                _FLUORO_SECONDS * 15,
            )
        )
    return made


def _projection_report(study: Study) -> list[Dataset]:
    events = exposures(study)
    kinds = {event.kind for event in events}
    if "mammogram" in kinds:
        procedure, device = code("71651007", "SCT", "Mammography"), None
    elif "run" in kinds:  # CID 10032
        procedure = code("113704", "DCM", "Projection X-Ray")
        device = code("113957", "DCM", "Fluoroscopy-Guided Projection Radiography System")
    else:
        procedure = code("113704", "DCM", "Projection X-Ray")
        device = code("113958", "DCM", "Integrated Projection Radiography System")
    children = [_procedure_reported(procedure)]
    if device is not None:
        children.append(coded(code("122142", "DCM", "Acquisition Device Type"), device))
    return [
        *children,
        *device_observer(),
        study_scope(study),
        _accumulated(study, events),
        *[_exposure(study, event) for event in events],
        _source(),
    ]


def _accumulated(study: Study, events: list[Exposure]) -> Dataset:
    """Accumulated X-Ray Dose Data (TID 10002) with the totals its kind of system keeps:
    glandular dose per breast (TID 10005), or dose-area product and reference-point dose,
    for fluoroscopy and acquisition apart on an angiography system (TID 10004, 10007)."""
    children = [coded(code("113764", "DCM", "Acquisition Plane"), SINGLE_PLANE, HAS_CONCEPT_MOD)]
    mammograms = [event for event in events if event.kind == "mammogram"]
    if mammograms:
        for side, breast in _BREASTS.items():
            views = [e for e in mammograms if _side_of(study, e) == side]
            if views:
                total = num(code("111637", "DCM", "Accumulated Average Glandular Dose"),
                            round(_MAMMOGRAM_AGD * len(views), 2), "mGy")
                total.ContentSequence = [
                    coded(code("272741003", "SCT", "Laterality"), breast, HAS_CONCEPT_MOD)
                ]
                children.append(total)
        return container(code("113702", "DCM", "Accumulated X-Ray Dose Data"), children)
    dap_total = sum(event.dap for event in events)
    children += [
        num(code("113722", "DCM", "Dose Area Product Total"), round(dap_total, 6), "Gy.m2"),
        num(code("113725", "DCM", "Dose (RP) Total"), round(dap_total * 10, 4), "Gy"),
    ]
    fluoro = [event for event in events if event.kind == "fluoroscopy"]
    if fluoro:
        runs = [event for event in events if event.kind == "run"]
        fluoro_dap, runs_dap = sum(e.dap for e in fluoro), sum(e.dap for e in runs)
        children += [
            num(code("113726", "DCM", "Fluoro Dose Area Product Total"), fluoro_dap, "Gy.m2"),
            num(code("113728", "DCM", "Fluoro Dose (RP) Total"), round(fluoro_dap * 10, 4),
                "Gy"),
            num(code("113730", "DCM", "Total Fluoro Time"), _FLUORO_SECONDS, "s"),
            num(code("113727", "DCM", "Acquisition Dose Area Product Total"),
                round(runs_dap, 6), "Gy.m2"),
            num(code("113729", "DCM", "Acquisition Dose (RP) Total"), round(runs_dap * 10, 4),
                "Gy"),
            num(code("113855", "DCM", "Total Acquisition Time"),
                round(sum(e.pulses for e in runs) / 15, 1), "s"),
        ]
    children.append(coded(code("113780", "DCM", "Reference Point Definition"),
                          _FLUORO_RP if fluoro else _SURFACE_RP))
    return container(code("113702", "DCM", "Accumulated X-Ray Dose Data"), children)


def _side_of(study: Study, event: Exposure) -> str:
    series = next(s for s in study.series if s.description == event.protocol)
    return breast_view(series)[0]


# kVp, tube current (mA) and exposure time per pulse (ms) by kind of event.
_TECHNIQUE = {
    "radiograph": (110, 250, 20),
    "mammogram": (28, 100, 1000),
    "run": (80, 600, 5),
    "fluoroscopy": (75, 10, 8),
}


def _exposure(study: Study, event: Exposure) -> Dataset:
    """Irradiation Event X-Ray Data (TID 10003) with its source data (TID 10003b)."""
    fluoroscopy = event.kind == "fluoroscopy"
    kind = (
        code("44491008", "SCT", "Fluoroscopy")
        if fluoroscopy
        else code("113611", "DCM", "Stationary Acquisition")
    )
    children = [
        coded(code("113764", "DCM", "Acquisition Plane"), SINGLE_PLANE, HAS_CONCEPT_MOD),
        uidref(code("113769", "DCM", "Irradiation Event UID"), event.uid),
        _datetime(code("111526", "DCM", "DateTime Started"), _when(study, event.minute)),
        coded(code("113721", "DCM", "Irradiation Event Type"), kind),
        text(code("125203", "DCM", "Acquisition Protocol"), event.protocol),
        coded(code("123014", "DCM", "Target Region"), event.region),
    ]
    if event.kind == "mammogram":
        children += [
            num(code("111636", "DCM", "Entrance Exposure at RP"), 6.5, "mGy"),
            coded(code("113780", "DCM", "Reference Point Definition"), _BREAST_RP),
            num(code("111631", "DCM", "Average Glandular Dose"), _MAMMOGRAM_AGD, "mGy"),
        ]
    else:
        children += [
            num(code("122130", "DCM", "Dose Area Product"), event.dap, "Gy.m2"),
            num(code("113738", "DCM", "Dose (RP)"), round(event.dap * 10, 5), "Gy"),
            coded(code("113780", "DCM", "Reference Point Definition"),
                  _SURFACE_RP if event.kind == "radiograph" else _FLUORO_RP),
        ]
    kvp, current, width = _TECHNIQUE[event.kind]
    if fluoroscopy:
        children += [
            coded(code("113732", "DCM", "Fluoro Mode"), code("113631", "DCM", "Pulsed")),
            num(code("113791", "DCM", "Pulse Rate"), 15, "{pulse}/s"),
        ]
    children += [
        num(code("113768", "DCM", "Number of Pulses"), event.pulses, "1"),
        num(code("113733", "DCM", "KVP"), kvp, "kV"),
        num(code("113734", "DCM", "X-Ray Tube Current"), current, "mA"),
        num(code("113824", "DCM", "Exposure Time"), width * event.pulses, "ms"),
    ]
    return container(code("113706", "DCM", "Irradiation Event X-Ray Data"), children)


def xray_dose(ds: Dataset, study: Study, series: Series) -> None:
    """X-Ray Radiation Dose SR: a CT dose report (TID 10011) or a projection one (TID 10001)."""
    if any(s.modality == "CT" and s.has_pixel_data for s in study.series):
        _document_report(ds, study, "10011", _ct_report(study))
    else:
        _document_report(ds, study, "10001", _projection_report(study))


def _document_report(ds: Dataset, study: Study, template: str, children: list[Dataset]) -> None:
    document(ds, study, X_RAY_DOSE_REPORT, template, children, [])


# --- radiopharmaceutical (TID 10021) -----------------------------------------------------------


@dataclass(frozen=True)
class Radiopharmaceutical:
    agent: Dataset  # CID 25
    nuclide: Dataset  # CID 18
    half_life: float  # s
    activity: float  # MBq
    procedure: Dataset  # CID 3108


_FDG = Radiopharmaceutical(
    code("35321007", "SCT", "Fluorodeoxyglucose F^18^"),
    code("77004003", "SCT", "^18^Fluorine"),
    6586.2,
    300.0,
    code("241443006", "SCT", "PET study for localization of tumor"),
)
_MDP = Radiopharmaceutical(
    code("96390006", "SCT", "Technetium Tc^99m^ medronate"),
    code("72454006", "SCT", "^99m^Technetium"),
    21624.12,
    740.0,
    code("68796002", "SCT", "Radioisotope study of musculoskeletal system"),
)


def radiopharmaceutical_dose(ds: Dataset, study: Study, series: Series) -> None:
    """Radiopharmaceutical Radiation Dose SR (TID 10021): what was injected, and how much."""
    drug = _FDG if any(s.modality == "PT" for s in study.series) else _MDP
    agent = coded(
        code("349358000", "SCT", "Radiopharmaceutical agent"),
        drug.agent,
        children=[
            coded(code("89457008", "SCT", "Radionuclide"), drug.nuclide, HAS_PROPERTIES),
            num(code("304283002", "SCT", "Radionuclide Half Life"), drug.half_life, "s",
                HAS_PROPERTIES),
        ],
    )
    administration = container(
        code("113502", "DCM", "Radiopharmaceutical Administration"),
        [
            agent,
            uidref(code("113503", "DCM", "Radiopharmaceutical Administration Event UID"),
                   derived_uid(study.study_instance_uid, "administration")),
            _datetime(code("123003", "DCM", "Radiopharmaceutical Start DateTime"),
                      _when(study, -60)),
            num(code("113507", "DCM", "Administered activity"), drug.activity, "MBq"),
            coded(
                code("410675002", "SCT", "Route of administration"),
                code("47625008", "SCT", "Intravenous route"),
                children=[coded(code("272737002", "SCT", "Site of"),
                                code("261459001", "SCT", "Via arm vein"), HAS_PROPERTIES)],
            ),
            _administering_person(),
        ],
    )
    procedure = coded(
        code("363589002", "SCT", "Associated Procedure"),
        drug.procedure,
        HAS_CONCEPT_MOD,
        [coded(code("363703001", "SCT", "Has Intent"), DIAGNOSTIC_INTENT, HAS_CONCEPT_MOD)],
    )
    root = code("113500", "DCM", "Radiopharmaceutical Radiation Dose Report")
    document(ds, study, root, "10021", [procedure, administration], [])


def _administering_person() -> Dataset:
    """Person Participant (TID 1020): who gave the injection."""
    return content(
        "PNAME",
        code("113870", "DCM", "Person Name"),
        CONTAINS,
        PersonName="TECHNOLOGIST^Demo",
        ContentSequence=[
            coded(code("113875", "DCM", "Person Role in Procedure"),
                  code("113851", "DCM", "Irradiation Administering"), HAS_PROPERTIES)
        ],
    )
