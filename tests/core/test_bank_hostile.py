"""Hostile bank files: each is refused with one located line, and the limits are what stop it.

No timing assertions: boundedness shows in the structure (the size is checked before reading,
alias expansion and nesting stop at their caps, as the messages and tighter limits prove).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.core.banks import load_bank, load_banks
from trainer.core.yaml_source import Limits

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def refused(path: Path, limits: Limits = Limits()) -> str:
    """The single error line for a file that must not load."""
    result = load_bank(path, limits)
    assert result.bank is None
    [error] = result.errors
    line = str(error)
    assert line.startswith(f"{path}:") and "\n" not in line
    return line


def bank_file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "hostile.yaml"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def test_python_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    path = bank_file(tmp_path, f'title: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert refused(path) == f"{path}:1:8: title: tag !!python/object/apply:os.system is not allowed"
    assert not marker.exists()


def test_an_alias_bomb_stops_at_the_expansion_cap(tmp_path):
    path = bank_file(tmp_path, BILLION_LAUGHS)
    assert refused(path).endswith("aliases expand to more than 10000 nodes")
    # A tighter cap stops it sooner: the cap, not the machine's memory, is the bound.
    tighter = refused(path, Limits(max_alias_nodes=20))
    assert tighter.endswith("aliases expand to more than 20 nodes")


def test_a_shared_exhibit_through_an_alias_still_loads(tmp_path):
    question = """\
  - id: q{n}
    type: true_false
    prompt: The study holds a dose report.
    answer: true
    topics: [study-lists]
    difficulty: 1
    explanation: SR in Modalities in Study suggests one.
    references: ["PS3.3 C.7.3.1"]
    exhibit: {exhibit}
"""
    table = "&study {kind: table, columns: [Modalities in Study], rows: [[CT SR]]}"
    header = "id: shared\ntitle: Shared\nversion: 1\nauthor: T\nlicense: CC0-1.0\nquestions:\n"
    questions = question.format(n=1, exhibit=table) + question.format(n=2, exhibit="*study")
    path = bank_file(tmp_path, header + questions)
    bank = load_bank(path).bank
    assert bank.questions[0].exhibit == bank.questions[1].exhibit


def test_a_self_referencing_alias_is_refused_as_a_loop(tmp_path):
    path = bank_file(tmp_path, "a: &a [*a]\n")
    assert refused(path).endswith("a[0]: the alias *a is inside the collection it names: a loop")


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:  # 50 MB of NUL bytes: parsing it would fail differently
        stream.truncate(50 * 1024 * 1024)
    assert refused(path) == f"{path}: the file is 50.0 MB; the limit is 10 MB"


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deep_nesting_is_refused(tmp_path, depth):
    path = bank_file(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    assert "nest" in refused(path)


def test_invalid_utf8_names_the_byte_and_line(tmp_path):
    path = bank_file(tmp_path, b"id: x\ntitle: caf\xe9\n")
    assert refused(path) == f"{path}:2:11: not valid UTF-8 (byte 16, 0xe9); save the file as UTF-8"


@pytest.mark.parametrize(
    ("content", "got"),
    [
        ("- a\n- b\n", "a list"),
        ("just words\n", "text"),
        ("42\n", "a number"),
        ("", "an empty file"),
    ],
)
def test_a_bank_that_is_not_a_mapping_says_what_it_got(tmp_path, content, got):
    path = bank_file(tmp_path, content)
    assert refused(path) == (
        f"{path}:1:1: a bank must be a mapping with id, title, version, author, license, "
        f"description and questions; got {got}"
    )


def test_control_characters_are_refused(tmp_path):
    path = bank_file(tmp_path, "id: x\ntitle: bell \x07\n")
    assert refused(path) == f"{path}:2:13: character U+0007 is not allowed in YAML"


def test_two_documents_in_one_file_are_refused(tmp_path):
    path = bank_file(tmp_path, "id: x\n---\nid: y\n")
    message = refused(path)
    assert message.endswith("expected a single document in the stream, but found another document")


def test_a_hostile_file_does_not_stop_the_others_loading(tmp_path):
    bank_file(tmp_path, BILLION_LAUGHS)
    good = Path(__file__).resolve().parents[2] / "question_bank"
    catalog = load_banks([tmp_path, good])
    assert len(catalog.errors) >= 1 and catalog.errors[0].file.name == "hostile.yaml"
    assert all(error.file.parent != tmp_path for error in catalog.errors[1:])
