"""The sections of the home screen, in order; the command palette offers the same list.

A section is registered here once: its id, title, description and what opens it. `opens` is
either "module:ScreenClass" (a screen pushed with no arguments, imported on first use so
start-up loads only the home screen) or "app.method" (a method of the app that decides, such
as resuming an open exam). `only_if` names an app property that must be true for the section
to be listed (the cohort report is for instructors). A test checks every target resolves.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str
    opens: str
    only_if: str | None = None  # an app property that must be true to list it ("is_instructor")

    def available(self, app: App[Any]) -> bool:
        return self.only_if is None or bool(getattr(app, self.only_if))

    def open(self, app: App[Any]) -> None:
        if self.opens.startswith("app."):
            getattr(app, self.opens.removeprefix("app."))()
            return
        module, _, name = self.opens.partition(":")
        screen = getattr(importlib.import_module(module), name)
        app.push_screen(screen())


SECTIONS: tuple[Section, ...] = (
    Section("continue", "Continue", "Pick up where you left off", "app.continue_reading"),
    Section(
        "lessons",
        "Lessons",
        "DICOM basics, SOP classes, PACS networking",
        "trainer.ui.screens.lessons:LessonListScreen",
    ),
    Section(
        "practice",
        "Practice",
        "Questions with instant feedback",
        "trainer.ui.screens.practice:PracticeSetupScreen",
    ),
    Section("exam", "Exam", "Timed, certification-style exams", "app.open_exams"),
    Section(
        "review",
        "Review due",
        "Bring back what you are about to forget",
        "trainer.ui.screens.review:ReviewScreen",
    ),
    Section(
        "sop-reference",
        "SOP reference",
        "Every SOP class in the standard, searchable",
        "trainer.ui.screens.sop_reference:SopReferenceScreen",
    ),
    Section(
        "study-lists",
        "Study lists",
        "A worklist of synthetic studies; read any header",
        "app.open_study_list",
    ),
    Section(
        "lab",
        "Lab",
        "Send studies to a PACS; see what is refused and why",
        "trainer.ui.screens.lab:LabHomeScreen",
    ),
    Section("progress", "Progress", "Mastery by topic, exam history, streak", "app.open_progress"),
    Section(
        "item-analysis",
        "Item analysis",
        "For instructors: which questions work",
        "trainer.ui.screens.items:ItemAnalysisScreen",
    ),
    Section(
        "cohort",
        "Cohort report",
        "Instructors: every learner, topic and question",
        "app.open_cohort_report",
        only_if="is_instructor",
    ),
)


def section(section_id: str) -> Section:
    return next(s for s in SECTIONS if s.id == section_id)
