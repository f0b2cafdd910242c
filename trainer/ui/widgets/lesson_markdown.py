"""Markdown for lesson pages, with tables drawn as one widget.

Textual's own MarkdownTable builds a grid of one widget per cell, and a page with a 9-row table
took several times longer to lay out than a page of prose. Drawing the table as one Rich table
in one Static keeps every page quick; lesson tables hold no links, so nothing is lost.
"""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.style import Style
from textual.widgets import Markdown, Static
from textual.widgets._markdown import MarkdownBlock, MarkdownTable


def _wrappable(content: Content) -> Text:
    """A cell as Rich Text, which wraps in a narrow column (Content renders as fixed segments)."""
    text = Text()
    for part, style in content.render(Style(), ""):
        text.append(part, style.rich_style if style else None)
    return text


class CompactTable(MarkdownTable):
    DEFAULT_CSS = """
    CompactTable {
        width: 1fr;
        height: auto;
        margin-bottom: 1;
    }
    """

    def compose(self) -> ComposeResult:
        headers, rows = self._get_headers_and_rows()
        table = Table(box=box.ROUNDED, header_style="bold", expand=False, padding=(0, 1))
        for header in headers:
            table.add_column(_wrappable(header))
        for row in rows:
            table.add_row(*(_wrappable(cell) for cell in row))
        yield Static(table)

    async def _update_from_block(self, block: MarkdownBlock) -> None:
        await MarkdownBlock._update_from_block(self, block)


class LessonMarkdown(Markdown):
    BLOCKS = {**Markdown.BLOCKS, "table_open": CompactTable}
