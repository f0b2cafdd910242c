"""The progress dashboard's figures, aggregated in SQL so a dashboard never loads every answer."""

from __future__ import annotations

from datetime import datetime

from trainer.core.store.base import StoreBase
from trainer.core.store.records import ExamScore


class FigureStore(StoreBase):
    """Sums and counts for the dashboard."""

    def topic_answer_stats(self, since: datetime) -> dict[str, tuple[int, int]]:
        """(answers, right) by topic over the answers given since then."""
        rows = self._db.execute(
            "SELECT t.topic, count(*), sum(a.correct) FROM answers a "
            "JOIN card_topics t ON t.question_id = a.question_id "
            "WHERE a.answered_at >= ? GROUP BY t.topic",
            (since.isoformat(),),
        )
        return {topic: (count, right) for topic, count, right in rows}

    def study_seconds(self, recent: datetime) -> tuple[float, float]:
        """Time spent, in all and since `recent`: answering practice and review questions plus
        time used in exams. The total is kept as answers come; only recent ones are summed."""
        since = recent.isoformat()
        answering = self._db.execute("SELECT seconds FROM answer_totals").fetchone()[0]
        answering_recently = self._db.execute(
            "SELECT coalesce(sum(seconds), 0) FROM answers WHERE answered_at >= ?", (since,)
        ).fetchone()[0]
        exams, exams_recently = self._db.execute(
            "SELECT coalesce(sum(spent), 0), "
            "coalesce(sum(spent) FILTER (WHERE submitted_at >= ?), 0) FROM (SELECT julianday(min(submitted_at, deadline)) - julianday(started_at) AS spent, "
            "submitted_at FROM exam_attempts WHERE score IS NOT NULL)", (since,)
        ).fetchone()
        # julianday: days as floats
        return (answering + round(max(0.0, exams) * 86400, 3),
                answering_recently + round(max(0.0, exams_recently) * 86400, 3))

    def answered_between(self, start: datetime, end: datetime) -> bool:
        return self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM answers WHERE answered_at >= ? AND answered_at < ?)",
            (start.isoformat(), end.isoformat()),
        ).fetchone()[0] == 1

    def exam_scores(self) -> list[ExamScore]:
        """Every graded exam, oldest first."""
        rows = self._db.execute(
            "SELECT submitted_at, blueprint, coalesce(json_extract(form, '$.blueprint.title'), "
            "blueprint), score, passed FROM exam_attempts WHERE score IS NOT NULL "
            "ORDER BY submitted_at, id"
        )
        return [
            ExamScore(datetime.fromisoformat(r[0]), r[1], str(r[2]), r[3], bool(r[4])) for r in rows
        ]
