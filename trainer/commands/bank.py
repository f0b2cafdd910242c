"""`pacs-trainer bank`: the instructor's tools for question banks (validate, list, new, schema)."""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.commands import error

if TYPE_CHECKING:
    from trainer.core.banks import BankResult, Catalog


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "bank",
        parents=[common],
        help="check, list and start question banks",
        description="Tools for instructors who write question banks (YAML files).",
    )
    actions = parser.add_subparsers(dest="bank_action", metavar="ACTION", required=True)

    validate = actions.add_parser(
        "validate",
        parents=[common],
        help="check bank files; exit 1 and list the errors if any",
        description=(
            "Check bank files, or every *.yaml/*.yml directly in the given folders, together "
            "(so a bank id used twice is caught). Errors read file:line:col: field: message."
        ),
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="a bank file or a folder")
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="json suits editors and CI"
    )
    actions.add_parser(
        "list",
        parents=[common],
        help="list the banks the app would load, with question counts and errors",
        description=(
            "List the banks from every source: the shipped question_bank/, each --bank-dir, "
            "and the banks/ folder of the data dir."
        ),
    )
    new = actions.add_parser(
        "new",
        parents=[common],
        help="write a commented starter bank, NAME.yaml",
        description="Write NAME.yaml: a starter bank with one example of every question type.",
    )
    new.add_argument("name", metavar="NAME", help="file to create; .yaml is added if missing")
    actions.add_parser(
        "schema",
        parents=[common],
        help="print the JSON Schema of the bank format",
        description="Print the JSON Schema that editors use to check and complete bank files.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    action = {"validate": _validate, "list": _list, "new": _new, "schema": _schema}
    return action[args.bank_action](args)


def _validate(args: argparse.Namespace) -> int:
    from trainer.core.bank_checks import lesson_link_errors, longest_key_warning
    from trainer.core.banks import load_banks
    from trainer.core.lessons import load_lessons
    from trainer.core.paths import lessons_dir
    from trainer.core.topics import topic_errors

    catalog = load_banks([Path(path) for path in args.paths])
    if not catalog.results:
        error(f"no bank files (*.yaml, *.yml) in {', '.join(args.paths)}")
        return 1
    lessons = load_lessons(lessons_dir())
    links = [e for result in catalog.results for e in lesson_link_errors(result, lessons)]
    warnings = [w for result in catalog.results if (w := longest_key_warning(result))]
    problems = [str(e) for e in topic_errors()] + [str(e) for e in (*catalog.errors, *links)]
    if args.format == "json":
        report = _report(catalog)
        report["errors"] += [e.as_dict() for e in links]
        report["errors"] += [{"file": str(e.path), "line": e.line, "col": e.col, "path": "",
                              "message": e.message} for e in topic_errors()]
        report["warnings"] = [w.as_dict() for w in warnings]
        report["ok"] = not problems
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for line in (*problems, *(str(w) for w in warnings)):
            print(line)
        print(_summary(catalog, len(links) + len(topic_errors()), len(warnings)))
    return 1 if problems else 0


def _report(catalog: Catalog) -> dict[str, Any]:
    return {
        "ok": not catalog.errors,
        "banks": [
            {"file": str(result.path), "id": bank.id, "questions": len(bank.questions)}
            for result in catalog.results
            if (bank := result.bank) is not None
        ],
        "errors": [bank_error.as_dict() for bank_error in catalog.errors],
    }


def _summary(catalog: Catalog, other_errors: int = 0, warnings: int = 0) -> str:
    good = len(catalog.banks)
    bad = sum(1 for result in catalog.results if result.bank is None)
    text = f"{_count(good, 'bank')}, {_count(len(catalog.questions), 'question')}"
    if bad:
        text += f"; {_count(bad, 'bad bank')} skipped ({_count(len(catalog.errors), 'error')})"
    elif other_errors:
        text += f": {_count(other_errors, 'error')}"
    else:
        text += ": no errors"
    return text + (f", {_count(warnings, 'warning')}" if warnings else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _list(args: argparse.Namespace) -> int:
    from trainer.commands import context

    setup = context(args)
    folders = setup.bank_dirs
    catalog = setup.banks
    for folder in folders:
        print(f"{folder}/")
        results = [r for r in catalog.results if r.path == folder or r.path.parent == folder]
        if not results:
            print("  (no banks)")
        for result in results:
            print(_list_line(result))
    print(_summary(catalog))
    return 0


def _list_line(result: BankResult) -> str:
    if result.bank is None:
        lines = [f"  {result.path.name}: not loaded"]
        lines += [f"    {bank_error}" for bank_error in result.errors]
        return "\n".join(lines)
    bank = result.bank
    count = _count(len(bank.questions), "question")
    return f"  {bank.id:<28} {count:>14}  {bank.title}  ({result.path.name})"


def _new(args: argparse.Namespace) -> int:
    from trainer.core.banks import schema_path
    from trainer.core.paths import data_dir

    path = Path(args.name).expanduser()
    if path.suffix not in (".yaml", ".yml"):
        path = path.with_name(path.name + ".yaml")
    bank_id = re.sub(r"[^a-z0-9]+", "-", path.stem.lower())[:64].strip("-")
    if not bank_id:
        error(f"cannot make a bank id from {args.name!r}: use letters, digits and hyphens")
        return 2
    if not path.parent.is_dir():
        error(f"no such folder: {path.parent}")
        return 1
    text = (
        STARTER.replace("@SCHEMA@", _schema_ref(path, schema_path()))
        .replace("@BANK_ID@", bank_id)
        .replace("@TITLE@", bank_id.replace("-", " ").capitalize())
        .replace("@FILE@", path.name)
    )
    try:
        with path.open("x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        error(f"{path} already exists; choose another name (nothing was overwritten)")
        return 1
    print(f"wrote {path}: a bank with id {bank_id!r} and one example of each question type")
    print(f"check it with: pacs-trainer bank validate {path}")
    user_banks = data_dir(args.data_dir) / "banks"
    print(f"the app loads it from --bank-dir {path.parent} or from {user_banks}")
    return 0


def _schema_ref(bank: Path, schema: Path) -> str:
    """How the new file names the schema: relative beside the shipped banks, else a file URI."""
    folder = bank.parent.resolve()
    if folder == schema.parent.parent:
        return Path(os.path.relpath(schema, folder)).as_posix()
    return schema.as_uri()


def _schema(args: argparse.Namespace) -> int:
    from trainer.core.banks import schema_text

    print(schema_text(), end="")
    return 0


STARTER = """\
# yaml-language-server: $schema=@SCHEMA@
#
# A pacs-trainer question bank: one example of every question type to copy from.
# Check it after every edit:   pacs-trainer bank validate @FILE@
# The instructor's guide (every field, every error message): question_bank/README.md
#
# The bank id namespaces your question ids: question "echo-service" below is
# "@BANK_ID@/echo-service" in the app, so two instructors' banks never collide.
# Ids use lowercase letters, digits and hyphens.
id: @BANK_ID@
title: @TITLE@
version: 1                    # a whole number, or text in quotes such as "1.2"
author: Your Name
license: CC-BY-4.0
description: >
  What this bank covers and who it is for.

# Every question has: id, type, prompt (Markdown), topics (tags from lessons/topics.yaml),
# difficulty (1-3), explanation (Markdown, shown after answering) and at least one reference
# to the standard. Optional: lesson (the "study this" link) and exhibit (a table or text shown
# with the prompt).
questions:
  # single_choice: 2-8 choices, lettered A, B, C... in the order written; answer is one letter.
  # Choices are shuffled for each learner; a pinned choice keeps its place.
  - id: verification-class
    type: single_choice
    prompt: Which SOP class does a C-ECHO request use?
    choices:
      - Verification SOP Class
      - CT Image Storage
      - Storage Commitment Push Model SOP Class
      - text: None of the above
        pinned: true
    answer: A
    topics: [dimse, service-classes]
    difficulty: 1
    explanation: |
      C-ECHO is the DIMSE-C service of the Verification SOP Class
      (1.2.840.10008.1.1). It checks that two DICOM applications can talk to each other.
    references: ["PS3.4 Annex A", "PS3.7"]
    lesson: {id: dicom-basics}      # add  section: <a "## " heading of that lesson>  to jump there

  # multiple_select: answer lists every right letter. All-or-nothing, unless an exam
  # blueprint turns on partial credit.
  - id: objects-without-pixels
    type: multiple_select
    prompt: Which of these Modality values belong to objects that carry no pixel data?
    choices: [PR, SR, CT, KO, MR]
    answer: [A, B, D]
    topics: [pr-sr-ko, modality-attribute]
    difficulty: 2
    explanation: |
      Presentation states (PR), structured reports (SR) and key object selections (KO) refer
      to images or describe them; the pixels stay in the CT and MR images.
    references: ["PS3.3 C.7.3.1"]
    # A table shown with the prompt. Quote a cell whose exact spelling matters ("0123").
    exhibit:
      kind: table
      title: Study list
      columns: [Patient Name, Patient ID, Modalities in Study, Study Description]
      rows:
        - [DOE^JANE, "123456", "CT, PR, SR", CT CHEST]
        - [ROE^RICHARD, "123457", "MR, KO", MR BRAIN]

  # true_false: answer is true or false (no quotes).
  - id: class-uid-is-constant
    type: true_false
    prompt: The scanner generated the SOP Class UID in this header when it acquired the image.
    answer: false
    topics: [uids]
    difficulty: 2
    explanation: |
      The SOP Class UID (0008,0016) is a constant published in the standard: CT Image Storage
      is always 1.2.840.10008.5.1.4.1.1.2. What is generated for each image is the SOP
      Instance UID (0008,0018).
    references: ["PS3.6 Annex A", "PS3.3 C.12.1"]
    # Text shown verbatim, such as a header excerpt.
    exhibit:
      kind: text
      title: Header excerpt
      text: |
        (0008,0016) SOP Class UID     UI  1.2.840.10008.5.1.4.1.1.2
        (0008,0018) SOP Instance UID  UI  1.2.826.0.1.3680043.8.498.1
        (0008,0060) Modality          CS  CT

  # matching: 2-8 pairs; the learner matches each left to a right (the rights are shuffled).
  # Every DICOM UID (1.2.840.10008...) must exist in the standard's registry.
  - id: storage-class-uids
    type: matching
    prompt: Match each Storage SOP class to its SOP Class UID.
    pairs:
      - {left: CT Image Storage, right: "1.2.840.10008.5.1.4.1.1.2"}
      - {left: MR Image Storage, right: "1.2.840.10008.5.1.4.1.1.4"}
      - {left: Key Object Selection Document Storage, right: "1.2.840.10008.5.1.4.1.1.88.59"}
    topics: [image-sop-classes, uids]
    difficulty: 2
    explanation: |
      Storage SOP Class UIDs are constants listed in PS3.6 Annex A; most image classes sit
      under 1.2.840.10008.5.1.4.1.1.x.
    references: ["PS3.4 Annex B", "PS3.6 Annex A"]

  # ordering: 3-8 items written in the right order; the learner sees them shuffled.
  - id: information-model-levels
    type: ordering
    prompt: Put the levels of the DICOM information model in order, from the top.
    items: [Patient, Study, Series, Instance]
    topics: [information-model]
    difficulty: 1
    explanation: A patient has studies, a study has series, a series has instances.
    references: ["PS3.3 Section 7"]

  # short_answer: accepted answers; case, spaces and punctuation are ignored ("c echo" counts),
  # but an answer that is a UID must match exactly.
  - id: echo-service
    type: short_answer
    prompt: Which DIMSE-C service checks that two DICOM applications can communicate?
    answers: [C-ECHO]
    topics: [dimse]
    difficulty: 1
    explanation: C-ECHO, the service of the Verification SOP Class.
    references: ["PS3.7"]

  # numeric: a number; tolerance (default 0) accepts answer +/- tolerance; unit is shown.
  - id: dx-instance-count
    type: numeric
    prompt: |
      A DX chest study holds a PA image, a lateral image and an X-Ray Radiation Dose SR.
      What does Number of Study Related Instances (0020,1208) count?
    answer: 3
    tolerance: 0
    unit: instances
    topics: [image-counts]
    difficulty: 2
    explanation: |
      It counts every stored SOP instance, the dose report included. A PACS that counts only
      objects with pixel data would show 2 images for the same study.
    references: ["PS3.4 Annex C"]
"""
