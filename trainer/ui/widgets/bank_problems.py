"""Says which question banks were skipped and why, where questions are about to be used.

The banks load on a worker thread (pydantic and YAML cost a few hundred ms), so the screen
shows at once; the notice appears when loading is done, and stays hidden when all is well.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from trainer.ui.screens.base import trainer_app

SHOWN = 3  # problems listed; the rest are counted


class BankProblems(Static):
    class Loaded(Message):
        """The banks are loaded: screens may now list them."""

        def __init__(self, errors: list[str]) -> None:
            super().__init__()
            self.errors = errors

    DEFAULT_CSS = """
    BankProblems {
        display: none;
        height: auto;
        max-height: 6;
        padding: 0 1;
        color: $text-warning;
    }
    """

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, description="loading the banks")
    def _load(self) -> None:
        errors = [str(error) for error in trainer_app(self).banks.errors]
        self.post_message(self.Loaded(errors))  # thread-safe; dropped if we are gone

    def on_bank_problems_loaded(self, message: Loaded) -> None:
        """Show the problems, then let the message on to the screen."""
        errors = message.errors
        if errors:
            many = len(errors) != 1
            text = Text(
                f"{len(errors)} problem{'s' if many else ''} in the question banks; "
                f"{'those banks were' if many else 'that bank was'} skipped "
                "(pacs-trainer bank validate FILE shows each one):",
                style="bold",
            )
            for error in errors[:SHOWN]:
                text.append(f"\n{error}", style="")
            if len(errors) > SHOWN:
                text.append(f"\n… and {len(errors) - SHOWN} more", style="dim")
            self.update(text)
        self.display = bool(errors)
