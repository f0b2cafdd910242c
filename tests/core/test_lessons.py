"""The lesson loader: front matter, pages, anchors, links, and located errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.core.lessons import (
    LessonError,
    LessonParseError,
    load_lessons,
    parse_lesson,
    parse_link,
    slugify,
)

FRONT = """\
---
id: {id}
title: A lesson
summary: What it is about.
objectives:
  - Say what a SOP class is
topics: [sop-classes, uids]
minutes: 10
prerequisites: {prereqs}
---
"""

BODY = """\
Intro paragraph.

## First page

Text of the first page.

```text
## not a heading inside a fence
```

### A sub-heading stays on its page

## Second: C-STORE & C-FIND!

More text.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def lesson_text(lesson_id: str = "alpha", prereqs: str = "[]", body: str = BODY) -> str:
    return FRONT.format(id=lesson_id, prereqs=prereqs) + body


def located(tmp_path: Path, name: str, text: str) -> LessonError:
    with pytest.raises(LessonParseError) as caught:
        parse_lesson(write(tmp_path, name, text))
    return caught.value.error


def test_front_matter_becomes_lesson_fields(tmp_path: Path) -> None:
    lesson = parse_lesson(write(tmp_path, "01-alpha.md", lesson_text()))
    assert lesson.id == "alpha"
    assert lesson.title == "A lesson"
    assert lesson.summary == "What it is about."
    assert lesson.objectives == ("Say what a SOP class is",)
    assert lesson.topics == ("sop-classes", "uids")
    assert lesson.minutes == 10
    assert lesson.prerequisites == ()
    assert lesson.path == tmp_path / "01-alpha.md"


def test_pages_split_at_level_two_headings_outside_fences(tmp_path: Path) -> None:
    lesson = parse_lesson(write(tmp_path, "01-alpha.md", lesson_text()))
    assert [page.title for page in lesson.pages] == [
        "Overview",
        "First page",
        "Second: C-STORE & C-FIND!",
    ]
    assert [page.anchor for page in lesson.pages] == [
        "overview",
        "first-page",
        "second-c-store-c-find",
    ]
    overview, first, second = lesson.pages
    assert overview.markdown == "Intro paragraph."
    assert "## not a heading inside a fence" in first.markdown
    assert "### A sub-heading stays on its page" in first.markdown
    assert not first.markdown.startswith("## ")
    assert second.markdown == "More text."
    # Page lines point into the file: the front matter is 10 lines long.
    assert (overview.line, first.line, second.line) == (11, 13, 23)
    lines = (tmp_path / "01-alpha.md").read_text().splitlines()
    assert lines[first.line - 1] == "## First page"


def test_no_overview_page_when_the_body_starts_with_a_heading(tmp_path: Path) -> None:
    body = "\n## Only page\n\nText.\n"
    lesson = parse_lesson(write(tmp_path, "01-alpha.md", lesson_text(body=body)))
    assert [page.title for page in lesson.pages] == ["Only page"]


def test_page_index_finds_anchors(tmp_path: Path) -> None:
    lesson = parse_lesson(write(tmp_path, "01-alpha.md", lesson_text()))
    assert lesson.page_index("second-c-store-c-find") == 2
    assert lesson.page_index("overview") == 0
    assert lesson.page_index("no-such-page") is None


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("In practice", "in-practice"),
        ("SOP Class UID vs SOP Instance UID", "sop-class-uid-vs-sop-instance-uid"),
        ("The Modality attribute (0008,0060)", "the-modality-attribute-0008-0060"),
        ("  --Key points--  ", "key-points"),
        ("`C-ECHO`: a ping", "c-echo-a-ping"),
    ],
)
def test_slugify(heading: str, slug: str) -> None:
    assert slugify(heading) == slug


@pytest.mark.parametrize(
    ("href", "parsed"),
    [
        ("lesson:uids", ("uids", None)),
        ("lesson:uids#file-meta", ("uids", "file-meta")),
        ("lesson:uids#", ("uids", None)),
        ("lesson:", None),
        ("https://dicom.nema.org/", None),
        ("#local", None),
    ],
)
def test_parse_link(href: str, parsed: tuple[str, str | None] | None) -> None:
    assert parse_link(href) == parsed


def test_missing_front_matter_is_located(tmp_path: Path) -> None:
    error = located(tmp_path, "01-alpha.md", "# Just a heading\n\nText.\n")
    assert error.line == 1
    assert "front matter" in error.message
    assert str(error) == f"{tmp_path / '01-alpha.md'}:1: {error.message}"


