"""`pacs-trainer exam form BLUEPRINT --seed N --out FILE`: a seeded exam form on paper.

The form is the one the app and `quiz --plain --exam` draw for the same seed, with the same
choice order; the answer key is written beside it (FILE-key.html), in the labels printed on
the form. --pdf writes PDF instead of HTML.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from trainer.commands import DEFAULT_SEED, context, error
from trainer.commands.selection import exam_blueprints, unknown_blueprint


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "exam",
        parents=[common],
        help="print an exam form and its answer key (HTML or PDF)",
        description="Exam forms for paper: the form a blueprint draws for a seed.",
    )
    actions = parser.add_subparsers(dest="exam_action", metavar="ACTION", required=True)
    form = actions.add_parser(
        "form",
        parents=[common],
        help="write a seeded form and, separately, its answer key",
        description=(
            "Write the exam form that BLUEPRINT draws for --seed (the same questions in the same "
            "order, with the same choice order, as the app shows for that seed) and its answer "
            "key in a second file beside it, FILE-key.html (or .pdf)."
        ),
        epilog=f"Without --seed the seed is {DEFAULT_SEED}. Blueprints: question_bank/exams.",
    )
    form.add_argument("blueprint", metavar="BLUEPRINT",
                      help="an exam blueprint id, e.g. quick-check")
    form.add_argument("--out", required=True, type=Path, metavar="FILE",
                      help="the form to write, e.g. form-7.html (the key goes to form-7-key.html)")
    form.add_argument("--pdf", action="store_true", help="write PDF files instead of HTML")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.core.exam import ShortDraw, draw
    from trainer.core.interchange.printed_form import (
        form_blocks,
        html_document,
        key_blocks,
        pdf_document,
    )

    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        error(f"no such folder: {out.parent}")
        return 1
    setup = context(args)
    blueprints = exam_blueprints(setup)
    blueprint = blueprints.get(args.blueprint)
    if blueprint is None:
        return unknown_blueprint(args.blueprint, blueprints)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        _, items = draw(blueprint, setup.question_pool(seed), seed)
    except ShortDraw as exc:
        error(f"cannot draw the exam {blueprint.id!r} from the questions at hand: {exc}")
        return 1
    suffix = ".pdf" if args.pdf else ".html"
    form_path = out if out.suffix else out.with_suffix(suffix)
    key_path = form_path.with_name(f"{form_path.stem}-key{suffix}")
    documents = [(form_path, form_blocks(blueprint, seed, items)),
                 (key_path, key_blocks(blueprint, seed, items))]
    try:
        for path, blocks in documents:
            if args.pdf:
                path.write_bytes(pdf_document(blocks))
            else:
                path.write_text(html_document(blocks), encoding="utf-8")
    except OSError as exc:
        error(f"cannot write {exc.filename}: {exc.strerror or exc}")
        return 1
    print(f"wrote {form_path} ({len(items)} questions, {blueprint.id}, seed {seed}) "
          f"and its answer key {key_path}")
    return 0
