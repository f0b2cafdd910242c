"""Practice: choose what to practise, answer with immediate feedback, then a summary by topic.

The screens only render PracticeSession state and pass the learner's answers back to it; the
session grades and stores every answer the moment it is given.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Header,
    Input,
    Label,
    Markdown,
    SelectionList,
    Static,
)

from trainer.core.pool import SOURCE_LABELS
from trainer.core.practice import PracticeSession
from trainer.core.questions import Presented
from trainer.core.sanitize import strip_controls
from trainer.core.topics import TOPICS
from trainer.ui.fit import shorten_middle
from trainer.ui.screens.base import TrainerScreen, trainer_app
from trainer.ui.screens.confirm import Confirm
from trainer.ui.widgets.answer_summary import answer_summary
from trainer.ui.widgets.bank_problems import BankProblems
from trainer.ui.widgets.key_footer import KeyFooter
from trainer.ui.widgets.question_view import QuestionView
from trainer.ui.widgets.ticks import TickBox, TickList

DEFAULT_COUNT = 10


def _ticked_label(which: str, ticked: int) -> str:
    """'Sources: all of them (tick some to narrow)', or 'Sources: only the 2 ticked'."""
    if not ticked:
        return f"{which.capitalize()}: all of them (tick some to narrow)"
    return f"{which.capitalize()}: only the {'one' if ticked == 1 else ticked} ticked"


class PracticeSetupScreen(TrainerScreen[None]):
    """Pick topics, sources, a count and a seed; 'only my mistakes' narrows to past errors."""

    HELP_TOPIC = "questions"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="practice-setup.back"),
        Binding("ctrl+s", "start", "Start", id="practice-setup.start"),
    ]

    def compose(self) -> ComposeResult:
        seed = self.app.quiz_seed()
        yield Header()
        yield BankProblems()
        with VerticalScroll(id="setup"):
            with Horizontal(id="setup-numbers"):
                yield Label("Questions")
                yield Input(str(DEFAULT_COUNT), type="integer", id="count")
                yield Label("Seed")
                yield Input(str(seed), type="integer", id="seed")
                yield Button("Start", id="start", variant="primary")
            yield Label(_ticked_label("sources", 0), id="sources-label", classes="setup-label")
            yield TickList(
                *((Text(label), key) for key, label in SOURCE_LABELS.items()), id="sources"
            )
            yield TickBox("Only questions I got wrong last time", id="mistakes")
            yield Label(_ticked_label("banks", 0), id="banks-label", classes="setup-label")
            yield TickList(id="banks")
            yield Label(_ticked_label("topics", 0), id="topics-label", classes="setup-label")
            yield TickList(
                *((Text(title), topic) for topic, title in TOPICS.items()), id="topics"
            )
        yield KeyFooter()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        """The label says what the ticks mean now: all of them, or only those ticked."""
        which = event.selection_list.id or ""
        self.query_one(f"#{which}-label", Label).update(
            _ticked_label(which, len(event.selection_list.selected))
        )

    def on_bank_problems_loaded(self, event: BankProblems.Loaded) -> None:
        banks = self.query_one("#banks", SelectionList)
        banks.clear_options()
        banks.add_options(
            [(Text(f"{bank.title} ({bank.id})"), bank.id) for bank in self.app.banks.banks]
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        count_text = self.query_one("#count", Input).value
        seed_text = self.query_one("#seed", Input).value
        if not count_text.isdigit() or int(count_text) < 1:
            self.notify("Questions: type a whole number of at least 1.", severity="error")
            return
        if not seed_text.lstrip("-").isdigit():
            self.notify("Seed: type a whole number.", severity="error")
            return
        mistakes = []
        if self.query_one("#mistakes", Checkbox).value:
            mistakes = self.app.store.mistakes()
            if not mistakes:
                self.notify("No mistakes on record yet: practise first.")
                return
        self.app.start_practice(
            count=int(count_text),
            seed=int(seed_text),
            topics=self.query_one("#topics", SelectionList).selected,
            sources=self.query_one("#sources", SelectionList).selected,
            banks=self.query_one("#banks", SelectionList).selected,
            mistakes=mistakes,
            replace=True,
        )


class PracticeScreen(TrainerScreen[None]):
    """One question at a time; after each answer, the feedback that teaches."""

    HELP_TOPIC = "questions"

    BINDINGS = [
        Binding("escape", "leave", "End", id="practice.end"),
        Binding("enter,ctrl+n", "next", "Next", id="practice.next"),
        Binding("ctrl+l", "study", "Study this", id="practice.study"),
        Binding("2", "rate('Hard')", "Hard", id="practice.rate-hard"),
        Binding("3", "rate('Good')", "Good", id="practice.rate-good"),
        Binding("4", "rate('Easy')", "Easy", id="practice.rate-easy"),
    ]

    def __init__(self, session: PracticeSession, title: str) -> None:
        super().__init__()
        self.session = session
        self.practice_title = title
        self.shown_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="practice-status")
        yield Vertical(id="practice-body")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self.show_question()

    def _status(self) -> None:
        session = self.session
        # The score first; the place is in the question's own heading ("Question 2 of 10").
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"Score {session.right}/{session.answered}   ")
        room = max(10, self.size.width - 2 - text.cell_len)
        text.append(shorten_middle(self.practice_title, room), style="bold")
        self.query_one("#practice-status", Static).update(text)

    async def show_question(self) -> None:
        body = self.query_one("#practice-body")
        await body.remove_children()
        presented = self.session.current
        if presented is None:  # the round is over
            return
        view = QuestionView(presented, number=self.session.index + 1, total=self.session.total)
        await body.mount(view)
        view.focus()
        self.shown_at = self.app.clock.now()
        self._status()
        self.refresh_bindings()

    async def on_question_view_answer_submitted(self, event: QuestionView.AnswerSubmitted) -> None:
        event.stop()
        if self.session.current_grade is not None:
            return
        seconds = (self.app.clock.now() - self.shown_at).total_seconds() if self.shown_at else 0
        presented = self.session.current
        if presented is None:
            return
        with self.app.saving():  # not saved: no feedback, the answer stays to try again
            result = self.session.answer(event.response, seconds)
            body = self.query_one("#practice-body")
            await body.remove_children()
            feedback = FeedbackView(presented, event.response, result.correct, result.score)
            await body.mount(feedback)
            feedback.focus()
            self._show_schedule()
            self._status()
            self.refresh_bindings()

    def _show_schedule(self) -> None:
        """When the card comes back, and how to rate a right answer yourself."""
        scheduled = self.session.reviews.get(self.session.index)
        if scheduled is None:
            return
        from trainer.core.review import due_in

        text = Text("Next review: ", style="bold")
        text.append(f"{due_in(scheduled.due, self.app.clock.now())} ({scheduled.rating.name})")
        if scheduled.overridable:
            text.append("   rate it yourself: 2 Hard · 3 Good · 4 Easy", style="dim")
        self.query_one("#feedback-schedule", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        answered = self.session.current_grade is not None
        if action == "next":
            return answered
        if action == "study":
            current = self.session.current
            return answered and current is not None and current.question.lesson is not None
        if action == "rate":
            scheduled = self.session.reviews.get(self.session.index)
            return answered and scheduled is not None and scheduled.overridable
        return True

    def action_rate(self, name: str) -> None:
        from trainer.core.review import Rating

        with self.app.saving():
            self.session.rate(Rating[name])
            self._show_schedule()

    async def action_next(self) -> None:
        if self.session.current_grade is None:
            return
        if self.session.advance():
            await self.show_question()
        else:
            self.app.switch_screen(PracticeSummaryScreen(self.session, self.practice_title))

    def action_study(self) -> None:
        current = self.session.current
        anchor = current.question.lesson if current is not None else None
        if anchor is not None:
            from trainer.core.lessons import slugify

            section = slugify(anchor.section) if anchor.section else None
            self.app.open_lesson(anchor.id, anchor=section)

    def action_leave(self) -> None:
        """End the round, after asking once it is under way (a stray Esc must not end it)."""
        session = self.session
        if not session.answered and session.index == 0:
            self.app.pop_screen()
            return

        def decided(yes: bool | None) -> None:
            if not yes:
                return
            if session.answered:
                self.app.switch_screen(PracticeSummaryScreen(session, self.practice_title))
            else:
                self.app.pop_screen()

        left = session.total - session.index - (session.current_grade is not None)
        details = (f"You answered {session.answered} of {session.total}; your answers are "
                   f"saved. The {left} question{'' if left == 1 else 's'} left will be "
                   "skipped.")
        self.app.push_screen(Confirm("End this round?", details, "End it", "Keep going"),
                             decided)


class FeedbackView(VerticalScroll):
    """Right or wrong, the right answer, the explanation and the reference."""

    def __init__(
        self, presented: Presented, response: object, correct: bool, score: float
    ) -> None:
        super().__init__(id="feedback")
        self.presented = presented
        self.question = presented.question
        self.response = response
        self.correct = correct
        self.score = score

    def compose(self) -> ComposeResult:
        q = self.question
        if self.correct:
            verdict = Text("✓ Right", style="bold green")
        elif self.score > 0:
            verdict = Text(f"◐ Partly right ({self.score:.0%})", style="bold yellow")
        else:
            verdict = Text("✗ Not quite", style="bold red")
        yield Static(verdict, id="verdict")
        yield Static(id="feedback-schedule")
        yield Markdown(q.prompt, id="feedback-prompt")
        answers = answer_summary(self.presented, self.response)
        yield Static(answers, id="feedback-answers")
        yield Markdown(q.explanation, id="feedback-explanation")
        where = Text("Reference: ", style="bold")
        where.append(strip_controls("; ".join(q.references)))
        if q.lesson is not None:
            where.append("\nStudy this: ", style="bold")
            lesson = trainer_app(self).lessons.get(q.lesson.id)
            where.append(f"lesson “{lesson.title}”" if lesson else f"lesson {q.lesson.id}")
            if q.lesson.section:
                where.append(f", section “{strip_controls(q.lesson.section)}”")
            where.append(" (ctrl+l)", style="dim")
        where.append("\nenter: next question", style="dim")
        yield Static(where, id="feedback-reference")


class PracticeSummaryScreen(TrainerScreen[None]):
    """The round's score by topic, and 'retry the ones I missed'."""

    HELP_TOPIC = "questions"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Done", id="practice-summary.done"),
        Binding("r", "retry", "Retry missed", id="practice-summary.retry"),
    ]

    def __init__(self, session: PracticeSession, title: str) -> None:
        super().__init__()
        self.session = session
        self.practice_title = title

    def compose(self) -> ComposeResult:
        session = self.session
        yield Header()
        headline = Text(f"{self.practice_title}: ", style="bold")
        headline.append(f"{session.right} of {session.answered} right")
        if session.answered < session.total:
            headline.append(f" ({session.total - session.answered} skipped)", style="dim")
        yield Static(headline, id="summary-headline")
        yield DataTable(id="summary-table", cursor_type="row", zebra_stripes=True)
        missed = len(session.missed())
        skipped = session.total - session.answered
        if missed and skipped:
            hint = f"r: retry the {missed} you missed and the {skipped} skipped"
        elif missed or skipped:
            hint = f"r: retry the {missed or skipped} you {'missed' if missed else 'skipped'}"
        else:
            hint = "Nothing missed. Well done."
        hint += "\nA question on several topics counts for each of them."
        yield Static(Text(hint, style="dim"), id="summary-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Topic", "Right", "Of", "%")
        for score in self.session.summary():
            table.add_row(
                Text(score.title), f"{score.right:g}", str(score.total), f"{score.percent:.0f}%"
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return bool(self.session.to_retry()) or None
        return True

    def action_retry(self) -> None:
        again = self.session.to_retry()
        if again:
            title = f"Retry: {self.practice_title.removeprefix('Retry: ')}"
            self.app.run_practice(again, title, replace=True)
