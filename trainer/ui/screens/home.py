"""The home screen: the list of sections."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.core.store import StoreUnavailable
from trainer.ui.fit import shorten_middle
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.sections import SECTIONS, section
from trainer.ui.widgets.key_footer import KeyFooter


def _label(title: str, description: str) -> Text:
    label = Text(f"{title:<15}", style="bold")
    label.append(description)
    return label


class HomeScreen(TrainerScreen[None]):
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()
        self.call_after_refresh(self._offer_resume)

    def on_screen_resume(self) -> None:
        """Review due says how many cards are due now, fresh each time home comes back.

        A plain SQL count: importing the scheduler (fsrs) here would slow the first paint."""
        now = self.app.clock.now()
        try:
            due = self.app.store.card_counts(now, now)[0]
        except StoreUnavailable:  # a classroom's server is away: the counts wait
            return
        review = section("review")
        label = _label(review.title, review.description)
        if due:
            label.append(f"  · {due} due now", style="bold")
        self.query_one(OptionList).replace_option_prompt("review", label)
        self._show_recent_exams()
        self.call_after_refresh(self._show_place)  # after the first paint: lessons load

    def _show_place(self) -> None:
        """Continue names what it opens; a new learner is shown where to start."""
        place = self.app.next_place()
        title = "Start here" if not place.started and place.lesson else "Continue"
        description = place.label().removeprefix("Start here: ")
        room = max(20, self.size.width - 28)  # the title column and the list's frame
        self.query_one(OptionList).replace_option_prompt(
            "continue", _label(title, shorten_middle(description, room))
        )

    def _show_recent_exams(self) -> None:
        """The last graded attempts, so progress is visible at a glance."""
        graded = self.app.store.last_graded_attempts(3)
        recent = self.query_one("#recent", Static)
        recent.display = bool(graded)
        if not graded:
            return
        text = Text("Recent exams  ", style="bold")
        for attempt in graded:
            title = attempt.form.get("blueprint", {}).get("title", attempt.blueprint)
            text.append(f"\n  {attempt.submitted_at:%Y-%m-%d}  {title}  {attempt.score:.0f}% ")
            text.append("pass" if attempt.passed else "fail",
                        style="green" if attempt.passed else "red")
        recent.update(text)

    def _offer_resume(self) -> None:
        """An exam left open (closed app, crash, power cut) is offered first thing."""
        attempt = self.app.store.unfinished_attempt()
        if attempt is None:
            return
        from trainer.ui.screens.confirm import Confirm

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

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Learn what DICOM SOP classes are and how they show up in a PACS, then test "
            "yourself. Choose a section and press Enter.",
            id="intro",
        )
        yield OptionList(
            *(
                Option(_label(s.title, s.description), id=s.id)
                for s in SECTIONS if s.available(self.app)
            ),
            id="sections",
        )
        yield Static(id="recent")
        yield KeyFooter()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.open_section(event.option.id)
