"""A seeded exam form on paper: the questions as the app presents them (same choice order,
same matching and ordering shuffles), and a separate answer key in those same labels.

Both are built as a list of blocks, then written as HTML (print it from any browser) or PDF
(fpdf2, no browser needed). Pilot questions are printed like the others and marked as
unscored only in the key, as in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from trainer.core.blueprints import Blueprint
from trainer.core.exam import ExamItem
from trainer.core.questions import (
    LETTERS,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Presented,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)


@dataclass(frozen=True)
class Block:
    kind: str  # heading, text, question, table, pre, option, blank, key
    text: str = ""
    title: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _options(presented: Presented) -> list[Block]:
    return [Block("option", option.text, option.label) for option in presented.options]


def _true_false(presented: Presented) -> list[Block]:
    return [Block("option", "True", "T"), Block("option", "False", "F")]


def _matching(presented: Presented) -> list[Block]:
    lefts = [Block("option", f"{left}   ____", str(n)) for n, left in
             enumerate(presented.lefts, 1)]
    rights = [Block("option", right, LETTERS[i]) for i, right in enumerate(presented.rights)]
    return [*lefts, Block("text", "Write the letter of its match after each:"), *rights]


def _ordering(presented: Presented) -> list[Block]:
    return [Block("option", item, str(n)) for n, item in enumerate(presented.items, 1)] + [
        Block("blank", "Order (numbers, first to last)")
    ]


def _short(presented: Presented) -> list[Block]:
    return [Block("blank", "Answer")]


def _numeric(presented: Presented) -> list[Block]:
    unit = getattr(presented.question, "unit", None)
    return [Block("blank", f"Answer ({unit})" if unit else "Answer")]


def _key_choice(presented: Presented) -> str:
    question = presented.question
    assert isinstance(question, (SingleChoice, MultipleSelect))
    right = {question.answer} if isinstance(question, SingleChoice) else set(question.answer)
    return ", ".join(f"{o.label}. {o.text}" for o in presented.options if o.key in right)


def _key_true_false(presented: Presented) -> str:
    question = presented.question
    assert isinstance(question, TrueFalse)
    return "True" if question.answer else "False"


def _key_matching(presented: Presented) -> str:
    question = presented.question
    assert isinstance(question, Matching)
    right = {pair.left: pair.right for pair in question.pairs}
    return ", ".join(
        f"{n}-{LETTERS[presented.rights.index(right[left])]}"
        for n, left in enumerate(presented.lefts, 1)
    )


def _key_ordering(presented: Presented) -> str:
    question = presented.question
    assert isinstance(question, Ordering)
    return ", ".join(str(presented.items.index(item) + 1) for item in question.items)


def _key_short(presented: Presented) -> str:
    question = presented.question
    assert isinstance(question, ShortAnswer)
    return " or ".join(question.answers)


def _key_numeric(presented: Presented) -> str:
    question = presented.question
    assert isinstance(question, Numeric)
    unit = f" {question.unit}" if question.unit else ""
    slack = f" (+/- {question.tolerance:g})" if question.tolerance else ""
    return f"{question.answer:g}{unit}{slack}"


# One entry per question type: how its answer area is printed, and its key.
PRINTERS: dict[str, tuple[Callable[[Presented], list[Block]], Callable[[Presented], str]]] = {
    "single_choice": (_options, _key_choice),
    "multiple_select": (_options, _key_choice),
    "true_false": (_true_false, _key_true_false),
    "matching": (_matching, _key_matching),
    "ordering": (_ordering, _key_ordering),
    "short_answer": (_short, _key_short),
    "numeric": (_numeric, _key_numeric),
}
_HINTS = {
    "single_choice": "Circle one letter.",
    "multiple_select": "Circle every letter that applies.",
    "true_false": "Circle T or F.",
}


def form_blocks(blueprint: Blueprint, seed: int, items: Sequence[ExamItem]) -> list[Block]:
    moves = "any order" if blueprint.navigation == "free" else "in order, no going back"
    blocks = [
        Block("heading", blueprint.title),
        Block("text", f"{len(items)} questions, {blueprint.time_limit_minutes} minutes, pass mark "
              f"{blueprint.pass_mark:g}%. Answer {moves}. Form: {blueprint.id}, seed {seed}."),
        Block("text", "Name: ______________________________   Date: ______________"),
    ]
    for number, item in enumerate(items, 1):
        question = item.question
        hint = _HINTS.get(question.type, "")
        blocks.append(Block("question", question.prompt, f"{number}. {hint}".strip()))
        exhibit = question.exhibit
        if exhibit is not None and exhibit.kind == "table":
            blocks.append(Block("table", title=exhibit.title or "", columns=exhibit.columns,
                                rows=exhibit.rows))
        elif exhibit is not None:
            blocks.append(Block("pre", exhibit.text, exhibit.title or ""))
        blocks.extend(PRINTERS[question.type][0](item.presented))
    return blocks


def key_blocks(blueprint: Blueprint, seed: int, items: Sequence[ExamItem]) -> list[Block]:
    blocks = [
        Block("heading", f"Answer key: {blueprint.title}"),
        Block("text", f"Form {blueprint.id}, seed {seed}. Keep it apart from the form. Letters "
              "and numbers are those printed on this form."),
    ]
    for number, item in enumerate(items, 1):
        pilot = " (pilot question, not scored)" if item.pilot else ""
        answer = PRINTERS[item.question.type][1](item.presented)
        blocks.append(Block("key", f"{answer}{pilot}", f"{number}."))
        blocks.append(Block("text", f"{item.question.explanation} See: "
                            f"{'; '.join(item.question.references)}. [{item.question.full_id}]"))
    return blocks


# --- HTML ---------------------------------------------------------------------------------

_CSS = """\
body { font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.4; }
h1 { font-size: 1.4em; } .question { margin-top: 1.4em; font-weight: bold; }
.prompt { white-space: pre-wrap; font-weight: normal; }
table { border-collapse: collapse; margin: 0.4em 0; font-size: 0.9em; }
th, td { border: 1px solid #666; padding: 2px 6px; text-align: left; }
pre { background: #f4f4f4; padding: 0.4em; font-size: 0.85em; overflow-x: auto; }
.option { margin-left: 1.5em; } .blank { margin: 0.6em 0 0 1.5em; }
.key { margin-top: 1em; font-weight: bold; }
@media print { .question { break-inside: avoid; } }
"""


def _html_block(block: Block) -> str:
    text, title = escape(block.text), escape(block.title)
    if block.kind == "heading":
        return f"<h1>{text}</h1>"
    if block.kind == "question":
        return f'<div class="question">{title} <div class="prompt">{text}</div></div>'
    if block.kind == "table":
        caption = f"<caption>{title}</caption>" if title else ""
        head = "".join(f"<th>{escape(c)}</th>" for c in block.columns)
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                       for row in block.rows)
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if block.kind == "pre":
        return (f"<p><strong>{title}</strong></p>" if title else "") + f"<pre>{text}</pre>"
    if block.kind == "option":
        return f'<div class="option">{title}. {text}</div>'
    if block.kind == "blank":
        return f'<div class="blank">{text}: ________________________________</div>'
    if block.kind == "key":
        return f'<div class="key">{title} {text}</div>'
    return f"<p>{text}</p>"


def html_document(blocks: Sequence[Block]) -> str:
    title = escape(blocks[0].text) if blocks else "Exam form"
    body = "\n".join(_html_block(block) for block in blocks)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>\n{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n"
        "</html>\n"
    )


# --- PDF ----------------------------------------------------------------------------------

# The PDF core fonts cover Latin-1 only; a few common symbols get ASCII spellings.
_ASCII = str.maketrans({"→": "->", "←": "<-", "±": "+/-", "…": "...", "–": "-", "—": "-",
                        "‘": "'", "’": "'", "“": '"', "”": '"', "≥": ">=", "≤": "<="})


def _latin1(text: str) -> str:
    return text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


def pdf_document(blocks: Sequence[Block]) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: float = 10, style: str = "", indent: float = 0,
             family: str = "helvetica") -> None:
        pdf.set_font(family, style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, size * 0.5, _latin1(text), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)

    for block in blocks:
        if block.kind == "heading":
            line(block.text, 15, "B")
            pdf.ln(2)
        elif block.kind == "question":
            pdf.ln(3)
            line(f"{block.title} {block.text}".strip(), 10.5, "B")
        elif block.kind == "table":
            if block.title:
                line(block.title, 9, "I")
            pdf.set_font("helvetica", "", 7.5)
            with pdf.table(text_align="LEFT", line_height=4) as table:
                for row in (block.columns, *block.rows):
                    cells = table.row()
                    for cell in row:
                        cells.cell(_latin1(cell))
        elif block.kind == "pre":
            if block.title:
                line(block.title, 9, "I")
            line(block.text, 7.5, family="courier")
        elif block.kind == "option":
            line(f"{block.title}.  {block.text}", 10, indent=6)
        elif block.kind == "blank":
            line(f"{block.text}: ______________________________", 10, indent=6)
        elif block.kind == "key":
            pdf.ln(2)
            line(f"{block.title} {block.text}", 10.5, "B")
        else:
            line(block.text, 9.5)
    return bytes(pdf.output())
