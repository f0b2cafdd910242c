"""Every claim that a lesson, a bank or a generator makes about a SOP class, "this class has
Modality X", "it carries no pixel data", "it is multi-frame", agrees with the SOP overlay.

Claims are found in the text: a Modality value, "no pixel data" or "multi-frame" next to a
class named by its PS3.6 name or UID, in the same sentence, or a table row that names a class
and has a Mod./Modality column. The overlay itself is checked against dicom3tools in
test_overlay_iods.py, so a wrong fact anywhere in the course fails one of the two.
"""

from __future__ import annotations

import random
import re

import pytest

from trainer.core.banks import load_banks
from trainer.core.generators import sample
from trainer.core.lessons import load_lessons
from trainer.core.paths import lessons_dir, question_bank_dir
from trainer.core.pool import families
from trainer.core.registry import load_registry

REG = load_registry()
STORAGE = [s for s in REG if s.is_storage and not s.retired and s.name]
BY_NAME = {s.name: s for s in STORAGE}
BY_UID = {s.uid: s for s in STORAGE}
_names = sorted(BY_NAME, key=len, reverse=True)
MENTION = re.compile(
    r"(?<![\w.-])("
    + "|".join(re.escape(name) for name in _names)
    + r"|1\.2\.840\.10008(?:\.\d+)+)(?![\w-])"
    + r"|(?<=\()(\.\d+(?:\.\d+)*)(?=[),])"  # "(.12.2, ...)": a storage class by its ending
)
STORAGE_BRANCH = "1.2.840.10008.5.1.4.1.1"
MODALITY_VALUES = set(REG.modalities())
VALUE = r"\**`?([A-Z][A-Z0-9]{1,9})`?\**\b"
MODALITY = re.compile(
    r"\bModality(?: \(0008,0060\))?(?: value)?(?: is| of| =| fixed to| to)?\s+" + VALUE
    + r"|\bcarr(?:y|ies)(?: Modality)?(?: \(0008,0060\))? " + VALUE
)
NO_PIXELS = re.compile(r"\b(?:no|without) (?:Pixel Data|pixel data|pixels)\b")
MULTI = re.compile(r"\bmulti-frame\b")
SINGLE = re.compile(r"\bsingle-frame\b")


def sentences(text):
    text = re.sub(r"\s+", " ", text)
    return re.split(r"(?<=[.;!?])\s+(?=[A-Z(*])", text)


def mentions(sentence):
    found = []
    for match in MENTION.finditer(sentence):
        named = match.group(1) or STORAGE_BRANCH + match.group(2)
        sop = BY_NAME.get(named) or BY_UID.get(named)
        if sop is not None:
            found.append((match.start(), match.end(), sop))
    return found


def nearest(found, start, end):
    return min(found, key=lambda m: max(m[0] - end, start - m[1]))[2]


def prose_claims(text):
    """(kind, class, claimed value) for each claim about a class in a text."""
    out = []
    for sentence in sentences(text):
        found = mentions(sentence)
        if not found:
            continue
        for m in MODALITY.finditer(sentence):
            if any(start <= m.start() < end for start, end, _ in found):
                continue  # "Modality" inside a class name (Variable Modality LUT ...)
            value = m.group(1) or m.group(2)
            if value not in MODALITY_VALUES:
                continue  # "would carry FOR PROCESSING": not a Modality value at all
            out.append(("modality", nearest(found, m.start(), m.end()), value, sentence))
        for m in NO_PIXELS.finditer(sentence):
            out.append(("no pixel data", nearest(found, m.start(), m.end()), None, sentence))
        if len({sop.uid for _, _, sop in found}) == 1:
            sop = found[0][2]
            if MULTI.search(sentence) and not SINGLE.search(sentence):
                out.append(("multi-frame", sop, None, sentence))
    return out


def table_claims(markdown):
    """Claims of Markdown table rows: a class and its Modality column."""
    out = []
    header = None
    for line in markdown.splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        columns = [i for i, h in enumerate(header) if h.rstrip(".").lower() in ("mod", "modality")]
        if not columns:
            continue
        found = [sop for cell in cells for _, _, sop in mentions(cell)]
        if len({sop.uid for sop in found}) == 1:
            out.append(("modality", found[0], cells[columns[0]].strip("*`"), line))
    return out


def wrong(claim):
    kind, sop, value, _ = claim
    if kind == "modality":
        return value not in {sop.modality, *sop.other_modalities}
    if kind == "no pixel data":
        return sop.pixel_data != "no"
    return sop.frames not in ("yes", "conditional")


def lesson_claims() -> list[tuple[str, tuple]]:
    found = []
    for lesson in load_lessons(lessons_dir()).lessons:
        for page in lesson.pages:
            lines = page.markdown.splitlines()
            prose = "\n".join(line for line in lines if not line.lstrip().startswith("|"))
            where = f"{lesson.path.name} ({page.title})"
            found += [(where, claim) for claim in prose_claims(prose)]
            found += [(where, claim) for claim in table_claims(page.markdown)]
    return found


def bank_claims() -> list[tuple[str, tuple]]:
    found = []
    for bank in load_banks([question_bank_dir()]).banks:
        for question in bank.questions:
            texts = [question.prompt, question.explanation]
            texts += [choice.text for choice in getattr(question, "choices", ())]
            found += [(question.full_id, claim) for text in texts for claim in prose_claims(text)]
    return found


def generated_claims() -> list[tuple[str, tuple]]:
    found = []
    for family in families():
        for question in sample(family.generators, random.Random(1), 400):
            for text in (question.prompt, question.explanation):
                found += [(question.full_id, claim) for claim in prose_claims(text)]
    return found


def described(found: list[tuple[str, tuple]]) -> list[str]:
    return [
        f"{where}: {kind} {value or ''} for {sop.name} ({sop.uid}): {sentence[:120]}"
        for where, (kind, sop, value, sentence) in found
        if wrong((kind, sop, value, sentence))
    ]


@pytest.mark.parametrize(
    ("source", "collect", "at_least"),
    [
        ("lessons", lesson_claims, 15),
        ("banks", bank_claims, 10),
        ("generators", generated_claims, 200),
    ],
)
def test_every_claim_about_a_class_agrees_with_the_overlay(source, collect, at_least):
    found = collect()
    assert len(found) >= at_least, f"the {source} claim finder finds too little to check"
    assert described(found) == []


def test_the_finder_catches_a_wrong_claim():
    text = "CT Image Storage (1.2.840.10008.5.1.4.1.1.2) carries Modality MR."
    assert described([("x", claim) for claim in prose_claims(text)])
    table = "| SOP class | Mod. |\n|---|---|\n| Key Object Selection Document Storage | SR |"
    assert described([("x", claim) for claim in table_claims(table)])
    assert described([("x", c) for c in prose_claims("CT Image Storage has no pixel data.")])
    assert not described([("x", c) for c in prose_claims("KO objects: Key Object Selection "
                                                          "Document Storage has no pixel data.")])
