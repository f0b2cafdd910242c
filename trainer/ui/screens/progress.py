"""Progress: lessons, time and streak; exam scores as a chart; readiness for an exam; mastery
by topic, weakest first, each a key away from practising it.

The figures come from `trainer.core.progress.dashboard` (aggregated in SQL) and
`trainer.core.review.readiness`; this screen only draws them. Each visit counts them afresh on
a worker thread, with a connection of its own (sqlite3 ties a connection to its thread), so a
long history never freezes the keyboard; the screen comes forward with them already drawn.
The screen is kept between visits: building its widgets costs more than drawing new figures.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from trainer.core.progress import WEAK_BELOW, Dashboard, Snapshot, TopicMastery, snapshot
from trainer.core.review import ENOUGH_EVIDENCE, READINESS_EXPLAINED, Readiness, readiness
from trainer.core.store import ExamScore, StoreError
from trainer.core.topics import topic_title
from trainer.ui.screens.base import TrainerModal, TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from trainer.core.blueprints import Blueprint
    from trainer.ui.app import PacsTrainerApp

BLOCKS = " ▁▂▃▄▅▆▇█"
CHART_ROWS = 4
PRACTICE_COUNT = 10
# (heading, width) of the mastery list's columns; the topic's grows with the screen
TOPIC_COLUMNS = (("Topic, weakest first", 30), ("Mastery", 15), ("30 days", 9), ("Memory", 6),
                 ("Cards", 5))
TOPIC_WIDEST = 64
_AROUND_TOPICS = 46  # the other columns, their gaps, margins, padding and the scrollbar
FIGURES_WAIT = 0.25  # seconds; a longer count shows "Counting…" until it is done


def topic_width(screen_width: int) -> int:
    """The topic column's width: all the room the others leave, within 30 to TOPIC_WIDEST."""
    return max(TOPIC_COLUMNS[0][1], min(TOPIC_WIDEST, screen_width - _AROUND_TOPICS))


def _widths(first: int) -> list[int]:
    return [first, *(width for _, width in TOPIC_COLUMNS[1:])]


