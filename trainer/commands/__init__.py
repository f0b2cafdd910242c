"""Command-line subcommands. None imports Textual, so they start fast.

Each module offers ``add_parser(subparsers, common)`` which registers its subcommand (with
``common`` as a parent parser, so --data-dir/--seed/--bank-dir work after the subcommand too)
and sets ``func=run``; ``run(args) -> int`` returns the exit status. Keep module import cheap:
import heavy libraries inside ``run``.
"""

from __future__ import annotations

import sys


def error(message: str) -> None:
    """Print one clear error line to stderr, in the same shape argparse uses."""
    print(f"pacs-trainer: error: {message}", file=sys.stderr)
