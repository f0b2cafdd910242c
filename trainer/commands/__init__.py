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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.core.clock import Clock
    from trainer.core.context import Context
    from trainer.core.store import Store


def error(message: str) -> None:
    """Print one clear error line to stderr, in the same shape argparse uses."""
    print(f"pacs-trainer: error: {message}", file=sys.stderr)


def context(args: argparse.Namespace, clock: Clock | None = None) -> Context:
    """The set-up every command shares, from the global options."""
    from trainer.core.context import Context

    return Context.from_options(
        data_dir=args.data_dir, seed=args.seed, bank_dirs=args.bank_dir or (), clock=clock
    )


def open_store(setup: Context) -> Store | None:
    """The learner's store, or None after printing why it cannot be opened."""
    from trainer.core.store import StoreError

    try:
        return setup.open_store()
    except StoreError as exc:
        error(str(exc))
        return None


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
