"""A folder of DICOM files -> the same study-list model as the synthetic studies.

Only headers are read (pydicom stops before the pixel data, and reads just the attributes a
study list needs), so a large folder imports quickly. Whether an instance has pixel data is
decided from the file itself, not from its SOP class: that is what a PACS sees when it counts
(compressed and deflated pixel data count too). The folder is read as a PACS would take it:
a data set without a Part 10 file header is read when it parses, and said so; a file that is
not DICOM, is damaged, lacks the SOP Class UID a PACS needs, or is not an instance of a study
(a DICOMDIR) is skipped and listed with the reason; a FIFO, socket or device is skipped
without being opened (reading one could block forever). Two files with one SOP Instance UID
are both listed, the later one remarked as a duplicate of the first. Nothing stops the
import. Every text value has its control and invisible characters escaped and is cut to a
sane length on the way in.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from pydicom.datadict import tag_for_keyword
from pydicom.dataelem import RawDataElement

from trainer.core import wording
from trainer.core.sanitize import escape_controls
from trainer.core.studies import Patient, Series, Study

HEAD_BYTES = 16 * 1024  # the header of most files fits in this much
MAX_TEXT = 128  # longest text kept from a file; a DICOM LO holds 64 characters
MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"  # the DICOMDIR's SOP class
PIXEL_TAGS = frozenset({0x7FE00010, 0x7FE00008, 0x7FE00009})  # Pixel Data, Float, Double Float
MEDIA_STORAGE_SOP_CLASS = 0x00020002
PIXEL_VRS = frozenset({b"OB", b"OW", b"OF", b"OD", b"OL", b"OV", b"UN"})
DEFLATED = "1.2.840.10008.1.2.1.99"  # Deflated Explicit VR Little Endian (PS3.5 A.5)

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
    "Modality",
    "SeriesNumber",
    "SeriesDescription",
    "BodyPartExamined",
    "InstanceNumber",
    "NumberOfFrames",
)

# Why a file is skipped ...
NOT_DICOM, DAMAGED, NOT_AN_INSTANCE, NOT_A_FILE = (
    "not DICOM",
    "damaged",
    "not an instance",
    "not a file",
)
SKIP_KINDS = (NOT_DICOM, DAMAGED, NOT_AN_INSTANCE, NOT_A_FILE)
# ... and what is worth saying about a file that was read.
HEADERLESS, DUPLICATE = "no Part 10 header", "duplicate"
PART10 = "not a DICOM Part 10 file (no DICM prefix after the 128-byte preamble, PS3.10 7.1)"


@dataclass(frozen=True)
class Skipped:
    """A file left out of the study list (kind one of SKIP_KINDS), or one in it that has a
    remark (kind HEADERLESS or DUPLICATE)."""

    path: Path
    kind: str
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


SeriesKey = tuple[str, str, str, bool]  # study UID, series UID, SOP class, pixel data


def series_key(study: Study, series: Series) -> SeriesKey:
    """A series as read: one study's series of one SOP class, with or without pixel data."""
    return (
        study.study_instance_uid,
        series.series_instance_uid,
        series.sop_class_uid,
        series.has_pixel_data,
    )


