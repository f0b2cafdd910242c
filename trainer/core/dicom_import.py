"""A folder of DICOM files -> the same study-list model as the synthetic studies.

Only headers are read (pydicom stops before the pixel data, and reads just the attributes a
study list needs), so a large folder imports quickly. Whether an instance has pixel data is
decided from the file itself, not from its SOP class: that is what a PACS sees when it counts.
A file that is not DICOM, is damaged, repeats an instance already read, or is not an instance
of a study (a DICOMDIR) is skipped and listed with the reason; it never stops the import.
Every text value is stripped of control characters and cut to a sane length on the way in.
"""

from __future__ import annotations

import io
import os
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydicom.datadict import tag_for_keyword
from pydicom.dataelem import RawDataElement

from trainer.core.sanitize import strip_controls
from trainer.core.studies import Patient, Series, Study

HEAD_BYTES = 16 * 1024  # the header of most files fits in this much
MAX_TEXT = 128  # longest text kept from a file; a DICOM LO holds 64 characters
MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"  # the DICOMDIR's SOP class
PIXEL_TAGS = frozenset({0x7FE00010, 0x7FE00008, 0x7FE00009})  # Pixel Data, Float, Double Float
MEDIA_STORAGE_SOP_CLASS = 0x00020002
PIXEL_VRS = frozenset({b"OB", b"OW", b"OF", b"OD", b"OL", b"OV", b"UN"})

# The attributes a study list needs; pydicom skips over every other value.
WANTED = (
    "SOPClassUID",
    "SOPInstanceUID",
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "PatientSex",
    "StudyID",
    "AccessionNumber",
    "StudyDescription",
    "StudyDate",
    "StudyTime",
    "ProcedureCodeSequence",
    "Modality",
    "SeriesNumber",
    "SeriesDescription",
    "BodyPartExamined",
    "InstanceNumber",
    "NumberOfFrames",
)

NOT_DICOM, DAMAGED, DUPLICATE, NOT_AN_INSTANCE = (
    "not DICOM",
    "damaged",
    "duplicate",
    "not an instance",
)
SKIP_KINDS = (NOT_DICOM, DAMAGED, DUPLICATE, NOT_AN_INSTANCE)


@dataclass(frozen=True)
class Skipped:
    path: Path
    kind: str  # one of SKIP_KINDS
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": str(self.path), "kind": self.kind, "reason": self.reason}


@dataclass(frozen=True)
class ImportedInstance:
    """An instance as found on disk: the file it came from and its own UID."""

    path: Path
    sop_instance_uid: str
    instance_number: int
    number_of_frames: int  # 0 without pixel data

    def to_dict(self) -> dict[str, str | int]:
        return {
            "path": str(self.path),
            "sop_instance_uid": self.sop_instance_uid,
            "instance_number": self.instance_number,
            "number_of_frames": self.number_of_frames,
        }


@dataclass(frozen=True)
class ImportResult:
    root: Path
    studies: tuple[Study, ...]
    instances: dict[Series, tuple[ImportedInstance, ...]]  # each series' files, in order
    skipped: tuple[Skipped, ...]

    @property
    def files_read(self) -> int:
        return sum(len(found) for found in self.instances.values()) + len(self.skipped)

    def summary(self) -> str:
        """One line: what was found and what was skipped, by kind."""
        imported = sum(len(found) for found in self.instances.values())
        patients = len({study.patient.patient_id for study in self.studies})
        line = (
            f"{self.files_read} files read: {imported} instances in {len(self.studies)} "
            f"studies of {patients} patients"
        )
        if self.skipped:
            kinds = Counter(skip.kind for skip in self.skipped)
            line += "; skipped " + ", ".join(
                f"{kinds[kind]} {kind}" for kind in SKIP_KINDS if kinds[kind]
            )
        return line

    def study_dict(self, study: Study) -> dict[str, object]:
        """Study.to_dict with each series' instances as read from disk, paths included."""
        data = study.to_dict()
        for series, entry in zip(study.series, data["series"], strict=True):
            entry["instances"] = [found.to_dict() for found in self.instances[series]]
        return data


