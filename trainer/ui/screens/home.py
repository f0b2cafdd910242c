"""The home screen: the list of sections."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.ui.sections import SECTIONS


def _label(title: str, description: str, planned: bool) -> Text:
    label = Text(f"{title:<15}", style="bold")
    label.append(description, style="dim" if planned else "")
    if planned:
        label.append("  · soon", style="italic dim")
    return label


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()
        self.run_worker(self._check_banks, thread=True, exclusive=True)
        self.call_after_refresh(self._offer_resume)

    def _offer_resume(self) -> None:
        """An exam left open (closed app, crash, power cut) is offered first thing."""
        attempt = self.app.store.unfinished_attempt()
        if attempt is None:
            return
        from trainer.ui.screens.exam import Confirm

        left = attempt.deadline - self.app.clock.now()
        when = (
            f"about {max(0, int(left.total_seconds() // 60))} minutes left"
            if left.total_seconds() > 0
            else "its time has run out; it will be graded"
        )
        details = f"Exam “{attempt.blueprint}” is still open ({when})."

        def decided(resume: bool | None) -> None:
            if resume:
                self.app.resume_exam()

        self.app.push_screen(Confirm("Resume your exam?", details, "Resume", "Later"), decided)

    def _check_banks(self) -> None:
        """Load the banks off the UI thread; say which were skipped, so nothing fails silently."""
        errors = self.app.banks.errors
        self.app.call_from_thread(self._show_bank_errors, [str(e) for e in errors])

    def _show_bank_errors(self, errors: list[str]) -> None:
        notice = self.query_one("#notices", Static)
        if errors:
            text = Text(
                f"{len(errors)} problem(s) in question banks; those banks are skipped "
                "(run `pacs-trainer bank list` for all):\n",
                style="bold yellow",
            )
            text.append(errors[0])
            notice.update(text)
        notice.display = bool(errors)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Learn what DICOM SOP classes are and how they show up in a PACS, then test "
            "yourself. Choose a section and press Enter.",
            id="intro",
        )
        yield OptionList(
            *(
                Option(_label(s.title, s.description, s.planned is not None), id=s.id)
                for s in SECTIONS
            ),
            id="sections",
        )
        yield Static(id="notices")
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.open_section(event.option.id)
