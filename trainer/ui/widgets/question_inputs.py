"""The answer part of a question, one input per type: keyboard first, clickable too.

Each input keeps its own state and posts `Changed` and `Submitted`; `QuestionView` turns them
into the messages screens handle. `ANSWER_INPUTS` (at the end) gives each question type its
input. What is submitted is always what is shown as chosen: in single choice Enter submits the
marked (•) answer wherever the cursor is, and only chooses the highlighted row when nothing is
marked yet. Bank text is drawn as rich `Text` (never markup) after
`strip_controls`, so "[bold]" shows literally and an escape sequence never reaches the terminal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from trainer.core.questions import LETTERS, Numeric, Presented
from trainer.core.sanitize import strip_controls

_LETTERS = "abcdefgh"
_DIGITS = "12345678"
_CHOOSE = Binding.Group("Choose", compact=True)
_MATCH = Binding.Group("Match", compact=True)
_MOVE_ITEM = Binding.Group("Move item")


def plain(text: str) -> Text:
    """Bank text as it must reach the screen: literal, with no control characters."""
    return Text(strip_controls(text))


def _key_bindings(action: str, keys: str, group: Binding.Group, *, show: bool) -> list[Binding]:
    """One binding per key, so the action knows which key was pressed."""
    return [
        Binding(
            key,
            f"{action}('{key}')",
            group.description,
            show=show,
            group=group,
            id=f"question.{action}-{key}",
        )
        for key in keys
    ]


def _keys_for(labels: Sequence[str]) -> dict[str, int]:
    """Each entry answers to its label letter and to its position as a digit."""
    keys = {label.lower(): index for index, label in enumerate(labels)}
    keys.update({_DIGITS[index]: index for index in range(len(labels))})
    return keys


def _span(keys: str, count: int) -> str:
    return keys[0] if count == 1 else f"{keys[0]}-{keys[count - 1]}"


class AnswerRow(Static):
    """One line of an answer list; a click on it is handled by the list."""

    def __init__(self, role: str, index: int) -> None:
        super().__init__(classes="answer-row")
        self.role = role
        self.index = index


class AnswerInput(Widget, can_focus=True):
    """The part of a question the learner answers; `response` is None while incomplete."""

    DEFAULT_CSS = """
    AnswerInput {
        height: auto;
        & > .answer-row {
            height: auto;
        }
        & > .answer-row.-cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .answer-row.-cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .answer-caption {
            margin-top: 1;
            color: $text-muted;
        }
        & > .answer-help {
            margin-top: 1;
            color: $text-muted;
        }
        & > .answer-help.-first {
            margin-top: 0;
            margin-bottom: 1;
        }
        & > .answer-problem {
            color: $text-error;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit", id="question.submit"),
    ]

    class Changed(Message):
        """The answer changed; read it from `response`."""

    class Submitted(Message):
        """The learner submitted a complete answer."""

    missing = "Answer first."
    help_first = False  # the key line above the rows (a long list would push it out of view)

    def __init__(self, *, locked: bool) -> None:
        super().__init__()
        self.locked = locked
        if locked:
            self.can_focus = False

    @property
    def response(self) -> object | None:
        raise NotImplementedError

    def help(self) -> str:
        raise NotImplementedError

    def compose_input(self) -> ComposeResult:
        raise NotImplementedError

    def problem(self) -> str | None:
        """Why the answer cannot be submitted yet, or None."""
        return self.missing if self.response is None else None

    def compose(self) -> ComposeResult:
        if self.help_first and not self.locked:
            yield Static(Text(self.help()), classes="answer-help -first")
        yield from self.compose_input()
        if not self.locked:
            if not self.help_first:
                yield Static(Text(self.help()), classes="answer-help")
            problem = Static(classes="answer-problem")
            problem.display = False
            yield problem

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.locked

    def action_submit(self) -> None:
        problem = self.problem()
        if problem:
            self._say(problem)
        else:
            self.post_message(self.Submitted())

    def changed(self) -> None:
        if self.locked:  # a locked Input still reports the value it starts with
            return
        self._say("")
        self.post_message(self.Changed())

    def _say(self, text: str) -> None:
        problem = self.query_one(".answer-problem", Static)
        problem.update(Text(text))
        problem.display = bool(text)


class _ListAnswer(AnswerInput):
    """A list of rows with a cursor: up and down move it, and past either end the view scrolls."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False, id="question.cursor-up"),
        Binding("down", "cursor(1)", "Down", show=False, id="question.cursor-down"),
    ]

    def __init__(self, count: int, *, cursor: int = 0, locked: bool) -> None:
        super().__init__(locked=locked)
        self.count = count
        self.cursor = cursor

    def render_row(self, row: AnswerRow) -> Table:
        raise NotImplementedError

    def rows(self) -> Iterable[Widget]:
        yield from (AnswerRow("item", index) for index in range(self.count))

    def compose_input(self) -> ComposeResult:
        for widget in self.rows():
            if isinstance(widget, AnswerRow):
                self._draw(widget)
            yield widget

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.locked:
            return False
        if action == "cursor":
            # False, not None: the key falls through to the scrolling view around us.
            step = parameters[0]
            return isinstance(step, int) and 0 <= self.cursor + step < self.count
        return True

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def move_cursor(self, index: int) -> None:
        self.cursor = index
        self.redraw()
        rows = [row for row in self.query(AnswerRow) if row.role == "item"]
        rows[index].scroll_visible(animate=False)

    def redraw(self) -> None:
        for row in self.query(AnswerRow):
            self._draw(row)
        self.refresh_bindings()

    def _draw(self, row: AnswerRow) -> None:
        row.update(self.render_row(row))
        row.set_class(
            row.role == "item" and row.index == self.cursor and not self.locked, "-cursor"
        )

    def marker(self, index: int) -> str:
        return "▶ " if index == self.cursor and not self.locked else "  "

    def on_click(self, event: events.Click) -> None:
        row = event.widget
        if isinstance(row, AnswerRow) and not self.locked:
            event.stop()
            self.clicked(row)

    def clicked(self, row: AnswerRow) -> None:
        self.move_cursor(row.index)


def _line(marks: Text, body: Text) -> Table:
    """Marks, then text that wraps under itself rather than under the marks."""
    grid = Table.grid(expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(marks, body)
    return grid


class ChoiceAnswer(_ListAnswer):
    """Single choice, multiple select and true/false: lettered rows to choose or tick."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The help line under the choices names these keys; the footer keeps room for the
        # screen's own keys (next, flag, submit...) at 80 columns.
        Binding("space", "select", "Select", show=False, id="question.select"),
        Binding("space", "tick", "Tick", show=False, id="question.tick"),
        *_key_bindings("pick", "t" + _LETTERS, _CHOOSE, show=False),
        *_key_bindings("pick", _DIGITS, _CHOOSE, show=False),
    ]

    def __init__(
        self,
        entries: Sequence[tuple[str, object, str]],
        *,
        multiple: bool,
        response: object | None,
        locked: bool,
    ) -> None:
        """`entries` are (label on screen, value in the response, text) in display order."""
        self.entries = list(entries)
        self.multiple = multiple
        if multiple:
            picked = response if isinstance(response, (list, tuple)) else ()
            chosen = {i for i, (_, value, _) in enumerate(entries) if value in picked}
        else:
            chosen = {
                i
                for i, (_, value, _) in enumerate(entries)
                if response is not None and type(value) is type(response) and value == response
            }
        self.chosen = chosen
        self.keys = _keys_for([label for label, _, _ in entries])
        super().__init__(len(entries), cursor=min(chosen, default=0), locked=locked)
        self.missing = (
            "Choose at least one answer first." if multiple else "Choose an answer first."
        )

    @property
    def response(self) -> object | None:
        values = [self.entries[i][1] for i in sorted(self.chosen)]
        if self.multiple:
            return sorted(values) or None  # type: ignore[type-var]
        return values[0] if values else None

    def help(self) -> str:
        labels = "".join(label.lower() for label, _, _ in self.entries)
        letters = "t/f" if labels == "tf" else _span(labels, self.count)
        picks = f"{letters} or {_span(_DIGITS, self.count)}"
        if self.multiple:
            return f"{picks} or space: tick/untick · ↑↓ move · enter confirm"
        return f"{picks}: choose · ↑↓ move · enter confirm your choice (•)"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return not self.locked and parameters[0] in self.keys
        if action in ("select", "tick"):
            return not self.locked and self.multiple == (action == "tick")
        return super().check_action(action, parameters)

    def action_pick(self, key: str) -> None:
        self.choose(self.keys[key])

    def action_select(self) -> None:
        self.choose(self.cursor)

    def action_tick(self) -> None:
        self.choose(self.cursor)

    def action_submit(self) -> None:
        if not self.multiple and not self.chosen:  # nothing marked: the highlighted row
            self.choose(self.cursor)
        super().action_submit()

    def clicked(self, row: AnswerRow) -> None:
        self.choose(row.index)

    def choose(self, index: int) -> None:
        if self.multiple:
            self.chosen ^= {index}
        else:
            self.chosen = {index}
        self.move_cursor(index)
        self.changed()

    def render_row(self, row: AnswerRow) -> Table:
        label, _, text = self.entries[row.index]
        chosen = row.index in self.chosen
        if self.multiple:
            box = "[x] " if chosen else "[ ] "
        else:
            box = "(•) " if chosen else "( ) "
        marks = Text.assemble(
            self.marker(row.index), (box, "bold" if chosen else ""), (f"{label}  ", "bold")
        )
        return _line(marks, plain(text))