@dataclass(frozen=True)
class FileHeader:
    """What one file contributes to the study list."""

    path: Path
    values: dict[str, Any]
    has_pixel_data: bool


def import_folder(root: Path) -> ImportResult:
    """Read every file under `root` (recursively, in name order) and group it into studies."""
    headers: list[FileHeader] = []
    skipped: list[Skipped] = []
    for path in _files(root):
        header = read_header(path)
        if isinstance(header, Skipped):
            skipped.append(header)
        else:
            headers.append(header)
    return group_headers(headers, root, skipped)


def group_headers(
    headers: Iterable[FileHeader], root: Path, skipped: Iterable[Skipped] = ()
) -> ImportResult:
    """Headers already read (a folder's, or those a PACS keeps in its index) as a study list."""
    studies, instances, duplicates = _group(headers, root)
    return ImportResult(root, studies, instances, tuple(skipped) + tuple(duplicates))


def _files(root: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            yield Path(folder, name)


def read_header(path: Path) -> FileHeader | Skipped:
    """The study-list attributes of one file, or why it cannot be used.

    The first HEAD_BYTES are read at once and parsed in memory, which is faster than pydicom's
    many small reads from the file; a header longer than that is parsed from the file.
    """
    from pydicom.errors import InvalidDicomError

    try:
        with open(path, "rb") as handle, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            head = handle.read(HEAD_BYTES)
            size = os.fstat(handle.fileno()).st_size
            try:
                parsed = _parse(io.BytesIO(head))
            except Exception:
                if size <= len(head):
                    raise
                parsed = None
            if parsed is None or (size > len(head) and parsed[1] + 12 > len(head)):
                # The header goes on past the first read: parse it from the file itself.
                caught.clear()
                handle.seek(0)
                parsed = _parse(handle)
            dataset, stopped_at, pixel = parsed
            values = _values(dataset)
    except InvalidDicomError:
        return Skipped(path, NOT_DICOM, "no DICM prefix after the 128-byte preamble (PS3.10)")
    except (OSError, EOFError) as exc:
        return Skipped(path, DAMAGED, f"cannot be read: {_clean(str(exc))}")
    except Exception as exc:  # noqa: BLE001 - a damaged file breaks pydicom in many ways
        return Skipped(path, DAMAGED, f"cannot be parsed: {type(exc).__name__}: {_clean(str(exc))}")
    ends_early = any("end of file" in str(w.message).lower() for w in caught)
    if (
        ends_early
        or stopped_at > size
        or any(map(_short, dataset.file_meta.values()))
        or values is None
    ):
        return Skipped(path, DAMAGED, "truncated: the file ends inside a data element")
    if pixel is not None and pixel > size:
        return Skipped(path, DAMAGED, f"truncated: the pixel data needs {pixel - size} more bytes")
    media_class = _text(dataset.file_meta.get_item(MEDIA_STORAGE_SOP_CLASS, keep_deferred=True))
    if media_class == MEDIA_STORAGE_DIRECTORY:
        return Skipped(path, NOT_AN_INSTANCE, "a DICOMDIR: an index of files, not a study object")
    values["SOPClassUID"] = values["SOPClassUID"] or media_class
    missing = [
        k for k in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID") if not values[k]
    ]
    if missing or not values["SOPClassUID"]:
        what = ", ".join(missing) or "SOPClassUID"
        return Skipped(path, NOT_AN_INSTANCE, f"lacks {what}, so it belongs to no study")
    return FileHeader(path, values, pixel is not None)


def _parse(handle: Any) -> tuple[Any, int, int | None]:
    """The wanted attributes, where reading stopped, and where the pixel data ends (if any)."""
    from pydicom import dcmread

    dataset = dcmread(handle, stop_before_pixels=True, specific_tags=_SPECIFIC_TAGS)
    stopped_at = handle.tell()
    return dataset, stopped_at, _pixel_end(handle, dataset)


def _short(element: Any) -> bool:
    """A value that got fewer bytes than its length says: the file ended inside it."""
    return (
        isinstance(element, RawDataElement)
        and isinstance(element.value, bytes)
        and element.length != 0xFFFFFFFF
        and len(element.value) < element.length
    )


_SPECIFIC_TAGS = [tag_for_keyword(keyword) for keyword in WANTED]


def _pixel_end(handle: Any, dataset: Any) -> int | None:
    """Where the pixel data ends, if the file has pixel data at the top level; else None.

    pydicom stopped just before the element: read its header and no more. For encapsulated
    (undefined length) pixel data, the end of the header stands in for the end.
    """
    start = handle.tell()
    head = handle.read(12)
    if len(head) < 8:
        return None
    order = "big" if dataset.original_encoding[1] is False else "little"
    tag = int.from_bytes(head[0:2], order) << 16 | int.from_bytes(head[2:4], order)
    if tag not in PIXEL_TAGS:
        return None
    # Judge the VR by the bytes, not the transfer syntax: some writers switch to implicit VR.
    if head[4:6] in PIXEL_VRS:  # explicit VR: tag, VR, 2 reserved bytes, 4-byte length
        length, header = int.from_bytes(head[8:12], order), 12
    else:  # implicit VR: tag, 4-byte length
        length, header = int.from_bytes(head[4:8], order), 8
    if length == 0xFFFFFFFF:
        return start + header
    return start + header + length


def _clean(value: object) -> str:
    """Text safe to show: no control characters or escapes, at most MAX_TEXT characters."""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable() or len(text) > MAX_TEXT:
        text = strip_controls(text, MAX_TEXT)
    return text.strip()


def _text(element: Any) -> str:
    """An ASCII value (a UID) straight from its raw bytes; "" when absent."""
    if element is None or element.value is None:
        return ""
    value = element.value
    return _clean(
        value.decode("ascii", "replace").strip(" \x00") if isinstance(value, bytes) else value
    )


def _values(dataset: Any) -> dict[str, Any] | None:
    """The wanted attributes as plain, safe text (numbers for the numbered ones); None if the
    file ends inside one of them.

    Values are decoded from their raw bytes here: pydicom's own conversion (validation, hooks,
    value classes) would cost more than reading the file, and a study list needs only text.
    """
    codec = _codec(dataset)
    values: dict[str, Any] = {keyword: "" for keyword in WANTED}
    values.update(dict.fromkeys(_NUMBERS))
    values["ProcedureCodeSequence"] = None
    for tag, element in dataset.items():
        keyword = _KEYWORDS.get(tag)
        if keyword is None:
            continue
        if keyword == "ProcedureCodeSequence":  # decoded for one file per study (_study)
            values[keyword] = element
            continue
        if _short(element):
            return None
        raw = element.value
        if isinstance(raw, bytes) and codec is not None:
            text = _clean(raw.decode(codec, "replace").strip(" \x00"))
        elif raw is None or isinstance(raw, bytes):  # deferred, or text in an ISO 2022 set
            value = dataset.get(keyword)  # pydicom's full conversion
            text = "" if value is None else _clean(value)
        else:
            text = _clean(raw)
        values[keyword] = _number(text) if keyword in _NUMBERS else text
    return values


_KEYWORDS = {tag_for_keyword(keyword): keyword for keyword in WANTED}
_NUMBERS = frozenset({"SeriesNumber", "InstanceNumber", "NumberOfFrames"})


def _codec(dataset: Any) -> str | None:
    """The one Python codec of the file's Specific Character Set; None for ISO 2022 sets."""
    charset = dataset.original_character_set
    if isinstance(charset, str):
        return charset
    return charset[0] if len(charset) == 1 else None


def _number(text: str) -> int | None:
    try:
        return int(text.split("\\")[0]) if text else None
    except ValueError:
        return None


def _procedure(element: Any) -> str:
    """The first procedure code's value: the template key in our own exports."""
    from pydicom.dataset import Dataset

    sequence = None if element is None else Dataset({element.tag: element}).get(element.tag)
    if not sequence or not sequence.value:
        return ""
    sequence = sequence.value
    first = sequence[0]
    return _clean(first.get("CodeValue") or first.get("LongCodeValue") or "")


def _group(
    headers: Iterable[FileHeader], root: Path
) -> tuple[tuple[Study, ...], dict[Series, tuple[ImportedInstance, ...]], list[Skipped]]:
    """Patients, studies and series from file headers; one file per SOP Instance UID."""
    seen: dict[str, Path] = {}
    duplicates: list[Skipped] = []
    by_study: dict[str, list[FileHeader]] = {}
    for header in headers:
        uid = header.values["SOPInstanceUID"]
        if uid in seen:
            reason = f"same SOP Instance UID as {seen[uid].relative_to(root)}"
            duplicates.append(Skipped(header.path, DUPLICATE, reason))
            continue
        seen[uid] = header.path
        by_study.setdefault(header.values["StudyInstanceUID"], []).append(header)
    studies = []
    instances: dict[Series, tuple[ImportedInstance, ...]] = {}
    for study_headers in by_study.values():
        study, found = _study(study_headers)
        studies.append(study)
        instances.update(found)
    studies.sort(key=lambda s: (s.date, s.time, s.study_instance_uid), reverse=True)
    return tuple(studies), instances, duplicates


def _study(headers: list[FileHeader]) -> tuple[Study, dict[Series, tuple[ImportedInstance, ...]]]:
    first = headers[0].values
    # A series holds one SOP class, with or without pixel data: a mixed series splits, so that
    # every count stays honest.
    by_series: dict[tuple[str, str, bool], list[FileHeader]] = {}
    for header in headers:
        key = (
            header.values["SeriesInstanceUID"],
            header.values["SOPClassUID"],
            header.has_pixel_data,
        )
        by_series.setdefault(key, []).append(header)
    found: dict[Series, tuple[ImportedInstance, ...]] = {}
    for (uid, sop_class, pixels), members in by_series.items():
        members.sort(key=lambda h: (h.values["InstanceNumber"] or 0, h.values["SOPInstanceUID"]))
        files = tuple(_instance(member) for member in members)
        head = members[0].values
        series = Series(
            series_instance_uid=uid,
            series_number=head["SeriesNumber"] or 0,
            modality=head["Modality"],
            sop_class_uid=sop_class,
            description=head["SeriesDescription"],
            body_part=head["BodyPartExamined"],
            has_pixel_data=pixels,
            frames=tuple(f.number_of_frames for f in files),
        )
        found[series] = files
    ordered = sorted(found, key=lambda s: (s.series_number, s.series_instance_uid, s.sop_class_uid))
    study = Study(
        study_instance_uid=first["StudyInstanceUID"],
        study_id=first["StudyID"],
        accession_number=first["AccessionNumber"],
        description=first["StudyDescription"],
        date=first["StudyDate"],
        time=first["StudyTime"],
        procedure=_procedure(first["ProcedureCodeSequence"]),
        patient=Patient(
            name=first["PatientName"],
            patient_id=first["PatientID"],
            birth_date=first["PatientBirthDate"],
            sex=first["PatientSex"],
        ),
        series=tuple(ordered),
    )
    return study, found


def _instance(header: FileHeader) -> ImportedInstance:
    values = header.values
    frames = max(values["NumberOfFrames"] or 1, 1) if header.has_pixel_data else 0
    return ImportedInstance(
        path=header.path,
        sop_instance_uid=values["SOPInstanceUID"],
        instance_number=values["InstanceNumber"] or 0,
        number_of_frames=frames,
    )
