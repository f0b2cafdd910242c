"""The Anki package opens in the real Anki (its `anki` library) and re-importing updates
instead of duplicating; the QTI package validates against the IMS XSDs."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.core.banks import load_banks
from trainer.core.interchange.qti_export import MANIFEST, TEST_FILE, write_qti
from trainer.core.paths import question_bank_dir


def _import(collection, package: Path):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(package_path=str(package),
                                       options=ImportAnkiPackageOptions())
    return collection.import_anki_package(request)


def test_anki_imports_every_bank_question_once_with_its_fields(tmp_path, capsys):
    from anki.collection import Collection

    shipped = load_banks([question_bank_dir()])
    package = tmp_path / "banks.apkg"
    assert main(["export", "--format", "anki", "--out", str(package)]) == 0
    collection = Collection(str(tmp_path / "fresh.anki2"))
    try:
        _import(collection, package)
        assert collection.note_count() == len(shipped.questions)
        assert collection.card_count() == len(shipped.questions)
        decks = {deck.name for deck in collection.decks.all_names_and_ids()}
        assert {f"pacs-trainer::{bank.title}" for bank in shipped.banks} <= decks
        question = shipped.get("uids/uid-max-length")
        [note_id] = collection.find_notes('"Id:uids/uid-max-length"')
        note = collection.get_note(note_id)
        assert note.note_type()["name"] == f"pacs-trainer {question.type.replace('_', ' ')}"
        assert question.references[0] in note["References"]
        assert "topic::uids" in note.tags and f"type::{question.type}" in note.tags
        assert note["Answer"] and note["Explanation"]

        again = tmp_path / "again.apkg"
        assert main(["export", "--format", "anki", "--out", str(again)]) == 0
        log = _import(collection, again).log
        assert len(log.new) == 0
        assert collection.note_count() == len(shipped.questions)
    finally:
        collection.close()


def _schemas() -> Path | None:
    """The IMS XSDs (imsqti_v2p1.xsd, imscp_v1p1.xsd and what they import), laid out as in
    IMS's own distribution: $PACS_TRAINER_QTI_XSD, else shared/schemas/qti-2.1 beside the
    repository."""
    found = os.environ.get("PACS_TRAINER_QTI_XSD")
    folder = Path(found) if found else Path(__file__).parents[3] / "shared/schemas/qti-2.1"
    return folder if (folder / "qtiv2p1/imsqti_v2p1.xsd").is_file() else None


@pytest.fixture(scope="module")
def xsd():
    import xmlschema

    folder = _schemas()
    if folder is None:
        # No registry package carries IMS's XSDs and a fetched copy may not be committed, so
        # this check runs only where someone has put them (checked by hand before landing).
        pytest.skip("the IMS QTI 2.1 XSDs are not here (see _schemas)")
    return (xmlschema.XMLSchema(str(folder / "qtiv2p1/imsqti_v2p1.xsd")),
            xmlschema.XMLSchema(str(folder / "imscp_v1p1.xsd")))


def test_qti_package_validates_against_the_ims_schemas(every_type, tmp_path, xsd):
    qti, content_packaging = xsd
    package = tmp_path / "questions.zip"
    write_qti(every_type, package, "Every type")
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        assert MANIFEST in names and TEST_FILE in names
        assert len(names) == len(every_type) + 2
        for name in names:
            schema = content_packaging if name == MANIFEST else qti
            errors = list(schema.iter_errors(io.BytesIO(archive.read(name))))
            assert errors == [], f"{name}: {errors[0]}"


def test_the_schemas_catch_a_broken_item(every_type, tmp_path, xsd):
    qti, _ = xsd
    from trainer.core.interchange.qti_export import item_xml

    broken = item_xml(every_type[0]).replace(b'adaptive="false"', b'adaptive="perhaps"')
    assert list(qti.iter_errors(io.BytesIO(broken)))


def test_qti_manifest_lists_every_item_file(every_type, tmp_path):
    import xml.etree.ElementTree as ET

    package = tmp_path / "questions.zip"
    write_qti(every_type[:12], package, "Some")
    with zipfile.ZipFile(package) as archive:
        manifest = ET.fromstring(archive.read(MANIFEST))
        files = manifest.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}file")
        hrefs = {f.get("href") for f in files}
        assert hrefs == set(archive.namelist()) - {MANIFEST}
