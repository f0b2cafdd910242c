"""Where a learner goes next in the course: what Continue opens and the home screen names.

A new learner starts with the first lesson ("Start here"); after that, Continue reopens the
lesson read last at its page, and once that lesson is complete, the next one not yet complete
(in course order, from the one just finished).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from trainer.core.lessons import Lesson, LessonCatalog
from trainer.core.store import LessonProgress


@dataclass(frozen=True)
class Place:
    lesson: Lesson | None  # None: every lesson is complete
    page: int
    started: bool  # the learner has read a page of the course before
    number: int = 0  # the lesson's place in the course, from 1
    opened: bool = False  # this lesson was opened before

    def label(self) -> str:
        """How the home screen names it: "Start here: 1. DICOM basics (12 min)"..."""
        if self.lesson is None:
            return "Every lesson is complete: review what is due, or take an exam"
        what = f"{self.number}. {self.lesson.title}"
        if not self.started:
            return f"Start here: {what} ({self.lesson.minutes} min)"
        if self.opened:
            return f"{what}, page {self.page + 1}/{len(self.lesson.pages)}"
        return f"Next: {what} ({self.lesson.minutes} min)"


def next_place(
    catalog: LessonCatalog,
    progress: Mapping[str, LessonProgress],
    last: LessonProgress | None,
) -> Place:
    lessons = catalog.lessons
    if not lessons:
        return Place(None, 0, started=False)
    if last is None:
        return Place(lessons[0], 0, started=False, number=1)
    ids = [lesson.id for lesson in lessons]
    start = ids.index(last.lesson_id) if last.lesson_id in ids else 0
    if last.lesson_id in ids and not last.completed:
        return _at(lessons, start, progress)
    for step in range(1, len(lessons) + 1):
        index = (start + step) % len(lessons)
        done = progress.get(lessons[index].id)
        if done is None or not done.completed:
            return _at(lessons, index, progress)
    return Place(None, 0, started=True)


def _at(lessons: list[Lesson], index: int, progress: Mapping[str, LessonProgress]) -> Place:
    lesson = lessons[index]
    saved = progress.get(lesson.id)
    page = min(saved.last_page, len(lesson.pages) - 1) if saved else 0
    return Place(lesson, page, started=True, number=index + 1, opened=saved is not None)
