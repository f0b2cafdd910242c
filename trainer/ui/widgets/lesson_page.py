"""One lesson page, drawn by Rich's Markdown renderer inside a single Static.

Textual's Markdown widget builds a widget per block (and per table cell); lesson pages took
100-300 ms to show with it. One Static holding Rich's Markdown renders the same headings,
lists, tables, quotes and code in well under the 150 ms budget (benchmarks/bench_lessons.py).
The text is Markdown, never Textual markup. Links to other lessons are shown in bold and
followed from the keyboard (the reader's Links key), so they need no mouse.
"""

from __future__ import annotations

import re

from rich.console import Group
from rich.markdown import Markdown
from rich.text import Text
from textual.widgets import Static

_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


class LessonPage(Static):
    DEFAULT_CSS = """
    LessonPage {
        height: auto;
    }
    """

    source: str = ""

    def show(self, title: str, markdown: str) -> None:
        self.source = markdown
        body = Markdown(_LINK.sub(r"**\1**", markdown), hyperlinks=False)
        self.update(Group(Text(title, style="bold underline"), Text(), body))
