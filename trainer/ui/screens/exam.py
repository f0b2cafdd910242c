"""Exam mode: pick a blueprint, sit it against a countdown, review, submit, read the report.

The countdown is drawn once a second but always computed from the stored deadline on the
injected clock (ExamSession.remaining), so a slow or paused app never gains time. Every answer
and flag goes to the store the moment it is given; one that cannot be saved is said so and
stays on screen to try again. The exam is this window's while it is on screen (the tick is
also its heartbeat); another window that holds it is named, and taken over only once gone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Label,
    Markdown,
    OptionList,
    Static,
)
from textual.widgets.option_list import Option

from trainer.core.clock import clock_text, minutes_left
from trainer.core.exam import (
    LEASE,
    ExamClosed,
    ExamReport,
    ExamSession,
    OpenElsewhere,
    ReviewItem,
)
from trainer.core.markdown_text import one_line
from trainer.core.questions import correct_response, format_answer
from trainer.core.sanitize import strip_controls
from trainer.core.store import AttemptClosed, ExamAttempt, ExamHeld, LeaseLost, StoreError
from trainer.ui.screens.base import TrainerModal, TrainerScreen
from trainer.ui.screens.confirm import Confirm

if TYPE_CHECKING:
    from trainer.ui.app import PacsTrainerApp
from trainer.ui.widgets.answer_summary import answer_summary
from trainer.ui.widgets.bank_problems import BankProblems
from trainer.ui.widgets.key_footer import KeyFooter
from trainer.ui.widgets.question_view import QuestionView


class ExamPickerScreen(TrainerScreen[None]):
    """The exam blueprints, with their size, time and pass mark; bad blueprint files listed."""

    HELP_TOPIC = "questions"

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
        sequential = (
            "Sequential: questions come in order, and each one closes when you move on; you "
            "cannot go back.\n" if blueprint.navigation == "sequential" else ""
        )
        details = (
            f"{blueprint.questions} questions, {blueprint.time_limit_minutes} minutes, "
            f"pass mark {blueprint.pass_mark:g}%.\n{sequential}"
            "Keys: enter saves an answer, ctrl+n next, ctrl+f flag, ctrl+r review, ctrl+s "
            "submit the exam.\n"
            "Feedback comes at the end. Every answer is saved as you give it; if you close "
            "the app the exam can be resumed, but the clock keeps running, as in a real exam."
        )

        def start(yes: bool | None) -> None:
            if yes:
                self.app.start_exam(blueprint)

        self.app.push_screen(
            Confirm(f"Start “{blueprint.title}”?", details, "Start", "Not now"), start
        )


def open_exam_question(app: PacsTrainerApp, attempt: ExamAttempt) -> Confirm:
    """Ask about an exam left open, by its title: resume it, or see its result when its
    time ran out (it is graded with the answers given)."""
    answered = sum(s.response is not None for s in app.store.exam_items(attempt.id).values())
    left = attempt.deadline - app.clock.now()
    if left <= timedelta(0):
        details = (f"“{attempt.title}” ran out of time while it was closed. It is graded with "
                   f"the {answered} answer{'' if answered == 1 else 's'} you gave.")
        return Confirm("Your exam's time is up", details, "See your result", "Later")
    details = (f"“{attempt.title}” is still open: {answered} answered, "
               f"{minutes_left(left)} left. The clock keeps running while it is closed.")
    return Confirm("Resume your exam?", details, "Resume", "Later")


class ExamScreen(TrainerScreen[None]):
    """A free-navigation exam: any question, in any order (SequentialExamScreen: forward)."""

    HELP_TOPIC = "questions"

    BINDINGS = [
        Binding("ctrl+s", "submit_exam", "Submit exam", id="exam.submit", priority=True),
        Binding("ctrl+n", "next", "Next", id="exam.next", priority=True),
        Binding("ctrl+b", "back", "Prev", id="exam.prev", priority=True),
        Binding("ctrl+f", "flag", "Flag", id="exam.flag", priority=True),
        Binding("ctrl+r", "review", "Review", id="exam.review", priority=True),
        Binding("escape", "leave", "Leave", id="exam.leave"),
    ]
    KEY_LABELS = {"question.submit": "Save answer"}  # enter saves; ctrl+s submits the exam

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session
        self.unsaved = False  # the last change of the answer on screen could not be saved
        self.gone = False  # taken over or graded in another window: this screen is closing

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="exam-status"):
            yield Static(id="exam-place")
            yield Static(id="exam-clock")
        yield Vertical(id="exam-body")
        yield KeyFooter(labels=self.KEY_LABELS)

    async def on_mount(self) -> None:
        await self.show_item()
        self.tick()
        self.set_interval(1, self.tick)

    def on_unmount(self) -> None:
        self._let_go()

    @property
    def index(self) -> int:
        return self.session.position

    @property
    def sequential(self) -> bool:
        return self.session.blueprint.navigation == "sequential"

    # -- the clock, the heartbeat, and writes that are refused ----------------------------

    def tick(self) -> None:
        """Redraw the countdown; keep the exam this window's; announce warnings; submit when
        the time is up."""
        session = self.session
        if session.report is not None:
            return
        if session.expired:
            self.finish(auto=True)
            return
        # The heartbeat; a full disk for a moment is said by the next answer if it lasts.
        if not self.write(session.keep, quiet=True) and self.gone:
            return
        if not self.write(lambda: self._warn(session.due_warnings())):
            return
        left = session.remaining()
        style = "bold red" if left <= timedelta(minutes=5) else "bold"
        self.query_one("#exam-clock", Static).update(Text(f"⏱ {clock_text(left)}", style=style))

    def _warn(self, warnings: list[int]) -> None:
        for minutes in warnings:
            unit = "minute" if minutes == 1 else "minutes"
            self.notify(f"{minutes} {unit} left.", title="Time", severity="warning", timeout=8)

    def write(self, act: Callable[[], object], *, quiet: bool = False) -> bool:
        """Do one thing that writes to the exam; False, with the learner told why, when it
        was refused: taken over or graded in another window, time up, or a store fault
        (`quiet`: a fault already told is not told again)."""
        try:
            act()
        except LeaseLost:
            self._taken_over()
        except (AttemptClosed, ExamClosed):
            if self.session.expired:
                self.finish(auto=True)
            else:
                self._graded_elsewhere()
        except StoreError as error:
            if not quiet:
                self.app.tell_store_error(error)
        else:
            return True
        return False

    def _taken_over(self) -> None:
        self.notify(
            "This exam was taken over in another window, so this one stopped. Every answer "
            "saved here before is kept; go on in the other window.",
            title="Exam taken over", severity="warning", timeout=12,
        )
        self.session.held_until = None  # nothing to let go
        self._close_dialogs()
        self.app.pop_screen()

    def _graded_elsewhere(self) -> None:
        self.session.refresh()
        report = self.session.report
        self.notify(
            "This exam was already submitted in another window: that answer was not saved. "
            "Here is the result.",
            title="Already graded", severity="warning", timeout=12,
        )
        self._close_dialogs()
        if report is not None:
            self.app.switch_screen(ExamReportScreen(report))
        else:
            self.app.pop_screen()

    def _close_dialogs(self) -> None:
        self.gone = True
        while self.app.screen is not self:
            self.app.pop_screen()

    def _let_go(self) -> None:
        try:
            self.session.release()
        except (StoreError, AttemptClosed):  # the lease runs out by itself
            pass

    # -- the question on screen -----------------------------------------------------------

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
        if self.unsaved:
            text.append("  ✗ answer not saved", style="bold red")
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
        self.unsaved = False
        self._place()
        self.refresh_bindings()

    def on_question_view_answer_changed(self, event: QuestionView.AnswerChanged) -> None:
        event.stop()
        if self.session.report is None and not self.session.expired:
            was_unsaved = self.unsaved
            saved = self._save(event.response, quiet=was_unsaved)
            self.unsaved = not saved
            if self.session.report is None and not self.gone:
                self._place()

    async def on_question_view_answer_submitted(self, event: QuestionView.AnswerSubmitted) -> None:
        event.stop()
        if self.session.report is not None or self.session.expired:
            return
        if not self._save(event.response, quiet=False):
            self.unsaved = self.session.report is None
            if not self.gone:
                self._place()
            return
        self.unsaved = False
        if self.session.can_visit(self.index + 1):
            await self.go(self.index + 1)
        else:
            self._place()
            self.notify("That was the last question: ctrl+r to review, ctrl+s to submit.")

    def _save(self, response: object, *, quiet: bool) -> bool:
        return self.write(lambda: self.session.answer(self.index, response), quiet=quiet)

    # -- moving, flagging, reviewing, leaving, submitting --------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.session.can_visit(self.index + 1)
        if action == "back":
            return self.session.can_visit(self.index - 1)
        return True

    async def go(self, index: int) -> None:
        if self.session.can_visit(index) and self.write(lambda: self.session.go(index)):
            await self.show_item()

    async def action_next(self) -> None:
        await self.go(self.index + 1)

    async def action_back(self) -> None:
        await self.go(self.index - 1)

    def action_flag(self) -> None:
        item = self.session.items[self.index]
        if self.write(lambda: self.session.flag(self.index, not item.flagged)):
            self._place()

    def action_review(self) -> None:
        async def jump(index: int | None) -> None:
            if index is not None:
                await self.go(index)

        self.app.push_screen(ExamNavigator(self.session), jump)

    def action_submit_exam(self) -> None:
        session = self.session
        lines = []
        if session.unanswered:
            lines.append("Unanswered: " + _numbers(session.unanswered))
        else:
            lines.append("Every question is answered.")
        if session.flagged:
            lines.append("Flagged: " + _numbers(session.flagged))

        def details() -> str:  # the time left ticks while the dialog is open
            return "\n".join([*lines, f"Time left: {clock_text(session.remaining())}"])

        def decided(yes: bool | None) -> None:
            if yes:
                self.finish(auto=False)

        self.app.push_screen(
            Confirm("Submit the exam?", details, "Submit", "Go back"), decided
        )

    def action_leave(self) -> None:
        left = clock_text(self.session.remaining())

        def decided(yes: bool | None) -> None:
            if yes:
                self._let_go()
                self.notify("Your answers are saved. The clock keeps running; resume from Exam.")
                self.app.pop_screen()

        details = (f"Your answers are saved, but the clock keeps running ({left} left), as in "
                   "a real exam. Come back to it from Exam on the home screen.")
        self.app.push_screen(Confirm("Leave the exam?", details, "Leave", "Stay"), decided)

    def finish(self, *, auto: bool) -> None:
        """Grade (what the store holds) and show the report; refused when the exam is not
        this window's any more, or cannot be saved (it stays open, to try again)."""
        try:
            report = self.session.submit()
        except LeaseLost:
            self._taken_over()
            return
        except StoreError as error:
            self.app.tell_store_error(error)
            return
        if auto:
            self.notify("Time is up: the exam was submitted.", severity="warning")
        # Close any dialog over the exam before showing the report.
        self._close_dialogs()
        self.app.switch_screen(ExamReportScreen(report))


