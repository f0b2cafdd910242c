"""`pacs-trainer items report`: which questions work, from the answers learners gave.

Reads the learner's own progress store, or any number of other stores (--store DIR) and
`progress export` files (--file), merged as one group of learners.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.commands import context, error, format_table, positive_int

if TYPE_CHECKING:
    from trainer.core.item_analysis import ItemReport, ItemStats

EXPLAIN = """\
Difficulty is the share of answers that were right (low = hard). Discrimination is the
point-biserial correlation between being right on the question and the rest of the same
sitting's score (a practice run or an exam): above 0.2 is good, below 0 means strong
learners miss it more than weak ones. KR-20 is the exam's reliability (0.7 or more is good).
Flags need at least {min} answers."""


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "items",
        parents=[common],
        help="item analysis: difficulty, discrimination, distractors, exam reliability",
        description="Item statistics for instructors, from learners' answers.",
    )
    actions = parser.add_subparsers(dest="items_action", metavar="ACTION", required=True)
    report = actions.add_parser(
        "report",
        parents=[common],
        help="the weakest questions first, with their statistics",
        description=(
            "Per question: answers, difficulty, discrimination, how often each choice was "
            "picked, the commonest wrong answers and flags (nobody right, everybody right, a "
            "distractor picked more than the key, negative discrimination); per exam "
            "blueprint: KR-20. Without --store or --file it reads your own progress."
        ),
    )
    report.add_argument("--store", action="append", type=Path, default=[], metavar="DIR",
                        help="a learner's data dir (repeatable)")
    report.add_argument("--file", action="append", type=Path, default=[], metavar="FILE",
                        help="a file made by `pacs-trainer progress export` (repeatable)")
    report.add_argument("--top", type=positive_int, default=20, metavar="N",
                        help="list the N weakest questions (default 20)")
    report.add_argument("--json", action="store_true", help="every question, as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.core.item_analysis import analyse
    from trainer.core.item_sources import SourceError, question_lookup, read_sources

    setup = context(args)
    own = [setup.data_dir] if setup.has_store() else []  # no progress yet: an empty report
    stores = args.store or ([] if args.file else own)
    try:
        records = read_sources(stores, args.file)
    except SourceError as exc:
        error(str(exc))
        return 1
    report = analyse(records, question_lookup(setup.banks.questions))
    if args.json:
        print(json.dumps(asdict(report), indent=2, ensure_ascii=False))
    else:
        print(render(report, args.top))
    return 0


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render(report: ItemReport, top: int) -> str:
    from trainer.core.item_analysis import MIN_ANSWERS
    from trainer.core.sanitize import strip_controls

    if not report.items:
        return (f"No answers yet in {report.learners} learner record(s): nothing to analyse. "
                "Pass --store DIR or --file FILE for other learners' answers.")
    flagged = len(report.flagged)
    lines = [
        f"{report.answers} answers to {len(report.items)} questions from {report.learners} "
        f"learner record(s); {flagged} question{'s' if flagged != 1 else ''} flagged.",
        "",
        EXPLAIN.format(min=MIN_ANSWERS),
        "",
    ]
    shown = report.items[:top]
    rows = [
        (item.question_id, str(item.answers), _number(item.difficulty),
         _number(item.discrimination), ", ".join(item.flags) or "-")
        for item in shown
    ]
    lines.append(format_table(("question", "answers", "difficulty", "discrim.", "flags"), rows))
    for item in shown:
        detail = _detail(item)
        if detail:
            lines += ["", f"{item.question_id}: {strip_controls(item.prompt)[:70]}", *detail]
    if report.reliability:
        lines += ["", "Exam reliability:"]
        for exam in report.reliability:
            value = _number(exam.kr20) if exam.kr20 is not None else f"- ({exam.why_none})"
            lines.append(f"  {exam.blueprint}: KR-20 {value} over {exam.attempts} attempts of "
                         f"{exam.items} scored questions")
    return "\n".join(lines)


def _detail(item: ItemStats) -> list[str]:
    from trainer.core.sanitize import strip_controls

    lines = [
        f"  {'*' if choice.right else ' '} {choice.key}: {choice.rate:4.0%} "
        f"({choice.picked}) {strip_controls(choice.text)[:60]}"
        for choice in item.choices
    ]
    lines += [f"    wrong: {strip_controls(text)[:60]} ({count})"
              for text, count in item.wrong_answers]
    return lines
