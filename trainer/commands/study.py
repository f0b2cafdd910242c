"""`pacs-trainer study list`: a synthetic study list as a worklist table or JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from trainer.core.studies import CountPolicy

DEFAULT_SEED = 1
SEED_NOTE = (
    f"--seed N picks what is generated; without it the seed is {DEFAULT_SEED}, so two runs "
    "print the same thing, byte for byte, on any machine."
)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "study",
        parents=[common],
        help="synthetic study lists for practice",
        description="Synthetic patients and studies with a realistic make-up, for practice.",
    )
    actions = parser.add_subparsers(dest="study_action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        parents=[common],
        help="print a synthetic study list",
        description=(
            "Print a study list as a PACS worklist shows it: Patient Name, Patient ID, date "
            "of birth, Accession Number, Study Description, Modalities in Study, Study Date "
            "and an image count (Imgs) under the chosen policy."
        ),
        epilog=SEED_NOTE,
    )
    listing.add_argument(
        "--count", type=positive_int, default=10, metavar="K", help="how many studies (default 10)"
    )
    listing.add_argument(
        "--policy",
        choices=[policy.value for policy in CountPolicy],
        default=CountPolicy.PIXEL_DATA.value,
        help=(
            "what Imgs counts: pixel = instances with pixel data (typical of a legacy PACS, "
            "the default), all = all instances (typical of a VNA), frames = frames"
        ),
    )
    listing.add_argument(
        "--json",
        action="store_true",
        help="print JSON: every study with its series, instances and count under each policy",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.core.studies import WORKLIST_COLUMNS, generate_studies, worklist_rows

    seed = DEFAULT_SEED if args.seed is None else args.seed
    studies = generate_studies(seed, args.count)
    if args.json:
        print(json.dumps([study.to_dict() for study in studies], indent=2))
        return 0
    policy = CountPolicy(args.policy)
    print(f"Study list, seed {seed}. Imgs: {policy.title} ({policy.typical_of}).")
    print()
    print(format_table(WORKLIST_COLUMNS, worklist_rows(studies, policy)))
    return 0


def format_table(columns: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> str:
    """Plain-text columns, two spaces apart, with a rule under the header."""
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(len(columns))]
    rule = ["-" * width for width in widths]
    return "\n".join(
        (indent + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths))).rstrip()
        for row in [columns, rule, *rows]
    )
