"""The SOP reference: the whole registry in a table, filtered as you type."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, DataTable, Header, Input, Label, Select, Static

from trainer.core.registry import Registry, SopClass, load_registry
from trainer.ui.fit import shorten_middle
from trainer.ui.screens.base import TrainerModal, TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter
from trainer.ui.widgets.ticks import TickBox

_PRESENCE = {"yes": "yes", "no": "no", "conditional": "only in some instances (conditional)"}
_RULE = {"fixed": "the IOD requires it", "convention": "what equipment writes; the IOD leaves "
         "it open"}


def _presence(value: str | None) -> str:
    return _PRESENCE.get(value or "", "not verified")


def _modality(sop: SopClass) -> str:
    if not sop.modality:
        return "-"
    text = sop.modality
    if sop.other_modalities:
        text += f" (also {', '.join(sop.other_modalities)})"
    rule = _RULE.get(sop.modality_rule or "")
    return f"{text}: {rule}" if rule else text


class SopDetailScreen(TrainerModal[None]):
    """Everything the registry knows about one SOP class."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Back", id="sop-detail.back")]

    def __init__(self, sop: SopClass) -> None:
        super().__init__()
        self.sop = sop

    def compose(self) -> ComposeResult:
        sop = self.sop
        rows = [
            ("Name", sop.name or "(no name in the standard)"),
            ("UID", sop.uid),
            ("Keyword", sop.keyword or "-"),
            ("Service class", sop.service_class),
            ("Modality", _modality(sop)),
            ("Category", sop.category or "-"),
            ("Pixel Data", _presence(sop.pixel_data)),
            ("Multi-frame", _presence(sop.frames)),
            ("Retired", "yes" if sop.retired else "no"),
            ("Everyday", "yes: a class a PACS analyst meets" if sop.common else "no"),
        ]
        text = Text()
        for label, value in rows:
            text.append(f"{label:<14}", style="bold")
            text.append(f"{value}\n")
        with VerticalScroll(id="dialog"):
            yield Label("SOP class", id="dialog-title")
            yield Static(text, id="sop-detail")
            yield Static(Text("Esc: back", style="dim"))


class SopReferenceScreen(TrainerScreen[None]):
    HELP_TOPIC = "sop"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="sop.back"),
        Binding("slash", "focus_filter", "Filter", id="sop.filter"),
        Binding("down", "focus_table", "Results", id="sop.results", show=False),
    ]
    UID_WIDTH = 32
    MODALITY_WIDTH = 8

    def __init__(self, registry: Registry | None = None) -> None:
        super().__init__()
        self.registry = registry or load_registry()
        self._shown: list[SopClass] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter by name, keyword or UID  (/)", id="query")
        with Horizontal(id="filters"):
            yield Select(
                [(m, m) for m in self.registry.modalities()], prompt="Any modality", id="modality"
            )
            yield Select(
                [(c, c) for c in self.registry.categories()], prompt="Any category", id="category"
            )
            yield TickBox("Include retired", id="retired")
        yield DataTable(id="sop-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="sop-count")
        yield KeyFooter()

    # Each column has a cell of padding either side; the table has a scrollbar and a margin.
    FRAME = 2 * 3 + 4

    def on_mount(self) -> None:
        self.name_width = 0
        self.on_resize()
        self.query_one("#query", Input).focus()

    def on_resize(self, event: object = None) -> None:
        """Name takes what the UID and modality leave, so all three fit at any width (a long
        name loses its middle: the words that tell similar classes apart are at the end)."""
        width = max(20, self.app.size.width - self.UID_WIDTH - self.MODALITY_WIDTH - self.FRAME)
        if width == self.name_width:
            return
        self.name_width = width
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("Name", key="name", width=width)
        table.add_column("Modality", key="modality", width=self.MODALITY_WIDTH)
        table.add_column("UID", key="uid", width=self.UID_WIDTH)
        self.refresh_table()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#query", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_table()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_table()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.refresh_table()

    def _select_value(self, widget_id: str) -> str | None:
        value = self.query_one(widget_id, Select).value
        return None if value is Select.NULL else str(value)

    def refresh_table(self) -> None:
        self._shown = self.registry.filter(
            self.query_one("#query", Input).value,
            modality=self._select_value("#modality"),
            category=self._select_value("#category"),
            include_retired=self.query_one("#retired", Checkbox).value,
        )
        table = self.query_one(DataTable)
        table.clear()
        for sop in self._shown:
            name = sop.name or "(unnamed)"
            if sop.retired:
                name += " (retired)"
            name = shorten_middle(name, self.name_width)
            table.add_row(Text(name), Text(sop.modality or ""), Text(sop.uid), key=sop.uid)
        total = len(self.registry)
        self.query_one("#sop-count", Static).update(
            f"{len(self._shown)} of {total} SOP classes shown. Enter: details"
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        sop = self.registry.by_uid(str(event.row_key.value))
        if sop is not None:
            self.app.push_screen(SopDetailScreen(sop))
