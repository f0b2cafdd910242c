"""Lesson progress: the page a learner is on, the furthest reached, completion."""

from __future__ import annotations

from datetime import datetime

from trainer.core.store.base import StoreBase
from trainer.core.store.records import LessonProgress, page_bits, pages_of


class LessonStore(StoreBase):
    """Where the learner is in each lesson."""

    def set_lesson_page(self, lesson_id: str, page: int) -> None:
        """The learner is on this page, and has now read it."""
        with self._write("save your place in the lesson") as db:
            db.execute(
                "INSERT INTO lesson_progress(learner_id, lesson_id, last_page, furthest_page, "
                "pages_read, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(learner_id, lesson_id) DO UPDATE "
                "SET last_page = excluded.last_page, furthest_page = CASE WHEN "
                "excluded.last_page > lesson_progress.furthest_page THEN excluded.last_page "
                "ELSE lesson_progress.furthest_page END, "
                "pages_read = lesson_progress.pages_read | excluded.pages_read, "
                "updated_at = excluded.updated_at",
                (self.learner_id, lesson_id, page, page, page_bits([page]), self._now()),
            )

    def mark_lesson_complete(self, lesson_id: str, complete: bool = True) -> None:
        now = self._now()
        with self._write("mark the lesson complete") as db:
            db.execute(
                "INSERT INTO lesson_progress(learner_id, lesson_id, last_page, completed_at, "
                "updated_at) VALUES (?, ?, 0, ?, ?) ON CONFLICT(learner_id, lesson_id) DO UPDATE "
                "SET completed_at = excluded.completed_at, updated_at = excluded.updated_at",
                (self.learner_id, lesson_id, now if complete else None, now),
            )

    def lesson_progress(self) -> dict[str, LessonProgress]:
        rows = self._read(
            "SELECT lesson_id, last_page, furthest_page, completed_at, updated_at, pages_read "
            "FROM lesson_progress WHERE learner_id = ?",
            (self.learner_id,),
        )
        return {
            r[0]: LessonProgress(r[0], r[1], r[2], r[3] is not None, datetime.fromisoformat(r[4]),
                                 pages_of(r[5]))
            for r in rows
        }

    def last_lesson(self) -> LessonProgress | None:
        """The lesson read most recently: what Continue reopens."""
        progress = self.lesson_progress().values()
        return max(progress, key=lambda p: p.updated_at, default=None)
