"""Says which question banks were skipped and why, where questions are about to be used.

The banks load on a worker thread (pydantic and YAML cost a few hundred ms), so the screen
shows at once; the notice appears when loading is done, and stays hidden when all is well.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static


class BankProblems(Static):
    class Loaded(Message):
        """The banks are loaded: screens may now list them."""

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

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        errors = [str(error) for error in self.app.banks.errors]
        self.app.call_from_thread(self._show, errors)

    def _show(self, errors: list[str]) -> None:
        if errors:
            text = Text(f"{len(errors)} problem(s) in question banks; those banks are skipped "
                        "(`pacs-trainer bank list` shows all):\n", style="bold")
            text.append(errors[0])
            self.update(text)
        self.display = bool(errors)
        self.post_message(self.Loaded())
