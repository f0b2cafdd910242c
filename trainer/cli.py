"""Command-line entry point: the TUI with no subcommand, plain commands otherwise.

Only the TUI path imports Textual; every subcommand stays Textual-free.
"""

from __future__ import annotations

import argparse
import sys

from trainer import __version__
from trainer.commands import error

DESCRIPTION = (
    "Learn DICOM SOP classes and how they show up in a PACS, then test yourself. "
    "With no command, opens the terminal app."
)
EPILOG = (
    "The options above work after a command too (pacs-trainer history --data-dir DIR); "
    "a command's own --help lists only its own options."
)


def _store_option(parser: argparse.ArgumentParser, default: object, shown: bool) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        default=default,
        help="a classroom database, postgresql://user:password@host/db (default: "
        "$PACS_TRAINER_STORE, else the progress file in the data dir)" if shown
        else argparse.SUPPRESS,
    )


def _common_options(suppress: bool, *, store: bool = True) -> argparse.ArgumentParser:
    """Options valid before or after a subcommand (SUPPRESS keeps the top-level value).

    After a subcommand they are accepted but left out of its --help: the top-level help
    describes them once (it was five repeated options on every command's help)."""
    default = argparse.SUPPRESS if suppress else None

    def shown(text: str) -> str:
        return argparse.SUPPRESS if suppress else text

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help=shown("where progress is kept (default: $PACS_TRAINER_HOME or the platform's "
                   "user data dir)"),
    )
    common.add_argument(
        "--seed", type=int, metavar="N", default=default,
        help=shown("seed for reproducible quizzes"),
    )
    if store:
        _store_option(common, default, shown=not suppress)
    common.add_argument(
        "--learner",
        metavar="NAME",
        default=default,
        help=shown("who signs in to a classroom store (or $PACS_TRAINER_LEARNER); the "
                   "passphrase is asked for, or read from $PACS_TRAINER_PASSPHRASE"),
    )
    common.add_argument(
        "--bank-dir",
        action="append",
        metavar="DIR",
        default=default,
        help=shown("extra folder of question banks (repeatable)"),
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    from trainer.commands import (
        bank,
        cohort,
        exam,
        export,
        history,
        import_questions,
        items,
        lab,
        progress,
        questions,
        quiz,
        registry,
        review,
        serve,
        study,
    )

    parser = argparse.ArgumentParser(
        prog="pacs-trainer", description=DESCRIPTION, epilog=EPILOG,
        parents=[_common_options(False)],
    )
    parser.add_argument("--version", action="version", version=f"pacs-trainer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common_options(True)
    for module in (registry, bank, questions, study, quiz, history, review, progress,
                   export, import_questions, exam, lab, cohort, serve):
        module.add_parser(sub, common)
    # `items report --store DIR` (learners' data dirs, repeatable) keeps its own --store;
    # $PACS_TRAINER_STORE or `pacs-trainer --store URL items ...` name a classroom store there.
    items.add_parser(sub, _common_options(True, store=False))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Every command's output goes through SafeStream (trainer.commands.terminal): nothing a
    command quotes from a file reaches the terminal as a control sequence. The TUI draws on
    the real streams."""
    from trainer.commands.terminal import SafeStream

    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(real[0]), SafeStream(real[1])
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            sys.stdout, sys.stderr = real
            return _run_tui(args)
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        sys.stdout, sys.stderr = real


def _run_tui(args: argparse.Namespace) -> int:
    from trainer.core.store import StoreError
    from trainer.ui.app import make_app

    try:
        app = make_app(data_dir=args.data_dir, seed=args.seed, bank_dirs=args.bank_dir or [],
                       store=args.store, learner=args.learner)
    except StoreError as exc:
        error(str(exc))
        return 1
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
