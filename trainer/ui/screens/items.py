"""Item analysis for instructors: the weakest questions first, with their statistics.

The figures are the ones `pacs-trainer items report` prints, over this learner's store
(other learners' answers come in through `progress import`, or the command's --file).
They are computed on a worker with a connection of its own; bank text is shown as plain
Text, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from trainer.core.item_analysis import ItemReport, ItemStats, analyse
from trainer.core.item_sources import question_lookup
from trainer.core.sanitize import strip_controls
from trainer.core.store import StoreError
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from trainer.ui.app import PacsTrainerApp

COLUMNS = ("Question", "Answers", "Difficulty", "Discrim.", "Flags")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def detail(item: ItemStats) -> Text:
    """One question's statistics as plain text: the prompt, each choice's rate, wrong answers."""
    text = Text()
    text.append(strip_controls(item.question_id), style="bold")
    text.append(f"  {item.answers} answers, {item.right} right\n")
    text.append(strip_controls(item.prompt) + "\n")
    for choice in item.choices:
        mark = "key " if choice.right else "    "
        text.append(f"{mark}{choice.key}: {choice.rate:4.0%} ({choice.picked})  ",
                    style="bold" if choice.right else "")
        text.append(strip_controls(choice.text) + "\n")
    for answer, count in item.wrong_answers:
        text.append(f"wrong: {strip_controls(answer)} ({count})\n")
    if item.flags:
        text.append("Flags: " + ", ".join(item.flags), style="bold")
    return text


def summary(report: ItemReport) -> Text:
    if not report.items:
        return Text("No answers yet. Answers from practice, review and exams show up here; "
                    "merge other learners' with pacs-trainer progress import.")
    text = Text(f"{report.answers} answers to {len(report.items)} questions; "
                f"{len(report.flagged)} flagged. Weakest first.")
    for exam in report.reliability:
        value = _number(exam.kr20) if exam.kr20 is not None else f"- ({exam.why_none})"
        text.append(f"\n{strip_controls(exam.blueprint)}: KR-20 {value}, {exam.attempts} attempts")
    return text


class ItemAnalysisScreen(TrainerScreen[None]):
    HELP_TOPIC = "items"
    CSS_PATH = "items.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="items.back")]

    def __init__(self) -> None:
        super().__init__()
        self.report: ItemReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Counting..."), id="items-summary")
        yield DataTable(id="items-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="items-detail-box"):
            yield Static(Text(""), id="items-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Item analysis"
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self._count(self.app)

    @work(thread=True, exclusive=True, exit_on_error=False,
          description="counting item statistics")
    def _count(self, app: PacsTrainerApp) -> None:
        try:
            store = app.store.reopen()
            try:
                record = store.export_data()
            finally:
                store.close()
        except StoreError as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        report = analyse([record], question_lookup(app.banks.questions))
        app.call_from_thread(self._show, report)

    def _failed(self, problem: str) -> None:
        self.query_one("#items-summary", Static).update(Text(problem))

    def _show(self, report: ItemReport) -> None:
        self.report = report
        self.query_one("#items-summary", Static).update(summary(report))
        table = self.query_one(DataTable)
        table.clear()
        for item in report.items:
            table.add_row(
                Text(strip_controls(item.question_id)), str(item.answers),
                _number(item.difficulty), _number(item.discrimination),
                Text(", ".join(item.flags) or "-"), key=item.question_id,
            )
        if report.items:
            self.query_one("#items-detail", Static).update(detail(report.items[0]))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.report is None or event.cursor_row >= len(self.report.items):
            return
        self.query_one("#items-detail", Static).update(detail(self.report.items[event.cursor_row]))
