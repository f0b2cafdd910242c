"""What a section that is not built yet shows: plainly, what is coming."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from trainer.ui.sections import Section


class NotBuiltScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Back", id="not-built.back")]

    def __init__(self, section: Section) -> None:
        super().__init__()
        self.section = section

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"{self.section.title}: not built yet", id="dialog-title")
            yield Static(self.section.planned or "", id="dialog-body")
            yield Button("Back", id="back", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()
