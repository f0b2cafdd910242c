"""`pacs-trainer cohort ...`: a classroom's cohorts, join codes, instructors and the report.

`create`, `list` and `instructor` are for whoever runs the server (they hold the database's
password already); `report` reads every learner's record, so it signs in as an instructor.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING

from trainer.commands import error, format_table

if TYPE_CHECKING:
    from trainer.core.cohort import CohortReport
    from trainer.core.context import Context


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "cohort",
        parents=[common],
        help="classroom: cohorts and join codes, instructors, the cohort report",
        description=(
            "Run a classroom on a shared store (--store postgresql://...): make a cohort and "
            "hand its join code to the learners, make an instructor, and read the cohort "
            "report (per learner, per topic, per question)."
        ),
    )
    actions = parser.add_subparsers(dest="cohort_action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create", parents=[common], help="make a cohort and print its join code",
        description="Make a cohort (or give an existing one a new join code) and print the "
        "code: a new learner types it at the first sign-in to join.",
    )
    create.add_argument("name", metavar="NAME")
    actions.add_parser("list", parents=[common], help="every cohort, its join code and size")
    instructor = actions.add_parser(
        "instructor", parents=[common], help="make NAME an instructor (asks for a passphrase)",
        description="Make NAME an instructor, with a passphrase asked for twice (or read from "
        "$PACS_TRAINER_PASSPHRASE). An instructor signs in like a learner and can read the "
        "cohort report, in the app and with `cohort report`.",
    )
    instructor.add_argument("name", metavar="NAME")
    instructor.add_argument("--cohort", metavar="C", help="the cohort they teach")
    report = actions.add_parser(
        "report", parents=[common], help="the cohort report (sign in as an instructor)",
        description="Per learner: lessons done, mastery by topic, readiness, exam attempts "
        "and scores; per topic: the cohort's weakest areas; per question: difficulty, "
        "discrimination and the answers chosen. --csv gives one row per learner for an LMS "
        "gradebook. Sign in with --learner NAME as an instructor.",
    )
    report.add_argument("--cohort", metavar="C", help="only this cohort's learners")
    report.add_argument(
        "--exam", metavar="ID", default="quick-check",
        help="the exam readiness is estimated for (default quick-check)",
    )
    output = report.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="the whole report as JSON")
    output.add_argument("--csv", action="store_true", help="gradebook rows as CSV")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.commands import context
    from trainer.core.store import StoreError

    setup = context(args)
    try:
        if args.cohort_action == "report":
            return _report(setup, args)
        accounts = setup.accounts()
        try:
            if args.cohort_action == "create":
                code = accounts.create_cohort(args.name)
                print(f"Cohort {args.name}: join code {code}")
            elif args.cohort_action == "list":
                rows = [(name, code or "-", str(size)) for name, code, size in accounts.cohorts()]
                print(format_table(("Cohort", "Join code", "Learners"), rows) if rows
                      else "No cohorts yet: pacs-trainer cohort create NAME makes one.")
            else:
                learner = accounts.set_instructor(args.name, _new_passphrase(args.name),
                                                  args.cohort)
                print(f"{learner.name} is an instructor" +
                      (f" of {learner.cohort}." if learner.cohort else "."))
        finally:
            accounts.close()
    except (StoreError, _NoPassphrase) as exc:
        error(str(exc))
        return 1
    return 0


class _NoPassphrase(Exception):
    pass


def _new_passphrase(name: str) -> str:
    import getpass
    import os

    from trainer.commands import PASSPHRASE_ENV

    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise _NoPassphrase(f"no passphrase for {name}: set {PASSPHRASE_ENV} or run in a terminal")
    first = getpass.getpass(f"New passphrase for {name}: ")
    if getpass.getpass("The same again: ") != first:
        raise _NoPassphrase("the two passphrases differ; nothing was changed")
    return first


def _report(setup: Context, args: argparse.Namespace) -> int:
    from trainer.commands import sign_in
    from trainer.core.cohort import build_report, gradebook_rows, report_data
    from trainer.core.item_sources import question_lookup
    from trainer.core.store import open_database
    from trainer.core.store.cohort import CohortRecords

    setup.sign_in_required = True  # the report is an instructor's, even on a local file
    if not sign_in(setup):
        return 1
    assert setup.signed_in is not None
    blueprint = setup.blueprints.get(args.exam)
    if blueprint is None:
        error(f"there is no exam {args.exam!r}; pick one of: "
              f"{', '.join(b.id for b in setup.blueprints.blueprints)}")
        return 1
    try:
        records = CohortRecords(open_database(setup.store_target), setup.signed_in, setup.clock)
    except PermissionError as exc:
        error(str(exc))
        return 1
    try:
        report = build_report(
            records, setup.clock.now(), [lesson.id for lesson in setup.lessons.lessons],
            blueprint=blueprint, lookup=question_lookup(setup.banks.questions),
            cohort=args.cohort,
        )
    finally:
        records.close()
    if args.json:
        print(json.dumps(report_data(report), indent=2, ensure_ascii=False))
    elif args.csv:
        rows = gradebook_rows(report)
        writer = csv.DictWriter(sys.stdout, [*rows[0]] if rows else [], lineterminator="\n")
        if rows:
            writer.writeheader()
            writer.writerows(rows)
    else:
        print(report_text(report))
    return 0


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def report_text(report: CohortReport) -> str:
    """The report as plain-text tables."""
    from trainer.core.cohort import picked

    exam = report.blueprint.title if report.blueprint else "-"
    learners = format_table(
        ("Learner", "Cohort", "Lessons", "Exams", "Best", "Last", "Passed", f"Ready ({exam})"),
        [
            (f.name, f.cohort or "-", f"{f.lessons_done}/{f.lessons_total}",
             f"{len(f.graded)}/{len(f.attempts)}", _percent(f.best_score),
             _percent(f.last_score), "yes" if f.passed else "no",
             _percent(f.readiness.expected if f.readiness else None))
            for f in report.learners
        ],
    )
    topics = format_table(
        ("Topic", "Learners", "Mastery", "Weak"),
        [(t.title, str(t.learners), _percent(100 * t.mean_mastery), str(t.weak))
         for t in report.topics],
    )
    items = format_table(
        ("Question", "Answers", "Difficulty", "Discrimination", "Picked", "Flags"),
        [(i.question_id, str(i.answers), f"{i.difficulty:.2f}",
          "-" if i.discrimination is None else f"{i.discrimination:+.2f}",
          picked(i), ", ".join(i.flags))
         for i in report.items.items],
    )
    title = f"Cohort {report.cohort}" if report.cohort else "All learners"
    return (
        f"{title}: {len(report.learners)} learner(s), "
        f"{report.generated_at:%Y-%m-%d %H:%M} UTC\n\n{learners}\n\n"
        f"Weakest topics first\n{topics}\n\nItem statistics, flagged then hardest first\n{items}"
    )
