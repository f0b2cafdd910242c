"""`pacs-trainer serve`: the trainer in a browser for a classroom (textual-serve).

Every tab runs the same terminal app; a learner signs in first. Loopback only unless --host
says otherwise, and then with a warning: this server speaks plain HTTP, so TLS belongs in a
reverse proxy in front of it (README: "Serving a classroom").
"""

from __future__ import annotations

import argparse
import shlex
import sys

from trainer.commands import error, positive_int

DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 60


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "serve",
        parents=[common],
        help="the trainer in a browser for a classroom (sign-in, one session per tab)",
        description=(
            "Serve the trainer over HTTP: every browser tab runs the same app, and each "
            "learner signs in with a name and passphrase (a new learner also types the "
            "cohort's join code from `pacs-trainer cohort create`). Give --store "
            "postgresql://... to keep the cohort's records on a PostgreSQL server; without "
            "it they go to one progress file in the data dir. Listens on 127.0.0.1 only "
            "unless --host says otherwise; put a reverse proxy with TLS in front for that."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=positive_int, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--max-sessions", type=positive_int, default=DEFAULT_MAX_SESSIONS, metavar="N",
        help=f"sessions at once; further tabs get a 'classroom is full' page "
        f"(default {DEFAULT_MAX_SESSIONS})",
    )
    parser.add_argument(
        "--public-url", metavar="URL",
        help="the address learners use, when a reverse proxy is in front "
        "(e.g. https://trainer.example.org)",
    )
    parser.add_argument(
        "--open-sign-up", action="store_true",
        help="let a new name sign up without a join code (default: a join code is needed)",
    )
    parser.set_defaults(func=run)


TLS_WARNING = (
    "pacs-trainer: warning: serving on {host}, reachable from other machines, over plain "
    "HTTP: passphrases would cross the network unencrypted. Put a reverse proxy with TLS "
    "(nginx or Caddy) in front and give --public-url https://...; the README shows how."
)


def app_command(args: argparse.Namespace) -> str:
    """The command each browser tab runs: this Python, the app, the same content options."""
    command = [sys.executable, "-m", "trainer"]
    if args.data_dir:
        command += ["--data-dir", str(args.data_dir)]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    for folder in args.bank_dir or ():
        command += ["--bank-dir", str(folder)]
    return shlex.join(command)


def run(args: argparse.Namespace) -> int:
    import os

    from trainer.commands import context
    from trainer.core.context import SERVING_ENV, SIGN_UP_ENV, STORE_ENV
    from trainer.core.store import StoreError

    setup = context(args)
    try:  # the store opens (and migrates) now, so a wrong URL fails here, not in every tab
        setup.accounts().close()
    except StoreError as exc:
        error(str(exc))
        return 1
    from trainer.core.hosts import is_loopback

    if not is_loopback(args.host):
        print(TLS_WARNING.format(host=args.host), file=sys.stderr)
    # The apps inherit the environment: the store's URL never shows in a process list.
    os.environ[SERVING_ENV] = "1"
    os.environ[SIGN_UP_ENV] = "open" if args.open_sign_up else "code"
    os.environ[STORE_ENV] = str(setup.store_target)
    from trainer.serve import ClassroomServer

    server = ClassroomServer(
        app_command(args), max_sessions=args.max_sessions, host=args.host, port=args.port,
        title="pacs-trainer", public_url=args.public_url,
    )
    server.serve()
    return 0