def _numbers(indexes: list[int], shown: int = 20) -> str:
    """ "3 (2, 5, 9)": how many, then which (question numbers), as the submit dialog says."""
    numbers = ", ".join(str(i + 1) for i in indexes[:shown])
    return f"{len(indexes)} ({numbers}{' ...' if len(indexes) > shown else ''})"


class SequentialExamScreen(ExamScreen):
    """A sequential exam: forward only. Moving on from an unanswered question asks first, as
    it closes for good; ctrl+b says why it cannot go back."""

    BINDINGS = [Binding("ctrl+b", "back", "Prev", show=False, id="exam.prev", priority=True)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return True  # hidden, and says why there is no going back
        return super().check_action(action, parameters)

    async def action_back(self) -> None:
        self.notify("Sequential exam: each question closes when you move on, so you cannot go "
                    "back.", title="No going back")

    async def action_next(self) -> None:
        number = self.index + 1
        if self.session.items[self.index].response is not None:
            await self.go(number)
            return

        async def decided(yes: bool | None) -> None:
            if yes:
                await self.go(number)

        details = (f"Question {number} has no answer. In this exam a question closes when you "
                   "move on: you cannot come back to it.")
        self.app.push_screen(Confirm(f"Leave question {number} unanswered?", details,
                                     "Move on", "Stay"), decided)


class ExamNavigator(TrainerModal[int | None]):
    """Every question with its state; filter answered, unanswered or flagged; Enter jumps.
    In a sequential exam it only looks: earlier questions are closed, and later ones are
    neither shown nor reachable before their turn."""

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

    @property
    def sequential(self) -> bool:
        return self.session.blueprint.navigation == "sequential"

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
            table.add_row(
                str(index + 1), *self._state(index), key=str(index)
            )
        counts = (
            f"{len(session.items) - len(session.unanswered)} answered, "
            f"{len(session.unanswered)} unanswered, {len(session.flagged)} flagged"
        )
        how = ("Sequential: you are on question "
               f"{session.position + 1}; earlier ones are closed." if self.sequential
               else "Enter jumps to a question.")
        self.query_one("#navigator-title", Label).update(f"Review ({self.filter}): {counts}. {how}")

    def _state(self, index: int) -> tuple[Text, str, Text]:
        item = self.session.items[index]
        later = self.sequential and index > self.session.position
        if later:
            return Text("to come", style="dim"), "", Text("(shown in its turn)", style="dim")
        answered = item.response is not None
        state = Text("answered", style="green") if answered else Text("—", style="dim")
        if self.sequential and index < self.session.position:
            state = Text("closed" + (", answered" if answered else ""), style="dim")
        prompt = one_line(item.question.prompt, max_length=50)
        closed = not self.session.can_visit(index)
        return state, "⚑" if item.flagged else "", Text(prompt, style="dim" if closed else "")

    def action_show(self, which: str) -> None:
        self.filter = which
        self.refill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(str(event.row_key.value))
        position = self.session.position
        if self.sequential and index > position:
            self.notify("Sequential exam: questions come in order. Answer this one, then "
                        "ctrl+n moves on.")
        elif self.session.can_visit(index):
            self.dismiss(index)
        else:
            self.notify("Sequential exam: earlier questions are closed.")


class HeldElsewhere(TrainerModal[None]):
    """The exam is open in another window: how it stands (read only), and a way to take it
    over here once that window is gone (its lease ran out unrenewed), or to see the result
    once it was submitted there."""

    BINDINGS = [
        Binding("escape,n", "dismiss(None)", "Back", id="held.back"),
        Binding("t", "take", "Take over", id="held.take"),
    ]

    def __init__(self, held: OpenElsewhere) -> None:
        super().__init__()
        self.session = held.session
        self.where = held.where

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text("Your exam is open in another window"), id="dialog-title")
            yield Static(id="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Take over (t)", id="take", variant="primary", disabled=True)
                yield Button("Back (n)", id="back")

    def on_mount(self) -> None:
        self.look()
        self.set_interval(1, self.look)

    def look(self) -> None:
        """Read the exam as it stands now; the button waits until the other window is gone."""
        session = self.session
        try:
            session.refresh()
            attempt = self.app.store.attempt(session.attempt_id)
        except StoreError:
            return
        title = session.blueprint.title
        button = self.query_one("#take", Button)
        if session.report is not None or attempt is None:
            body = f"“{title}” was submitted in {self.where}."
            button.label, button.disabled = "See your result (t)", False
        else:
            answered = len(session.items) - len(session.unanswered)
            body = (f"“{title}” is open in {self.where}: {answered} of {len(session.items)} "
                    f"answered, {clock_text(session.remaining())} left. Answer it there: one "
                    "window at a time writes to an exam, so no answer is lost or graded twice.")
            now = self.app.clock.now()
            if not attempt.held(now):
                body += "\n\nThat window has let it go, or is gone: you can take it over here."
                button.disabled = False
            else:
                assert attempt.lease_until is not None
                seen = max(0, int((now - (attempt.lease_until - LEASE)).total_seconds()))
                body += (f"\n\nIt was last active {seen} s ago. If that window is closed or "
                         f"stuck, Take over works once it has been silent for "
                         f"{LEASE.seconds} s.")
                button.disabled = True
        self.query_one("#dialog-body", Static).update(Text(body))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "take":
            self.action_take()
        else:
            self.dismiss(None)

    def action_take(self) -> None:
        session = self.session
        if session.report is None:
            try:
                session.take()
            except ExamHeld:
                self.notify("It is still in use in the other window: finish it there.")
                return
            except AttemptClosed:
                session.refresh()
            except StoreError as error:
                self.app.tell_store_error(error)
                return
        self.dismiss(None)
        report = session.report
        self.app.push_screen(
            ExamReportScreen(report) if report is not None else self.app.exam_screen(session)
        )


