"""Progress: lessons, time and streak; exam scores as a chart; readiness for an exam; mastery
by topic, weakest first, each a key away from practising it.

The figures come from `trainer.core.progress.dashboard` (aggregated in SQL) and
`trainer.core.review.readiness`; this screen only draws them.
"""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Markdown, Static

from trainer.core.progress import Dashboard, TopicMastery, dashboard
from trainer.core.review import READINESS_EXPLAINED, Readiness, readiness
from trainer.core.store import ExamScore
from trainer.core.topics import topic_title
from trainer.ui.screens.review import sync_cards
from trainer.ui.widgets.key_footer import KeyFooter

BLOCKS = " ▁▂▃▄▅▆▇█"
CHART_ROWS = 4
PRACTICE_COUNT = 10


def score_chart(scores: list[ExamScore], width: int, rows: int = CHART_ROWS) -> Text:
    """Exam scores as bars, oldest left, one column each (the latest that fit): green passed,
    red failed; the axis runs 0 to 100%."""
    shown = scores[-max(1, (width - 5) // 2):]
    lines = []
    for row in reversed(range(rows)):
        label = "100%│" if row == rows - 1 else "  0%│" if row == 0 else "    │"
        line = Text(label, style="dim")
        for score in shown:
            eighths = round(score.score / 100 * rows * 8) - row * 8
            block = BLOCKS[max(0, min(8, eighths))]
            line.append(block, style="green" if score.passed else "red")
            line.append(" ")
        lines.append(line)
    return Text("\n").join(lines)


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _bar(value: float, width: int = 10) -> str:
    eighths = round(value * width * 8)
    return ("█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")).ljust(width)


class ReadinessHelp(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark", "dismiss", "Close", id="readiness-help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Markdown(READINESS_EXPLAINED)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()


class ProgressScreen(Screen[None]):
    AUTO_FOCUS = "#mastery"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="progress.back"),
        Binding("p", "practise", "Practise topic", id="progress.practise"),
        Binding("n", "study_next", "Practise next", id="progress.study-next"),
        Binding("e", "next_exam", "Other exam", id="progress.next-exam"),
        Binding("question_mark", "explain", "How readiness works", id="progress.explain"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.figures: Dashboard | None = None
        self.estimate: Readiness | None = None
        self.blueprint_id: str | None = None
        self._resumed = False

    @property
    def study_next(self) -> str | None:
        return self.estimate.study_next if self.estimate else None

    def compose(self) -> ComposeResult:
        blueprints = self.app.blueprints.blueprints
        self.blueprint_id = blueprints[0].id if blueprints else None
        sync_cards(self.app)
        self._measure()  # before the footer first asks which keys apply
        yield Header()
        yield Static(id="progress-summary")
        yield Static(id="progress-exams")
        yield Static(id="readiness-text")
        yield DataTable(id="mastery", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._draw()

    def on_screen_resume(self) -> None:
        if self._resumed:  # back from practising: the figures moved (mount drew the first)
            self._measure()
            self._draw()
        self._resumed = True

    def _measure(self) -> None:
        app = self.app
        lessons = [lesson.id for lesson in app.lessons.lessons]
        self.figures = dashboard(app.store, app.clock.now(), lessons)
        self._estimate()

    def _estimate(self) -> None:
        blueprint = self.app.blueprints.get(self.blueprint_id) if self.blueprint_id else None
        had_next = self.study_next is not None
        self.estimate = readiness(blueprint, self.figures.memories) if blueprint else None
        if self.is_mounted and had_next != (self.study_next is not None):
            self.refresh_bindings()  # "Practise next" shows only with a topic to practise

    def _draw(self) -> None:
        figures = self.figures
        assert figures is not None
        summary = Text()
        summary.append("Lessons ", style="bold")
        summary.append(f"{figures.lessons_completed}/{len(self.app.lessons.lessons)} done")
        summary.append("   Studied ", style="bold")
        summary.append(f"{_duration(figures.studied)} ({_duration(figures.studied_this_week)} "
                       "in the last 7 days)")
        summary.append("   Streak ", style="bold")
        summary.append(f"{figures.streak} day{'s' if figures.streak != 1 else ''}\n")
        summary.append("Answers ", style="bold")
        summary.append(f"{figures.answers}")
        summary.append("   Cards ", style="bold")
        summary.append(f"{len(figures.memories)}, {figures.due_now} due now")
        summary.append("   Weak topics ", style="bold")
        summary.append(f"{len(figures.weakest)}")
        self.query_one("#progress-summary", Static).update(summary)
        self._show_exams(figures.exams)
        self._show_readiness()
        self._show_topics(figures.topics)

    def _show_exams(self, exams: list[ExamScore]) -> None:
        title = Text("Exam scores", style="bold")
        if not exams:
            title.append("  none yet: take one from Exam on the home screen", style="dim")
            self.query_one("#progress-exams", Static).update(title)
            return
        last = exams[-1]
        best = max(exam.score for exam in exams)
        title.append(f"  {len(exams)} taken, best {best:.0f}%, last {last.score:.0f}% "
                     f"({last.title}, {'passed' if last.passed else 'failed'})")
        chart = score_chart(exams, self.app.size.width - 2)
        self.query_one("#progress-exams", Static).update(Text("\n").join([title, chart]))

    def _show_readiness(self) -> None:
        text = self.query_one("#readiness-text", Static)
        estimate = self.estimate
        if estimate is None:
            text.update(Text("No exam blueprints to estimate readiness for.", style="dim"))
            return
        blueprint = self.app.blueprints.get(self.blueprint_id)
        line = Text(f"Readiness for {blueprint.title}", style="bold")
        line.append(" (e: other exam)\n", style="dim")
        line.append("Expected ", style="bold")
        line.append(f"{estimate.expected:.0f}% ({estimate.low:.0f}–{estimate.high:.0f}%) · "
                    f"pass {estimate.pass_mark:g}%: chance {100 * estimate.pass_chance:.0f}%\n")
        line.append("Next: ", style="bold")
        line.append(topic_title(estimate.study_next) if estimate.study_next else "—")
        line.append(" · ? how", style="dim")
        text.update(line)

    def _show_topics(self, topics: list[TopicMastery]) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column("Topic, weakest first", width=30)
        table.add_columns("Mastery", "30 days", "Memory", "Cards")
        for topic in topics:
            mastery = topic.mastery
            if mastery is None:
                bar = Text("not started", style="dim")
            else:
                bar = Text(f"{_bar(mastery)} {_percent(mastery):>4}",
                           style="red" if topic.weak else "green")
            right = f"{topic.right}/{topic.answers}" if topic.answers else "—"
            table.add_row(Text(topic.title, overflow="ellipsis", no_wrap=True), bar, right,
                          _percent(topic.memory), str(topic.cards), key=topic.topic)
        table.move_cursor(row=min(row, len(topics) - 1))

    def action_next_exam(self) -> None:
        """Readiness for the next exam blueprint, round the list."""
        ids = [blueprint.id for blueprint in self.app.blueprints.blueprints]
        if len(ids) > 1:
            self.blueprint_id = ids[(ids.index(self.blueprint_id) + 1) % len(ids)]
            self._estimate()
            self._show_readiness()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._practise(event.row_key.value)

    def action_practise(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self._practise(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_study_next(self) -> None:
        self._practise(self.study_next)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "study_next":
            return self.study_next is not None
        return True

    def _practise(self, topic: str | None) -> None:
        if topic is None:
            return
        seed = self.app.quiz_seed()
        self.app.start_practice(count=PRACTICE_COUNT, seed=seed, topics=[topic])

    def action_explain(self) -> None:
        self.app.push_screen(ReadinessHelp())
