"""One presented question: its prompt, its exhibit and the input for its type, in one scroll.

The practice and exam screens build on this widget and only listen to its two messages, so
the same keys and looks serve both. The prompt is Markdown; every other text from a bank is
shown as plain rich `Text` after `strip_controls`.
"""

from __future__ import annotations

from typing import ClassVar

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalScroll, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, Static

from trainer.core.questions import (
    Numeric,
    Presented,
    TableExhibit,
    TextExhibit,
    kind_of,
)
from trainer.core.sanitize import strip_controls
from trainer.ui.widgets.question_inputs import ANSWER_INPUTS, AnswerInput, plain

# Past this, a prompt shows its first part and "show more": drawing megabytes of Markdown would
# stall every key press (a 9 MB prompt took 10 s to draw).
PROMPT_SHOWN = 4000


def _first_part(prompt: str) -> str:
    """The prompt, or its first PROMPT_SHOWN characters cut at a paragraph or line end."""
    if len(prompt) <= PROMPT_SHOWN:
        return prompt
    head = prompt[:PROMPT_SHOWN]
    cut = max(head.rfind("\n\n"), head.rfind("\n"))
    return head[:cut] if cut > PROMPT_SHOWN // 2 else head


def answer_input(presented: Presented, response: object | None, locked: bool) -> AnswerInput:
    """The input that answers this question's type, showing `response` if one is given."""
    return ANSWER_INPUTS[presented.question.type](presented, response, locked)


def exhibit_widgets(exhibit: TableExhibit | TextExhibit) -> list[Widget]:
    """A table as a Rich table of Text cells; text verbatim, unwrapped, scrolling sideways."""
    widgets: list[Widget] = []
    if exhibit.title:
        widgets.append(Static(plain(exhibit.title), classes="question-exhibit-title"))
    if isinstance(exhibit, TableExhibit):
        table = Table(box=box.ROUNDED, header_style="bold", padding=(0, 1))
        for column in exhibit.columns:
            table.add_column(plain(column))
        for row in exhibit.rows:
            table.add_row(*(plain(cell) for cell in row))
        widgets.append(Static(table, classes="question-exhibit question-table"))
    else:
        text = Text(strip_controls(exhibit.text), no_wrap=True, overflow="ignore")
        widgets.append(HorizontalScroll(Static(text), classes="question-exhibit question-text"))
    return widgets


class QuestionView(VerticalScroll):
    """Shows one presented question and takes its answer from the keyboard or the mouse.

    Posts `AnswerChanged` whenever the answer changes (None while incomplete) and
    `AnswerSubmitted` when the learner submits a complete one. `locked` shows `response`
    read-only, for feedback and review.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "show_all", "Whole question", id="question.show-all", show=False),
    ]

    DEFAULT_CSS = """
    QuestionView {
        height: 1fr;
        padding: 0 1;
        & > .question-header {
            text-style: bold;
            color: $text-accent;
        }
        & > Markdown {
            margin: 1 0 0 0;
            padding: 0;
        }
        & > .question-exhibit-title {
            text-style: bold;
        }
        & > .question-text {
            height: auto;
            background: $boost;
            margin-bottom: 1;
            & > Static {
                width: auto;
            }
        }
        & > .question-table {
            width: auto;
            max-width: 100%;
            margin-bottom: 1;
        }
    }
    """

    class _Answer(Message):
        def __init__(self, view: QuestionView, response: object | None) -> None:
            super().__init__()
            self.view = view
            self.response = response

        @property
        def control(self) -> QuestionView:
            return self.view

    class AnswerChanged(_Answer):
        """The answer changed; `response` is None while it is incomplete."""

    class AnswerSubmitted(_Answer):
        """The learner submitted a complete answer (enter)."""

    def __init__(
        self,
        presented: Presented,
        *,
        response: object | None = None,
        number: int | None = None,
        total: int | None = None,
        locked: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.presented = presented
        self.number = number
        self.total = total
        self.locked = locked
        # Unlocked, the input holds focus and the view scrolls around it; locked, the view
        # takes focus itself so the arrow keys scroll.
        self.can_focus = locked
        self.answer = answer_input(presented, response, locked)
        self._reported = self.answer.response

    @property
    def response(self) -> object | None:
        """The current answer, or None while it is incomplete."""
        return self.answer.response

    def compose(self) -> ComposeResult:
        question = self.presented.question
        yield Static(self._header(), classes="question-header")
        prompt = strip_controls(question.prompt)
        shown = _first_part(prompt)
        yield Markdown(shown, open_links=False, id="question-prompt")
        if len(shown) < len(prompt):
            more = Text(f"… {len(prompt) - len(shown):,} more characters: ", style="bold")
            more.append("ctrl+o shows the whole question")
            yield Static(more, id="question-more")
        if question.exhibit is not None:
            yield from exhibit_widgets(question.exhibit)
        yield self.answer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_all":  # shown only while part of the prompt is held back
            return bool(self.query("#question-more")) or None
        return True

    def action_show_all(self) -> None:
        """The whole of a very long prompt, when the learner asks for it."""
        more = self.query("#question-more")
        if more:
            more.remove()
            prompt = strip_controls(self.presented.question.prompt)
            self.query_one("#question-prompt", Markdown).update(prompt)

    def _header(self) -> Text:
        question = self.presented.question
        instruction = kind_of(question).instruction
        if isinstance(question, Numeric) and question.unit:
            instruction += f" ({strip_controls(question.unit)})"
        if self.number is None:
            return Text(instruction)
        place = f"Question {self.number}" + (f" of {self.total}" if self.total else "")
        return Text(f"{place} · {instruction}")

    def on_mount(self) -> None:
        if not self.locked:
            self.answer.focus(scroll_visible=False)

    def focus(self, scroll_visible: bool = True) -> QuestionView:
        """Focusing the view focuses its input, unless it is locked."""
        if self.locked:
            super().focus(scroll_visible)
        else:
            self.answer.focus(scroll_visible)
        return self

    def on_answer_input_changed(self, event: AnswerInput.Changed) -> None:
        event.stop()
        self._report_change()

    def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        event.stop()
        self._report_change()
        self.post_message(self.AnswerSubmitted(self, self.response))

    def _report_change(self) -> None:
        response = self.response
        if response != self._reported:
            self._reported = response
            self.post_message(self.AnswerChanged(self, response))
