"""The Textual application and the one factory that builds it for the CLI and the tests."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

if TYPE_CHECKING:
    from trainer.core.banks import Catalog

from trainer.core.clock import Clock, SystemClock
from trainer.core.lessons import LessonCatalog, load_lessons
from trainer.core.paths import content_root as default_content_root
from trainer.core.paths import data_dir as default_data_dir
from trainer.core.paths import default_bank_dirs
from trainer.core.store import Store
from trainer.ui.sections import SECTIONS, section

class PacsTrainerApp(App[int]):
    TITLE = "pacs-trainer"
    SUB_TITLE = "DICOM SOP classes for PACS analysts"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("f1", "help", "Help", id="help")]

    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        seed: int | None,
        content_root: Path,
        bank_dirs: Iterable[Path] = (),
    ) -> None:
        super().__init__()
        self.content_root = content_root
        self.store = store
        self.clock = clock
        self.seed = seed
        self.bank_dirs = list(bank_dirs)

    def on_mount(self) -> None:
        saved = self.store.get_setting("theme")
        if saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        from trainer.ui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    def _remember_theme(self, theme: Theme) -> None:
        self.store.set_setting("theme", theme.name)

    @cached_property
    def lessons(self) -> LessonCatalog:
        return load_lessons(self.content_root / "lessons")

    @cached_property
    def banks(self) -> Catalog:
        """Every question bank; bad ones are skipped and listed in `errors`.

        Imported here, not at the top: pydantic and the models cost ~150 ms of start-up.
        """
        from trainer.core.banks import load_banks

        return load_banks(self.bank_dirs)

    def open_section(self, section_id: str) -> None:
        """Open a home-screen section by id; unbuilt ones say plainly what is coming."""
        if section_id == "sop-reference":
            from trainer.ui.screens.sop_reference import SopReferenceScreen

            self.push_screen(SopReferenceScreen())
            return
        if section_id == "lessons":
            from trainer.ui.screens.lessons import LessonListScreen

            self.push_screen(LessonListScreen())
            return
        if section_id == "continue":
            self.continue_reading()
            return
        from trainer.ui.screens.not_built import NotBuiltScreen

        self.push_screen(NotBuiltScreen(section(section_id)))

    def action_help(self) -> None:
        from trainer.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(str(self.store.path)))

    def continue_reading(self) -> None:
        """Reopen the lesson page read last, or the first lesson for a new learner."""
        last = self.store.last_lesson()
        if last is not None and self.lessons.get(last.lesson_id):
            self.open_lesson(last.lesson_id, page=last.last_page)
        elif self.lessons.lessons:
            self.notify("Nothing read yet: starting with the first lesson.")
            self.open_lesson(self.lessons.lessons[0].id)
        else:
            self.notify("No lessons were found.", severity="error")

    def open_lesson(
        self,
        lesson_id: str,
        *,
        page: int | None = None,
        anchor: str | None = None,
        replace: bool = False,
    ) -> None:
        """Open a lesson at a page, an anchor, or where the learner left it."""
        from trainer.ui.screens.lessons import ReaderScreen

        lesson = self.lessons.get(lesson_id)
        if lesson is None:
            self.notify(f"There is no lesson {lesson_id!r}.", severity="error", markup=False)
            return
        if anchor is not None:
            page = lesson.page_index(anchor)
        if page is None:
            progress = self.store.lesson_progress().get(lesson_id)
            page = progress.last_page if progress else 0
        screen = ReaderScreen(lesson, page)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Sections, keys and where progress is kept", self.action_help)
        for item in SECTIONS:
            yield SystemCommand(
                f"Open {item.title}",
                item.description,
                lambda section_id=item.id: self.open_section(section_id),
            )


def make_app(
    *,
    data_dir: str | Path | None = None,
    seed: int | None = None,
    bank_dirs: Iterable[str | Path] = (),
    clock: Clock | None = None,
    content_root: Path | None = None,
) -> PacsTrainerApp:
    """Build the app exactly as the CLI does; raises StoreError if the progress file is bad."""
    clock = clock or SystemClock()
    store = Store.in_dir(default_data_dir(data_dir), clock)
    return PacsTrainerApp(
        store=store,
        clock=clock,
        seed=seed,
        content_root=content_root or default_content_root(),
        bank_dirs=default_bank_dirs(data_dir, bank_dirs),
    )
