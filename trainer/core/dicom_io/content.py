"""SR content items and the SR Document General and Content modules (PS3.3 C.17) that KO and
every SR here share: a concept name, a value type and, below the root, a relationship."""

from __future__ import annotations

from pydicom.dataset import Dataset
from pydicom.valuerep import DSfloat

from trainer.core.dicom_io.common import IMPLEMENTATION_UID, MANUFACTURER, code, item
from trainer.core.dicom_io.presentation import sop_reference
from trainer.core.studies import Instance, Series, Study

CONTAINS, HAS_OBS_CONTEXT, HAS_CONCEPT_MOD, HAS_PROPERTIES, INFERRED_FROM, HAS_ACQ_CONTEXT = (
    "CONTAINS",
    "HAS OBS CONTEXT",
    "HAS CONCEPT MOD",
    "HAS PROPERTIES",
    "INFERRED FROM",
    "HAS ACQ CONTEXT",
)
# UCUM units (PS3.16 CID 7181 and others): code value, code meaning.
UNITS = {
    "mGy": "mGy",
    "mGy.cm": "mGy.cm",
    "Gy": "Gy",
    "Gy.m2": "Gy.m2",
    "s": "s",
    "mm": "mm",
    "cm": "cm",
    "kV": "kV",
    "mA": "mA",
    "MBq": "MBq",
    "%": "%",
    "{events}": "events",
    "{ratio}": "ratio",
    "{X-Ray sources}": "X-Ray sources",
    "{pulse}/s": "pulse/s",
    "ms": "ms",
    "1": "no units",
}

Reference = tuple[Series, Instance]


def content(value_type: str, concept: Dataset, relationship: str, **value: object) -> Dataset:
    return item(
        RelationshipType=relationship,
        ValueType=value_type,
        ConceptNameCodeSequence=[concept],
        **value,
    )


def container(
    concept: Dataset, children: list[Dataset], relationship: str = CONTAINS
) -> Dataset:
    return content(
        "CONTAINER",
        concept,
        relationship,
        ContinuityOfContent="SEPARATE",
        ContentSequence=children,
    )


def num(concept: Dataset, value: float, unit: str, relationship: str = CONTAINS) -> Dataset:
    """A NUM item in UCUM units."""
    measured = item(
        NumericValue=DSfloat(value, auto_format=True),  # DS holds at most 16 characters
        MeasurementUnitsCodeSequence=[code(unit, "UCUM", UNITS[unit])],
    )
    return content("NUM", concept, relationship, MeasuredValueSequence=[measured])


def coded(
    concept: Dataset,
    value: Dataset,
    relationship: str = CONTAINS,
    children: list[Dataset] | None = None,
) -> Dataset:
    found = content("CODE", concept, relationship, ConceptCodeSequence=[value])
    if children:
        found.ContentSequence = children
    return found


def text(concept: Dataset, value: str, relationship: str = CONTAINS) -> Dataset:
    return content("TEXT", concept, relationship, TextValue=value)


def uidref(concept: Dataset, uid: str, relationship: str = CONTAINS) -> Dataset:
    return content("UIDREF", concept, relationship, UID=uid)


def datetime(concept: Dataset, study: Study, relationship: str = CONTAINS) -> Dataset:
    return content("DATETIME", concept, relationship, DateTime=study.date + study.time)


def image(instance: Instance, relationship: str = CONTAINS) -> Dataset:
    return item(
        RelationshipType=relationship,
        ValueType="IMAGE",
        ReferencedSOPSequence=[sop_reference(instance)],
    )


def device_observer() -> list[Dataset]:
    """Observer context (TID 1002/1004): the report was made by a device, this program."""
    return [
        coded(
            code("121005", "DCM", "Observer Type"), code("121007", "DCM", "Device"), HAS_OBS_CONTEXT
        ),
        uidref(code("121012", "DCM", "Device Observer UID"), IMPLEMENTATION_UID, HAS_OBS_CONTEXT),
        text(code("121013", "DCM", "Device Observer Name"), MANUFACTURER, HAS_OBS_CONTEXT),
    ]


def study_scope(study: Study) -> Dataset:
    """Scope of Accumulation: this study, named by its Study Instance UID."""
    return coded(
        code("113705", "DCM", "Scope of Accumulation"),
        code("113014", "DCM", "Study"),
        HAS_OBS_CONTEXT,
        [
            uidref(
                code("110180", "DCM", "Study Instance UID"),
                study.study_instance_uid,
                HAS_PROPERTIES,
            )
        ],
    )


def image_references(study: Study, per_series: int) -> list[Reference]:
    """The first `per_series` instances of each image series, for PR, KO and SR to point at."""
    return [
        (series, instance)
        for series in study.series
        if series.has_pixel_data
        for instance in series.instances[:per_series]
    ]


def evidence(study: Study, references: list[Reference]) -> list[Dataset]:
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
                    ReferencedSOPSequence=[sop_reference(i) for i in instances],
                )
                for uid, instances in by_series.items()
            ],
        )
    ]


def document(
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
        ds.CurrentRequestedProcedureEvidenceSequence = evidence(study, references)
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = [root]
    ds.ContinuityOfContent = "SEPARATE"
    ds.ContentTemplateSequence = [item(MappingResource="DCMR", TemplateIdentifier=template)]
    ds.ContentSequence = children
