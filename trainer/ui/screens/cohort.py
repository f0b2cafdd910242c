"""The instructor's dashboard: the cohort report as three tables (learners, topics weakest
first, questions hardest first), counted on a worker and counted afresh with r.

Names and question ids come from the store: shown as plain Text, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from trainer.core.cohort import CohortReport, picked
from trainer.core.sanitize import strip_controls
from trainer.core.store import StoreError
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter

READINESS_EXAM = "quick-check"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _plain(value: str) -> Text:
    return Text(strip_controls(value, 200))


class CohortScreen(TrainerScreen[None]):
    HELP_TOPIC = "classroom"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="cohort.back"),
        Binding("r", "refresh", "Count again", id="cohort.refresh"),
    ]

    class Counted(Message):
        def __init__(self, report: CohortReport | None, problem: str | None) -> None:
            super().__init__()
            self.report, self.problem = report, problem

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Counting every learner's figures...", id="cohort-summary")
        with TabbedContent(id="cohort-tabs"):
            with TabPane("Learners", id="cohort-learners-tab"):
                yield DataTable(id="cohort-learners", cursor_type="row", zebra_stripes=True)
            with TabPane("Topics", id="cohort-topics-tab"):
                yield DataTable(id="cohort-topics", cursor_type="row", zebra_stripes=True)
            with TabPane("Questions", id="cohort-items-tab"):
                yield DataTable(id="cohort-items", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#cohort-learners", DataTable).add_columns(
            "Learner", "Cohort", "Lessons", "Exams", "Best", "Last", "Ready")
        self.query_one("#cohort-topics", DataTable).add_columns(
            "Topic", "Learners", "Mastery", "Weak")
        self.query_one("#cohort-items", DataTable).add_columns(
            "Question", "Answers", "Difficulty", "Discrim.", "Picked", "Flags")
        self.action_refresh()

    def action_refresh(self) -> None:
        self._count()

    @work(thread=True, exclusive=True)
    def _count(self) -> None:
        from trainer.core.cohort import build_report
        from trainer.core.item_sources import question_lookup
        from trainer.core.store import open_database
        from trainer.core.store.cohort import CohortRecords

        setup = self.app.setup
        instructor = setup.signed_in
        if instructor is None:
            self.post_message(self.Counted(None, "Sign in as an instructor to see the cohort."))
            return
        try:
            records = CohortRecords(open_database(setup.store_target), instructor, setup.clock)
            try:
                report = build_report(
                    records, setup.clock.now(), [lesson.id for lesson in setup.lessons.lessons],
                    blueprint=setup.blueprints.get(READINESS_EXAM),
                    lookup=question_lookup(setup.banks.questions),
                )
            finally:
                records.close()
        except (StoreError, PermissionError) as exc:
            self.post_message(self.Counted(None, str(exc)))
            return
        self.post_message(self.Counted(report, None))

    def on_cohort_screen_counted(self, message: Counted) -> None:
        summary = self.query_one("#cohort-summary", Static)
        report = message.report
        if report is None:
            summary.update(Text(strip_controls(message.problem or "", 400), style="bold red"))
            return
        exam = report.blueprint.title if report.blueprint else "-"
        summary.update(Text(
            f"{len(report.learners)} learner(s) · ready for: {exam} · "
            f"{len(report.items.items)} question(s) answered"
        ))
        learners = self.query_one("#cohort-learners", DataTable)
        learners.clear()
        for f in report.learners:
            learners.add_row(
                _plain(f.name), _plain(f.cohort or "-"), f"{f.lessons_done}/{f.lessons_total}",
                f"{len(f.graded)}/{len(f.attempts)}", _percent(f.best_score),
                _percent(f.last_score), _percent(f.readiness.expected if f.readiness else None),
            )
        topics = self.query_one("#cohort-topics", DataTable)
        topics.clear()
        for t in report.topics:
            topics.add_row(_plain(t.title), str(t.learners), _percent(100 * t.mean_mastery),
                           str(t.weak))
        items = self.query_one("#cohort-items", DataTable)
        items.clear()
        for i in report.items.items:
            items.add_row(
                _plain(i.question_id), str(i.answers), f"{i.difficulty:.2f}",
                "-" if i.discrimination is None else f"{i.discrimination:+.2f}",
                picked(i), _plain(", ".join(i.flags)),
            )