@dataclass(frozen=True)
class ImportResult:
    root: Path
    studies: tuple[Study, ...]
    instances: dict[SeriesKey, tuple[ImportedInstance, ...]]  # each series' files, in order
    skipped: tuple[Skipped, ...]
    remarks: tuple[Skipped, ...] = ()  # files read, with something to say about them
    complete: bool = True  # False when the reading was stopped (the app is closing)

    def files(self, study: Study, series: Series) -> tuple[ImportedInstance, ...]:
        return self.instances.get(series_key(study, series), ())

    @property
    def imported(self) -> int:
        return sum(len(found) for found in self.instances.values())

    @property
    def files_read(self) -> int:
        return self.imported + len(self.skipped)

    def summary(self) -> str:
        """One line: what was found, what was skipped, and what was remarked, by kind."""
        patients = len({study.patient.patient_id for study in self.studies})
        line = (
            f"{wording.count(self.files_read, 'file')} read: "
            f"{wording.count(self.imported, 'instance')} in "
            f"{wording.count(len(self.studies), 'study', 'studies')} of "
            f"{wording.count(patients, 'patient')}"
        )
        if not self.files_read:
            line += " (there are no files in that folder or below it)"
        skipped = Counter(skip.kind for skip in self.skipped)
        if skipped:
            line += "; skipped " + ", ".join(
                f"{skipped[kind]} {kind}" for kind in SKIP_KINDS if skipped[kind]
            )
        remarked = Counter(remark.kind for remark in self.remarks)
        if remarked[HEADERLESS]:
            line += f"; {remarked[HEADERLESS]} read without a Part 10 header"
        if remarked[DUPLICATE]:
            line += f"; {remarked[DUPLICATE]} repeat a SOP Instance UID (a PACS keeps one)"
        return line

    def study_dict(self, study: Study) -> dict[str, object]:
        """Study.to_dict with each series' instances as read from disk, paths included."""
        data = study.to_dict()
        entries = cast(list[dict[str, object]], data["series"])
        for series, entry in zip(study.series, entries, strict=True):
            entry["instances"] = [found.to_dict() for found in self.files(study, series)]
        return data


@dataclass(frozen=True)
class FileHeader:
    """What one file contributes to the study list."""

    path: Path
    values: dict[str, Any]
    has_pixel_data: bool
    part10: bool = True  # False for a bare data set, without the file meta header


def import_folder(root: Path, cancelled: Callable[[], bool] = lambda: False) -> ImportResult:
    """Read every file under `root` (recursively, in name order) and group it into studies.

    `cancelled` is asked before each file; when it says so, reading stops there.
    """
    headers: list[FileHeader] = []
    skipped: list[Skipped] = []
    complete = True
    for path in _files(root):
        if cancelled():
            complete = False
            break
        header = read_header(path)
        if isinstance(header, Skipped):
            skipped.append(header)
        else:
            headers.append(header)
    return group_headers(headers, root, skipped, complete)


def group_headers(
    headers: Iterable[FileHeader],
    root: Path,
    skipped: Iterable[Skipped] = (),
    complete: bool = True,
) -> ImportResult:
    """Headers already read (a folder's, or those a PACS keeps in its index) as a study list."""
    headers = list(headers)
    studies, instances, duplicates = _group(headers, root)
    headerless = [
        Skipped(h.path, HEADERLESS, f"{PART10}: read as a bare data set, as a PACS may")
        for h in headers
        if not h.part10
    ]
    remarks = tuple(headerless + duplicates)
    return ImportResult(root, studies, instances, tuple(skipped), remarks, complete)


