"""Key Object Selection (TID 2010), Mammography CAD SR (TID 4000) and an echo measurement
report (Comprehensive SR, TID 5200): documents that point at the study's own images."""

from __future__ import annotations

from pydicom.dataset import Dataset

from trainer.core.dicom_io.common import MANUFACTURER, code
from trainer.core.dicom_io.content import (
    CONTAINS,
    HAS_CONCEPT_MOD,
    HAS_PROPERTIES,
    INFERRED_FROM,
    coded,
    container,
    device_observer,
    document,
    image,
    image_references,
    num,
    text,
)
from trainer.core.studies import Series, Study

LANGUAGE = code("en", "RFC5646", "English")  # CID 5000


def language() -> Dataset:
    """Language of Content Item and Descendants (TID 1204)."""
    return coded(code("121049", "DCM", "Language of Content Item and Descendants"), LANGUAGE,
                 HAS_CONCEPT_MOD)


def key_objects(ds: Dataset, study: Study, series: Series) -> None:
    """Key Object Selection (TID 2010): a few images flagged "Of Interest"."""
    references = image_references(study, per_series=2)[:6]
    children = [
        text(code("113012", "DCM", "Key Object Description"), "Key images for the report"),
        *[image(instance) for _, instance in references],
    ]
    document(ds, study, code("113000", "DCM", "Of Interest"), "2010", children, references)


def mammo_cad(ds: Dataset, study: Study, series: Series) -> None:
    """Mammography CAD SR (TID 4000): every image read by one detection algorithm that found
    nothing; no analyses were asked for."""
    references = [(s, i) for s, i in image_references(study, per_series=1) if s.modality == "MG"]
    algorithm = [
        text(code("111001", "DCM", "Algorithm Name"), f"{MANUFACTURER} CAD", HAS_PROPERTIES),
        text(code("111003", "DCM", "Algorithm Version"), "1.0", HAS_PROPERTIES),
        *[image(instance, HAS_PROPERTIES) for _, instance in references],  # what it read
    ]
    detections = container(
        code("111063", "DCM", "Successful Detections"),
        [
            coded(
                code("111022", "DCM", "Detection Performed"),
                code("129715009", "SCT", "Breast composition"),
                children=algorithm,
            )
        ],
        INFERRED_FROM,
    )
    children = [
        language(),
        container(
            code("111028", "DCM", "Image Library"),
            [image(instance) for _, instance in references],
        ),
        coded(
            code("111017", "DCM", "CAD Processing and Findings Summary"),
            code("111241", "DCM", "All algorithms succeeded; without findings"),
        ),
        coded(
            code("111064", "DCM", "Summary of Detections"),
            code("111222", "DCM", "Succeeded"),
            children=[detections],
        ),
        coded(code("111065", "DCM", "Summary of Analyses"), code("111225", "DCM", "Not Attempted")),
    ]
    root = code("111036", "DCM", "Mammography CAD Report")
    document(ds, study, root, "4000", children, references)


def echo_measurements(ds: Dataset, study: Study, series: Series) -> None:
    """Comprehensive SR with echo measurements (TID 5200): the left ventricle's ejection
    fraction and end-diastolic dimension (CID 12200)."""
    findings = container(
        code("121070", "DCM", "Findings"),
        [
            coded(
                code("363698007", "SCT", "Finding Site"),
                code("87878005", "SCT", "Left Ventricle"),
                HAS_CONCEPT_MOD,
            ),
            num(code("18043-0", "LN", "Left Ventricular Ejection Fraction by US"), 62, "%"),
            num(
                code("29436-3", "LN", "Left Ventricle Internal End Diastolic Dimension"), 48, "mm"
            ),
        ],
    )
    children = [language(), *device_observer(), findings]
    root = code("125200", "DCM", "Adult Echocardiography Procedure Report")
    document(ds, study, root, "5200", children, [])


__all__ = ["CONTAINS", "echo_measurements", "key_objects", "mammo_cad"]
