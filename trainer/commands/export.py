"""`pacs-trainer export --format anki|moodle|gift|qti --out FILE`: questions for other tools.

The selection is the one `questions export` and `quiz --plain` take: --source (banks, or the
registry or study-list generators with --count and --seed), --bank, and one of --topic,
--lesson, --mistakes or --exam NAME (the form that blueprint draws for --seed, as the app
would show it).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.commands import DEFAULT_SEED, SEED_NOTE, context, error, open_store, positive_int
from trainer.commands.selection import (
    exam_blueprints,
    practice_plan,
    selection_group,
    unknown_blueprint,
)

if TYPE_CHECKING:
    from trainer.core.banks import Catalog
    from trainer.core.context import Context
    from trainer.core.questions import Question

FORMATS = {
    "anki": ".apkg",
    "moodle": ".xml",
    "gift": ".gift",
    "qti": ".zip",
}
SOURCES = ("banks", "registry", "studies")


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="write questions for Anki, Moodle (XML or GIFT) or a QTI 2.1 LMS",
        description=(
            "Write a selection of questions as an Anki deck (.apkg), Moodle XML, GIFT, or an "
            "IMS QTI 2.1 content package (.zip, for Canvas, Blackboard and other LMSs). "
            "Re-exporting updates the notes already in Anki instead of adding copies."
        ),
        epilog=SEED_NOTE,
    )
    parser.add_argument("--format", choices=tuple(FORMATS), required=True,
                        help="anki (.apkg), moodle (Moodle XML), gift, qti (IMS QTI 2.1 zip)")
    parser.add_argument("--out", required=True, metavar="FILE", type=Path,
                        help="the file to write (replaced if it exists)")
    parser.add_argument("--source", choices=SOURCES, default="banks",
                        help="banks (default), or generated: registry or studies")
    parser.add_argument("--bank", action="append", metavar="ID", default=[],
                        help="only questions of bank ID (repeatable)")
    selection_group(parser, verb="export")
    parser.add_argument("--count", type=positive_int, metavar="N",
                        help="at most N questions (default: every bank question, 10 generated)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        error(f"no such folder: {out.parent}")
        return 1
    seed = DEFAULT_SEED if args.seed is None else args.seed
    setup = context(args)
    catalog = setup.banks
    for bank_error in catalog.errors:
        print(f"pacs-trainer: warning: bank skipped: {bank_error}", file=sys.stderr)
    unknown = [bank for bank in args.bank if bank not in {b.id for b in catalog.banks}]
    if unknown:
        known = ", ".join(b.id for b in catalog.banks)
        error(f"no bank {unknown[0]!r}; the banks are: {known}")
        return 2
    selected = select(args, seed, setup)
    if isinstance(selected, int):
        return selected
    questions, name = selected
    if not questions:
        error("no questions match that selection")
        return 1
    try:
        written = write(args.format, questions, out, name, catalog)
    except OSError as exc:
        error(f"cannot write {out}: {exc.strerror or exc}")
        return 1
    print(f"wrote {out}: {len(questions)} questions as {args.format}{written}")
    if out.suffix.lower() != FORMATS[args.format]:
        print(f"pacs-trainer: note: {args.format} files usually end in {FORMATS[args.format]}",
              file=sys.stderr)
    return 0


def select(args: argparse.Namespace, seed: int, setup: Context
           ) -> tuple[list[Question], str] | int:
    """(the questions, a name for the set) or an exit status after saying what is wrong."""
    if args.exam is not None:
        return _exam_form(args, seed, setup)
    if args.source != "banks":
        from trainer.commands.questions import collect

        if args.count is None:
            args.count = 10
        return collect(args, seed), f"generated-{args.source}"
    from trainer.core.practice import select_questions

    plan = practice_plan(args, setup)
    if isinstance(plan, int):
        return plan
    mistakes: list[str] = []
    if plan.mistakes:
        found = _mistakes(setup)
        if found is None:
            return 1
        mistakes = found
        if not mistakes:
            error("no mistakes to export: no question has a wrong latest answer in your progress")
            return 1
    pool = setup.banks.questions
    chosen = select_questions(
        pool, rng=random.Random(seed), count=args.count or len(pool) + len(mistakes),
        topics=plan.topics, lesson=plan.lesson, banks=args.bank, mistakes=mistakes,
    )
    order = {question.full_id: index for index, question in enumerate(pool)}
    chosen.sort(key=lambda q: order.get(q.full_id, len(order)))
    name = args.bank[0] if len(args.bank) == 1 else "pacs-trainer"
    return chosen, name


def _mistakes(setup: Context) -> list[str] | None:
    """The learner's mistakes ([] with no progress yet), or None if the store is unreadable."""
    if not setup.has_store():
        return []
    store = open_store(setup)
    if store is None:
        return None
    try:
        return store.mistakes()
    finally:
        store.close()


def _exam_form(args: argparse.Namespace, seed: int, setup: Context
               ) -> tuple[list[Question], str] | int:
    from trainer.core.exam import ShortDraw, draw

    blueprints = exam_blueprints(setup)
    blueprint = blueprints.get(args.exam)
    if blueprint is None:
        return unknown_blueprint(args.exam, blueprints)
    try:
        _, items = draw(blueprint, setup.question_pool(seed), seed)
    except ShortDraw as exc:
        error(f"cannot draw the exam {blueprint.id!r} from the questions at hand: {exc}")
        return 1
    return [item.question for item in items], f"{blueprint.id}-seed-{seed}"


def write(fmt: str, questions: list[Question], out: Path, name: str, catalog: Catalog) -> str:
    """Write the file; returns a note on what it holds."""
    if fmt == "anki":
        from trainer.core.generators import registry_questions, study_questions
        from trainer.core.interchange.anki_export import write_apkg

        titles = {bank.id: bank.title for bank in catalog.banks}
        titles.update({registry_questions.BANK: "Generated: SOP class registry",
                       study_questions.BANK: "Generated: study lists"})
        decks = write_apkg(questions, out, titles)
        return f" ({decks} deck{'s' if decks > 1 else ''})"
    if fmt == "qti":
        from trainer.core.interchange.qti_export import write_qti

        write_qti(questions, out, name)
        return " (QTI 2.1 content package)"
    if fmt == "moodle":
        from trainer.core.interchange.moodle_export import moodle_xml

        text = moodle_xml(questions, name)
    else:
        from trainer.core.interchange.gift_export import gift

        text = gift(questions, name)
    out.write_text(text, encoding="utf-8")
    return f" (categories under $course$/top/{name})"
