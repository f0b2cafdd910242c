"""A yes/no dialog: starting and submitting exams, resuming one left open."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from trainer.ui.screens.base import TrainerModal


class Confirm(TrainerModal[bool]):
    """A yes/no question; the details say what the choice means. Details given as a
    function are drawn again every second (an exam's time left keeps ticking)."""

    BINDINGS = [
        Binding("escape,n", "dismiss(False)", "No", id="confirm.no"),
        Binding("y", "dismiss(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(
        self, title: str, details: str | Callable[[], str], yes: str = "Yes", no: str = "No"
    ) -> None:
        super().__init__()
        self.title_text, self._source, self.yes, self.no = title, details, yes, no

    @property
    def details(self) -> str:
        """The details as they read now."""
        return self._source() if callable(self._source) else self._source

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), id="dialog-title")
            yield Static(Text(self.details), id="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="primary")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        if callable(self._source):
            self.set_interval(1, self._redraw)

    def _redraw(self) -> None:
        self.query_one("#dialog-body", Static).update(Text(self.details))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
