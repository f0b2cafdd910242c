"""SOP class registry: every SOP class in pydicom's UID dictionary, plus curated facts.

UID, name, keyword and retired flag are read from pydicom (PS3.6 Annex A) at run time, so they
never drift from the standard pydicom carries. What pydicom does not carry comes from the
curated overlay ``data/sop_classes.csv``, one row per active Storage SOP class:

- ``modality``: the Modality (0008,0060) value instances carry, a CID 33 value or one of
  EXTRA_MODALITIES; ``varies`` where the standard leaves it to the creator (Secondary
  Capture, Encapsulated PDF/CDA, Parametric Map, Raw Data); None where the IOD has no Modality
  attribute (non-patient objects such as Hanging Protocol), for DICOS/DICONDE classes defined
  outside PS3.3, and where the overlay has not verified the value (its note column says so).
- ``modality_rule``: "fixed" where PS3.3 requires the value (an Enumerated Value of the series
  module, or an IOD content constraint), "convention" where the IOD leaves Modality open and
  the value is what equipment writes (CT, MR, US, CR, NM, PT, XA, RF ...); None where not
  verified or not applicable. ``other_modalities`` are further values the IOD allows (IVUS).
- ``pixel_data`` and ``frames``: "yes", "no" or "conditional": whether instances carry pixel
  data, and whether the IOD includes the Multi-frame or a Multi-frame Functional Groups
  Module; "conditional" where that module is C (RT Dose's grid, a single-frame or cine XA).
  Float (7FE0,0008) and Double Float (7FE0,0009) Pixel Data count as pixel data (Parametric
  Map). ``has_pixel_data`` and ``multi_frame`` read them as "can carry" booleans.
- ``common``: a class a PACS analyst meets at work (the everyday image, PR/SR/KO and network
  classes); generated questions favour these.
- ``service_class``: the PS3.4 service class. Storage classes are "Storage" (Annex B) or
  "Non-Patient Object Storage" (Annex GG); other SOP classes get theirs from their name.

Retired Storage classes have no overlay row: their curated fields are None.
tests/content/test_overlay_iods.py checks the overlay against dicom3tools' IOD definitions.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

OVERLAY_PATH = Path(__file__).resolve().parent / "data" / "sop_classes.csv"

VARIES = "varies"

CATEGORIES: tuple[str, ...] = (
    "image",
    "multi-frame image",
    "presentation state",
    "structured report",
    "key object selection",
    "encapsulated document",
    "waveform",
    "radiotherapy",
    "segmentation",
    "spatial/measurement",
    "spectroscopy",
    "raw data",
    "protocol",
    "other",
)
PRESENCE = ("yes", "no", "conditional")
MODALITY_RULES = ("fixed", "convention")

# Classes other than active Storage ones that a PACS analyst meets: Verification, the
# Patient and Study Root Query/Retrieve models, Modality Worklist, MPPS, Storage Commitment,
# the DICOMDIR, and retired image classes still found in old archives (US .6 and .3, NM .5).
COMMON_OTHERS = frozenset(
    {
        "1.2.840.10008.1.1",
        "1.2.840.10008.1.3.10",
        "1.2.840.10008.1.20.1",
        "1.2.840.10008.3.1.2.3.3",
        "1.2.840.10008.5.1.4.31",
        *(f"1.2.840.10008.5.1.4.1.2.{root}.{service}" for root in (1, 2) for service in (1, 2, 3)),
        "1.2.840.10008.5.1.4.1.1.3",
        "1.2.840.10008.5.1.4.1.1.5",
        "1.2.840.10008.5.1.4.1.1.6",
    }
)

# Modality Defined Terms of PS3.3 C.7.3.1.1.1 that pydicom's CID 33 lacks.
EXTRA_MODALITIES = frozenset({"ANN", "RTINTENT", "RTRAD", "RTSEGANN", "XAPROTOCOL"})

UNKNOWN_SERVICE = "Unknown"

# First match wins; applied to names of SOP classes that are not Storage classes.
_SERVICE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), service)
    for pattern, service in (
        (r"^Verification", "Verification"),
        (r"^Media Storage Directory", "Media Storage"),
        (r"^Storage Commitment", "Storage Commitment"),
        (r"Study Content Notification", "Study Content Notification"),
        (r"Logging", "Application Event Logging"),
        (r"^Detached (Patient|Visit)", "Patient Management"),
        (r"^(Detached Study|Study Component)", "Study Management"),
        (r"^Detached (Results|Interpretation)", "Results Management"),
        (r"^Modality Performed Procedure Step", "Modality Performed Procedure Step"),
        (r"^Modality Worklist", "Basic Worklist Management"),
        (r"^General Purpose", "General Purpose Worklist"),
        (r"^Unified Procedure Step", "Unified Procedure Step"),
        (r"^Instance Availability Notification", "Instance Availability Notification"),
        (r"Machine Verification", "RT Machine Verification"),
        (r"Relevant Patient Information Query", "Relevant Patient Information Query"),
        (r"^Composite Instance Root Retrieve", "Composite Instance Root Retrieve"),
        (
            r"^Composite Instance Retrieve Without Bulk Data",
            "Composite Instance Retrieve Without Bulk Data",
        ),
        (r"^Hanging Protocol", "Hanging Protocol Query/Retrieve"),
        (r"^Color Palette", "Color Palette Query/Retrieve"),
        (r"Implant", "Implant Template Query/Retrieve"),
        (r"^Defined Procedure Protocol", "Defined Procedure Protocol Query/Retrieve"),
        (r"^Protocol Approval", "Protocol Approval Query/Retrieve"),
        (r"^Inventory Creation", "Inventory Creation"),
        (r"^Inventory", "Inventory Query/Retrieve"),
        (r"^Repository Query", "Repository Query"),
        (r"^Product Characteristics Query", "Product Characteristics Query"),
        (r"^Substance Approval Query", "Substance Approval Query"),
        (r"Query/Retrieve Information Model", "Query/Retrieve"),
        (r"Real-Time Communication", "Real-Time Communication"),
        (r"^Media Creation Management", "Media Creation Management"),
        (r"^Display System", "Display System Management"),
        (r"Film|Box|Print|Presentation LUT", "Print Management"),
    )
)


def is_storage_name(name: str) -> bool:
    """A Storage SOP class by name: "Storage", but not Storage Commitment or the DICOMDIR."""
    return (
        "Storage" in name
        and "Storage Commitment" not in name
        and "Media Storage Directory" not in name
    )


def service_class_for(name: str) -> str:
    """The PS3.4 service class of a non-Storage SOP class, derived from its name."""
    for pattern, service in _SERVICE_RULES:
        if pattern.search(name):
            return service
    return UNKNOWN_SERVICE


def uid_key(uid: str) -> tuple[int, ...]:
    """Sort key ordering UIDs component by component, as PS3.6 lists them."""
    return tuple(int(part) for part in uid.split("."))


def _can(presence: str | None) -> bool | None:
    return None if presence is None else presence != "no"


@dataclass(frozen=True)
class SopClass:
    uid: str
    name: str
    keyword: str
    retired: bool
    modality: str | None
    modality_rule: str | None
    other_modalities: tuple[str, ...]
    category: str | None
    pixel_data: str | None
    frames: str | None
    common: bool
    service_class: str

    @property
    def is_storage(self) -> bool:
        """A Storage SOP class (active or retired), by the name rule of is_storage_name."""
        return is_storage_name(self.name)

    @property
    def has_pixel_data(self) -> bool | None:
        """Instances can carry pixel data (yes or conditional); None where not curated."""
        return _can(self.pixel_data)

    @property
    def multi_frame(self) -> bool | None:
        """One instance can hold several frames (yes or conditional); None if not curated."""
        return _can(self.frames)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields, with the can-carry booleans and is_storage."""
        data: dict[str, object] = asdict(self)
        data["other_modalities"] = list(self.other_modalities)
        return {
            **data,
            "has_pixel_data": self.has_pixel_data,
            "multi_frame": self.multi_frame,
            "is_storage": self.is_storage,
        }


