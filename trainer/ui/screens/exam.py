"""Exam mode: pick a blueprint, sit it against a countdown, review, submit, read the report.

The countdown is drawn once a second but always computed from the stored deadline on the
injected clock (ExamSession.remaining), so a slow or paused app never gains time. Every answer
and flag goes to the store the moment it is given.
"""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    DataTable,
    Header,
    Label,
    Markdown,
    OptionList,
    Static,
)
from textual.widgets.option_list import Option

from trainer.core.clock import clock_text
from trainer.core.exam import ExamReport, ExamSession, ReviewItem
from trainer.core.markdown_text import one_line
from trainer.core.questions import format_answer
from trainer.core.sanitize import strip_controls
from trainer.ui.screens.base import TrainerModal, TrainerScreen
from trainer.ui.screens.confirm import Confirm
from trainer.ui.widgets.answer_summary import answer_summary
from trainer.ui.widgets.bank_problems import BankProblems
from trainer.ui.widgets.key_footer import KeyFooter
from trainer.ui.widgets.question_view import QuestionView


class ExamPickerScreen(TrainerScreen[None]):
    """The exam blueprints, with their size, time and pass mark; bad blueprint files listed."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="exam-picker.back")]

    def compose(self) -> ComposeResult:
        catalog = self.app.blueprints
        yield Header()
        yield Label(
            "Exams: Enter starts one. The clock runs from the first question.",
            id="exam-picker-title",
        )
        options = []
        for blueprint in catalog.blueprints:
            label = Text(blueprint.title, style="bold")
            label.append(
                f"\n  {blueprint.questions} questions · {blueprint.time_limit_minutes} min · "
                f"pass {blueprint.pass_mark:g}% · {blueprint.navigation} navigation",
                style="dim",
            )
            options.append(Option(label, id=blueprint.id))
        yield BankProblems()
        yield OptionList(*options, id="exam-list")
        errors = Text()
        for error in catalog.errors:
            errors.append(f"{error}\n", style="red")
        yield Static(errors, id="exam-errors")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#exam-errors").display = bool(self.app.blueprints.errors)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        blueprint = self.app.blueprints.get(str(event.option.id))
        if blueprint is None:
            return
        details = (
            f"{blueprint.questions} questions, {blueprint.time_limit_minutes} minutes, "
            f"pass mark {blueprint.pass_mark:g}%.\n"
            "Feedback comes at the end. Every answer is saved as you give it; if you close "
            "the app the exam can be resumed, but the clock keeps running, as in a real exam."
        )

        def start(yes: bool | None) -> None:
            if yes:
                self.app.start_exam(blueprint)

        self.app.push_screen(
            Confirm(f"Start “{blueprint.title}”?", details, "Start", "Not now"), start
        )


class ExamScreen(TrainerScreen[None]):
    BINDINGS = [
        Binding("ctrl+n", "move(1)", "Next", id="exam.next", priority=True),
        Binding("ctrl+b", "move(-1)", "Prev", id="exam.prev", priority=True),
        Binding("ctrl+f", "flag", "Flag", id="exam.flag", priority=True),
        Binding("ctrl+r", "review", "Review", id="exam.review", priority=True),
        Binding("ctrl+s", "submit", "Submit", id="exam.submit", priority=True),
        Binding("escape", "pause", "Leave", id="exam.leave"),
    ]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="exam-status"):
            yield Static(id="exam-place")
            yield Static(id="exam-clock")
        yield Vertical(id="exam-body")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self.show_item()
        self.tick()
        self.set_interval(1, self.tick)

    @property
    def index(self) -> int:
        return self.session.position

    def tick(self) -> None:
        """Redraw the countdown; announce warnings; submit when the time is up."""
        session = self.session
        if session.report is not None:
            return
        if session.expired:
            self.finish(auto=True)
            return
        for minutes in session.due_warnings():
            unit = "minute" if minutes == 1 else "minutes"
            self.notify(f"{minutes} {unit} left.", title="Time", severity="warning", timeout=8)
        left = session.remaining()
        style = "bold red" if left <= timedelta(minutes=5) else "bold"
        self.query_one("#exam-clock", Static).update(Text(f"⏱ {clock_text(left)}", style=style))

    def _place(self) -> None:
        session, index = self.session, self.index
        item = session.items[index]
        text = Text(f"{session.blueprint.title}  ", style="bold")
        text.append(f"Q {index + 1}/{len(session.items)}")
        answered = len(session.items) - len(session.unanswered)
        text.append(f"  answered {answered}")
        if session.flagged:
            text.append(f"  ⚑ {len(session.flagged)}")
        if item.flagged:
            text.append("  ⚑ flagged", style="bold yellow")
        self.query_one("#exam-place", Static).update(text)

    async def show_item(self) -> None:
        session, index = self.session, self.index
        item = session.items[index]
        body = self.query_one("#exam-body")
        await body.remove_children()
        view = QuestionView(
            item.presented, response=item.response, number=index + 1, total=len(session.items)
        )
        await body.mount(view)
        view.focus()
        self._place()
        self.refresh_bindings()

    def on_question_view_answer_changed(self, event: QuestionView.AnswerChanged) -> None:
        event.stop()
        if self.session.report is None and not self.session.expired:
            self.session.answer(self.index, event.response)
            self._place()

    async def on_question_view_answer_submitted(self, event: QuestionView.AnswerSubmitted) -> None:
        event.stop()
        if self.session.report is None and not self.session.expired:
            self.session.answer(self.index, event.response)
            if self.session.can_visit(self.index + 1):
                await self.go(self.index + 1)
            else:
                self._place()
                self.notify("That was the last question: ctrl+r to review, ctrl+s to submit.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move":
            step = parameters[0]
            return isinstance(step, int) and self.session.can_visit(self.index + step)
        return True

    async def go(self, index: int) -> None:
        if self.session.can_visit(index):
            self.session.go(index)
            await self.show_item()

    async def action_move(self, step: int) -> None:
        await self.go(self.index + step)

    def action_flag(self) -> None:
        item = self.session.items[self.index]
        self.session.flag(self.index, not item.flagged)
        self._place()

    def action_review(self) -> None:
        async def jump(index: int | None) -> None:
            if index is not None:
                await self.go(index)

        self.app.push_screen(ExamNavigator(self.session), jump)

    def action_submit(self) -> None:
        session = self.session
        lines = []
        if session.unanswered:
            numbers = ", ".join(str(i + 1) for i in session.unanswered[:20])
            more = " ..." if len(session.unanswered) > 20 else ""
            lines.append(f"Unanswered: {len(session.unanswered)} ({numbers}{more})")
        else:
            lines.append("Every question is answered.")
        if session.flagged:
            lines.append("Flagged: " + ", ".join(str(i + 1) for i in session.flagged[:20]))
        lines.append(f"Time left: {clock_text(session.remaining())}")

        def decided(yes: bool | None) -> None:
            if yes:
                self.finish(auto=False)

        self.app.push_screen(
            Confirm("Submit the exam?", "\n".join(lines), "Submit", "Go back"), decided
        )

    def action_pause(self) -> None:
        self.notify("Your answers are saved. The clock keeps running; resume from Exam.")
        self.app.pop_screen()

    def finish(self, *, auto: bool) -> None:
        report = self.session.submit()
        if auto:
            self.notify("Time is up: the exam was submitted.", severity="warning")
        # Close any dialog over the exam before showing the report.
        while self.app.screen is not self:
            self.app.pop_screen()
        self.app.switch_screen(ExamReportScreen(report))


class ExamNavigator(TrainerModal[int | None]):
    """Every question with its state; filter answered, unanswered or flagged; Enter jumps."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="navigator.back"),
        Binding("a", "show('all')", "All", id="navigator.all"),
        Binding("u", "show('unanswered')", "Unanswered", id="navigator.unanswered"),
        Binding("d", "show('answered')", "Answered", id="navigator.answered"),
        Binding("f", "show('flagged')", "Flagged", id="navigator.flagged"),
    ]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session
        self.filter = "all"

    def compose(self) -> ComposeResult:
        with Vertical(id="navigator"):
            yield Label(id="navigator-title")
            yield DataTable(id="navigator-table", cursor_type="row")
            yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "State", "Flag", "Question")
        self.refill()
        table.focus()

    def refill(self) -> None:
        session = self.session
        table = self.query_one(DataTable)
        table.clear()
        for index, item in enumerate(session.items):
            answered = item.response is not None
            wanted = {
                "all": True,
                "answered": answered,
                "unanswered": not answered,
                "flagged": item.flagged,
            }[self.filter]
            if not wanted:
                continue
            prompt = one_line(item.question.prompt, max_length=50)
            state = Text("answered", style="green") if answered else Text("—", style="dim")
            reachable = session.can_visit(index)
            table.add_row(
                str(index + 1),
                state,
                "⚑" if item.flagged else "",
                Text(prompt, style="" if reachable else "dim"),
                key=str(index),
            )
        counts = (
            f"{len(session.items) - len(session.unanswered)} answered, "
            f"{len(session.unanswered)} unanswered, {len(session.flagged)} flagged"
        )
        self.query_one("#navigator-title", Label).update(
            f"Review ({self.filter}): {counts}. Enter jumps to a question."
        )

    def action_show(self, which: str) -> None:
        self.filter = which
        self.refill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(str(event.row_key.value))
        if self.session.can_visit(index):
            self.dismiss(index)
        else:
            self.notify("Sequential exam: earlier questions are closed.")