def test_unclosed_front_matter_is_located(tmp_path: Path) -> None:
    error = located(tmp_path, "01-alpha.md", "---\nid: alpha\n\n## Page\n")
    assert error.line == 1
    assert "not closed" in error.message


def test_yaml_syntax_error_points_at_the_bad_line(tmp_path: Path) -> None:
    text = lesson_text().replace("title: A lesson", "title: DICOM: the basics")
    error = located(tmp_path, "01-alpha.md", text)
    assert error.message.startswith("front matter is not valid YAML")
    assert error.line == 3


def test_missing_field_is_reported(tmp_path: Path) -> None:
    text = lesson_text().replace("summary: What it is about.\n", "")
    error = located(tmp_path, "01-alpha.md", text)
    assert error.message == "missing field 'summary'"
    assert error.line == 1


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("minutes: 10", "minutes: ten", 8, "minutes must be a positive whole number"),
        ("minutes: 10", "minutes: 2.5", 8, "minutes must be a positive whole number"),
        ("topics: [sop-classes, uids]", "topics: [sop-classes, cats]", 7, "unknown topic 'cats'"),
        ("title: A lesson", "title: [A, lesson]", 3, "title must be non-empty text"),
        ("objectives:\n  - Say", "objectives: Say", 5, "objectives must be a list"),
        ("id: alpha", "id: beta", 2, "does not match the file name"),
        ("id: alpha", "id: Alpha Lesson", 2, "must be lowercase words"),
        ("minutes: 10", "minutes: 10\nauthor: me", 9, "unknown field 'author'"),
        ("minutes: 10", "minutes: 10\nminutes: 12", 9, 'duplicate key "minutes" (first on line 8)'),
    ],
)
def test_invalid_fields_point_at_their_key(
    tmp_path: Path, old: str, new: str, line: int, words: str
) -> None:
    text = lesson_text()
    assert old in text
    error = located(tmp_path, "01-alpha.md", text.replace(old, new, 1))
    assert words in error.message
    assert error.line == line


def test_repeated_heading_anchor_is_an_error(tmp_path: Path) -> None:
    body = "## In practice\n\nA.\n\n## In Practice!\n\nB.\n"
    error = located(tmp_path, "01-alpha.md", lesson_text(body=body))
    assert error.line == 15
    assert "#in-practice" in error.message


def test_catalog_keeps_good_lessons_and_locates_bad_ones(tmp_path: Path) -> None:
    write(tmp_path, "01-alpha.md", lesson_text("alpha"))
    write(tmp_path, "02-beta.md", lesson_text("beta", prereqs="[alpha]"))
    write(tmp_path, "03-broken.md", "no front matter here\n")
    write(tmp_path, "04-gamma.md", lesson_text("gamma").replace("minutes: 10", "minutes: soon"))
    write(tmp_path, "notes.md", "not a lesson file: no NN- prefix\n")

    catalog = load_lessons(tmp_path)

    assert [lesson.id for lesson in catalog.lessons] == ["alpha", "beta"]
    assert catalog.get("beta").prerequisites == ("alpha",)
    assert catalog.get("gamma") is None
    assert [str(error) for error in catalog.errors] == [
        f"{tmp_path / '03-broken.md'}:1: missing front matter: the file must start with a '---' "
        "line",
        f"{tmp_path / '04-gamma.md'}:8: minutes must be a positive whole number, got 'soon'",
    ]


def test_catalog_reports_duplicate_ids_and_missing_prerequisites(tmp_path: Path) -> None:
    write(tmp_path, "01-alpha.md", lesson_text("alpha", prereqs="[omega]"))
    write(tmp_path, "02-alpha.md", lesson_text("alpha"))

    catalog = load_lessons(tmp_path)

    assert [lesson.path.name for lesson in catalog.lessons] == ["01-alpha.md"]
    assert sorted(str(error) for error in catalog.errors) == [
        f"{tmp_path / '01-alpha.md'}:9: prerequisite 'omega' is not a lesson",
        f"{tmp_path / '02-alpha.md'}:2: duplicate id 'alpha' (also in 01-alpha.md)",
    ]


def test_undecodable_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "01-alpha.md").write_bytes(b"---\nid: alpha\ntitle: caf\xe9\n---\n")
    catalog = load_lessons(tmp_path)
    assert catalog.lessons == []
    assert [(error.line, error.message) for error in catalog.errors] == [(3, "not UTF-8 text")]
