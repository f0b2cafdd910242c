"""Browse a study list as a PACS shows it: studies, then series, then instances, then a header.

Works on synthetic studies (an instance's header is built in memory, exactly as `study export`
would write it) and on imported folders (the header is read from the instance's file). Studies
and series show three counts side by side (pixel-data instances, all instances, frames), the
counts different systems show for the same study. All text goes to the screen as rich Text,
never as markup, and what came from a file has its control and invisible characters written out
(escape_controls).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from trainer.core import wording
from trainer.core.registry import load_registry
from trainer.core.sanitize import escape_controls
from trainer.core.studies import (
    BROWSER_COLUMNS,
    COUNT_COLUMNS,
    COUNTS_HINT,
    DEFAULT_POLICY,
    Series,
    Study,
    count_cells,
    worklist_cells,
)
from trainer.ui.fit import shorten_middle
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.screens.header import HeaderScreen
from trainer.ui.screens.open_folder import OpenFolder, SkippedFiles
from trainer.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from trainer.core.dicom_import import ImportResult

# How wide each worklist column may grow, in cells: all of them fit 80 columns.
_WIDTHS = {"Name": 14, "Acc#": 8, "Description": 12, "Mods": 8, "Date": 10,
           **dict.fromkeys(COUNT_COLUMNS, 6)}


def _cell(value: object, limit: int = 64) -> Text:
    """A value as plain text, its controls written out, its middle cut to fit `limit` cells."""
    return Text(shorten_middle(escape_controls(str(value)), limit))


def _series_name(series: Series) -> str:
    """'3 CT Axial 1 mm', or '3 CT' when the series has no description (no stray space)."""
    return " ".join(filter(None, (str(series.series_number), series.modality,
                                  series.description)))


class _ListScreen(TrainerScreen[None]):
    """A title, one table and a hint line: the shape of every level of the browser."""

    HELP_TOPIC = "studies"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="studies.back")]
    HINT = "Enter: open"

    def __init__(self, title: str) -> None:
        super().__init__()
        self.heading = escape_controls(title, 200)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(self.heading), classes="browser-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, classes="browser-table")
        yield Static(Text(self.HINT), classes="browser-hint")
        yield KeyFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def on_mount(self) -> None:
        self.fill()
        self.table.focus()

    def fill(self) -> None:
        raise NotImplementedError


class StudyBrowserScreen(_ListScreen):
    """A study list: synthetic, or `read` from a folder (whose files the headers come from).
    """

    BINDINGS = [
        Binding("o", "open_folder", "Open folder", id="studies.open-folder"),
        Binding("s", "show_skipped", "Skipped", id="studies.skipped"),
    ]
    def __init__(
        self, studies: Sequence[Study], title: str, read: ImportResult | None = None
    ) -> None:
        super().__init__(title)
        self.studies = list(studies)
        self.read = read

    def fill(self) -> None:
        table = self.table
        for column in BROWSER_COLUMNS:
            table.add_column(column, key=column)
        for index, study in enumerate(self.studies):
            cells = worklist_cells(study, DEFAULT_POLICY)
            table.add_row(
                *(_cell(cells[column], _WIDTHS[column]) for column in BROWSER_COLUMNS),
                key=str(index),
            )
        self.query_one(".browser-hint", Static).update(Text(f"{COUNTS_HINT} Enter: series"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        study = self.studies[int(str(event.row_key.value))]
        self.app.push_screen(SeriesScreen(study, self.read))

    def action_open_folder(self) -> None:
        self.app.push_screen(OpenFolder(), self._read_folder)

    def _read_folder(self, folder: Path | None) -> None:
        if folder is not None:
            self.notify(f"Reading the DICOM headers in {escape_controls(str(folder), 200)}…",
                        markup=False)
            self._import(folder)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _import(self, folder: Path) -> None:
        """Read on a thread; a cancelled worker (the app closing) stops at the next file."""
        from textual.worker import get_current_worker

        from trainer.core.dicom_import import import_folder  # pydicom: only when asked for

        worker = get_current_worker()
        result = import_folder(folder, lambda: worker.is_cancelled)
        if result.complete:
            self.app.call_from_thread(self._imported, result)

    def _imported(self, result: ImportResult) -> None:
        summary = result.summary()
        if not result.studies:
            self.notify(f"No DICOM instances in {escape_controls(str(result.root), 200)}: "
                        f"{summary}.", severity="warning", markup=False)
            return
        if result.skipped or result.remarks:
            summary += " (s lists them)"
        self.notify(summary + ".", markup=False)
        title = f"{result.root} (read from disk)"
        self.app.push_screen(StudyBrowserScreen(result.studies, title, result))

    def action_show_skipped(self) -> None:
        if self.read is not None and (self.read.skipped or self.read.remarks):
            self.app.push_screen(SkippedFiles(self.read))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_skipped":  # shown only for a folder with files to tell about
            return self.read is not None and bool(self.read.skipped or self.read.remarks)
        return True


class SeriesScreen(_ListScreen):
    HINT = "Pix, All, Frm: the series' share of the study's counts. Enter: its instances"

    def __init__(self, study: Study, read: ImportResult | None = None) -> None:
        patient = study.patient
        super().__init__(
            f"{patient.name} ({patient.patient_id}), {study.description or 'no description'}, "
            f"accession {study.accession_number or '-'}"
        )
        self.study = study
        self.read = read

    def fill(self) -> None:
        registry = load_registry()
        table = self.table
        for column in ("Ser#", "Mod", "Description", "SOP class", *COUNT_COLUMNS):
            table.add_column(column, key=column)
        for index, series in enumerate(self.study.series):
            sop = registry.by_uid(series.sop_class_uid)
            counts = count_cells(series)
            table.add_row(
                _cell(series.series_number),
                _cell(series.modality, 8),
                _cell(series.description, 16),
                _cell(sop.name if sop and sop.name else series.sop_class_uid, 24),
                *(_cell(counts[column], _WIDTHS[column]) for column in COUNT_COLUMNS),
                key=str(index),
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        series = self.study.series[int(str(event.row_key.value))]
        self.app.push_screen(InstancesScreen(self.study, series, self.read))


class InstancesScreen(_ListScreen):
    HINT = "Enter: read the header of an instance"

    def __init__(self, study: Study, series: Series, read: ImportResult | None = None) -> None:
        super().__init__(
            f"Series {_series_name(series)}: {wording.count(series.instance_count, 'instance')}"
        )
        self.study = study
        self.series = series
        self.found = None if read is None else list(read.files(study, series))

    def fill(self) -> None:
        table = self.table
        table.add_column("#", key="number")
        table.add_column("Frames", key="frames")
        table.add_column("File" if self.found is not None else "SOP Instance UID", key="what")
        if self.found is not None:
            for index, found in enumerate(self.found):
                table.add_row(
                    _cell(found.instance_number),
                    _cell(found.number_of_frames or "-"),
                    _cell(found.path.name, 64),
                    key=str(index),
                )
            return
        for index, instance in enumerate(self.series.instances):
            table.add_row(
                _cell(instance.instance_number),
                _cell(instance.number_of_frames or "-"),
                _cell(instance.sop_instance_uid),
                key=str(index),
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(str(event.row_key.value))
        if self.found is not None:
            found = self.found[index]
            self.app.push_screen(HeaderScreen(found.path, f"Header of {found.path}"))
            return
        from trainer.core.dicom_io import build_dataset

        number = index + 1
        title = (
            f"Header of instance {number} of series {_series_name(self.series)}, "
            "as `study export` would write it"
        )
        self.app.push_screen(HeaderScreen(build_dataset(self.study, self.series, number), title))