def _files(root: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            yield Path(folder, name)


# What a path is when it is not a regular file (st_mode tests of the stat module).
_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_a_file(path: Path) -> Skipped | None:
    """Why `path` is not read at all: it is no regular file, so opening it could block."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return Skipped(path, DAMAGED, f"cannot be read: {_clean(exc.strerror or exc)}")
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _SPECIAL if test(mode)), "not a regular file")
    return Skipped(path, NOT_A_FILE, f"{what}; not opened, as reading it could wait forever")


def read_header(path: Path) -> FileHeader | Skipped:
    """The study-list attributes of one file, or why it cannot be used.

    The first HEAD_BYTES are read at once and parsed in memory, which is faster than pydicom's
    many small reads from the file; a header longer than that is parsed from the file.
    """
    from pydicom.errors import InvalidDicomError

    special = _not_a_file(path)
    if special is not None:
        return special
    part10 = True
    try:
        with open(path, "rb") as handle, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            size = os.fstat(handle.fileno()).st_size
            try:
                parsed = _read(handle, size, caught, force=False)
            except InvalidDicomError:
                part10 = False
                caught.clear()
                handle.seek(0)
                parsed = _read(handle, size, caught, force=True)
            dataset, stopped_at, pixel = parsed
            values = _values(dataset)
            if not part10 and not _is_data_set(values):
                return Skipped(path, NOT_DICOM, f"{PART10}, and no DICOM data set either")
            if _deflated(dataset):  # the pixel data is inside the compressed stream
                pixel = _deflated_pixels(path)
    except (OSError, EOFError) as exc:
        return Skipped(path, DAMAGED, f"cannot be read: {_clean(str(exc))}")
    except Exception as exc:  # noqa: BLE001 - a damaged file breaks pydicom in many ways
        if not part10:
            return Skipped(path, NOT_DICOM, f"{PART10}, and no DICOM data set either")
        return Skipped(path, DAMAGED, f"cannot be parsed: {type(exc).__name__}: {_clean(str(exc))}")
    return _checked(path, dataset, values, (stopped_at, pixel, size), caught, part10)


def _read(handle: Any, size: int, caught: list[Any], *, force: bool) -> tuple[Any, int, int | None]:
    """Parse the head in memory; from the file itself when the header runs past it."""
    head = handle.read(HEAD_BYTES)
    try:
        parsed: tuple[Any, int, int | None] | None = _parse(io.BytesIO(head), force)
    except Exception:
        if size <= len(head):
            raise
        parsed = None
    if parsed is None or (size > len(head) and parsed[1] + 12 > len(head)):
        caught.clear()
        handle.seek(0)
        parsed = _parse(handle, force)
    return parsed


def _checked(
    path: Path,
    dataset: Any,
    values: dict[str, Any] | None,
    ends: tuple[int, int | None, int],
    caught: list[Any],
    part10: bool,
) -> FileHeader | Skipped:
    """The header, unless the file is truncated or is no instance of a study."""
    stopped_at, pixel, size = ends
    ends_early = any("end of file" in str(w.message).lower() for w in caught)
    meta = getattr(dataset, "file_meta", None)
    elements = list(meta.values()) if meta is not None else []
    if ends_early or stopped_at > size or any(map(_short, elements)) or values is None:
        return Skipped(path, DAMAGED, "truncated: the file ends inside a data element")
    if pixel is not None and pixel > size:
        return Skipped(path, DAMAGED, f"truncated: the pixel data needs {pixel - size} more bytes")
    media = meta.get_item(MEDIA_STORAGE_SOP_CLASS, keep_deferred=True) if meta else None
    if _text(media) == MEDIA_STORAGE_DIRECTORY:
        return Skipped(path, NOT_AN_INSTANCE, "a DICOMDIR: an index of files, not a study object")
    if not values["SOPClassUID"]:
        return Skipped(
            path,
            NOT_AN_INSTANCE,
            "lacks SOP Class UID (0008,0016), so a PACS cannot tell what it is and refuses it "
            "(the file meta's Media Storage SOP Class UID does not stand in for it)",
        )
    missing = [
        k for k in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID") if not values[k]
    ]
    if missing:
        what = ", ".join(missing)
        return Skipped(path, NOT_AN_INSTANCE, f"lacks {what}, so it belongs to no study")
    return FileHeader(path, values, pixel is not None, part10)


def _is_data_set(values: dict[str, Any] | None) -> bool:
    """Whether a file read without a Part 10 header parsed into a DICOM data set: one that
    names its instance with a well-formed UID (random bytes never do)."""
    from pydicom.uid import UID

    return values is not None and bool(values["SOPInstanceUID"]) and (
        UID(values["SOPInstanceUID"]).is_valid
    )


def _deflated(dataset: Any) -> bool:
    meta = getattr(dataset, "file_meta", None)
    return meta is not None and str(meta.get("TransferSyntaxUID", "")) == DEFLATED


def _deflated_pixels(path: Path) -> int | None:
    """Whether a deflated file has pixel data: it can only be seen once the data set is
    inflated (0 stands for "yes, and not truncated": pydicom read it whole)."""
    from pydicom import dcmread

    dataset = dcmread(path, specific_tags=sorted(PIXEL_TAGS))
    return 0 if any(tag in dataset for tag in PIXEL_TAGS) else None


def _parse(handle: Any, force: bool = False) -> tuple[Any, int, int | None]:
    """The wanted attributes, where reading stopped, and where the pixel data ends (if any)."""
    from pydicom import dcmread

    dataset = dcmread(handle, stop_before_pixels=True, specific_tags=_SPECIFIC_TAGS, force=force)
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


_SPECIFIC_TAGS = [int(tag_for_keyword(keyword) or 0) for keyword in WANTED]


def _pixel_end(handle: Any, dataset: Any) -> int | None:
    """Where the pixel data ends, if the file has pixel data at the top level; else None.

    pydicom stopped just before the element: read its header and no more. For encapsulated
    (undefined length) pixel data, the end of the header stands in for the end.
    """
    start = handle.tell()
    head = handle.read(12)
    if len(head) < 8:
        return None
    order: Literal["big", "little"] = (
        "big" if dataset.original_encoding[1] is False else "little"
    )
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
    """Text safe to show: control and invisible characters escaped, at most MAX_TEXT
    characters."""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable() or len(text) > MAX_TEXT:
        text = escape_controls(text.strip(), MAX_TEXT)
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
    for tag, element in dataset.items():
        keyword = _KEYWORDS.get(tag)
        if keyword is None:
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


_KEYWORDS = dict(zip(_SPECIFIC_TAGS, WANTED, strict=True))
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


def _group(
    headers: Iterable[FileHeader], root: Path
) -> tuple[tuple[Study, ...], dict[SeriesKey, tuple[ImportedInstance, ...]], list[Skipped]]:
    """Patients, studies and series from file headers. Every file is listed; one that repeats
    an earlier file's SOP Instance UID is remarked as its duplicate, never merged into it."""
    seen: dict[str, Path] = {}
    duplicates: list[Skipped] = []
    by_study: dict[str, list[FileHeader]] = {}
    for header in headers:
        uid = header.values["SOPInstanceUID"]
        if uid in seen:
            first, again = (_relative(path, root) for path in (seen[uid], header.path))
            reason = (
                f"same SOP Instance UID as {first}: both are listed ({first} and {again}); "
                "a PACS keeps one of them"
            )
            duplicates.append(Skipped(header.path, DUPLICATE, reason))
        else:
            seen[uid] = header.path
        by_study.setdefault(header.values["StudyInstanceUID"], []).append(header)
    studies = []
    instances: dict[SeriesKey, tuple[ImportedInstance, ...]] = {}
    for study_headers in by_study.values():
        study, found = _study(study_headers)
        studies.append(study)
        instances.update(found)
    studies.sort(key=lambda s: (s.date, s.time, s.study_instance_uid), reverse=True)
    return tuple(studies), instances, duplicates


def _relative(path: Path, root: Path) -> str:
    return escape_controls(str(path.relative_to(root)))


def _study(
    headers: list[FileHeader],
) -> tuple[Study, dict[SeriesKey, tuple[ImportedInstance, ...]]]:
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
        procedure="",
        patient=Patient(
            name=first["PatientName"],
            patient_id=first["PatientID"],
            birth_date=first["PatientBirthDate"],
            sex=first["PatientSex"],
        ),
        series=tuple(ordered),
    )
    return study, {series_key(study, series): files for series, files in found.items()}


def _instance(header: FileHeader) -> ImportedInstance:
    values = header.values
    frames = max(values["NumberOfFrames"] or 1, 1) if header.has_pixel_data else 0
    return ImportedInstance(
        path=header.path,
        sop_instance_uid=values["SOPInstanceUID"],
        instance_number=values["InstanceNumber"] or 0,
        number_of_frames=frames,
    )
