"""The shipped lessons load, cover the curriculum, and every UID, tag and link in them is right.

DICOM-FACTS.md is the authority: UIDs and tags must agree with pydicom's dictionaries, and its
errata may appear only inside blockquotes that start with `> **Misconception:**`.
"""

from __future__ import annotations

import math
import re
from functools import cache

import pytest
from markdown_it import MarkdownIt
from pydicom._uid_dict import UID_dictionary
from pydicom.datadict import dictionary_has_tag

from trainer.core.lessons import Lesson, load_lessons, parse_link
from trainer.core.paths import lessons_dir
from trainer.core.topics import TOPICS

CATALOG = load_lessons(lessons_dir())
LESSONS = {lesson.id: lesson for lesson in CATALOG.lessons}
each_lesson = pytest.mark.parametrize("lesson", CATALOG.lessons, ids=lambda lesson: lesson.id)

# Roots that may be written on their own; every other DICOM UID must be a registered one.
UID_ROOTS = {"1.2.840.10008", "1.2.840.10008.5.1.4.1.1"}
UID = re.compile(r"(?<![\d.])1\.2\.840\.10008(?:\.\d+)*")
TAG = re.compile(r"\(([0-9A-Fa-f]{4}),\s*([0-9A-Fa-f]{4})\)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
STORAGE = "1.2.840.10008.5.1.4.1.1."

# Each objective of DICOM-FACTS.md: the lesson that teaches it and what that lesson must say.
OBJECTIVES = {
    "dicom-basics": [
        "Digital Imaging and Communications in Medicine", "PS3.10", "PS3.7", "PS3.8",
        "Patient", "Study", "Series", "Instance", "(0020,000D)", "(0020,000E)",
    ],
    "sop-classes": [
        "Information Object Definition", "DICOM Message Service Element", "PS3.4",
        "C-STORE", "C-FIND", "C-MOVE", "C-GET", "C-ECHO", "N-CREATE", "N-SET", "N-GET",
        "N-ACTION", "N-EVENT-REPORT", "N-DELETE", "SCU", "SCP",
        "MR Image Storage", STORAGE + "4", "Verification SOP Class", "1.2.840.10008.1.1",
    ],
    "uids": [
        "(0008,0016)", "(0008,0018)", "(0002,0002)", "(0002,0003)", "Unique Identifier",
        "64 characters", "PS3.6 Annex A", "PS3.4 Annex B", STORAGE + "2",
    ],
    "image-sop-classes": ["Enhanced", "legacy PACS", "Enhanced MR Image Storage"],
    "pr-sr-ko": ["(0008,0060)", "GSPS", "RDSR", STORAGE + "88.59"],
    "study-lists": [
        "(0010,0010)", "(0010,0020)", "(0010,0030)", "(0008,0050)", "(0008,1030)",
        "(0008,0061)", "(0008,0020)", "probably", "GSPS", "Comprehensive SR",
        "Key Object Selection", "Mammography CAD SR",
    ],
    # Issue 19 item 5: (0020,1208) counts every instance; an "Images" column is a product's.
    "image-counts": [
        "(0020,1208)", "counts every SOP instance", "(7FE0,0010)", "(0028,0008)", "VNA",
        "product's choice",
    ],
    "supporting-sop-classes": [
        "conformance statement", "presentation context", "rejected",
        "association negotiation", "Private SOP class", "vendor's", "Storage Level",
    ],
    "associations": [
        "application entity", "AE title", "16 characters", "calling", "called",
        "A-ASSOCIATE-RQ", "A-ASSOCIATE-AC", "A-ASSOCIATE-RJ", "abstract syntax",
        "transfer syntax", "SCP/SCU Role Selection", "Called AE Title Not Recognized",
        "conformance statement", "PS3.8",
    ],
    "transfer-syntaxes": [
        "Implicit VR Little Endian", "1.2.840.10008.1.2", "default transfer syntax",
        "Explicit VR Little Endian", "JPEG Baseline (Process 1)", "RLE Lossless",
        "(0028,2110)", "(0028,2112)", "(0028,2114)", "never reset", "transcodes",
        "new SOP Instance UID", "PS3.5",
    ],
    "query-retrieve": [
        "C-FIND", "C-MOVE", "C-GET", "(0008,0052)", "Patient Root", "Study Root",
        "single value", "list of UID", "universal", "wild card", "range", "0xA801",
        "(0020,1208)", "role selection", "PS3.4 Annex C",
    ],
    "worklist-mpps": [
        "1.2.840.10008.5.1.4.31", "(0008,0050)", "(0020,000D)", "(0040,0001)",
        "IN PROGRESS", "COMPLETED", "DISCONTINUED", "N-CREATE", "N-SET", "unscheduled",
        "PS3.4 Annex F",
    ],
    "storage-commitment": [
        "1.2.840.10008.1.20.1", "N-ACTION", "N-EVENT-REPORT", "(0008,1195)", "(0008,1198)",
        "Event Type ID", "delete", "new association", "PS3.4 Annex J",
    ],
    "character-sets": [
        "(0008,0005)", "ISO_IR 100", "ISO_IR 192", "ISO-IR 6", "family ^ given", "=",
        "PS3.5",
    ],
}

# Objectives 4 and 5: each class with the Modality value its table row must show.
CLASS_MODALITIES = {
    "image-sop-classes": {
        "1": "CR", "1.1": "DX", "1.2": "MG", "2": "CT", "2.1": "CT", "3.1": "US", "4": "MR",
        "4.1": "MR", "12.1": "XA", "20": "NM", "128": "PT", "130": "PT",
    },
    "pr-sr-ko": {
        "11.1": "", "11.2": "", "88.11": "", "88.22": "", "88.33": "", "88.50": "",
        "88.67": "", "88.68": "", "88.76": "", "88.59": "KO",
    },
}

# Errata of DICOM-FACTS.md, as patterns that must not match outside misconception blocks.
ERRATA = [
    r"\(?0080,\s*0060\)?",
    r"DICOM Service Element",
    r"Universal Unique Identifier",
    r"SOP Class UIDs?\s+(?:is|are|gets?)\s+(?!not\b|never\b)(?:\w+\s+)?generated",
    r"generat\w*\s+(?:a\s+|an\s+|the\s+|its\s+|new\s+|unique\s+)*SOP Class UIDs?",
    r"SOP Class UIDs?\W+(?:\w+\W+){0,3}points?\s+to",
    r"SOP class\w*\W+(?:\w+\W+){0,8}?resolution",
    r"resolution\W+(?:\w+\W+){0,8}?SOP class",
    r"\bIODs?\s+(?:=|is|means)\s+(?:just\s+|simply\s+)?(?:the|an?)\s+image\b",
]

MAX_BLOCKS = 25
MAX_LINES = 60
MAX_TABLE_COLUMNS = 5
MAX_CODE_WIDTH = 72
TEXT_WIDTH = 76


def claim_lines(lesson: Lesson) -> list[tuple[int, str]]:
    """(line number, text) of every line that is not part of a misconception blockquote."""
    lines: list[tuple[int, str]] = []
    in_misconception = False
    for number, line in enumerate(lesson.path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith("> **Misconception:**"):
            in_misconception = True
        elif not stripped.startswith(">"):
            in_misconception = False
        if not in_misconception:
            lines.append((number, line))
    return lines


def claim_text(lesson: Lesson) -> str:
    return "\n".join(line for _, line in claim_lines(lesson))


@cache
def uid_names() -> re.Pattern[str]:
    """Any registered UID name, longest first so "Enhanced CT Image Storage" beats "CT ..."."""
    names = sorted({entry[0] for entry in UID_dictionary.values() if entry[0]}, key=len)
    alternatives = "|".join(re.escape(name) for name in reversed(names))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def nearest_name(line: str, start: int, end: int) -> str | None:
    """The registered UID name written closest to the span start:end of the line, if any."""
    found = [
        (max(match.start() - end, start - match.end()), match.group())
        for match in uid_names().finditer(line)
    ]
    return min(found)[1] if found else None


def location(lesson: Lesson, number: int) -> str:
    return f"{lesson.path.name}:{number}"


def test_the_catalog_loads_without_errors() -> None:
    assert [str(error) for error in CATALOG.errors] == []
    assert len(CATALOG.lessons) >= 8
    assert set(OBJECTIVES) <= set(LESSONS), "a lesson of the curriculum is missing"


@each_lesson
def test_front_matter_is_complete(lesson: Lesson) -> None:
    assert lesson.title and lesson.summary and lesson.objectives and lesson.topics
    assert set(lesson.topics) <= set(TOPICS)
    assert 5 <= lesson.minutes <= 60
    assert all(prereq in LESSONS and prereq != lesson.id for prereq in lesson.prerequisites)


@each_lesson
def test_lesson_has_pages_an_in_practice_section_and_cites_the_standard(lesson: Lesson) -> None:
    assert 4 <= len(lesson.pages) <= 9
    assert lesson.page_index("in-practice") is not None
    uncited = [page.title for page in lesson.pages if not re.search(r"PS3\.\d+", page.markdown)]
    assert uncited == [], "every page cites the part of the standard it relies on"


@pytest.mark.parametrize("lesson_id", sorted(OBJECTIVES))
def test_every_objective_is_taught(lesson_id: str) -> None:
    text = claim_text(LESSONS[lesson_id]).lower()
    missing = [phrase for phrase in OBJECTIVES[lesson_id] if phrase.lower() not in text]
    assert missing == []


@pytest.mark.parametrize("lesson_id", sorted(CLASS_MODALITIES))
def test_classes_are_shown_with_their_modality(lesson_id: str) -> None:
    lines = [line for _, line in claim_lines(LESSONS[lesson_id])]
    for suffix, modality in CLASS_MODALITIES[lesson_id].items():
        uid = STORAGE + suffix
        rows = [line for line in lines if re.search(rf"{re.escape(uid)}(?![\d.])", line)]
        assert rows, f"{uid} ({UID_dictionary[uid][0]}) is not in {lesson_id}"
        if modality:
            assert any(re.search(rf"\b{modality}\b", row) for row in rows), uid


@each_lesson
def test_uids_are_registered_and_named_as_pydicom_names_them(lesson: Lesson) -> None:
    problems = []
    previous = ""
    for number, line in claim_lines(lesson):
        # In wrapped prose the name may end the line before; a table row stands alone.
        context = line if line.lstrip().startswith("|") else f"{previous}\n{line}"
        offset = len(context) - len(line)
        previous = line
        for match in UID.finditer(line):
            uid = match.group()
            if uid in UID_ROOTS:
                continue
            if uid not in UID_dictionary:
                problems.append(f"{location(lesson, number)}: {uid} is not a registered UID")
                continue
            name = nearest_name(context, match.start() + offset, match.end() + offset)
            if name is not None and name != UID_dictionary[uid][0]:
                expected = UID_dictionary[uid][0]
                problems.append(f"{location(lesson, number)}: {uid} is {expected!r}, not {name!r}")
    assert problems == []


@each_lesson
def test_tags_are_in_the_data_dictionary(lesson: Lesson) -> None:
    unknown = [
        f"{location(lesson, number)}: {match.group()}"
        for number, line in claim_lines(lesson)
        for match in TAG.finditer(line)
        if not dictionary_has_tag(int(match.group(1) + match.group(2), 16))
    ]
    assert unknown == []


@each_lesson
def test_no_erratum_is_stated_as_a_claim(lesson: Lesson) -> None:
    # Join wrapped lines of a paragraph so a claim split across lines is still found.
    text = re.sub(r"\s+", " ", claim_text(lesson))
    found = [
        match.group() for pattern in ERRATA for match in re.finditer(pattern, text, re.IGNORECASE)
    ]
    assert found == []


@each_lesson
def test_lesson_links_resolve(lesson: Lesson) -> None:
    broken = []
    for number, line in claim_lines(lesson):
        for match in LINK.finditer(line):
            href = match.group(1)
            if href.startswith("#"):
                hint = "pages are split: use lesson:ID#anchor"
                broken.append(f"{location(lesson, number)}: {href} ({hint})")
                continue
            target = parse_link(href)
            if target is None:
                continue
            lesson_id, anchor = target
            other = LESSONS.get(lesson_id)
            if other is None or (anchor is not None and other.page_index(anchor) is None):
                broken.append(f"{location(lesson, number)}: {href}")
    assert broken == []


def test_lessons_link_to_each_other() -> None:
    links = [
        href
        for lesson in CATALOG.lessons
        for _, line in claim_lines(lesson)
        for href in LINK.findall(line)
        if parse_link(href)
    ]
    assert len(links) >= 8


def page_size(markdown: str) -> tuple[int, int, list[int], int]:
    """(top-level blocks, estimated rendered lines at 80 columns, table widths, widest code line).

    A table row renders as two lines (row and rule); prose wraps at about TEXT_WIDTH columns.
    """
    tokens = MarkdownIt("gfm-like").parse(markdown)
    blocks = sum(1 for token in tokens if token.level == 0 and token.nesting in (0, 1))
    columns: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            header_end = next(i for i in range(index, len(tokens)) if tokens[i].type == "tr_close")
            columns.append(sum(1 for t in tokens[index:header_end] if t.type == "th_open"))
    lines = 0
    code_width = 0
    in_code = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            lines += 1
        elif in_code:
            code_width = max(code_width, len(line))
            lines += 1
        elif line.lstrip().startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            lines += 2 * max(1, math.ceil(sum(len(cell) + 3 for cell in cells) / TEXT_WIDTH))
        else:
            lines += max(1, math.ceil(len(line.strip()) / TEXT_WIDTH))
    return blocks, lines, columns, code_width


@each_lesson
def test_pages_fit_the_reader(lesson: Lesson) -> None:
    too_big = []
    for page in lesson.pages:
        blocks, lines, columns, code_width = page_size(page.markdown)
        where = f"{location(lesson, page.line)} ({page.title})"
        if blocks > MAX_BLOCKS or lines > MAX_LINES:
            too_big.append(f"{where}: {blocks} blocks, ~{lines} lines")
        if any(count > MAX_TABLE_COLUMNS for count in columns):
            too_big.append(f"{where}: a table has more than {MAX_TABLE_COLUMNS} columns")
        if code_width > MAX_CODE_WIDTH:
            too_big.append(f"{where}: a code line is {code_width} characters wide")
    assert too_big == []
