"""The home screen: the list of sections."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.core import wording
from trainer.core.clock import minutes_left
from trainer.core.store import ExamAttempt, StoreError, StoreUnavailable
from trainer.core.today import GOAL_SETTING, daily_goal, next_goal, today
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
        Binding("g", "next_goal", "Daily goal", id="home.goal"),
    ]

    _open_exam: ExamAttempt | None = None
    _exam_label: Text | None = None

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()
        self.call_after_refresh(self._offer_resume)
        self.set_interval(1, self.show_open_exam)

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
        self._open_exam = self.app.store.unfinished_attempt()
        self.show_open_exam()
        self.call_after_refresh(self._show_place)  # after the first paint: lessons load
        self.call_after_refresh(self._show_today)

    def _show_place(self) -> None:
        """Continue names what it opens; a new learner is shown where to start."""
        place = self.app.next_place()
        title = "Start here" if not place.started and place.lesson else "Continue"
        description = place.label().removeprefix("Start here: ")
        room = max(20, self.size.width - 28)  # the title column and the list's frame
        self.query_one(OptionList).replace_option_prompt(
            "continue", _label(title, shorten_middle(description, room))
        )

    def _show_today(self) -> None:
        """Today's answers against the daily goal, the streak and the lessons done."""
        app = self.app
        try:
            day = today(app.store, app.clock.now(), [lesson.id for lesson in app.lessons.lessons])
        except StoreUnavailable:  # a classroom's server is away: the line waits
            return
        text = Text("Today  ", style="bold")
        text.append(f"{day.answered} of {day.goal} questions")
        if day.goal_met:
            text.append(" ✓ goal met", style="bold green")
        text.append(f" · streak {wording.count(day.streak, 'day')}"
                    f" · {day.lessons_done} of {day.lessons} lessons done")
        text.append("  (g: goal)", style="dim")
        self.query_one("#today", Static).update(text)

    def action_next_goal(self) -> None:
        store = self.app.store
        goal = next_goal(daily_goal(store))
        try:
            store.set_setting(GOAL_SETTING, str(goal))
        except StoreError as exc:
            self.notify(str(exc), title="The goal cannot be saved", severity="error")
            return
        self._show_today()

    def _show_recent_exams(self) -> None:
        """The last graded attempts, so progress is visible at a glance."""
        graded = self.app.store.last_graded_attempts(3)
        recent = self.query_one("#recent", Static)
        recent.display = bool(graded)
        if not graded:
            return
        text = Text("Recent exams  ", style="bold")
        for attempt in graded:
            text.append(f"\n  {attempt.submitted_at:%Y-%m-%d}  {attempt.title}  "
                        f"{attempt.score:.0f}% ")
            text.append("pass" if attempt.passed else "fail",
                        style="green" if attempt.passed else "red")
        recent.update(text)

    def _offer_resume(self) -> None:
        """An exam left open (closed app, crash, power cut) is offered first thing."""
        attempt = self.app.store.unfinished_attempt()
        if attempt is not None:
            self.app.offer_open_exam(attempt)

    def show_open_exam(self) -> None:
        """The Exam row says when an exam is open, with its clock running: "Quick check
        open, 13 min left" (read when home comes back; counted down every second)."""
        exam = section("exam")
        label = _label(exam.title, exam.description)
        attempt = self._open_exam
        if attempt is not None:
            left = attempt.deadline - self.app.clock.now()
            where = " in another window" if attempt.held(self.app.clock.now()) else ""
            clock = (f"{minutes_left(left)} left" if left.total_seconds() > 0
                     else "time is up: see your result")
            room = max(10, self.size.width - 22 - len(f" open{where}, {clock}"))
            label = _label(exam.title, "")
            label.append(f"{shorten_middle(attempt.title, room)} open{where}, {clock}",
                         style="bold")
        if label != self._exam_label:
            self._exam_label = label
            self.query_one(OptionList).replace_option_prompt("exam", label)

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
        yield Static(id="today")
        yield Static(id="recent")
        yield KeyFooter()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.open_section(event.option.id)
