"""Browse a study list as a PACS shows it: studies, then series, then instances, then a header.

Works on synthetic studies (an instance's header is built in memory, exactly as `study export`
would write it) and on imported folders (the header is read from the instance's file). The count
column follows a policy the learner can switch, so one study shows the counts different systems
would show. All text goes to the screen as rich Text, never as markup, and what came from a
file has its control and invisible characters written out (escape_controls).
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

from trainer.core.registry import load_registry
from trainer.core.sanitize import escape_controls
from trainer.core.studies import (
    DEFAULT_POLICY,
    LIST_COLUMNS,
    CountPolicy,
    Series,
    Study,
    worklist_cells,
)
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.screens.header import HeaderScreen
from trainer.ui.screens.open_folder import OpenFolder, SkippedFiles
from trainer.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from trainer.core.dicom_import import ImportResult

POLICIES = tuple(CountPolicy)
# How wide each worklist column may grow, in characters.
_WIDTHS = {"Name": 24, "Acc#": 16, "Description": 24, "Mods": 16, "Date": 10, "Imgs": 8}


def _cell(value: object, limit: int = 64) -> Text:
    return Text(escape_controls(str(value), limit))


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
        Binding("c", "next_policy", "Count policy", id="studies.policy"),
        Binding("o", "open_folder", "Open folder", id="studies.open-folder"),
        Binding("s", "show_skipped", "Skipped", id="studies.skipped"),
    ]
    def __init__(
        self, studies: Sequence[Study], title: str, read: ImportResult | None = None
    ) -> None:
        super().__init__(title)
        self.studies = list(studies)
        self.read = read
        self.policy = DEFAULT_POLICY

    def fill(self) -> None:
        table = self.table
        cursor = table.cursor_row
        table.clear(columns=True)
        for column in LIST_COLUMNS:
            table.add_column(column, key=column)
        for index, study in enumerate(self.studies):
            cells = worklist_cells(study, self.policy)
            table.add_row(
                *(_cell(cells[column], _WIDTHS[column]) for column in LIST_COLUMNS),
                key=str(index),
            )
        if self.studies:
            table.move_cursor(row=min(cursor, len(self.studies) - 1))
        hint = f"Imgs: {self.policy.title}, {self.policy.basis}. c: other count, Enter: series"
        self.query_one(".browser-hint", Static).update(Text(hint))

    def action_next_policy(self) -> None:
        self.policy = POLICIES[(POLICIES.index(self.policy) + 1) % len(POLICIES)]
        self.fill()

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
    HINT = "Enter: the instances of a series"

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
        for column in ("Ser#", "Mod", "Description", "SOP class", "Objs", "Frames"):
            table.add_column(column, key=column)
        for index, series in enumerate(self.study.series):
            sop = registry.by_uid(series.sop_class_uid)
            table.add_row(
                _cell(series.series_number),
                _cell(series.modality, 8),
                _cell(series.description, 20),
                _cell(sop.name if sop and sop.name else series.sop_class_uid, 36),
                _cell(series.instance_count),
                _cell(sum(series.frames) if series.has_pixel_data else "-"),
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
            f"Series {series.series_number} {series.modality} {series.description}: "
            f"{series.instance_count} instance{'' if series.instance_count == 1 else 's'}"
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
            f"Header of instance {number} of series {self.series.series_number} "
            f"({self.series.modality} {self.series.description}), built as exported"
        )
        self.app.push_screen(HeaderScreen(build_dataset(self.study, self.series, number), title))
