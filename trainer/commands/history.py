"""`pacs-trainer history`: the learner's exam attempts, as a table, JSON or a CSV export."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING, Any

from trainer.commands import format_table

if TYPE_CHECKING:
    from trainer.core.store import ExamAttempt

EXPORT_FIELDS = (
    "id", "blueprint", "title", "status", "started_at", "submitted_at", "deadline",
    "time_used_seconds", "time_limit_minutes", "score_percent", "pass_mark", "passed", "seed",
)


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "history",
        parents=[common],
        help="your exam attempts: date, exam, score, pass or fail",
        description="List your exam attempts, oldest first, or export them for your records.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    actions = parser.add_subparsers(dest="history_action", metavar="ACTION")
    export = actions.add_parser(
        "export",
        parents=[common],
        help="every field of every attempt as CSV or JSON on stdout",
        description=(
            "Export every exam attempt with its times, score, pass mark and result, for a "
            "learner's records or an instructor's spreadsheet. Times are ISO 8601, in UTC."
        ),
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="default csv")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.commands import context, open_store

    setup = context(args)
    attempts: list[ExamAttempt] = []
    if setup.has_store():  # no progress yet: do not create a file just to list it
        store = open_store(setup)
        if store is None:
            return 1
        attempts = store.attempts()
        store.close()
    records = [record(attempt) for attempt in attempts]
    if args.history_action == "export":
        if args.format == "json":
            print(json.dumps(records, indent=2, ensure_ascii=False))
        else:
            writer = csv.DictWriter(sys.stdout, EXPORT_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
        return 0
    if args.json:
        brief = ("started_at", "blueprint", "title", "score_percent", "passed", "status")
        print(json.dumps([{k: r[k] for k in brief} for r in records], indent=2, ensure_ascii=False))
        return 0
    if not records:
        print("No exams taken yet. Try one: pacs-trainer quiz --plain --exam quick-check")
        return 0
    rows = [_row(attempt, r) for attempt, r in zip(attempts, records)]
    print(format_table(["DATE", "EXAM", "SCORE", "RESULT"], rows))
    return 0


def record(attempt: ExamAttempt) -> dict[str, Any]:
    """One attempt as plain data: what the export writes."""
    form = attempt.form if isinstance(attempt.form, dict) else {}
    blueprint = form.get("blueprint")
    blueprint = blueprint if isinstance(blueprint, dict) else {}
    ended = attempt.submitted_at
    return {
        "id": attempt.id,
        "blueprint": attempt.blueprint,
        "title": attempt.title,
        "status": attempt.status,
        "started_at": attempt.started_at.isoformat(),
        "submitted_at": ended.isoformat() if ended else None,
        "deadline": attempt.deadline.isoformat(),
        "time_used_seconds": round((ended - attempt.started_at).total_seconds()) if ended else None,
        "time_limit_minutes": blueprint.get("time_limit_minutes"),
        "score_percent": None if attempt.score is None else round(attempt.score, 1),
        "pass_mark": blueprint.get("pass_mark"),
        "passed": attempt.passed,
        "seed": attempt.seed,
    }


def _row(attempt: ExamAttempt, data: dict[str, Any]) -> list[str]:
    from trainer.core.sanitize import strip_controls

    date = attempt.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    score = "-" if attempt.score is None else f"{attempt.score:.1f}%"
    if attempt.status != "submitted":
        result = attempt.status
    else:
        result = "passed" if attempt.passed else "failed"
    return [date, strip_controls(str(data["title"]), 40), score, result]
