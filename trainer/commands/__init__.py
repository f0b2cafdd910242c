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
        data_dir=args.data_dir, seed=args.seed, bank_dirs=args.bank_dir or (), clock=clock,
        store=_store_option(args), learner=getattr(args, "learner", None),
    )


def _store_option(args: argparse.Namespace) -> str | None:
    """The global --store URL (`items report` has a --store DIR of its own, a list)."""
    store = getattr(args, "store", None)
    return store if isinstance(store, str) else None


PASSPHRASE_ENV = "PACS_TRAINER_PASSPHRASE"


def sign_in(setup: Context) -> bool:
    """Sign in to a classroom store as --learner (passphrase from $PACS_TRAINER_PASSPHRASE,
    else asked for on a terminal); False after printing why not."""
    import os

    from trainer.core.context import LEARNER_ENV
    from trainer.core.store import DEFAULT_LEARNER, StoreError

    if setup.signed_in is not None or not setup.sign_in_required:
        return True
    if setup.learner == DEFAULT_LEARNER:
        error(f"a classroom store needs --learner NAME (or {LEARNER_ENV}) to sign in")
        return False
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        if not sys.stdin.isatty():
            error(f"no passphrase for {setup.learner}: set {PASSPHRASE_ENV} or run in a terminal")
            return False
        import getpass

        passphrase = getpass.getpass(f"Passphrase for {setup.learner}: ")
    try:
        setup.sign_in(setup.learner, passphrase)
    except StoreError as exc:
        error(f"cannot sign in: {exc}")
        return False
    return True


def open_store(setup: Context) -> Store | None:
    """The learner's store (signed in first for a classroom), or None after printing why it
    cannot be opened."""
    from trainer.core.store import StoreError

    if not sign_in(setup):
        return None
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
