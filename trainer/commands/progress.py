"""`pacs-trainer progress export|import FILE`: carry a learner's whole record to another machine."""

from __future__ import annotations

import argparse
from pathlib import Path

from trainer.commands import error

KINDS = ("answers", "reviews", "cards", "exams", "lessons", "settings")


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "progress",
        parents=[common],
        help="export or import your whole record (answers, exams, lessons, review cards)",
        description=(
            "Move your progress between machines: export writes one JSON file, import merges "
            "one in. Importing the same file twice adds nothing; a damaged or foreign file is "
            "refused and nothing is changed."
        ),
    )
    actions = parser.add_subparsers(dest="progress_action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", parents=[common], help="write your whole record to FILE (JSON)",
        description="Write your whole record to FILE (replaced if it exists).",
    )
    export.add_argument("file", metavar="FILE", type=Path)
    imported = actions.add_parser(
        "import", parents=[common], help="merge a record made by `progress export`",
        description=(
            "Merge a record made by `pacs-trainer progress export` into your progress. What "
            "you already have is kept: your settings win, and nothing is added twice. The file "
            "is checked whole first: anything the app could not read back is refused with "
            "where it is wrong, and nothing changes."
        ),
    )
    imported.add_argument("file", metavar="FILE", type=Path)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.commands import context, open_store
    from trainer.core.record_file import (
        RecordError,
        export_record,
        merge_record,
        read_record,
    )
    from trainer.core.store import StoreError

    setup = context(args)
    clock = setup.clock
    if args.progress_action == "import":
        try:
            record = read_record(args.file)  # a bad file is refused before the store is opened
        except RecordError as exc:
            error(str(exc))
            return 1
    store = open_store(setup)
    if store is None:
        return 1
    try:
        if args.progress_action == "export":
            counts = export_record(store, args.file, clock.now())
            print(f"Exported to {args.file}: {_counts(counts)}.")
        else:
            counts = merge_record(store, record)
            added = _counts(counts)
            print(f"Imported {args.file}: {added} new." if any(counts.values())
                  else f"Nothing new in {args.file}: everything in it is here already.")
    except OSError as exc:
        error(f"cannot write {args.file}: {exc.strerror or exc}")
        return 1
    except StoreError as exc:
        error(str(exc))
        return 1
    finally:
        store.close()
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[kind]} {kind}" for kind in KINDS if kind in counts)
