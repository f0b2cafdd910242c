"""Nothing read from a file reaches the terminal as a control code, on any path that quotes
input: bank tags, field names, enum values and file names (bank validate, bank list, the
TUI's bank notice), lessons (front matter and body), DICOM values and file names (study
import), plain mode. Each hostile character must come out written as an escape."""

from __future__ import annotations

import shutil

import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from trainer.cli import main
from trainer.core.paths import content_root

# OSC 52 (write the clipboard), a title change, C1 CSI, DEL, BEL, bidi override and isolate,
# zero-width space: each either acts on the terminal or hides what the text says.
HOSTILE = ["\x1b]52;c;aGk=\x07", "\x1b]0;owned\x07", "\x9b2J", "\x7f", "\u202e", "\u2066",
           "\u200b"]
DANGEROUS = {chr(c) for c in range(0x20) if chr(c) not in "\n\r\t"} | {
    chr(c) for c in range(0x7f, 0xa0)} | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
                                             "\u2068\u2069\u200b\u2060\ufeff")


def raw_controls(text: str) -> set[str]:
    return {ch for ch in text if ch in DANGEROUS}


def yaml_escaped(text: str) -> str:
    """A double-quoted YAML scalar holding `text` (YAML's \\x, \\u escapes)."""
    return '"' + "".join(
        ch if ch.isprintable() and ch not in '"\\' else f"\\u{ord(ch):04x}" for ch in text
    ) + '"'


def hostile_bank(folder):
    """A bank whose every located error quotes a hostile string, under a hostile file name."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["id: hostile", "title: Hostile", "version: 1", "author: t", "license: CC0-1.0",
             "questions:"]
    for index, bad in enumerate(HOSTILE):
        lines += [
            f"  - id: q{index}",
            f"    type: {yaml_escaped('single' + bad + 'choice')}",  # an enum value
            f"    {yaml_escaped('prompt' + bad)}: x",  # a field name
            f"    tag: !<%1B%5D52;c;{index}%07> x",  # a tag, percent-escaped
        ]
    name = "bank\x1b[2J\u202e.yaml"
    (folder / name).write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def hostile_dicom(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for index, bad in enumerate(HOSTILE):
        ds = Dataset()
        ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
        ds.SOPInstanceUID = generate_uid()
        ds.StudyInstanceUID = ds.SeriesInstanceUID = generate_uid()
        ds.PatientName = f"DOE{bad}^JANE"
        ds.PatientID = f"ID{index}"
        ds.StudyDescription = f"CHEST{bad}"
        ds.Modality = "OT"
        ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: the characters survive as written
        ds.file_meta = FileMetaDataset()
        ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.save_as(folder / f"img{index}{bad}.dcm", enforce_file_format=True)
    (folder / "notes\x1b[2J.txt").write_text("not DICOM")
    return folder


@pytest.mark.parametrize(
    "command",
    [["bank", "validate", "{banks}"], ["bank", "list", "--bank-dir", "{banks}"],
     ["bank", "validate", "--format", "json", "{banks}"], ["study", "import", "{dicom}"],
     ["study", "import", "--json", "{dicom}"],
     ["quiz", "--plain", "--count", "1", "--bank-dir", "{banks}"]],
    ids=["validate", "list", "validate-json", "import", "import-json", "plain"],
)
def test_the_command_line_writes_no_control_codes(tmp_path, capsys, monkeypatch, command):
    banks = hostile_bank(tmp_path / "banks")
    dicom = hostile_dicom(tmp_path / "dicom")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))
    argv = [part.format(banks=banks, dicom=dicom) for part in command]
    main(argv)
    out, err = capsys.readouterr()
    assert out or err
    assert raw_controls(out + err) == set()
    if command[0] == "bank" and command[1] == "validate":
        assert "\\u001b" in out + err or "\\x1b" in out + err  # shown, not acted on


def test_a_lesson_holding_control_codes_is_refused_where_it_is(tmp_path):
    from trainer.core.lessons import load_lessons

    folder = tmp_path / "lessons"
    folder.mkdir()
    good = next((content_root() / "lessons").glob("01-*.md")).read_text("utf-8")
    (folder / "01-title.md").write_text(
        good.replace("title:", 'title: "\\e]0;owned\\a"\nold_title:', 1), "utf-8")
    (folder / "02-body.md").write_text(good + "\nA body line \u202e reversed.\n", "utf-8")
    catalog = load_lessons(folder)
    assert catalog.lessons == [] or all(
        not raw_controls(lesson.title) for lesson in catalog.lessons)
    messages = [str(error) for error in catalog.errors]
    assert any("02-body.md" in m and "reorders or hides text" in m for m in messages)
    assert all(raw_controls(m) == set() for m in messages)


async def test_the_screens_show_hostile_bank_errors_as_escapes(tmp_path, clock):
    from textual.widgets import Static

    from trainer.ui.app import make_app
    from trainer.ui.widgets.bank_problems import BankProblems

    data = tmp_path / "data"
    hostile_bank(data / "banks")
    app = make_app(data_dir=data, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_section("practice")
        for _ in range(100):
            await pilot.pause(0.02)
            notice = app.screen.query(BankProblems)
            if notice and notice.first().display:
                break
        shown = str(app.screen.query_one(BankProblems, Static).render())
        assert "problems in the question banks" in shown
        assert raw_controls(shown) == set()
        assert "\\x1b" in shown or "\\u202e" in shown


def test_the_lessons_that_ship_pass(tmp_path):
    """The check is not so strict that the course itself fails it."""
    from trainer.core.lessons import load_lessons

    folder = tmp_path / "lessons"
    shutil.copytree(content_root() / "lessons", folder)
    assert load_lessons(folder).errors == []
