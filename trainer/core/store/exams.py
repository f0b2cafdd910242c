"""Exam attempts: the form, each answer and flag as given, warnings shown, the grade.

One exam, one writer: an open attempt is held by one window at a time through a lease (who
holds it, until when), which the holder renews while it runs (a heartbeat). Another window
may take it only once the lease has run out, that is when the holder is gone. Every answer,
flag, move and the submit checks, in its own transaction, that the attempt is still open, its
time not up, and the lease the writer's.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from trainer.core.store.base import Database, StoreBase
from trainer.core.store.records import (
    AttemptClosed,
    ExamAttempt,
    ExamHeld,
    ExamItemState,
    GradedAnswer,
    LeaseLost,
    NotYours,
)

ATTEMPT_COLUMNS = (
    "id, blueprint, seed, form, started_at, deadline, submitted_at, score, passed, position, "
    "title, lease_holder, lease_until"
)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


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
        lease_holder=row[11],
        lease_until=_time(row[12]),
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
        self,
        blueprint: str,
        seed: int,
        form: Any,
        *,
        started_at: datetime,
        deadline: datetime,
        holder: str,
        lease_until: datetime,
    ) -> int:
        """A new attempt, held from the start by `holder` until `lease_until`."""
        with self._write("start the exam") as db:
            row = db.execute(
                "INSERT INTO exam_attempts(learner_id, blueprint, seed, form, started_at, "
                "deadline, title, lease_holder, lease_until) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (self.learner_id, blueprint, seed, json.dumps(form), started_at.isoformat(),
                 deadline.isoformat(), form_title(form, blueprint), holder,
                 lease_until.isoformat()),
            ).fetchone()
        return int(row[0])

    def take_lease(self, attempt_id: int, holder: str, until: datetime) -> None:
        """Hold an open attempt until `until`: free, ours already, or its holder's lease ran
        out (the holder is gone). Raises ExamHeld while another holder's lease runs, and
        AttemptClosed for a graded or closed attempt."""
        with self._write("open the exam") as db:
            row = db.execute(
                "SELECT submitted_at, lease_holder, lease_until FROM exam_attempts "
                "WHERE id = ? AND learner_id = ?",
                (attempt_id, self.learner_id),
            ).fetchone()
            if row is None:
                raise NotYours(f"no exam attempt {attempt_id} of this learner")
            submitted, other, other_until = row[0], row[1], _time(row[2])
            if submitted is not None:
                raise AttemptClosed(f"exam attempt {attempt_id} is already closed")
            if other not in (None, holder) and other_until and self.clock.now() < other_until:
                raise ExamHeld(
                    f"exam attempt {attempt_id} is open in another window",
                    holder=other, until=other_until,
                )
            db.execute(
                "UPDATE exam_attempts SET lease_holder = ?, lease_until = ? WHERE id = ?",
                (holder, until.isoformat(), attempt_id),
            )

    def renew_lease(self, attempt_id: int, holder: str, until: datetime) -> None:
        """The holder's heartbeat: its lease now runs until `until`. Raises LeaseLost when
        another window holds it now, AttemptClosed when it was graded meanwhile."""
        with self._write("keep the exam open") as db:
            self._held(db, attempt_id, holder, check_time=False)
            db.execute(
                "UPDATE exam_attempts SET lease_until = ? WHERE id = ?",
                (until.isoformat(), attempt_id),
            )

    def release_lease(self, attempt_id: int, holder: str) -> None:
        """Let the attempt go (the learner left it): another window may take it at once."""
        with self._write("leave the exam") as db:
            db.execute(
                "UPDATE exam_attempts SET lease_holder = NULL, lease_until = NULL "
                "WHERE id = ? AND learner_id = ? AND lease_holder = ?",
                (attempt_id, self.learner_id, holder),
            )

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

    def _held(
        self, db: Database, attempt_id: int, holder: str, *, check_time: bool = True
    ) -> None:
        """Inside a write: the attempt is this learner's, not closed, its time not up (unless
        `check_time` is false) and held by `holder`, or raise."""
        row = db.execute(
            "SELECT submitted_at, deadline, lease_holder FROM exam_attempts "
            "WHERE id = ? AND learner_id = ?",
            (attempt_id, self.learner_id),
        ).fetchone()
        if row is None:
            raise NotYours(f"no exam attempt {attempt_id} of this learner")
        if row[0] is not None:
            raise AttemptClosed(f"exam attempt {attempt_id} is already closed")
        if check_time and self.clock.now() >= datetime.fromisoformat(row[1]):
            raise AttemptClosed(f"the time of exam attempt {attempt_id} is up")
        if row[2] != holder:
            raise LeaseLost(f"exam attempt {attempt_id} is held by another window now")

    def set_exam_response(
        self, attempt_id: int, position: int, response: Any, *, holder: str
    ) -> None:
        """Store (or, with None, clear) the answer at a position of the form."""
        stored = None if response is None else json.dumps(response)
        with self._write("save your answer") as db:
            self._held(db, attempt_id, holder)
            db.execute(
                "INSERT INTO exam_items(attempt_id, position, response, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(attempt_id, position) DO UPDATE SET "
                "response = excluded.response, updated_at = excluded.updated_at",
                (attempt_id, position, stored, self._now()),
            )

    def set_exam_flag(
        self, attempt_id: int, position: int, flagged: bool, *, holder: str
    ) -> None:
        with self._write("save the flag") as db:
            self._held(db, attempt_id, holder)
            db.execute(
                "INSERT INTO exam_items(attempt_id, position, flagged, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(attempt_id, position) DO UPDATE SET "
                "flagged = excluded.flagged, updated_at = excluded.updated_at",
                (attempt_id, position, int(flagged), self._now()),
            )

    def set_exam_position(self, attempt_id: int, position: int, *, holder: str) -> None:
        """Where the learner is: a resumed sequential exam must not reopen earlier questions."""
        with self._write("save your place in the exam") as db:
            self._held(db, attempt_id, holder)
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

    def announce_warnings(self, attempt_id: int, minutes: list[int], *, holder: str) -> None:
        with self._write("note the time warning") as db:
            self._held(db, attempt_id, holder)
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
        holder: str,
    ) -> bool:
        """Close an attempt with its score and copy its answers into `answers` (mode "exam"),
        all in one transaction. False, and nothing written, if it was closed already. Before
        its deadline only the lease holder may submit (LeaseLost otherwise); once the time is
        up no answer can change, and any window may grade it."""
        session = f"exam-{attempt_id}"
        with self._write("submit the exam") as db:
            row = db.execute(
                "SELECT started_at, deadline, lease_holder, submitted_at FROM exam_attempts "
                "WHERE id = ? AND learner_id = ?",
                (attempt_id, self.learner_id),
            ).fetchone()
            if row is None:
                raise NotYours(f"no exam attempt {attempt_id} of this learner")
            if row[3] is not None:
                return False
            started, deadline = map(datetime.fromisoformat, row[:2])
            if row[2] != holder and self.clock.now() < deadline:
                raise LeaseLost(f"exam attempt {attempt_id} is held by another window now")
            seconds_used = (min(submitted_at, deadline) - started).total_seconds()
            closed = db.execute(
                "UPDATE exam_attempts SET submitted_at = ?, score = ?, passed = ?, "
                "seconds_used = ?, lease_holder = NULL, lease_until = NULL "
                "WHERE id = ? AND learner_id = ? AND submitted_at IS NULL",
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
                "UPDATE exam_attempts SET submitted_at = ?, lease_holder = NULL, "
                "lease_until = NULL WHERE id = ? AND learner_id = ? AND submitted_at IS NULL",
                (self._now(), attempt_id, self.learner_id),
            )