def score_chart(scores: list[ExamScore], width: int, rows: int = CHART_ROWS) -> Text:
    """Exam scores as bars, oldest left, one column each (the latest that fit): green passed,
    red failed; the axis runs 0 to 100%."""
    shown = scores[-max(1, (width - 5) // 2):]
    lines = []
    for row in reversed(range(rows)):
        label = "100%│" if row == rows - 1 else "  0%│" if row == 0 else "    │"
        line = Text(label, style="dim")
        # A span per run of passed or failed exams, not per bar: fewer spans draw faster.
        for passed, run in groupby(shown, key=lambda score: score.passed):
            bars = "".join(
                BLOCKS[max(0, min(8, round(score.score / 100 * rows * 8) - row * 8))] + " "
                for score in run
            )
            line.append(bars, style="green" if passed else "red")
        lines.append(line)
    return Text("\n").join(lines)


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _weak_text(weak: int) -> str:
    """Which topics are weak: the table lists them first, so say so (a bare count did not)."""
    if not weak:
        return "none"
    rows = "top row" if weak == 1 else f"top {weak} rows"
    return f"{weak} ({rows}, under {WEAK_BELOW:.0%})"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _bar(value: float, width: int = 10) -> str:
    eighths = round(value * width * 8)
    return ("█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")).ljust(width)


def _cell(text: str | Text, width: int, right: bool = False) -> Text:
    cell = Text(text) if isinstance(text, str) else text.copy()
    if right:
        cell.pad_left(width - cell.cell_len)
    cell.truncate(width, overflow="ellipsis", pad=True)
    return cell


def topic_row(topic: TopicMastery, first: int = TOPIC_COLUMNS[0][1]) -> Text:
    """One line of the mastery list, in the columns of TOPIC_COLUMNS (the topic `first` wide)."""
    mastery = topic.mastery
    if mastery is None:
        bar = Text("not started", style="dim")
    else:
        colour = "red" if topic.weak else "green"
        bar = Text(f"{_bar(mastery)} {_percent(mastery):>4}", style=colour)
    right = f"{topic.right}/{topic.answers}" if topic.answers else "—"
    cells: tuple[str | Text, ...] = (
        topic.title, bar, right, _percent(topic.memory), str(topic.cards)
    )
    return Text(" ").join(
        _cell(cell, width, right=index > 1) for index, (cell, width) in
        enumerate(zip(cells, _widths(first), strict=True))
    )


def topic_headings(first: int = TOPIC_COLUMNS[0][1]) -> Text:
    return Text(" ").join(
        _cell(label, width, right=index > 1)
        for index, ((label, _), width) in enumerate(zip(TOPIC_COLUMNS, _widths(first)))
    )


class ReadinessHelp(TrainerModal[None]):
    BINDINGS = [Binding("escape,question_mark", "dismiss", "Close", id="readiness-help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Markdown(READINESS_EXPLAINED)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()


class ProgressScreen(TrainerScreen[None]):
    HELP_TOPIC = "progress"
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
        self.problem: str | None = None  # why the figures could not be counted
        self._opened_from: Screen | None = None  # set while `open` waits for the figures
        self._front: Timer | None = None
        self._resume_counted = False  # the coming resume has its count, done or under way

    @property
    def study_next(self) -> str | None:
        return self.estimate.study_next if self.estimate else None

    def open(self) -> None:
        """Count first, then come to the front: the figures are drawn in the same paint as the
        screen. A count that takes longer than FIGURES_WAIT shows "Counting…" meanwhile."""
        blueprints = self.app.blueprints.blueprints
        if self.blueprint_id is None and blueprints:  # the exam taken last, else the first
            last = self.app.store.last_graded_attempts(1)
            ids = [blueprint.id for blueprint in blueprints]
            taken = last[0].blueprint if last else None
            self.blueprint_id = taken if taken in ids else ids[0]
        self._opened_from = self.app.screen
        self._count()
        self._front = self.app.set_timer(FIGURES_WAIT, self._come_forward)

    def _come_forward(self, counted: bool = False) -> None:
        if self._front is not None:
            self._front.stop()
            self._front = None
        opened_from, self._opened_from = self._opened_from, None
        if opened_from is None or self.app.screen is not opened_from:
            return  # already in front, or the learner has gone elsewhere meanwhile
        if not counted:
            self.figures = None
            if self.is_mounted:
                self._draw()
        self._resume_counted = True
        self.app.push_screen(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress-summary")
        yield Static(id="progress-exams")
        yield Static(id="readiness-text")
        yield Static(id="mastery-headings")
        yield OptionList(id="mastery")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        """Topic names take the width there is."""
        if self.figures is not None:
            self._show_topics(self.figures.topics)
        else:
            headings = topic_headings(topic_width(self.size.width))
            self.query_one("#mastery-headings", Static).update(headings)

    def on_screen_resume(self) -> None:
        if not self._resume_counted:
            self._count()  # back from practising a topic: the figures moved
        self._resume_counted = False

    def _count(self) -> None:
        # A screen not yet mounted finds its app here, not on the worker thread.
        self._count_on_worker(self.app, self._blueprint())

    @work(thread=True, exclusive=True, exit_on_error=False, description="counting your progress")
    def _count_on_worker(self, app: PacsTrainerApp, blueprint: Blueprint | None) -> None:
        lessons = [lesson.id for lesson in app.lessons.lessons]
        shot: Snapshot | None = None
        problem: str | None = None
        try:
            store = app.store.reopen()  # a connection belongs to the thread that made it
            try:
                shot = snapshot(store, now=app.clock.now(), lesson_ids=lessons,
                                blueprint=blueprint, questions=lambda: app.banks.questions)
            finally:
                store.close()
        except StoreError as exc:
            problem = str(exc)
        if not get_current_worker().is_cancelled:  # a newer count is under way
            # Called, not posted: the screen may not be mounted yet (it comes forward after).
            app.call_from_thread(self._counted, shot, problem)

    def _counted(self, shot: Snapshot | None, problem: str | None) -> None:
        self.figures = shot.figures if shot else None
        self.problem = problem
        self._set_estimate(shot.readiness if shot else None)
        if self.is_mounted:
            self._draw()
        self._come_forward(counted=True)

    def _blueprint(self) -> Blueprint | None:
        return self.app.blueprints.get(self.blueprint_id) if self.blueprint_id else None

    def _set_estimate(self, estimate: Readiness | None) -> None:
        had_next = self.study_next is not None
        self.estimate = estimate
        if self.is_mounted and had_next != (self.study_next is not None):
            self.refresh_bindings()  # "Practise next" shows only with a topic to practise

    def _draw(self) -> None:
        figures = self.figures
        if figures is None:
            self._draw_waiting()
            return
        bold = "bold"
        summary = Text.assemble(
            ("Lessons ", bold), f"{figures.lessons_completed}/{len(self.app.lessons.lessons)} done",
            ("   Studied ", bold),
            f"{_duration(figures.studied)} ({_duration(figures.studied_this_week)} in the last "
            "7 days)",
            ("   Streak ", bold), f"{figures.streak} day{'s' if figures.streak != 1 else ''}\n",
            ("Answers ", bold), f"{figures.answers}",
            ("   Cards ", bold), f"{figures.cards}, {figures.due_now} due now",
            ("   Weak topics ", bold), _weak_text(len(figures.weakest)),
        )
        self.query_one("#progress-summary", Static).update(summary)
        self._show_exams(figures.exams)
        self._show_readiness()
        self._show_topics(figures.topics)

    def _draw_waiting(self) -> None:
        """Still counting, or the count failed: no figures, and nothing to act on."""
        if self.problem:
            line = Text(f"Your progress could not be read: {self.problem}", style="bold red")
        else:
            line = Text("Counting your answers…", style="dim")
        self.query_one("#progress-summary", Static).update(line)
        for selector in ("#progress-exams", "#readiness-text"):
            self.query_one(selector, Static).update("")
        self.query_one(OptionList).clear_options()

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
        blueprint = self._blueprint()
        title = blueprint.title if blueprint else self.blueprint_id
        line = Text(f"Readiness for {title}", style="bold")
        line.append(" (e: other exam)\n", style="dim")
        if estimate.enough:
            line.append("Expected ", style="bold")
            line.append(
                f"{estimate.expected:.0f}% ({estimate.low:.0f}–{estimate.high:.0f}%) · "
                f"pass {estimate.pass_mark:g}%: chance {100 * estimate.pass_chance:.0f}%\n"
            )
        else:
            line.append("Not enough data yet: ", style="bold")
            line.append(
                f"{estimate.answers_used:.0f} of about {ENOUGH_EVIDENCE} answers on this exam's "
                "topics (practice counts half)\n"
            )
        line.append("Next: ", style="bold")
        line.append(topic_title(estimate.study_next) if estimate.study_next else "—")
        line.append(" · ? how", style="dim")
        text.update(line)

    def _show_topics(self, topics: list[TopicMastery]) -> None:
        """Lines in place when the order of topics holds, else the list anew; the highlight
        stays on the same line."""
        first = topic_width(self.size.width)
        self.query_one("#mastery-headings", Static).update(topic_headings(first))
        listing = self.query_one(OptionList)
        if [option.id for option in listing.options] == [topic.topic for topic in topics]:
            for topic in topics:
                listing.replace_option_prompt(topic.topic, topic_row(topic, first))
            return
        highlighted = listing.highlighted or 0
        listing.set_options(Option(topic_row(topic, first), id=topic.topic) for topic in topics)
        if topics:
            listing.highlighted = min(highlighted, len(topics) - 1)

    def action_next_exam(self) -> None:
        """Readiness for the next exam blueprint, round the list."""
        ids = [blueprint.id for blueprint in self.app.blueprints.blueprints]
        if len(ids) > 1 and self.figures is not None:
            at = ids.index(self.blueprint_id) if self.blueprint_id in ids else -1
            self.blueprint_id = ids[(at + 1) % len(ids)]
            blueprint = self._blueprint()
            if blueprint is not None:
                self._set_estimate(readiness(blueprint, self.figures.evidence))
            self._show_readiness()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._practise(event.option_id)

    def action_practise(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None:
            self._practise(option.id)

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
