"""A DICOM header as rows to read: tag, keyword, VR, value and depth, safe for a terminal.

The header viewer shows these rows and filters them; questions show a few of them as
dcmdump-like text lines (`dump_lines`). Everything read from a file is treated as hostile: values
have control, bidi and invisible characters written out as escapes (escape_controls), are cut to
a length, and bulk data such as Pixel Data is summarised, never dumped. `load_header` reads a
file for display without loading large values, reads a data set that lacks the Part 10 header
(and says so), and reports a damaged file instead of raising.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.core.sanitize import escape_controls

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

    from trainer.core.questions import TextExhibit

MAX_VALUE = 512  # characters of a value the viewer keeps (it folds long ones)
EXCERPT_VALUE = 48  # characters of a value in a dcmdump-like excerpt line
DEFER_SIZE = 64 * 1024  # values larger than this stay on disk when a header is loaded
PIXEL_TAGS = frozenset({0x7FE00010, 0x7FE00008, 0x7FE00009})
ITEM_TAG = "(FFFE,E000)"
# VRs whose values are numbers in binary form; dcmdump prints them without brackets.
BINARY_NUMBERS = frozenset({"US", "SS", "UL", "SL", "FL", "FD", "AT", "UV", "SV"})
BULK = frozenset({"OB", "OW", "OF", "OD", "OL", "OV", "UN"})
WHITESPACE = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


@dataclass(frozen=True)
class HeaderRow:
    tag: str  # "(0008,0016)"; "(FFFE,E000)" for a sequence item
    keyword: str  # "SOPClassUID", "Item 1", or the name of a private/unknown element
    vr: str  # "" for an item
    value: str  # display text: plain, one line, cut to length
    depth: int  # 0 at the top level; items of a top-level sequence are at 1, their elements at 2
    parent: int | None = None  # index of the enclosing sequence or item row

    @property
    def is_sequence(self) -> bool:
        return self.vr == "SQ"


@dataclass(frozen=True)
class LoadedHeader:
    """A header read for display: the dataset (None if unreadable) and what is wrong."""

    path: Path
    dataset: Dataset | None
    problems: tuple[str, ...]


def load_header(path: Path) -> LoadedHeader:
    """Read a file's header for display; never raises for a bad file, says what is wrong."""
    from pydicom import dcmread
    from pydicom.errors import InvalidDicomError

    from trainer.core.dicom_import import PART10

    not_part10 = PART10[0].upper() + PART10[1:]
    notes: list[str] = []
    try:
        size = path.stat().st_size
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            dataset: Dataset | None
            try:
                dataset = dcmread(path, defer_size=DEFER_SIZE)
            except InvalidDicomError:
                dataset = _bare(path)
                if dataset is None:
                    return LoadedHeader(path, None, (f"{not_part10}; no data set either.",))
                notes.append(f"{not_part10}: read as a bare data set.")
    except Exception as exc:  # noqa: BLE001 - a damaged file breaks pydicom in many ways
        return LoadedHeader(path, None, (f"Cannot read this file: {_plain(exc, 200)}",))
    problems = [_plain(w.message, 200) for w in caught if "end of file" in str(w.message).lower()]
    problems += _truncated_values(dataset, size)
    if problems:
        problems.insert(0, "The file is damaged (truncated); showing what could be read.")
    return LoadedHeader(path, dataset, tuple(dict.fromkeys(notes + problems)))


def _bare(path: Path) -> Dataset | None:
    """A file without the Part 10 header, read as a bare data set when it is one (it names its
    instance with a well-formed UID, as random bytes never do)."""
    from pydicom import dcmread
    from pydicom.uid import UID

    try:
        dataset = dcmread(path, defer_size=DEFER_SIZE, force=True)
        uid = str(dataset.get("SOPInstanceUID", "") or "")
    except Exception:  # noqa: BLE001 - not DICOM: pydicom fails in many ways
        return None
    return dataset if uid and UID(uid).is_valid else None


def _truncated_values(dataset: Dataset, size: int) -> list[str]:
    """Top-level values that the file ends in the middle of (read short, or deferred)."""
    from pydicom.dataelem import RawDataElement

    problems: list[str] = []
    for tag in list(dataset.keys()):
        element = dataset.get_item(tag, keep_deferred=True)
        if not isinstance(element, RawDataElement) or element.length == 0xFFFFFFFF:
            continue
        if element.value is None:
            missing = element.value_tell + element.length - size
        else:
            missing = element.length - len(element.value)
        if missing > 0:
            problems.append(f"{_keyword_of(tag)} {_tag(tag)} lacks {missing:,} bytes.")
    return problems