class ExamReportScreen(TrainerScreen[None]):
    """Score, pass or fail, time used, a table by topic, then every question to review."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Done", id="report.done")]

    def __init__(self, report: ExamReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        report = self.report
        yield Header()
        verdict = Text(f"{report.title}: ", style="bold")
        verdict.append(f"{report.score_percent:.0f}%  ", style="bold")
        verdict.append(
            "PASS" if report.passed else "FAIL", style="bold green" if report.passed else "bold red"
        )
        verdict.append(
            f"  (pass mark {report.pass_mark:g}%; {report.right:g} of {report.scored_total} "
            f"points; time used {clock_text(report.time_used)} of "
            f"{clock_text(report.time_limit)})"
        )
        yield Static(verdict, id="report-verdict")
        yield DataTable(id="report-topics", cursor_type="none", zebra_stripes=True)
        yield Label("Every question (Enter to see the explanation):", id="report-review-title")
        yield DataTable(id="report-review", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        topics = self.query_one("#report-topics", DataTable)
        topics.add_columns("Topic", "Points", "Of", "%")
        for score in self.report.by_topic:
            topics.add_row(
                Text(score.title), f"{score.right:g}", str(score.total), f"{score.percent:.0f}%"
            )
        review = self.query_one("#report-review", DataTable)
        review.add_columns("#", "Result", "Your answer")
        for index, item in enumerate(self.report.review):
            if item.pilot:
                result = Text("pilot", style="dim")
            elif item.grade.correct:
                result = Text("✓ right", style="green")
            else:
                result = Text("✗ wrong", style="red")
            given = strip_controls(format_answer(item.question, item.response), max_length=48)
            review.add_row(str(index + 1), result, Text(given), key=str(index))
        review.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(str(event.row_key.value))
        self.app.push_screen(ReviewItemScreen(index + 1, self.report.review[index]))


class ReviewItemScreen(TrainerModal[None]):
    """One question after the exam: prompt, the learner's answer, the right one, why."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Back", id="review-item.back")]

    def __init__(self, number: int, item: ReviewItem) -> None:
        super().__init__()
        self.number = number
        self.item = item

    def compose(self) -> ComposeResult:
        item, q = self.item, self.item.question
        with VerticalScroll(id="dialog"):
            title = f"Question {self.number}" + (" (pilot, not scored)" if item.pilot else "")
            yield Label(title, id="dialog-title")
            yield Markdown(q.prompt)
            answers = answer_summary(q, item.response)
            yield Static(answers)
            yield Markdown(q.explanation)
            yield Static(Text("Reference: " + strip_controls("; ".join(q.references)), style="dim"))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
