"""The learner's answer beside the right one, as practice feedback and the exam review show it.

A question answered in one piece gets two lines, "Your answer" and "Correct answer". One of
parts (multiple select, matching, ordering) gets a row a part, in the order shown, marked ✓ or
✗; a wrong row says what was right under it, aligned, so nothing is left to compare by eye.
The rows are a grid, so a long text wraps under itself. Bank text is plain `Text` after
`strip_controls`, never markup.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from trainer.core.answer_rows import Tick, answer_rows
from trainer.core.questions import PartResult, Presented, correct_response, format_answer
from trainer.core.sanitize import strip_controls

LABEL_MAX = 30  # cells for the label column of matching and ordering rows (as in the input)
RIGHT = "right"  # the label of the line under a wrong row, with what belongs there
ARROW = Text(" → ")


def answer_summary(presented: Presented, response: object) -> RenderableType:
    breakdown = answer_rows(presented, response)
    if breakdown is None:
        return _two_lines(presented, response)
    heading = Text(f"{breakdown.heading}:", style="bold")
    heading.append("  ✓ right  ✗ wrong", style="dim")
    labels = [cell_len(strip_controls(row.label)) for row in breakdown.rows]
    # Marks and labels in columns of their own, so a long text wraps under itself.
    grid = Table.grid(expand=True)
    grid.add_column(no_wrap=True)
    ticks = isinstance(breakdown.rows[0], Tick)  # the box "[x] ", or the label
    grid.add_column(width=4 if ticks else min(LABEL_MAX, max([cell_len(RIGHT), *labels])))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for row in breakdown.rows:
        if isinstance(row, Tick):
            _tick(grid, row)
        else:
            _part(grid, row)
    return Group(heading, grid)


def _two_lines(presented: Presented, response: object) -> Text:
    question = presented.question
    text = Text()
    text.append("Your answer:    ", style="bold")
    text.append(strip_controls(format_answer(question, response)) + "\n")
    text.append("Correct answer: ", style="bold")
    text.append(strip_controls(format_answer(question, correct_response(question))))
    return text


def _mark(correct: bool) -> Text:
    return Text("✓ " if correct else "✗ ", style="bold green" if correct else "bold red")


def _tick(grid: Table, tick: Tick) -> None:
    """✓ [x] A  CT Image Storage, as the learner ticked it; a wrong one says why."""
    box = Text("[x] " if tick.selected else "[ ] ", style="bold" if tick.selected else "")
    text = Text(strip_controls(tick.text))
    if not tick.correct:
        text.append(f"  {tick.verdict}", style="red")
    grid.add_row(_mark(tick.correct), box, Text(f"{tick.label}  ", style="bold"), text)


def _part(grid: Table, part: PartResult) -> None:
    """✓ CT Image Storage → its match; a wrong one has "right → the right match" under it."""
    given = Text(strip_controls(part.given), style="" if part.correct else "red")
    grid.add_row(_mark(part.correct), Text(strip_controls(part.label)), ARROW, given)
    if not part.correct:
        right = Text(strip_controls(part.expected), style="green")
        grid.add_row(Text(), Text(RIGHT, style="bold", justify="right"), ARROW, right)
