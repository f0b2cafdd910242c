"""Markdown lessons with YAML front matter, split into pages at their `##` headings.

Pure (no Textual): the reader screen renders `Page.markdown`, the CLI and the content tests
read the same objects. A malformed lesson becomes a `LessonError` located by file and line, so
an author can fix it and a learner still gets every other lesson.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.core.sanitize import escape_controls, has_controls
from trainer.core.topics import TOPICS
from trainer.core.yaml_source import YamlError, parse

LINK_SCHEME = "lesson:"
OVERVIEW = "Overview"
FIELDS = ("id", "title", "summary", "objectives", "topics", "minutes", "prerequisites")
_LESSON_FILE = "[0-9][0-9]-*.md"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PAGE_HEADING = re.compile(r"##(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
_FENCE = re.compile(r"(```|~~~)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")

_Fail = Callable[[int, str], "LessonParseError"]


def slugify(heading: str) -> str:
    """The anchor of a heading: lowercase, runs of non-alphanumerics -> '-', stripped."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


@dataclass(frozen=True)
class Page:
    """One screenful of a lesson: the text before the first `##` heading, or one `##` section.

    `markdown` is the section body without its heading (the reader shows `title` itself);
    `line` is the 1-based line of the file where the page starts.
    """

    title: str
    anchor: str
    markdown: str
    line: int

    @property
    def links(self) -> list[tuple[str, str]]:
        """(text, href) of every Markdown link on the page, so the reader can offer them by key."""
        return _LINK.findall(self.markdown)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    topics: tuple[str, ...]
    minutes: int
    prerequisites: tuple[str, ...]
    path: Path
    pages: tuple[Page, ...]
    # Line of each front-matter key, so catalog-level errors point at the right line.
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def page_index(self, anchor: str) -> int | None:
        """The index of the page a `lesson:ID#anchor` link points at, or None."""
        for index, page in enumerate(self.pages):
            if page.anchor == anchor:
                return index
        return None


@dataclass(frozen=True)
class LessonError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return escape_controls(f"{self.path}:{self.line}: {self.message}")


