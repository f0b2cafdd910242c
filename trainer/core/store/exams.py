"""Exam attempts: the form, each answer and flag as given, warnings shown, the grade."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from trainer.core.store.base import StoreBase
from trainer.core.store.records import ExamAttempt, ExamItemState, GradedAnswer

ATTEMPT_COLUMNS = (
    "id, blueprint, seed, form, started_at, deadline, submitted_at, score, passed, position"
)


def _attempt(row: tuple) -> ExamAttempt:
    return ExamAttempt(
        id=row[0],
        blueprint=row[1],
        seed=row[2],
        form=json.loads(row[3]),
        started_at=datetime.fromisoformat(row[4]),
        deadline=datetime.fromisoformat(row[5]),
        submitted_at=datetime.fromisoformat(row[6]) if row[6] else None,
        score=row[7],
        passed=None if row[8] is None else bool(row[8]),
        position=row[9],
    )


class ExamStore(StoreBase):
    """Exam attempts. Each call commits before returning: an answer or a flag survives a killed process."""

    def start_attempt(
        self, blueprint: str, seed: int, form: Any, *, started_at: datetime, deadline: datetime
    ) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO exam_attempts(blueprint, seed, form, started_at, deadline) "
                "VALUES (?, ?, ?, ?, ?)",
                (blueprint, seed, json.dumps(form), started_at.isoformat(), deadline.isoformat()),
            )
        return int(cursor.lastrowid)

    def attempt(self, attempt_id: int) -> ExamAttempt | None:
        row = self._db.execute(
            f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts WHERE id = ?", (attempt_id,)
        ).fetchone()
        return _attempt(row) if row else None

    def unfinished_attempt(self) -> ExamAttempt | None:
        """The most recent attempt not yet submitted, if any."""
        row = self._db.execute(
            f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts WHERE submitted_at IS NULL "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return _attempt(row) if row else None

    def attempts(self) -> list[ExamAttempt]:
        """Every attempt, oldest first."""
        rows = self._db.execute(f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts ORDER BY id")
        return [_attempt(row) for row in rows]

    def last_graded_attempts(self, count: int) -> list[ExamAttempt]:
        """The latest graded attempts, newest first: the home screen shows a few of them."""
        rows = self._db.execute(
            f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts WHERE score IS NOT NULL "
            "ORDER BY id DESC LIMIT ?",
            (count,),
        )
        return [_attempt(row) for row in rows]

    def set_exam_response(self, attempt_id: int, position: int, response: Any) -> None:
        """Store (or, with None, clear) the answer at a position of the form."""
        stored = None if response is None else json.dumps(response)
        with self._write() as db:
            db.execute(
                "INSERT INTO exam_items(attempt_id, position, response, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(attempt_id, position) DO UPDATE SET "
                "response = excluded.response, updated_at = excluded.updated_at",
                (attempt_id, position, stored, self._now()),
            )

    def set_exam_flag(self, attempt_id: int, position: int, flagged: bool) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO exam_items(attempt_id, position, flagged, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(attempt_id, position) DO UPDATE SET "
                "flagged = excluded.flagged, updated_at = excluded.updated_at",
                (attempt_id, position, int(flagged), self._now()),
            )

    def set_exam_position(self, attempt_id: int, position: int) -> None:
        """Where the learner is: a resumed sequential exam must not reopen earlier questions."""
        with self._write() as db:
            db.execute(
                "UPDATE exam_attempts SET position = ? WHERE id = ?", (position, attempt_id)
            )

    def exam_items(self, attempt_id: int) -> dict[int, ExamItemState]:
        rows = self._db.execute(
            "SELECT position, response, flagged FROM exam_items WHERE attempt_id = ?",
            (attempt_id,),
        )
        return {
            r[0]: ExamItemState(None if r[1] is None else json.loads(r[1]), bool(r[2]))
            for r in rows
        }

    def announce_warnings(self, attempt_id: int, minutes: list[int]) -> None:
        with self._write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO exam_warnings(attempt_id, minutes) VALUES (?, ?)",
                [(attempt_id, m) for m in minutes],
            )

    def announced_warnings(self, attempt_id: int) -> set[int]:
        rows = self._db.execute(
            "SELECT minutes FROM exam_warnings WHERE attempt_id = ?", (attempt_id,)
        )
        return {row[0] for row in rows}

    def submit_attempt(
        self,
        attempt_id: int,
        *,
        submitted_at: datetime,
        score: float,
        passed: bool,
        answers: list[GradedAnswer],
    ) -> bool:
        """Close an attempt with its score and copy its answers into `answers` (mode "exam"),
        all in one transaction. False, and nothing written, if it was closed already."""
        session = f"exam-{attempt_id}"
        with self._write() as db:
            closed = db.execute(
                "UPDATE exam_attempts SET submitted_at = ?, score = ?, passed = ? "
                "WHERE id = ? AND submitted_at IS NULL",
                (submitted_at.isoformat(), score, int(passed), attempt_id),
            ).rowcount
            if closed:
                db.executemany(
                    "INSERT INTO answers(question_id, given, correct, score, seconds, mode, "
                    "session_id, answered_at) VALUES (?, ?, ?, ?, 0, 'exam', ?, ?)",
                    [
                        (a.question_id, json.dumps(a.given), int(a.correct), a.score, session,
                         submitted_at.isoformat())
                        for a in answers
                    ],
                )
        return bool(closed)

    def abandon_attempt(self, attempt_id: int) -> None:
        """Close an attempt without a score (its form can no longer be rebuilt)."""
        with self._write() as db:
            db.execute(
                "UPDATE exam_attempts SET submitted_at = ? WHERE id = ? AND submitted_at IS NULL",
                (self._now(), attempt_id),
            )
