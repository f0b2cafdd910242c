"""Command-line subcommands. None imports Textual, so they start fast.

Each module offers ``add_parser(subparsers, common)`` which registers its subcommand (with
``common`` as a parent parser, so --data-dir/--seed/--bank-dir work after the subcommand too)
and sets ``func=run``; ``run(args) -> int`` returns the exit status. Keep module import cheap:
import heavy libraries inside ``run``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def error(message: str) -> None:
    """Print one clear error line to stderr, in the same shape argparse uses."""
    print(f"pacs-trainer: error: {message}", file=sys.stderr)


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


def format_table(columns: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> str:
    """Plain-text columns, two spaces apart, with a rule under the header."""
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(len(columns))]
    rule = ["-" * width for width in widths]
    return "\n".join(
        (indent + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths))).rstrip()
        for row in [columns, rule, *rows]
    )
