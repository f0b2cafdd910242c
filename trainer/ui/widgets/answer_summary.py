"""The learner's answer beside the right one, as practice feedback and the exam review show it.

A question answered in one piece gets two lines, "Your answer" and "Correct answer". One of
parts (multiple select, matching, ordering) gets a row a part, in the order shown, marked ✓ or
✗; a wrong row says what was right under it, aligned, so nothing is left to compare by eye.
Bank text is plain `Text` after `strip_controls`, never markup.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from trainer.core.answer_rows import Tick, answer_rows
from trainer.core.questions import PartResult, Presented, correct_response, format_answer
from trainer.core.sanitize import strip_controls

LABEL_MAX = 30  # cells for the label column of matching and ordering rows (as in the input)
RIGHT = "right"  # the label of the line under a wrong row, with what belongs there


def answer_summary(presented: Presented, response: object) -> Text:
    breakdown = answer_rows(presented, response)
    if breakdown is None:
        return _two_lines(presented, response)
    text = Text()
    text.append(f"{breakdown.heading}:", style="bold")
    text.append("  ✓ right  ✗ wrong", style="dim")
    labels = [cell_len(strip_controls(row.label)) for row in breakdown.rows]
    width = min(LABEL_MAX, max([cell_len(RIGHT), *labels]))
    for row in breakdown.rows:
        if isinstance(row, Tick):
            _tick(text, row)
        else:
            _part(text, row, width)
    return text


def _two_lines(presented: Presented, response: object) -> Text:
    question = presented.question
    text = Text()
    text.append("Your answer:    ", style="bold")
    text.append(strip_controls(format_answer(question, response)) + "\n")
    text.append("Correct answer: ", style="bold")
    text.append(strip_controls(format_answer(question, correct_response(question))))
    return text


def _mark(text: Text, correct: bool) -> None:
    text.append("\n")
    text.append("✓ " if correct else "✗ ", style="bold green" if correct else "bold red")


def _tick(text: Text, tick: Tick) -> None:
    """✓ [x] A  CT Image Storage, as the learner ticked it; a wrong one says why."""
    _mark(text, tick.correct)
    text.append("[x] " if tick.selected else "[ ] ", style="bold" if tick.selected else "")
    text.append(f"{tick.label}  ", style="bold")
    text.append(strip_controls(tick.text))
    if not tick.correct:
        text.append(f"  {tick.verdict}", style="red")


def _part(text: Text, part: PartResult, width: int) -> None:
    """✓ CT Image Storage → its match; a wrong one has "right → the right match" under it."""
    label = strip_controls(part.label)
    _mark(text, part.correct)
    text.append(label + " " * (width - cell_len(label)))
    text.append(" → ")
    text.append(strip_controls(part.given), style="" if part.correct else "red")
    if not part.correct:
        text.append("\n  " + " " * (width - cell_len(RIGHT)))
        text.append(RIGHT, style="bold")
        text.append(" → ")
        text.append(strip_controls(part.expected), style="green")
