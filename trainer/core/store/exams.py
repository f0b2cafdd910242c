"""Exam attempts: the form, each answer and flag as given, warnings shown, the grade."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from trainer.core.store.base import Database, StoreBase
from trainer.core.store.records import (
    AttemptClosed,
    ExamAttempt,
    ExamItemState,
    GradedAnswer,
    NotYours,
)

ATTEMPT_COLUMNS = (
    "id, blueprint, seed, form, started_at, deadline, submitted_at, score, passed, position, "
    "title"
)


def _attempt(row: Any) -> ExamAttempt:
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
        title=row[10] or row[1],
    )


def form_title(form: Any, blueprint: str) -> str:
    """The title a stored form's blueprint had, or the blueprint id."""
    snapshot = form.get("blueprint") if isinstance(form, dict) else None
    title = snapshot.get("title") if isinstance(snapshot, dict) else None
    return title if isinstance(title, str) and title else blueprint


class ExamStore(StoreBase):
    """Exam attempts. Each call commits before returning: an answer or a flag survives a
    killed process. Each answer, flag and submit checks, in its own transaction, that the
    attempt is this learner's and still open."""

    def start_attempt(
        self, blueprint: str, seed: int, form: Any, *, started_at: datetime, deadline: datetime
    ) -> int:
        with self._write("start the exam") as db:
            row = db.execute(
                "INSERT INTO exam_attempts(learner_id, blueprint, seed, form, started_at, "
                "deadline, title) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (self.learner_id, blueprint, seed, json.dumps(form), started_at.isoformat(),
                 deadline.isoformat(), form_title(form, blueprint)),
            ).fetchone()
        return int(row[0])

    def attempt(self, attempt_id: int) -> ExamAttempt | None:
        row = self._read_one(
            f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts WHERE id = ? AND learner_id = ?",
            (attempt_id, self.learner_id),
        )
        return _attempt(row) if row else None

    def unfinished_attempt(self) -> ExamAttempt | None:
        """The most recent attempt not yet submitted, if any."""
        row = self._read_one(
            f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts WHERE learner_id = ? AND "
            "submitted_at IS NULL ORDER BY id DESC LIMIT 1",
            (self.learner_id,),
        )
        return _attempt(row) if row else None

    def attempts(self) -> list[ExamAttempt]:
        """Every attempt, oldest first (by when it started: an imported one sits in time)."""
        rows = self._read(
            f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts WHERE learner_id = ? "
            "ORDER BY started_at, id",
            (self.learner_id,),
        )
        return [_attempt(row) for row in rows]

    def last_graded_attempts(self, count: int) -> list[ExamAttempt]:
        """The latest graded attempts, newest first: the home screen shows a few of them."""
        rows = self._read(
            f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts WHERE learner_id = ? AND "
            "score IS NOT NULL ORDER BY submitted_at DESC, id DESC LIMIT ?",
            (self.learner_id, count),
        )
        return [_attempt(row) for row in rows]

    def _open_attempt(self, db: Database, attempt_id: int) -> None:
        """Inside a write: the attempt is this learner's and not closed, or raise."""
        row = db.execute(
            "SELECT submitted_at FROM exam_attempts WHERE id = ? AND learner_id = ?",
            (attempt_id, self.learner_id),
        ).fetchone()
        if row is None:
            raise NotYours(f"no exam attempt {attempt_id} of this learner")
        if row[0] is not None:
            raise AttemptClosed(f"exam attempt {attempt_id} is already closed")

    def set_exam_response(self, attempt_id: int, position: int, response: Any) -> None:
        """Store (or, with None, clear) the answer at a position of the form."""
        stored = None if response is None else json.dumps(response)
        with self._write("save your answer") as db:
            self._open_attempt(db, attempt_id)
            db.execute(
                "INSERT INTO exam_items(attempt_id, position, response, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(attempt_id, position) DO UPDATE SET "
                "response = excluded.response, updated_at = excluded.updated_at",
                (attempt_id, position, stored, self._now()),
            )

    def set_exam_flag(self, attempt_id: int, position: int, flagged: bool) -> None:
        with self._write("save the flag") as db:
            self._open_attempt(db, attempt_id)
            db.execute(
                "INSERT INTO exam_items(attempt_id, position, flagged, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(attempt_id, position) DO UPDATE SET "
                "flagged = excluded.flagged, updated_at = excluded.updated_at",
                (attempt_id, position, int(flagged), self._now()),
            )

    def set_exam_position(self, attempt_id: int, position: int) -> None:
        """Where the learner is: a resumed sequential exam must not reopen earlier questions."""
        with self._write("save your place in the exam") as db:
            self._open_attempt(db, attempt_id)
            db.execute(
                "UPDATE exam_attempts SET position = ? WHERE id = ?", (position, attempt_id)
            )

    def exam_items(self, attempt_id: int) -> dict[int, ExamItemState]:
        rows = self._read(
            "SELECT i.position, i.response, i.flagged FROM exam_items i JOIN exam_attempts a "
            "ON a.id = i.attempt_id WHERE i.attempt_id = ? AND a.learner_id = ?",
            (attempt_id, self.learner_id),
        )
        return {
            r[0]: ExamItemState(None if r[1] is None else json.loads(r[1]), bool(r[2]))
            for r in rows
        }

    def announce_warnings(self, attempt_id: int, minutes: list[int]) -> None:
        with self._write("note the time warning") as db:
            self._open_attempt(db, attempt_id)
            db.executemany(
                "INSERT INTO exam_warnings(attempt_id, minutes) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                [(attempt_id, m) for m in minutes],
            )

    def announced_warnings(self, attempt_id: int) -> set[int]:
        rows = self._read(
            "SELECT w.minutes FROM exam_warnings w JOIN exam_attempts a ON a.id = w.attempt_id "
            "WHERE w.attempt_id = ? AND a.learner_id = ?",
            (attempt_id, self.learner_id),
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
        with self._write("submit the exam") as db:
            row = db.execute(
                "SELECT started_at, deadline FROM exam_attempts WHERE id = ? AND learner_id = ?",
                (attempt_id, self.learner_id),
            ).fetchone()
            if row is None:
                raise NotYours(f"no exam attempt {attempt_id} of this learner")
            started, deadline = map(datetime.fromisoformat, row)
            seconds_used = (min(submitted_at, deadline) - started).total_seconds()
            closed = db.execute(
                "UPDATE exam_attempts SET submitted_at = ?, score = ?, passed = ?, "
                "seconds_used = ? WHERE id = ? AND learner_id = ? AND submitted_at IS NULL",
                (submitted_at.isoformat(), score, int(passed), round(max(0.0, seconds_used), 3),
                 attempt_id, self.learner_id),
            ).rowcount
            if closed:
                db.executemany(
                    "INSERT INTO answers(learner_id, question_id, given, correct, score, "
                    "seconds, mode, session_id, answered_at) "
                    "VALUES (?, ?, ?, ?, ?, 0, 'exam', ?, ?)",
                    [
                        (self.learner_id, a.question_id, json.dumps(a.given), int(a.correct),
                         a.score, session, submitted_at.isoformat())
                        for a in answers
                    ],
                )
        return bool(closed)

    def abandon_attempt(self, attempt_id: int) -> None:
        """Close an attempt without a score (its form can no longer be rebuilt)."""
        with self._write("close the exam") as db:
            db.execute(
                "UPDATE exam_attempts SET submitted_at = ? WHERE id = ? AND learner_id = ? "
                "AND submitted_at IS NULL",
                (self._now(), attempt_id, self.learner_id),
            )
