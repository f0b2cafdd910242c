"""The header of one DICOM instance: tag, VR, keyword and value, filtered as you type.

Values come from trainer.core.dicom_header, with control, bidi and invisible characters
already written out as escapes; they reach the screen as rich Text, never as markup. A file is
read off the UI thread, and a damaged one shows what could be read and what is wrong.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from trainer.core.dicom_header import (
    HeaderRow,
    LoadedHeader,
    filter_rows,
    header_rows,
    load_header,
)
from trainer.core.sanitize import escape_controls
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

TAG_WIDTH = 11
VR_WIDTH = 2
KEYWORD_WIDTH = 24
MAX_INDENT = 4  # nesting levels shown as indentation; deeper ones line up with the fourth
MAX_LINES = 4  # a long value folds over at most this many lines, then ends with "…"
CHROME = 12  # cell padding, scrollbar and margins around the four columns


def fold(value: str, width: int, max_lines: int = MAX_LINES) -> list[str]:
    """`value` in lines of at most `width` characters (at spaces where it can), at most
    `max_lines` of them, the last ending in "…" if the value goes on."""
    width = max(width, 8)
    lines = textwrap.wrap(value, width, break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


class HeaderTable(DataTable):
    """The header's rows: Home and End go to the first and last row (a DataTable's own Home
    and End scroll sideways, and the header's columns always fit)."""

    BINDINGS = [
        Binding("home", "scroll_top", "First row", id="header.first-row", show=False),
        Binding("end", "scroll_bottom", "Last row", id="header.last-row", show=False),
    ]


class HeaderScreen(TrainerScreen[None]):
    """One instance's header; `source` is a file to read or a dataset already in memory."""

    HELP_TOPIC = "studies"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="header.back"),
        Binding("slash", "focus_filter", "Filter", id="header.filter"),
        Binding("down", "focus_table", "Rows", id="header.rows", show=False),
    ]

    def __init__(self, source: Path | Dataset, title: str = "") -> None:
        super().__init__()
        self.source = source
        self.heading = escape_controls(title or self._default_title(), 200)
        self.rows: list[HeaderRow] = []
        self.shown: list[HeaderRow] = []
        self.problems: tuple[str, ...] = ()

    def _default_title(self) -> str:
        if isinstance(self.source, Path):
            return f"Header of {self.source.name}"
        return "Header of a synthetic instance, as `study export` would write it"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(self.heading), id="header-title")
        yield Static(id="header-problems")
        yield Input(placeholder="Filter by tag or keyword  (/)", id="header-filter")
        yield HeaderTable(id="header-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="header-count")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Tag", key="tag", width=TAG_WIDTH)
        table.add_column("VR", key="vr", width=VR_WIDTH)
        table.add_column("Keyword", key="keyword", width=KEYWORD_WIDTH)
        table.add_column("Value", key="value", width=self.value_width)
        self.query_one("#header-problems", Static).display = False
        if isinstance(self.source, Path):
            self.query_one("#header-count", Static).update("Reading the file…")
            self._read(self.source)
        else:
            self.show_rows(header_rows(self.source), ())
        table.focus()

    @property
    def value_width(self) -> int:
        return max(16, self.app.size.width - TAG_WIDTH - VR_WIDTH - KEYWORD_WIDTH - CHROME)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _read(self, path: Path) -> None:
        loaded = load_header(path)
        rows = header_rows(loaded.dataset) if loaded.dataset is not None else []
        self.app.call_from_thread(self._loaded, loaded, rows)

    def _loaded(self, loaded: LoadedHeader, rows: list[HeaderRow]) -> None:
        self.show_rows(rows, loaded.problems)

    def show_rows(self, rows: list[HeaderRow], problems: tuple[str, ...]) -> None:
        self.rows = rows
        self.problems = problems
        banner = self.query_one("#header-problems", Static)
        banner.update(Text("\n".join(problems), style="bold red"))
        banner.display = bool(problems)
        self.refresh_table()

    def refresh_table(self) -> None:
        self.shown = filter_rows(self.rows, self.query_one("#header-filter", Input).value)
        table = self.query_one(DataTable)
        table.clear()
        width = self.value_width
        for row in self.shown:
            indent = "  " * min(row.depth, MAX_INDENT)
            keyword = escape_controls(indent + row.keyword, KEYWORD_WIDTH)
            lines = fold(row.value, width)
            table.add_row(
                Text(row.tag, style="dim" if row.tag == "(FFFE,E000)" else ""),
                Text(row.vr),
                Text(keyword, style="bold" if row.is_sequence else ""),
                Text("\n".join(lines)),
                height=len(lines),
            )
        count = f"{len(self.shown)} of {len(self.rows)} rows"
        if not self.rows and self.problems:
            count = "Nothing could be read from this file."
        self.query_one("#header-count", Static).update(Text(count))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_table()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#header-filter", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()