def _plain(value: object, limit: int = MAX_VALUE) -> str:
    """One line of plain text: line breaks and tabs as spaces, any other control or invisible
    character written out as an escape, at most `limit` characters."""
    return escape_controls(str(value).translate(WHITESPACE), limit)


def _tag(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def _keyword_of(tag: int) -> str:
    """The dictionary keyword; for private and unknown tags, what they are."""
    from pydicom.datadict import keyword_for_tag

    return keyword_for_tag(tag) or ("Private" if (tag >> 16) % 2 else "Unknown")


def header_rows(
    dataset: Dataset, *, uid_names: bool = True, limit: int = MAX_VALUE
) -> list[HeaderRow]:
    """Every element, file meta first, sequences followed by their items and elements."""
    rows: list[HeaderRow] = []
    meta = getattr(dataset, "file_meta", None)
    with warnings.catch_warnings():  # pydicom warns about bad values; the rows show them
        warnings.simplefilter("ignore")
        if meta is not None:
            _add(rows, meta, None, 0, dataset, uid_names, limit)
        _add(rows, dataset, None, 0, dataset, uid_names, limit)
    return rows


def _add(
    rows: list[HeaderRow],
    dataset: Dataset,
    parent: int | None,
    depth: int,
    top: Dataset,
    uid_names: bool,
    limit: int,
) -> None:
    for tag in sorted(dataset.keys()):
        raw = dataset.get_item(tag, keep_deferred=True)
        vr = str(getattr(raw, "VR", "") or "")
        keyword = _keyword_of(tag)
        if tag in PIXEL_TAGS:
            if vr in ("", "OB or OW"):  # implicit VR, or not yet written: as a writer decides
                vr = "OW" if int(top.get("BitsAllocated", 8) or 8) > 8 else "OB"
            rows.append(HeaderRow(_tag(tag), keyword, vr, _pixel_summary(raw, top), depth, parent))
            continue
        if getattr(raw, "value", b"") is None:  # deferred: large, left on disk
            size = f"{getattr(raw, 'length', 0):,} bytes, not loaded"
            rows.append(HeaderRow(_tag(tag), keyword, vr, size, depth, parent))
            continue
        try:
            element = dataset[tag]
        except Exception as exc:  # noqa: BLE001 - a bad value must not hide the others
            bad = f"(cannot decode: {_plain(exc, 120)})"
            rows.append(HeaderRow(_tag(tag), keyword, vr, bad, depth, parent))
            continue
        vr = _resolved_vr(element, dataset)
        if keyword in ("Private", "Unknown"):  # pydicom may know a private element's name
            keyword = _plain(element.name, 64)
        if vr == "SQ":
            items = element.value or []
            count = f"{len(items)} item" if len(items) == 1 else f"{len(items)} items"
            rows.append(HeaderRow(_tag(tag), keyword, vr, count, depth, parent))
            sequence = len(rows) - 1
            for number, item in enumerate(items, 1):
                rows.append(HeaderRow(ITEM_TAG, f"Item {number}", "", "", depth + 1, sequence))
                _add(rows, item, len(rows) - 1, depth + 2, top, uid_names, limit)
            continue
        rows.append(
            HeaderRow(_tag(tag), keyword, vr, _value(element, uid_names, limit), depth, parent)
        )


def _resolved_vr(element: Any, dataset: Dataset) -> str:
    """The VR, with "US or SS" and the like settled as a writer would (from Pixel
    Representation ...), or left as it is when the data set cannot tell."""
    vr = str(element.VR)
    if " or " in vr:
        from pydicom.filewriter import correct_ambiguous_vr_element

        try:
            vr = str(correct_ambiguous_vr_element(element, dataset, True).VR)
        except Exception:  # noqa: BLE001 - the attribute it needs is missing or bad
            return vr
    return vr


def _value(element: Any, uid_names: bool, limit: int) -> str:
    value = element.value
    if value is None or value == "" or value == b"":
        return ""
    if element.VR in BULK or isinstance(value, bytes):
        data = bytes(value) if isinstance(value, (bytes, bytearray)) else b""
        shown = " ".join(f"{byte:02X}" for byte in data[:12])
        return f"{shown}{' …' if len(data) > 12 else ''} ({len(data):,} bytes)"
    if element.VR == "UI" and uid_names:
        name = getattr(value, "name", "")
        text = str(value)
        return _plain(f"{text} ({name})" if name and name != text else text, limit)
    if element.VM > 1:
        return _plain("\\".join(str(v) for v in value), limit)
    return _plain(value, limit)


def _pixel_summary(raw: Any, dataset: Dataset) -> str:
    """What the pixel data is, without showing (or loading) it."""
    length = getattr(raw, "length", None)
    if length is None:
        value = getattr(raw, "value", b"") or b""
        length = len(value)
    frames = dataset.get("NumberOfFrames", 1) or 1
    shape = f"{dataset.get('Rows', '?')}x{dataset.get('Columns', '?')}"
    bits = dataset.get("BitsAllocated", "?")
    frame_word = "frame" if str(frames) == "1" else "frames"
    if length == 0xFFFFFFFF:
        return f"compressed (encapsulated): {shape}, {frames} {frame_word}; not shown"
    return f"{length:,} bytes: {shape}, {frames} {frame_word}, {bits}-bit; not shown"


def filter_rows(rows: list[HeaderRow], query: str) -> list[HeaderRow]:
    """Rows whose tag or keyword matches `query`, with the sequences and items around them.

    "0010" matches (0010,0010) and every other tag containing it, "0010,0020" and "(0010,0020)"
    one tag; words match keywords ("patient" finds PatientName, PatientID ...).
    """
    needle = query.strip().casefold().replace(" ", "")
    if not needle:
        return list(rows)
    keep: set[int] = set()
    for index, row in enumerate(rows):
        if needle in row.tag.casefold() or needle in row.keyword.casefold().replace(" ", ""):
            keep.add(index)
            parent = row.parent
            while parent is not None and parent not in keep:
                keep.add(parent)
                parent = rows[parent].parent
    return [row for index, row in enumerate(rows) if index in keep]


# --- dcmdump-like excerpts, for question exhibits --------------------------------------------


def dump_lines(
    dataset: Dataset, keywords: Iterable[str] | None = None, *, limit: int = EXCERPT_VALUE
) -> list[str]:
    """Lines like dcmdump's: `(0008,0060) CS [CT]  # Modality`, sequences indented.

    `keywords` picks top-level elements (with everything inside them); None takes the whole
    data set. File meta is left out. UIDs are shown as numbers, never named, so an excerpt can
    ask "what kind of object is this?" without giving the answer away.
    """
    rows: list[HeaderRow] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _add(rows, dataset, None, 0, dataset, False, limit)
    if keywords is not None:
        rows = [row for subtree in _subtrees(rows, set(keywords)) for row in subtree]
    return [_dump_line(row) for row in rows]


def _subtrees(rows: list[HeaderRow], wanted: set[str]) -> Iterator[list[HeaderRow]]:
    """The rows of each wanted top-level element, with its nested rows."""
    current: list[HeaderRow] | None = None
    for row in rows:
        if row.depth == 0:
            if current:
                yield current
            current = [row] if row.keyword in wanted else None
        elif current is not None:
            current.append(row)
    if current:
        yield current


def _dump_line(row: HeaderRow) -> str:
    indent = "  " * row.depth
    if row.tag == ITEM_TAG:
        return f"{indent}{ITEM_TAG} na ({row.keyword})"
    if row.is_sequence:
        shown = f"(Sequence with {row.value})"
    elif not row.value:
        shown = "(no value available)"
    elif row.vr in BINARY_NUMBERS or row.vr in BULK or row.tag[1:5] == "7FE0":
        shown = row.value if row.vr in BINARY_NUMBERS else f"({row.value})"
    else:
        shown = f"[{row.value}]"
    return f"{indent}{row.tag} {row.vr or 'na'} {shown:<{max(1, 44 - len(indent))}} # {row.keyword}"


def header_excerpt(dataset: Dataset, keywords: Iterable[str] | None = None) -> str:
    """dump_lines joined: the text of a TextExhibit."""
    return "\n".join(dump_lines(dataset, keywords))


def header_exhibit(
    dataset: Dataset, keywords: Iterable[str] | None = None, title: str | None = None
) -> TextExhibit:
    """A question exhibit showing a header excerpt, monospaced and unwrapped."""
    from trainer.core.questions import TextExhibit

    return TextExhibit(kind="text", title=title, text=header_excerpt(dataset, keywords))
