"""`pacs-trainer review status`: how many review cards are due, without starting the app."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "review",
        parents=[common],
        help="spaced review: how many cards are due (review them in the app)",
        description=(
            "Every question you answer becomes a review card, scheduled with FSRS. "
            "Review them in the app (Review due on the home screen). "
            "With no action, shows the status."
        ),
    )
    actions = parser.add_subparsers(dest="review_action", metavar="ACTION")
    status = actions.add_parser(
        "status",
        parents=[common],
        help="cards due now, due today, and in all",
        description="Cards due now, due before your day ends (local time), and all your cards.",
    )
    status.add_argument("--json", action="store_true", help="print a JSON object")
    parser.set_defaults(func=run, json=False)  # `review` alone is `review status`


def run(args: argparse.Namespace) -> int:
    from trainer.commands import context, open_store
    from trainer.core.review import DEFAULT_NEW_PER_DAY, ReviewStatus, backfill, status

    setup = context(args)
    if not setup.has_store():  # nothing answered yet: do not create a file for it
        figures = ReviewStatus(0, 0, 0, 0, DEFAULT_NEW_PER_DAY)
    else:
        store = open_store(setup)
        if store is None:
            return 1
        if not store.read_only:
            backfill(store, lambda: list(setup.banks.questions))  # answers from before cards
        figures = status(store, setup.clock.now())
        store.close()
    if args.json:
        print(json.dumps({
            "due_now": figures.due_now,
            "due_today": figures.due_today,
            "cards": figures.cards,
            "new_today": figures.new_today,
            "new_per_day": figures.new_per_day,
        }, indent=2))
        return 0
    print(f"Due now:    {figures.due_now}")
    print(f"Due today:  {figures.due_today}")
    print(f"Cards:      {figures.cards}")
    print(f"New today:  {figures.new_today} (up to {figures.new_per_day} a day in reviews)")
    if not figures.cards:
        print("No cards yet: every question you answer becomes one. Practise first.")
    return 0