@dataclass(frozen=True)
class OverlayRow:
    name: str
    modality: str | None
    modality_rule: str | None
    other_modalities: tuple[str, ...]
    category: str
    pixel_data: str | None
    frames: str | None
    common: bool
    service_class: str


def _choice(record: dict[str, str], column: str, allowed: tuple[str, ...]) -> str | None:
    value = record[column]
    if value and value not in allowed:
        raise ValueError(f"{column}: expected {', '.join(allowed)} or empty, got {value!r}")
    return value or None


def read_overlay(path: Path = OVERLAY_PATH) -> dict[str, OverlayRow]:
    """The curated rows by UID; '#' lines are comments. A bad value names file:line."""
    rows: dict[str, OverlayRow] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        # Blank out comments rather than drop them, so line_num stays the file's line.
        reader = csv.reader("\n" if line.startswith("#") else line for line in handle)
        header = next(values for values in reader if values)
        for values in reader:
            if not values:
                continue
            if len(values) != len(header):
                raise ValueError(
                    f"{path}:{reader.line_num}: expected {len(header)} columns, got {len(values)}"
                )
            record = dict(zip(header, values))
            try:
                rows[record["uid"]] = OverlayRow(
                    name=record["name"],
                    modality=record["modality"] or None,
                    modality_rule=_choice(record, "modality_rule", MODALITY_RULES),
                    other_modalities=tuple(record["also"].split()),
                    category=record["category"],
                    pixel_data=_choice(record, "has_pixel_data", PRESENCE),
                    frames=_choice(record, "multi_frame", PRESENCE),
                    common=_choice(record, "common", ("yes", "no")) == "yes",
                    service_class=record["service_class"],
                )
            except ValueError as exc:
                raise ValueError(f"{path}:{reader.line_num}: {exc}") from None
    return rows


