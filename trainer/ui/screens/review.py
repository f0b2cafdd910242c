"""Review due: how many cards are due, the daily limit of new questions, and a review round.

A round is a practice session in "review" mode over the queue `trainer.core.review` builds
(due cards first, in the order FSRS made them due, then new questions), so it shows the same
questions, feedback and rating keys as practice.
"""

from __future__ import annotations

import random

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.validation import Number
from textual.widgets import Button, Header, Input, Label, Static

from trainer.core import wording
from trainer.core.review import (
    MAX_NEW_PER_DAY,
    backfill,
    new_per_day,
    review_queue,
    set_new_per_day,
    status,
)
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter


def how_it_works() -> Text:
    from trainer.core.questions import KINDS

    names_by_time: dict[float, list[str]] = {}
    for kind in sorted(KINDS.values(), key=lambda kind: kind.quick_seconds):
        names_by_time.setdefault(kind.quick_seconds, []).append(kind.name)
    quick = "; ".join(f"{seconds:g} s for {wording.join_and(names)}"
                      for seconds, names in names_by_time.items())
    text = Text()
    text.append("How it works. ", style="bold")
    text.append(
        "Every question you answer, in practice, exams or here, becomes a card that FSRS "
        "schedules. A wrong answer is rated Again and comes back soon; a right one is Good; "
        f"right and quick is Easy (quick means within {quick}). After the feedback, press 2, 3 "
        "or 4 to rate a right answer Hard, Good or Easy yourself. A round takes the cards "
        "due now first, then questions you have never answered, up to your daily limit."
    )
    return text


class ReviewScreen(TrainerScreen[None]):
    HELP_TOPIC = "questions"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="review.back"),
        Binding("ctrl+s", "start", "Start review", id="review.start"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="review"):
            yield Static(id="review-status")
            with Horizontal(id="review-controls"):
                yield Label("New questions a day")
                yield Input(str(new_per_day(self.app.store)), type="integer", max_length=3,
                            validators=[Number(0, MAX_NEW_PER_DAY)], id="new-per-day")
                yield Button("Start review", id="start-review", variant="primary")
            yield Static(how_it_works(), id="review-help")
        yield KeyFooter()

    def on_mount(self) -> None:
        backfill(self.app.store, lambda: self.app.banks.questions)  # answers without cards
        self.query_one("#start-review", Button).focus()

    def on_screen_resume(self) -> None:
        self._show_status()

    def _show_status(self) -> None:
        figures = status(self.app.store, self.app.clock.now())
        bold = "bold"
        text = Text.assemble(
            ("Due now: ", bold), f"{figures.due_now}",
            ("   Due later today: ", bold), f"{figures.due_today - figures.due_now}",
            ("   Cards: ", bold), f"{figures.cards}\n",
            ("New questions today: ", bold),
            f"{figures.new_today} of your {figures.new_per_day} a day",
            (" (practice counts too" + (": none left for review today)"
                                        if figures.new_today >= figures.new_per_day else ")"),
             "dim"),
        )
        self.query_one("#review-status", Static).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Kept as soon as it is a valid number (0 to MAX_NEW_PER_DAY); the input shows when not."""
        event.stop()
        if event.value and (event.validation_result is None or event.validation_result.is_valid):
            with self.app.saving():
                set_new_per_day(self.app.store, int(event.value))
                self._show_status()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        app = self.app
        seed = app.quiz_seed()
        queue = review_queue(app.store, app.question_pool(seed), app.clock.now())
        if queue.missing:
            app.notify(f"{queue.missing} due card(s) belong to questions no longer in the "
                       "banks; they are left out.", severity="warning")
        if not queue.questions:
            app.notify("Nothing is due now and no new questions are left for today.")
            return
        title = f"Review: {len(queue.due)} due, {len(queue.new)} new"
        app.run_practice(queue.questions, title, rng=random.Random(seed), mode="review")
