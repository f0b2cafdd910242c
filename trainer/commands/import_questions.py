"""`pacs-trainer import FILE --out BANK.yaml`: a Moodle XML or GIFT file as a question bank.

Every question that maps becomes a bank question; each one that does not is listed as
file:line: why, and the rest still import. The bank written passes `bank validate`.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.commands import error

if TYPE_CHECKING:
    from trainer.core.questions import Question

FORMATS = ("moodle", "gift")


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import",
        parents=[common],
        help="turn a Moodle XML or GIFT file into a question bank (YAML)",
        description=(
            "Read questions from Moodle XML or GIFT and write them as a pacs-trainer bank. "
            "Questions that have no equivalent (essays, cloze, partial-credit choices ...) are "
            "listed as file:line: why; the others are imported. Exit status 1 if any was left "
            "out, 0 if all came in."
        ),
        epilog="Check the result with: pacs-trainer bank validate BANK.yaml",
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="a .xml (Moodle) or .gift file")
    parser.add_argument("--out", required=True, metavar="BANK.yaml", type=Path,
                        help="the bank file to write (never overwritten)")
    parser.add_argument("--format", choices=FORMATS,
                        help="moodle or gift (default: from the file name, .xml or .gift/.txt)")
    parser.add_argument("--topic", metavar="T",
                        help="topic for questions whose tags and category name none")
    parser.add_argument("--id", metavar="BANK_ID", help="the bank id (default: from --out)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.core.topics import TOPICS
    from trainer.core.yaml_source import did_you_mean

    fmt = args.format or ("moodle" if args.file.suffix.lower() == ".xml" else "gift")
    if args.topic is not None and args.topic not in TOPICS:
        error(f"unknown topic {args.topic!r}{did_you_mean(args.topic, list(TOPICS))}; "
              f"topics: {', '.join(TOPICS)}")
        return 2
    out = Path(args.out).expanduser()
    if out.exists():
        error(f"{out} exists; choose another --out (import never overwrites a bank)")
        return 1
    if not out.parent.is_dir():
        error(f"no such folder: {out.parent}")
        return 1
    bank_id = args.id or re.sub(r"[^a-z0-9]+", "-", out.stem.casefold()).strip("-") or "imported"
    if fmt == "moodle":
        from trainer.core.interchange.moodle_import import read_moodle as read
    else:
        from trainer.core.interchange.gift_import import read_gift as read
    imported = read(args.file, args.topic)
    for problem in imported.problems:
        print(f"{problem} (not imported)", file=sys.stderr)
    for note in imported.notes:
        print(f"pacs-trainer: note: {note}", file=sys.stderr)
    if not imported.questions:
        error(f"no question in {args.file} could be imported; nothing written")
        return 1
    try:
        _write(out, bank_id, args.file, imported.questions)
    except OSError as exc:
        error(f"cannot write {out}: {exc.strerror or exc}")
        return 1
    left_out = len(imported.problems)
    print(f"wrote {out}: bank {bank_id!r} with {len(imported.questions)} questions"
          + (f"; {left_out} left out (listed above)" if left_out else ""))
    return 1 if left_out else 0


def _write(out: Path, bank_id: str, source: Path, questions: list[Question]) -> None:
    from trainer.commands.questions import bank_entry, bank_yaml, unique_id
    from trainer.core.banks import schema_path

    used: set[str] = set()
    entries = []
    for question in questions:
        entry = bank_entry(question)
        entry["id"] = unique_id(question.id, used)
        entries.append(entry)
    bank = {
        "id": bank_id,
        "title": f"Imported from {source.name}",
        "version": 1,
        "author": "imported",
        "license": "as in the source file",
        "description": f"{len(entries)} questions imported from {source.name}.",
        "questions": entries,
    }
    header = (
        f"# yaml-language-server: $schema={schema_path().as_uri()}\n"
        f"# Written by: pacs-trainer import {source.name}\n"
        f"# Fill in the author and license, then check it with: pacs-trainer bank validate "
        f"{out.name}\n"
    )
    with out.open("x", encoding="utf-8") as handle:
        handle.write(header + bank_yaml(bank))
