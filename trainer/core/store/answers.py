"""Every answer given, in practice, review and (once submitted) exams."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from trainer.core.store.base import StoreBase
from trainer.core.store.records import Answer


class AnswerStore(StoreBase):
    """Answers as given: one row each, committed at once."""

    def record_answer(
        self,
        question_id: str,
        given: Any,
        *,
        correct: bool,
        score: float,
        seconds: float,
        mode: str,
        session_id: str | None = None,
    ) -> datetime:
        """Store one answer and commit it before returning; returns when it was given.
        Raises StoreError (disk full, read-only, locked) when it could not be saved: then it
        was not."""
        answered_at = self.clock.now()
        self._db.write_one(
            "INSERT INTO answers(learner_id, question_id, given, correct, score, seconds, "
            "mode, session_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.learner_id,
                question_id,
                json.dumps(given),
                int(correct),
                score,
                seconds,
                mode,
                session_id,
                answered_at.isoformat(),
            ),
            "save your answer",
        )
        return answered_at

    def answers(self, question_id: str | None = None) -> list[Answer]:
        sql = (
            "SELECT question_id, given, correct, score, seconds, mode, session_id, answered_at "
            "FROM answers WHERE learner_id = ?"
        )
        params: tuple[Any, ...] = (self.learner_id,)
        if question_id is not None:
            sql += " AND question_id = ?"
            params += (question_id,)
        return [
            Answer(r[0], json.loads(r[1]), bool(r[2]), r[3], r[4], r[5], r[6],
                   datetime.fromisoformat(r[7]))
            for r in self._read(sql + " ORDER BY id", params)
        ]

    def answer_count(self) -> int:
        row = self._read_one(
            "SELECT answers FROM answer_totals WHERE learner_id = ?", (self.learner_id,)
        )
        return int(row[0]) if row else 0

    def mistakes(self) -> list[str]:
        """Question ids whose latest answer was wrong, the most recent first."""
        rows = self._read(
            "SELECT question_id FROM answers WHERE id IN "
            "(SELECT max(id) FROM answers WHERE learner_id = ? GROUP BY question_id) "
            "AND correct = 0 ORDER BY id DESC",
            (self.learner_id,),
        )
        return [row[0] for row in rows]
