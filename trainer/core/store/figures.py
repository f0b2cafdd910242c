"""The progress dashboard's figures, aggregated in SQL so a dashboard never loads every answer."""

from __future__ import annotations

from datetime import datetime

from trainer.core.store.base import StoreBase
from trainer.core.store.records import ExamScore


class FigureStore(StoreBase):
    """Sums and counts for the dashboard."""

    def topic_answer_stats(self, since: datetime) -> dict[str, tuple[int, int]]:
        """(answers, right) by topic over the answers given since then."""
        rows = self._read(
            "SELECT t.topic, count(*), sum(a.correct) FROM answers a "
            "JOIN card_topics t ON t.learner_id = a.learner_id AND t.question_id = a.question_id "
            "WHERE a.learner_id = ? AND a.answered_at >= ? GROUP BY t.topic",
            (self.learner_id, since.isoformat()),
        )
        return {topic: (int(count), int(right)) for topic, count, right in rows}

    def study_seconds(self, recent: datetime) -> tuple[float, float]:
        """Time spent, in all and since `recent`: answering practice and review questions plus
        time used in exams. The answering total is kept as answers come; only recent ones are
        summed."""
        since = recent.isoformat()
        row = self._read_one(
            "SELECT seconds FROM answer_totals WHERE learner_id = ?", (self.learner_id,)
        )
        answering = float(row[0]) if row else 0.0
        answering_recently = self._read_one(
            "SELECT coalesce(sum(seconds), 0) FROM answers WHERE learner_id = ? AND "
            "answered_at >= ?",
            (self.learner_id, since),
        )[0]
        exams, exams_recently = self._read_one(
            "SELECT coalesce(sum(seconds_used), 0), "
            "coalesce(sum(seconds_used) FILTER (WHERE submitted_at >= ?), 0) "
            "FROM exam_attempts WHERE learner_id = ? AND score IS NOT NULL",
            (since, self.learner_id),
        )
        return answering + float(exams), float(answering_recently) + float(exams_recently)

    def answers_between(self, start: datetime, end: datetime) -> int:
        row = self._read_one(
            "SELECT COUNT(*) FROM answers WHERE learner_id = ? AND answered_at >= ? AND "
            "answered_at < ?",
            (self.learner_id, start.isoformat(), end.isoformat()),
        )
        return int(row[0]) if row is not None else 0

    def exam_scores(self) -> list[ExamScore]:
        """Every graded exam, oldest first."""
        rows = self._read(
            "SELECT submitted_at, blueprint, coalesce(title, blueprint), score, passed "
            "FROM exam_attempts WHERE learner_id = ? AND score IS NOT NULL "
            "ORDER BY submitted_at, id",
            (self.learner_id,),
        )
        return [
            ExamScore(datetime.fromisoformat(r[0]), r[1], str(r[2]), r[3], bool(r[4])) for r in rows
        ]