class LessonParseError(Exception):
    """A lesson file that cannot be loaded; `error` says where and why."""

    def __init__(self, error: LessonError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class LessonCatalog:
    lessons: list[Lesson]
    errors: list[LessonError]

    def get(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


def parse_link(href: str) -> tuple[str, str | None] | None:
    """`lesson:ID#anchor` -> (ID, anchor), `lesson:ID` -> (ID, None); any other href -> None."""
    if not href.startswith(LINK_SCHEME):
        return None
    lesson_id, _, anchor = href[len(LINK_SCHEME) :].partition("#")
    if not lesson_id:
        return None
    return lesson_id, anchor or None


def parse_lesson(path: Path) -> Lesson:
    """Read one lesson file; raise LessonParseError (with file and line) when it is malformed."""
    path = Path(path)

    def fail(line: int, message: str) -> LessonParseError:
        return LessonParseError(LessonError(path, line, message))

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(1, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(raw[: exc.start].count(b"\n") + 1, "not UTF-8 text") from None

    lines = text.splitlines()
    for number, line in enumerate(text.split("\n"), 1):  # lessons reach a terminal too
        if has_controls(line):
            raise fail(number, "holds a control character, a terminal escape sequence or a "
                               "character that reorders or hides text (a bidi override, a "
                               "zero-width space)")
    if not lines or lines[0].strip() != "---":
        raise fail(1, "missing front matter: the file must start with a '---' line")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise fail(1, "front matter is not closed by a '---' line")

    # A blank first line stands for the opening '---', so YAML's lines are the file's lines.
    meta, file_lines = _read_front_matter("\n" + "\n".join(lines[1:end]), fail)
    values = _check_fields(meta, file_lines, path, fail)
    pages = _split_pages(lines, end + 1, fail)
    return Lesson(**values, path=path, pages=pages, field_lines=file_lines)


def load_lessons(folder: Path) -> LessonCatalog:
    """Every NN-*.md lesson in `folder`, by file name; a bad file is an error entry, not a crash."""
    lessons: list[Lesson] = []
    errors: list[LessonError] = []
    for path in sorted(Path(folder).glob(_LESSON_FILE)):
        try:
            lesson = parse_lesson(path)
        except LessonParseError as exc:
            errors.append(exc.error)
            continue
        first = next((known for known in lessons if known.id == lesson.id), None)
        if first is not None:
            message = f"duplicate id {lesson.id!r} (also in {first.path.name})"
            errors.append(LessonError(path, lesson.field_lines["id"], message))
            continue
        lessons.append(lesson)

    ids = {lesson.id for lesson in lessons}
    for lesson in lessons:
        line = lesson.field_lines["prerequisites"]
        for missing in (prereq for prereq in lesson.prerequisites if prereq not in ids):
            message = f"prerequisite {missing!r} is not a lesson"
            errors.append(LessonError(lesson.path, line, message))
    return LessonCatalog(lessons, errors)


def _read_front_matter(source: str, fail: _Fail) -> tuple[dict[str, Any], dict[str, int]]:
    """Safe-load the front matter (the banks' loader: duplicate keys are errors, dates and
    yes/no stay text); return its mapping and each key's line."""
    try:
        document = parse(source)
    except YamlError as exc:
        problem = exc.problems[0]
        message = f"front matter is not valid YAML: {problem.message}"
        raise fail(problem.line or 1, message) from None
    if not isinstance(document.data, dict):
        line = document.locate(())[0]
        raise fail(line, "front matter must be a mapping of fields (key: value)")
    return document.data, {key: document.locate((key,), key=True)[0] for key in document.data}


def _check_fields(
    meta: dict[str, Any], lines: dict[str, int], path: Path, fail: _Fail
) -> dict[str, Any]:
    """Validate every front-matter field; the first problem raises, located at its key."""
    for key in lines:
        if key not in FIELDS:
            raise fail(lines[key], f"unknown field {key!r} (expected: {', '.join(FIELDS)})")
    for key in FIELDS:
        if key not in meta:
            raise fail(1, f"missing field {key!r}")

    def text(key: str) -> str:
        value = meta[key]
        if not isinstance(value, str) or not value.strip():
            raise fail(lines[key], f"{key} must be non-empty text")
        return value.strip()

    def text_list(key: str, allow_empty: bool = False) -> tuple[str, ...]:
        value = meta[key]
        if value is None and allow_empty:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(lines[key], f"{key} must be a list of non-empty text items")
        if not value and not allow_empty:
            raise fail(lines[key], f"{key} must not be empty")
        return tuple(v.strip() for v in value)

    lesson_id = text("id")
    if not _ID.fullmatch(lesson_id):
        raise fail(lines["id"], f"id {lesson_id!r} must be lowercase words joined by '-'")
    expected = path.stem[3:] if re.match(r"\d\d-", path.stem) else lesson_id
    if lesson_id != expected:
        raise fail(lines["id"], f"id {lesson_id!r} does not match the file name {path.name!r}")

    topics = text_list("topics")
    for topic in topics:
        if topic not in TOPICS:
            raise fail(lines["topics"], f"unknown topic {topic!r} (see lessons/topics.yaml)")

    minutes = meta["minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise fail(lines["minutes"], f"minutes must be a positive whole number, got {minutes!r}")

    return {
        "id": lesson_id,
        "title": text("title"),
        "summary": text("summary"),
        "objectives": text_list("objectives"),
        "topics": topics,
        "minutes": minutes,
        "prerequisites": text_list("prerequisites", allow_empty=True),
    }


def _split_pages(lines: list[str], start: int, fail: _Fail) -> tuple[Page, ...]:
    """Cut the body (lines[start:]) at `##` headings outside code fences."""
    sections: list[tuple[str, int, list[str]]] = [(OVERVIEW, start + 1, [])]
    fence: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        marker = _FENCE.match(line.lstrip())
        if marker and (fence is None or marker.group(1) == fence):
            fence = None if fence else marker.group(1)
        heading = None if fence else _PAGE_HEADING.match(line)
        if heading:
            title = _CLOSING_HASHES.sub("", heading.group(1) or "").strip()
            if not slugify(title):
                raise fail(index + 1, "a '##' heading needs a title with letters or digits")
            sections.append((title, index + 1, []))
        else:
            sections[-1][2].append(line)

    pages: list[Page] = []
    for number, (title, heading_line, body) in enumerate(sections):
        markdown = "\n".join(body).strip("\n")
        if number == 0 and not markdown.strip():
            continue
        page = Page(title, slugify(title), markdown, heading_line)
        clash = next((p for p in pages if p.anchor == page.anchor), None)
        if clash is not None:
            message = f"heading {title!r} repeats the anchor #{page.anchor} of line {clash.line}"
            raise fail(heading_line, message)
        pages.append(page)
    if not pages:
        raise fail(start + 1, "the lesson has no content after its front matter")
    return tuple(pages)
