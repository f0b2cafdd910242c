"""Review cards: a card per answered question, its topics and its review logs; its FSRS fields
are a cache of replaying the logs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from trainer.core.store.base import Database, StoreBase
from trainer.core.store.records import (
    CardInfo,
    CardState,
    EvidenceRow,
    Rebuild,
    RecallRow,
    ReviewEntry,
    StoredCard,
)

# Settings the store keeps for itself: not a learner's preference, never exported.
BACKFILL_MARK = "review.backfilled_through"

_CARD_COLUMNS = (
    "question_id, question_type, state, step, stability, difficulty, due, last_review, "
    "created_at, topics"
)


def _card(row: Any) -> StoredCard:
    return StoredCard(
        CardInfo(row[0], row[1], tuple(row[9].split())),
        CardState(
            row[2], row[3], row[4], row[5], datetime.fromisoformat(row[6]),
            datetime.fromisoformat(row[7]) if row[7] else None,
        ),
        datetime.fromisoformat(row[8]),
    )


class CardStore(StoreBase):
    """Review cards and their logs."""

    def card(self, question_id: str) -> StoredCard | None:
        row = self._read_one(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE learner_id = ? AND question_id = ?",
            (self.learner_id, question_id),
        )
        return _card(row) if row else None

    def cards(self) -> list[StoredCard]:
        rows = self._read(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE learner_id = ? ORDER BY id",
            (self.learner_id,),
        )
        return [_card(row) for row in rows]

    def card_recall(self, at: datetime) -> list[RecallRow]:
        """What FSRS needs to tell how well each card is recalled at `at`, with what the card
        is about, as plain rows (a dashboard asks this of thousands of cards at once): question
        type, bank (the question id before "/", or ""), topics as stored (space-separated),
        stability, whole days since the last review, and whether that review was right
        (rated above Again).

        Those days are counted in SQL from the milliseconds between the two times, floored as
        fsrs floors a timedelta (the two differ only within a millisecond of a whole day)."""
        return self._read(
            "SELECT question_type, bank, topics, stability, "
            f"{self._db.whole_days('?', 'last_review')}, "
            "(SELECT l.rating FROM review_logs l WHERE l.card_id = cards.id "
            "ORDER BY l.reviewed_at DESC LIMIT 1) > 1 FROM cards WHERE learner_id = ?",
            (at.isoformat(), self.learner_id),
        )

    def answer_evidence(self, since: datetime) -> list[EvidenceRow]:
        """The answers given since then, counted by what they were about and when: question
        type, bank, topics (as the card keeps them), mode, the day (YYYY-MM-DD, UTC), how many
        and their summed score. What readiness and mastery weigh; answers to questions that
        have no card yet are not counted."""
        return self._read(
            "SELECT c.question_type, c.bank, c.topics, a.mode, substr(a.answered_at, 1, 10), "
            "count(*), sum(a.score) FROM answers a JOIN cards c ON c.learner_id = a.learner_id "
            "AND c.question_id = a.question_id WHERE a.learner_id = ? AND a.answered_at >= ? "
            "GROUP BY c.question_type, c.bank, c.topics, a.mode, substr(a.answered_at, 1, 10)",
            (self.learner_id, since.isoformat()),
        )

    def reviews(self, question_id: str) -> list[ReviewEntry]:
        """A card's review logs, oldest first."""
        rows = self._read(
            "SELECT rating, reviewed_at, duration_ms FROM review_logs WHERE card_id = "
            "(SELECT id FROM cards WHERE learner_id = ? AND question_id = ?) "
            "ORDER BY reviewed_at",
            (self.learner_id, question_id),
        )
        return [ReviewEntry(question_id, r[0], datetime.fromisoformat(r[1]), r[2]) for r in rows]

    def add_reviews(
        self, infos: Iterable[CardInfo], reviews: Sequence[ReviewEntry], rebuild: Rebuild
    ) -> dict[str, CardState]:
        """Store review logs (a card is created from `infos` on its first review; one already
        logged at that instant is skipped) and return each reviewed card's state."""
        with self._write("schedule your review") as db:
            self._add_reviews(db, {info.question_id: info for info in infos}, reviews, rebuild)
        return {e.question_id: self.card(e.question_id).state for e in reviews}  # type: ignore[union-attr]

    def rerate(
        self, question_id: str, reviewed_at: datetime, rating: int, rebuild: Rebuild
    ) -> CardState:
        """Change the rating of one review and replay the card."""
        with self._write("change the rating") as db:
            row = db.execute(
                "SELECT id FROM cards WHERE learner_id = ? AND question_id = ?",
                (self.learner_id, question_id),
            ).fetchone()
            if row is None:
                raise LookupError(f"no card for {question_id}")
            card_id = row[0]
            changed = db.execute(
                "UPDATE review_logs SET rating = ? WHERE card_id = ? AND reviewed_at = ?",
                (rating, card_id, reviewed_at.isoformat()),
            ).rowcount
            if not changed:
                raise LookupError(f"no review of {question_id} at {reviewed_at.isoformat()}")
            self._replay(db, card_id, rebuild)
        return self.card(question_id).state  # type: ignore[union-attr]

    def _add_reviews(
        self,
        db: Database,
        infos: dict[str, CardInfo],
        reviews: Iterable[ReviewEntry],
        rebuild: Rebuild,
    ) -> int:
        """Insert new cards and review logs, replay each card that got a log; returns how many
        logs were new. A review of a question with no card and no info raises LookupError."""
        ids: dict[str, int] = {}
        touched: set[int] = set()
        new = 0
        for entry in reviews:
            card_id = ids.get(entry.question_id)
            if card_id is None:
                card_id = ids[entry.question_id] = self._card_id(
                    db, infos.get(entry.question_id), entry
                )
            added = db.execute(
                "INSERT INTO review_logs(card_id, rating, reviewed_at, duration_ms) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (card_id, entry.rating, entry.reviewed_at.isoformat(), entry.duration_ms),
            ).rowcount
            if added:
                touched.add(card_id)
                new += 1
        for card_id in touched:
            self._replay(db, card_id, rebuild)
        return new

    def _card_id(self, db: Database, info: CardInfo | None, first: ReviewEntry) -> int:
        row = db.execute(
            "SELECT id FROM cards WHERE learner_id = ? AND question_id = ?",
            (self.learner_id, first.question_id),
        ).fetchone()
        if row:
            return row[0]
        if info is None:
            raise LookupError(f"no card for {first.question_id} and nothing to make one from")
        when = first.reviewed_at.isoformat()  # placeholders until the replay
        bank = info.question_id.partition("/")[0] if "/" in info.question_id else ""
        row = db.execute(
            "INSERT INTO cards(learner_id, question_id, bank, question_type, topics, state, due, "
            "created_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
            (self.learner_id, info.question_id, bank, info.question_type, " ".join(info.topics),
             when, when),
        ).fetchone()
        db.executemany(
            "INSERT INTO card_topics(learner_id, question_id, topic) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(self.learner_id, info.question_id, topic) for topic in info.topics],
        )
        return int(row[0])

    def _replay(self, db: Database, card_id: int, rebuild: Rebuild) -> None:
        history = [
            (rating, datetime.fromisoformat(at))
            for rating, at in db.execute(
                "SELECT rating, reviewed_at FROM review_logs WHERE card_id = ? "
                "ORDER BY reviewed_at",
                (card_id,),
            )
        ]
        state = rebuild(history)
        db.execute(
            "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
            "last_review = ?, created_at = ? WHERE id = ?",
            (
                state.state, state.step, state.stability, state.difficulty,
                state.due.isoformat(),
                state.last_review.isoformat() if state.last_review else None,
                history[0][1].isoformat(), card_id,
            ),
        )

    def due_question_ids(self, until: datetime) -> list[str]:
        """The questions of the cards due by `until`, in the order they fell due."""
        rows = self._read(
            "SELECT question_id FROM cards WHERE learner_id = ? AND due <= ? ORDER BY due, id",
            (self.learner_id, until.isoformat()),
        )
        return [row[0] for row in rows]

    def card_counts(self, now: datetime, day_end: datetime) -> tuple[int, int, int]:
        """(due now, due before the day ends, all cards)."""
        total, due_now, due_today = self._read_one(
            "SELECT count(*), count(*) FILTER (WHERE due <= ?), count(*) FILTER (WHERE due < ?) "
            "FROM cards WHERE learner_id = ?",
            (now.isoformat(), day_end.isoformat(), self.learner_id),
        )
        return int(due_now), int(due_today), int(total)

    def cards_created_since(self, since: datetime) -> int:
        return int(self._read_one(
            "SELECT count(*) FROM cards WHERE learner_id = ? AND created_at >= ?",
            (self.learner_id, since.isoformat()),
        )[0])

    def known_question_ids(self) -> set[str]:
        """Every question answered or carded: what a review must not offer as new."""
        rows = self._read(
            "SELECT question_id FROM cards WHERE learner_id = ? "
            "UNION SELECT question_id FROM answers WHERE learner_id = ?",
            (self.learner_id, self.learner_id),
        )
        return {row[0] for row in rows}

    def answered_without_card(self) -> tuple[list[str], int]:
        """Questions answered since the last backfill that have no card (answers from before
        cards existed, or imported), and the answer id to pass to `mark_backfilled`."""
        mark = int(self.get_setting(BACKFILL_MARK, "0") or 0)
        through = self._read_one(
            "SELECT coalesce(max(id), 0) FROM answers WHERE learner_id = ?", (self.learner_id,)
        )[0]
        rows = self._read(
            "SELECT DISTINCT question_id FROM answers a WHERE a.learner_id = ? AND a.id > ? "
            "AND a.id <= ? AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.learner_id = ? AND "
            "c.question_id = a.question_id)",
            (self.learner_id, mark, through, self.learner_id),
        )
        return [row[0] for row in rows], through

    def mark_backfilled(self, through: int) -> None:
        """Answers up to this id were looked at; those whose question is gone stay cardless."""
        if self.get_setting(BACKFILL_MARK) != str(through):
            self.set_setting(BACKFILL_MARK, str(through))