class MatchingAnswer(_ListAnswer):
    """Each left item gets one of the lettered rights: press its letter, or cycle with ← →."""

    help_first = True  # items and matches together run past 24 lines
    LEFT_MAX = 30  # cells for the left column; longer items wrap within it

    BINDINGS: ClassVar[list[BindingType]] = [
        *_key_bindings("match", _LETTERS, _MATCH, show=False),
        *_key_bindings("match", _DIGITS, _MATCH, show=False),
        Binding("left", "cycle(-1)", "Previous match", show=False, id="question.match-previous"),
        Binding("right", "cycle(1)", "Next match", show=False, id="question.match-next"),
        Binding("delete,backspace", "clear", "Clear", id="question.match-clear"),
    ]

    def __init__(
        self,
        lefts: Sequence[str],
        rights: Sequence[str],
        *,
        response: object | None,
        locked: bool,
    ) -> None:
        self.lefts = list(lefts)
        self.rights = list(rights)
        given = response if isinstance(response, dict) else {}
        self.matched: list[int | None] = [
            self.rights.index(given[left]) if given.get(left) in self.rights else None
            for left in self.lefts
        ]
        self.keys = _keys_for(LETTERS[: len(self.rights)])
        self.left_width = min(self.LEFT_MAX, max(cell_len(left) for left in self.lefts))
        super().__init__(len(self.lefts), locked=locked)

    @property
    def response(self) -> object | None:
        if None in self.matched:
            return None
        return {
            left: self.rights[right]
            for left, right in zip(self.lefts, self.matched)
            if right is not None
        }

    def help(self) -> str:
        letters = _span(_LETTERS, len(self.rights))
        return f"↑↓ item · {letters} or ←→ set its match · del clear · enter confirm"

    def problem(self) -> str | None:
        left = self.matched.count(None)
        return f"Match every item first ({left} still open)." if left else None

    def rows(self) -> Iterable[Widget]:
        yield from super().rows()
        yield Static(Text("Matches"), classes="answer-caption")
        yield from (AnswerRow("right", index) for index in range(len(self.rights)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "match":
            return not self.locked and parameters[0] in self.keys
        if action == "clear":
            return not self.locked and self.matched[self.cursor] is not None
        return super().check_action(action, parameters)

    def action_match(self, key: str) -> None:
        self.set_match(self.keys[key], advance=True)

    def action_cycle(self, step: int) -> None:
        current = self.matched[self.cursor]
        start = (-1 if step > 0 else 0) if current is None else current
        self.set_match((start + step) % len(self.rights), advance=False)

    def action_clear(self) -> None:
        self.matched[self.cursor] = None
        self.redraw()
        self.changed()

    def clicked(self, row: AnswerRow) -> None:
        if row.role == "right":
            self.set_match(row.index, advance=True)
        else:
            self.move_cursor(row.index)

    def set_match(self, right: int, *, advance: bool) -> None:
        self.matched[self.cursor] = right
        if advance and self.cursor + 1 < self.count:
            self.move_cursor(self.cursor + 1)
        else:
            self.redraw()
        self.changed()

    def render_row(self, row: AnswerRow) -> Table:
        if row.role == "right":
            marks = Text.assemble("  ", (f"{LETTERS[row.index]}  ", "bold"))
            return _line(marks, plain(self.rights[row.index]))
        right = self.matched[row.index]
        grid = Table.grid(expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(width=self.left_width)  # the same on every row, so arrows line up
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        if right is None:
            answer = Text("?", style="dim")
        else:
            answer = Text.assemble((f"{LETTERS[right]}  ", "bold"), plain(self.rights[right]))
        grid.add_row(
            Text(self.marker(row.index)), plain(self.lefts[row.index]), Text(" → "), answer
        )
        return grid


class OrderingAnswer(_ListAnswer):
    """Items in the learner's order: the cursor moves with ↑↓, the item with shift+↑↓ or [ ]."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "shift+up,ctrl+up,[",
            "move(-1)",
            "Move item",
            key_display="[",
            group=_MOVE_ITEM,
            id="question.move-up",
        ),
        Binding(
            "shift+down,ctrl+down,]",
            "move(1)",
            "Move item",
            key_display="]",
            group=_MOVE_ITEM,
            id="question.move-down",
        ),
    ]

    def __init__(self, items: Sequence[str], *, response: object | None, locked: bool) -> None:
        given = [str(item) for item in response] if isinstance(response, (list, tuple)) else []
        restored = (
            isinstance(response, (list, tuple))
            and all(isinstance(item, str) for item in response)
            and sorted(given) == sorted(items)
        )
        self.order = given if restored else list(items)
        self.touched = restored
        super().__init__(len(items), locked=locked)

    @property
    def response(self) -> object | None:
        """None until the learner moves an item or submits: the shown order is no answer yet."""
        return list(self.order) if self.touched else None

    def help(self) -> str:
        return "↑↓ cursor · shift+↑↓ or [ ] move the item · enter confirm"

    def problem(self) -> str | None:
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move":
            step = parameters[0]
            return (
                not self.locked and isinstance(step, int) and 0 <= self.cursor + step < self.count
            )
        return super().check_action(action, parameters)

    def action_move(self, step: int) -> None:
        here, there = self.cursor, self.cursor + step
        self.order[here], self.order[there] = self.order[there], self.order[here]
        self.touched = True
        self.move_cursor(there)
        self.changed()

    def action_submit(self) -> None:
        if not self.touched:
            self.touched = True
            self.changed()
        super().action_submit()

    def render_row(self, row: AnswerRow) -> Table:
        marks = Text.assemble(self.marker(row.index), (f"{row.index + 1}. ", "bold"))
        return _line(marks, plain(self.order[row.index]))


def parse_number(text: str) -> int | float | None:
    """The number typed, as an int when it is whole-looking ("3"), else a float; None if none."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class AnswerField(Input):
    """The field of a typed answer: its enter shows in the footer as every question's does
    (Input's own is hidden), under the same id, so a screen names it the same way."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit", id="question.submit"),
    ]


class TextAnswer(AnswerInput, can_focus=False):
    """Short answer and numeric: one Input, enter submits."""

    DEFAULT_CSS = """
    TextAnswer {
        & > Horizontal {
            height: auto;
        }
        & Input {
            width: 1fr;
        }
        &.-numeric Input {
            width: 24;
        }
        & .answer-unit {
            width: auto;
            padding: 1 1 0 1;
        }
    }
    """

    def __init__(
        self, *, numeric: bool, unit: str | None, response: object | None, locked: bool
    ) -> None:
        super().__init__(locked=locked)
        self.numeric = numeric
        self.unit = unit
        self.set_class(numeric, "-numeric")
        if numeric and isinstance(response, (int, float, str)) and not isinstance(response, bool):
            number = parse_number(str(response))
            self.initial = "" if number is None else str(number)
        else:
            self.initial = response if isinstance(response, str) else ""
        self.missing = "Type a number first." if numeric else "Type an answer first."

    @property
    def text(self) -> str:
        return self.query_one(Input).value if self.is_mounted else self.initial

    @property
    def response(self) -> object | None:
        if self.numeric:
            return parse_number(self.text)
        return strip_controls(self.text).strip() or None

    def help(self) -> str:
        what = "Type a number" if self.numeric else "Type the answer"
        return f"{what} · enter confirm"

    def problem(self) -> str | None:
        if self.numeric and self.text.strip() and self.response is None:
            return f"“{self.text.strip()}” is not a number: type digits, such as 3 or 2.5."
        return super().problem()

    def compose_input(self) -> ComposeResult:
        field = AnswerField(
            self.initial,
            placeholder="a number" if self.numeric else "your answer",
            type="number" if self.numeric else "text",
            validate_on=["submitted"],
            disabled=self.locked,
        )
        with Horizontal():
            yield field
            if self.unit:
                yield Static(plain(self.unit), classes="answer-unit")

    def focus(self, scroll_visible: bool = True) -> TextAnswer:
        """Focus goes to the Input inside."""
        self.query_one(Input).focus(scroll_visible)
        return self

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()


def _choices(presented: Presented, response: object | None, locked: bool) -> AnswerInput:
    entries = [(option.label, option.key, option.text) for option in presented.options]
    multiple = presented.question.type == "multiple_select"
    return ChoiceAnswer(entries, multiple=multiple, response=response, locked=locked)


def _true_false(presented: Presented, response: object | None, locked: bool) -> AnswerInput:
    entries = [("T", True, "True"), ("F", False, "False")]
    return ChoiceAnswer(entries, multiple=False, response=response, locked=locked)


def _matching(presented: Presented, response: object | None, locked: bool) -> AnswerInput:
    return MatchingAnswer(presented.lefts, presented.rights, response=response, locked=locked)


def _ordering(presented: Presented, response: object | None, locked: bool) -> AnswerInput:
    return OrderingAnswer(presented.items, response=response, locked=locked)


def _numeric(presented: Presented, response: object | None, locked: bool) -> AnswerInput:
    question = presented.question
    unit = question.unit if isinstance(question, Numeric) else None
    return TextAnswer(numeric=True, unit=unit, response=response, locked=locked)


def _short(presented: Presented, response: object | None, locked: bool) -> AnswerInput:
    return TextAnswer(numeric=False, unit=None, response=response, locked=locked)


# The input of each question type (trainer.core.questions.KINDS has the same keys; a test
# checks), built for a presented question and the response to show.
ANSWER_INPUTS: dict[str, Callable[[Presented, object | None, bool], AnswerInput]] = {
    "single_choice": _choices,
    "multiple_select": _choices,
    "true_false": _true_false,
    "matching": _matching,
    "ordering": _ordering,
    "short_answer": _short,
    "numeric": _numeric,
}