class ExamReportScreen(TrainerScreen[None]):
    """Score, pass or fail, time used, a table by topic, then every question to review."""

    HELP_TOPIC = "questions"

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
        review.add_columns("#", "Result", "Your answer", "Correct answer")
        rows = []
        for item in self.report.review:
            if item.pilot:
                result = Text("pilot", style="dim")
            elif item.grade.correct:
                result = Text("✓ right", style="green")
            else:
                result = Text("✗ wrong", style="red")
            question = item.question
            given = strip_controls(format_answer(question, item.response))
            parts = item.grade.parts
            if item.response is not None and not item.grade.correct and len(parts) > 1:
                # One line cannot show a list part by part (Enter does): say how much was right.
                given = f"{sum(p.correct for p in parts)} of {len(parts)} parts right: {given}"
            rows.append((result, given,
                         strip_controls(format_answer(question, correct_response(question)))))
        # The two answers share what the screen has beside the number and the result.
        given_width, right_width = _share(
            self.app.size.width - 24,
            max((len(given) for _, given, _ in rows), default=0),
            max((len(right) for _, _, right in rows), default=0),
        )
        for index, (result, given, right) in enumerate(rows):
            review.add_row(
                str(index + 1), result, Text(strip_controls(given, given_width)),
                Text(strip_controls(right, right_width)), key=str(index),
            )
        review.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(str(event.row_key.value))
        self.app.push_screen(ReviewItemScreen(index + 1, self.report.review[index]))


def _share(room: int, first: int, second: int) -> tuple[int, int]:
    """Widths for two columns that need `first` and `second` in `room`: what one leaves of
    its half goes to the other."""
    half = max(8, room // 2)
    if first + second <= room:
        return first, second
    if first <= half:
        return first, max(8, room - first)
    if second <= half:
        return max(8, room - second), second
    return half, max(8, room - half)


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
            answers = answer_summary(item.presented, item.response)
            yield Static(answers)
            yield Markdown(q.explanation)
            yield Static(Text("Reference: " + strip_controls("; ".join(q.references)), style="dim"))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
