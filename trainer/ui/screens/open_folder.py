"""Ask for a folder of DICOM files to browse: typed (a leading ~ is the home folder), checked
before the dialog closes, so a mistyped path is said at once and nothing is read. And, once it
is read, list the files that were skipped, each with its reason, and the remarks on files that
were read (no Part 10 header, a duplicate SOP Instance UID)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from trainer.core.sanitize import escape_controls
from trainer.ui.screens.base import TrainerModal

if TYPE_CHECKING:
    from trainer.core.dicom_import import ImportResult


def folder_problem(path: Path) -> str | None:
    """Why `path` cannot be browsed, or None."""
    if not path.exists():
        return f"There is no {path}."
    if not path.is_dir():
        return f"{path} is a file; give the folder that holds the DICOM files."
    return None


class OpenFolder(TrainerModal[Path | None]):
    """A folder's path, or None when the learner cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="open-folder.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Open a folder of DICOM files", id="dialog-title")
            yield Static(
                Text("Every file below it is read, headers only; nothing is changed. "
                     "Enter opens, Esc cancels."),
                id="dialog-body",
            )
            yield Input(placeholder="/path/to/folder", id="folder-path")
            yield Static(id="folder-problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        if not typed:
            return
        path = Path(typed).expanduser()
        problem = folder_problem(path)
        if problem:
            self.query_one("#folder-problem", Static).update(
                Text(escape_controls(problem, 300), style="bold red"))
            return
        self.dismiss(path.resolve())


class SkippedFiles(TrainerModal[None]):
    """The files of a folder that are not in its study list and why, path by path; then the
    remarks on files that are."""

    BINDINGS = [Binding("escape,s", "dismiss", "Close", id="skipped-files.close")]

    def __init__(self, read: ImportResult) -> None:
        super().__init__()
        self.read = read

    def compose(self) -> ComposeResult:
        lines = Text()
        for skip in (*self.read.skipped, *self.read.remarks):
            try:
                where = skip.path.relative_to(self.read.root)
            except ValueError:
                where = skip.path
            lines.append(f"{skip.kind}: ", style="bold")
            lines.append(escape_controls(f"{where}: {skip.reason}", 400) + "\n")
        skipped, remarks = len(self.read.skipped), len(self.read.remarks)
        title = f"{skipped} file{'s' if skipped != 1 else ''} skipped"
        if remarks:
            title += f", {remarks} remark{'s' if remarks != 1 else ''}"
        with VerticalScroll(id="dialog"):
            yield Label(title, id="dialog-title", markup=False)
            yield Static(lines, id="skipped-list")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