class Registry:
    """SOP classes in UID order, with lookups and the filters the CLI and the UI offer."""

    def __init__(self, classes: Iterable[SopClass]) -> None:
        self._classes = tuple(sorted(classes, key=lambda sop: uid_key(sop.uid)))
        self._by_uid = {sop.uid: sop for sop in self._classes}
        self._by_keyword = {sop.keyword: sop for sop in self._classes if sop.keyword}

    def __iter__(self) -> Iterator[SopClass]:
        return iter(self._classes)

    def __len__(self) -> int:
        return len(self._classes)

    def by_uid(self, uid: str) -> SopClass | None:
        return self._by_uid.get(uid.strip())

    def by_keyword(self, keyword: str) -> SopClass | None:
        """The class pydicom names by this keyword, e.g. CTImageStorage (the lab reads them)."""
        return self._by_keyword.get(keyword.strip())

    def search(self, query: str) -> list[SopClass]:
        """Case-insensitive substring match on name, keyword or UID (retired included)."""
        needle = query.strip().casefold()
        return [
            sop
            for sop in self._classes
            if needle in sop.name.casefold()
            or needle in sop.keyword.casefold()
            or needle in sop.uid
        ]

    def filter(
        self,
        query: str = "",
        *,
        modality: str | None = None,
        category: str | None = None,
        storage: bool = False,
        include_retired: bool = False,
        common: bool = False,
    ) -> list[SopClass]:
        """search(query) narrowed down; modality is case-insensitive, category must be known;
        `common` keeps the classes a PACS analyst meets at work."""
        if category is not None and category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}; valid: {', '.join(CATEGORIES)}")
        wanted_modality = modality.casefold() if modality is not None else None
        return [
            sop
            for sop in self.search(query)
            if (include_retired or not sop.retired)
            and (not storage or sop.is_storage)
            and (not common or sop.common)
            and (category is None or sop.category == category)
            and (
                wanted_modality is None
                or (sop.modality is not None and sop.modality.casefold() == wanted_modality)
            )
        ]

    def modalities(self) -> list[str]:
        """Modality values in use, sorted ("varies" is not a value and is left out)."""
        return sorted({sop.modality for sop in self._classes if sop.modality} - {VARIES})

    def categories(self) -> list[str]:
        """Categories in use, in CATEGORIES order."""
        used = {sop.category for sop in self._classes}
        return [category for category in CATEGORIES if category in used]


def _sop_class(uid: str, entry: tuple[str, str, str, str, str], row: OverlayRow | None) -> SopClass:
    name, _type, _info, retired, keyword = entry
    if row is not None:
        service = row.service_class
    elif is_storage_name(name):
        service = "Storage"
    else:
        service = service_class_for(name)
    return SopClass(
        uid=uid,
        name=name,
        keyword=keyword,
        retired=bool(retired),
        modality=row.modality if row else None,
        modality_rule=row.modality_rule if row else None,
        other_modalities=row.other_modalities if row else (),
        category=row.category if row else None,
        pixel_data=row.pixel_data if row else None,
        frames=row.frames if row else None,
        common=row.common if row else uid in COMMON_OTHERS,
        service_class=service,
    )


def uid_dictionary() -> dict[str, tuple[str, str, str, str, str]]:
    """pydicom's UID dictionary, read without importing all of pydicom when it is not loaded.

    `import pydicom` costs about 100 ms (pixel handlers, numpy); `pacs-trainer registry` needs
    only this one data module, so it loads pydicom's own file directly, byte-code cache and all.
    """
    if "pydicom" in sys.modules:
        from pydicom._uid_dict import UID_dictionary

        return UID_dictionary
    spec = importlib.util.find_spec("pydicom")
    if spec is None or spec.origin is None:
        raise ImportError("pydicom is not installed")
    path = Path(spec.origin).with_name("_uid_dict.py")
    module_spec = importlib.util.spec_from_file_location("_pydicom_uid_dict", path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    found: dict[str, tuple[str, str, str, str, str]] = module.UID_dictionary
    return found


@functools.cache
def load_registry() -> Registry:
    """The registry, built once per process (the CLI and the UI both read it)."""
    overlay = read_overlay()
    return Registry(
        _sop_class(uid, entry, overlay.get(uid))
        for uid, entry in uid_dictionary().items()
        if entry[1] == "SOP Class"
    )
