"""Files from other tools: what maps imports, what does not is located (file:line, why),
a broken file is one clear problem, never a traceback; the CLI writes a bank that validates."""

from __future__ import annotations

from trainer.cli import main
from trainer.core.banks import load_banks
from trainer.core.interchange.gift_import import read_gift
from trainer.core.interchange.moodle_import import read_moodle

MOODLE = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/Imported/uids</text></category>
  </question>
  <question type="multichoice">
    <name><text>Root</text></name>
    <questiontext format="html"><text><![CDATA[<p>What is the DICOM
       <b>UID root</b>?</p>]]></text></questiontext>
    <generalfeedback format="html"><text>It is 1.2.840.10008.</text></generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>1.2.840.10008</text></answer>
    <answer fraction="0"><text>1.2.3</text></answer>
  </question>
  <question type="essay">
    <name><text>Discuss</text></name>
    <questiontext format="html"><text>Discuss UIDs.</text></questiontext>
  </question>
  <question type="multichoice">
    <name><text>Half marks</text></name>
    <questiontext format="html"><text>Pick.</text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>a</text></answer>
    <answer fraction="50"><text>b</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Echo</text></name>
    <questiontext format="moodle_auto_format"><text>Verification service?</text></questiontext>
    <answer fraction="100"><text>C-ECHO</text></answer>
    <tags><tag><text>dimse</text></tag><tag><text>difficulty:1</text></tag></tags>
  </question>
</quiz>
"""


def test_moodle_import_keeps_what_maps_and_locates_what_does_not(tmp_path):
    path = tmp_path / "course.xml"
    path.write_text(MOODLE, encoding="utf-8")
    imported = read_moodle(path)
    assert [(q.type, q.id) for q in imported.questions] == [
        ("single_choice", "root"), ("short_answer", "echo")]
    root, echo = imported.questions
    assert root.topics == ("uids",) and root.prompt == "What is the DICOM UID root?"
    assert echo.topics == ("dimse",) and echo.difficulty == 1
    messages = [str(p) for p in imported.problems]
    assert messages[0].startswith(f"{path}:15: question 'Discuss': Moodle's essay")
    assert messages[1].startswith(f"{path}:19: question 'Half marks': ")
    assert "partial credit" in messages[1]
    assert any("no reference" in note for note in imported.notes)


def test_a_broken_xml_file_is_one_located_problem(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<quiz>\n<question type='truefalse'>\n</quiz>\n", encoding="utf-8")
    imported = read_moodle(path)
    assert imported.questions == []
    [problem] = imported.problems
    assert problem.line == 3 and "not well-formed" in problem.message


def test_entity_declarations_are_refused(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz>&a;</quiz>',
                    encoding="utf-8")
    [problem] = read_moodle(path).problems
    assert "entities" in problem.message


def test_a_file_that_is_not_moodle_xml_says_so(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<html/>", encoding="utf-8")
    [problem] = read_moodle(path).problems
    assert "not a Moodle XML question file" in problem.message


GIFT = """\
// A hand-written GIFT file
$CATEGORY: $course$/top/Course/dimse

::Echo::Which service verifies an association? {=C-ECHO =echo}

::Store::Which DIMSE service sends an image?{=C-STORE ~C-FIND ~C-MOVE####It stores.}

::Essay:: Explain DIMSE. {}

::Count:: How many bytes is the preamble? {#128:0}

::TF:: C-FIND queries. {T}

::Pairs:: Match them. {=C-FIND -> query =C-STORE -> send}

A description without answers.
"""


def test_gift_import_reads_every_kind_and_locates_the_rest(tmp_path):
    path = tmp_path / "course.gift"
    path.write_text(GIFT, encoding="utf-8")
    imported = read_gift(path)
    kinds = [(q.id, q.type) for q in imported.questions]
    assert kinds == [("echo", "short_answer"), ("store", "single_choice"),
                     ("count", "numeric"), ("tf", "true_false"), ("pairs", "matching")]
    assert all(q.topics == ("dimse",) for q in imported.questions)
    assert imported.questions[1].explanation == "It stores."
    assert [(p.line, p.message.split(":")[0]) for p in imported.problems] == [
        (8, "question 'Essay'"), (16, "question")]


def test_a_question_with_no_topic_needs_topic_option(tmp_path):
    path = tmp_path / "plain.gift"
    path.write_text("::Q:: Is C-ECHO a DIMSE service? {T}\n", encoding="utf-8")
    [problem] = read_gift(path).problems
    assert problem.line == 1 and "--topic" in problem.message
    assert read_gift(path, default_topic="dimse").questions[0].topics == ("dimse",)


def test_cli_import_writes_a_bank_that_validates(tmp_path, capsys):
    source = tmp_path / "course.gift"
    source.write_text(GIFT, encoding="utf-8")
    out = tmp_path / "course-bank.yaml"
    assert main(["import", str(source), "--out", str(out)]) == 1  # two were left out
    err = capsys.readouterr().err
    assert f"{source}:8: question 'Essay'" in err
    catalog = load_banks([out])
    assert catalog.errors == () and len(catalog.questions) == 5
    assert catalog.banks[0].id == "course-bank"
    assert main(["bank", "validate", str(out)]) == 0
    assert main(["import", str(source), "--out", str(out)]) == 1
    assert "exists" in capsys.readouterr().err  # never overwritten


def test_cli_round_trip_of_the_shipped_banks_through_moodle(tmp_path, capsys):
    xml = tmp_path / "all.xml"
    assert main(["export", "--format", "moodle", "--out", str(xml)]) == 0
    bank = tmp_path / "back.yaml"
    assert main(["import", str(xml), "--out", str(bank)]) == 0
    shipped = load_banks([__import__("trainer.core.paths").core.paths.question_bank_dir()])
    back = load_banks([bank])
    assert back.errors == ()
    assert [q.model_dump() for q in back.questions] == [
        {**q.model_dump(), "id": b.id} for q, b in zip(shipped.questions, back.questions)]
