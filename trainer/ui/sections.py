"""The sections of the home screen, in order; the command palette offers the same list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str


SECTIONS: tuple[Section, ...] = (
    Section(
        "continue",
        "Continue",
        "Pick up where you left off",
    ),
    Section(
        "lessons",
        "Lessons",
        "Eight modules, from DICOM basics to image counts",
    ),
    Section(
        "practice",
        "Practice",
        "Questions with instant feedback",
    ),
    Section(
        "exam",
        "Exam",
        "Timed, certification-style exams",
    ),
    Section(
        "review",
        "Review due",
        "Bring back what you are about to forget",
    ),
    Section("sop-reference", "SOP reference", "Every SOP class in the standard, searchable"),
    Section("study-lists", "Study lists", "A worklist of synthetic studies; read any header"),
    Section(
        "progress",
        "Progress",
        "Mastery by topic, exam history, streak",
    ),
)


def section(section_id: str) -> Section:
    return next(s for s in SECTIONS if s.id == section_id)
