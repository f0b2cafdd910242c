"""Review cards: a card per answered question, its topics and its review logs; its FSRS fields
are a cache of replaying the logs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from trainer.core.store.base import StoreBase
from trainer.core.store.records import (
    CardInfo,
    CardState,
    Rebuild,
    ReviewEntry,
    StoredCard,
)

# Settings the store keeps for itself: not a learner's preference, never exported.
BACKFILL_MARK = "review.backfilled_through"

_CARD_COLUMNS = (
    "question_id, question_type, state, step, stability, difficulty, due, last_review, "
    "created_at, topics"
)


def _card(row: tuple) -> StoredCard:
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
        row = self._db.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE question_id = ?", (question_id,)
        ).fetchone()
        return _card(row) if row else None

    def cards(self) -> list[StoredCard]:
        return [_card(row) for row in self._db.execute(f"SELECT {_CARD_COLUMNS} FROM cards")]

    def card_recall(self, at: datetime) -> Iterator[tuple[str, str, str, float | None, int | None]]:
        """What FSRS needs to tell how well each card is recalled at `at`, with what the card
        is about, as plain rows (a dashboard asks this of thousands of cards at once): question
        type, bank (the question id before "/", or ""), topics as stored (space-separated),
        stability, and whole days since the last review.

        Those days are counted in SQL from the milliseconds between the two times, floored as
        fsrs floors a timedelta (the two differ only within a millisecond of a whole day)."""
        return self._db.execute(
            "SELECT question_type, substr(question_id, 1, instr(question_id, '/') - 1), topics, "
            "stability, CAST(round((julianday(?) - julianday(last_review)) * 86400000) AS "
            "INTEGER) / 86400000 FROM cards",
            (at.isoformat(),),
        )

    def reviews(self, question_id: str) -> list[ReviewEntry]:
        """A card's review logs, oldest first."""
        rows = self._db.execute(
            "SELECT rating, reviewed_at, duration_ms FROM review_logs WHERE card_id = "
            "(SELECT id FROM cards WHERE question_id = ?) ORDER BY reviewed_at",
            (question_id,),
        )
        return [ReviewEntry(question_id, r[0], datetime.fromisoformat(r[1]), r[2]) for r in rows]

    def add_reviews(
        self, infos: Iterable[CardInfo], reviews: Sequence[ReviewEntry], rebuild: Rebuild
    ) -> dict[str, CardState]:
        """Store review logs (a card is created from `infos` on its first review; one already
        logged at that instant is skipped) and return each reviewed card's state."""
        with self._write() as db:
            self._add_reviews(db, {info.question_id: info for info in infos}, reviews, rebuild)
        return {e.question_id: self.card(e.question_id).state for e in reviews}  # type: ignore[union-attr]

    def rerate(
        self, question_id: str, reviewed_at: datetime, rating: int, rebuild: Rebuild
    ) -> CardState:
        """Change the rating of one review and replay the card."""
        with self._write() as db:
            card_id = db.execute(
                "SELECT id FROM cards WHERE question_id = ?", (question_id,)
            ).fetchone()[0]
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
        db: sqlite3.Connection,
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
                "INSERT OR IGNORE INTO review_logs(card_id, rating, reviewed_at, duration_ms) "
                "VALUES (?, ?, ?, ?)",
                (card_id, entry.rating, entry.reviewed_at.isoformat(), entry.duration_ms),
            ).rowcount
            if added:
                touched.add(card_id)
                new += 1
        for card_id in touched:
            self._replay(db, card_id, rebuild)
        return new

    def _card_id(self, db: sqlite3.Connection, info: CardInfo | None, first: ReviewEntry) -> int:
        row = db.execute(
            "SELECT id FROM cards WHERE question_id = ?", (first.question_id,)
        ).fetchone()
        if row:
            return row[0]
        if info is None:
            raise LookupError(f"no card for {first.question_id} and nothing to make one from")
        when = first.reviewed_at.isoformat()  # placeholders until the replay
        cursor = db.execute(
            "INSERT INTO cards(question_id, question_type, topics, state, due, created_at) "
            "VALUES (?, ?, ?, 1, ?, ?)",
            (info.question_id, info.question_type, " ".join(info.topics), when, when),
        )
        db.executemany(
            "INSERT OR IGNORE INTO card_topics(question_id, topic) VALUES (?, ?)",
            [(info.question_id, topic) for topic in info.topics],
        )
        return int(cursor.lastrowid)

    def _replay(self, db: sqlite3.Connection, card_id: int, rebuild: Rebuild) -> None:
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
        rows = self._db.execute(
            "SELECT question_id FROM cards WHERE due <= ? ORDER BY due, id", (until.isoformat(),)
        )
        return [row[0] for row in rows]

    def card_counts(self, now: datetime, day_end: datetime) -> tuple[int, int, int]:
        """(due now, due before the day ends, all cards)."""
        total, due_now, due_today = self._db.execute(
            "SELECT count(*), coalesce(sum(due <= ?), 0), coalesce(sum(due < ?), 0) FROM cards",
            (now.isoformat(), day_end.isoformat()),
        ).fetchone()
        return due_now, due_today, total

    def cards_created_since(self, since: datetime) -> int:
        return self._db.execute(
            "SELECT count(*) FROM cards WHERE created_at >= ?", (since.isoformat(),)
        ).fetchone()[0]

    def known_question_ids(self) -> set[str]:
        """Every question answered or carded: what a review must not offer as new."""
        rows = self._db.execute(
            "SELECT question_id FROM cards UNION SELECT question_id FROM answers"
        )
        return {row[0] for row in rows}

    def answered_without_card(self) -> tuple[list[str], int]:
        """Questions answered since the last backfill that have no card (answers from before
        cards existed, or imported), and the answer id to pass to `mark_backfilled`."""
        mark = int(self.get_setting(BACKFILL_MARK, "0") or 0)
        through = self._db.execute("SELECT coalesce(max(id), 0) FROM answers").fetchone()[0]
        rows = self._db.execute(
            "SELECT DISTINCT question_id FROM answers a WHERE a.id > ? AND a.id <= ? AND NOT "
            "EXISTS (SELECT 1 FROM cards c WHERE c.question_id = a.question_id)",
            (mark, through),
        )
        return [row[0] for row in rows], through

    def mark_backfilled(self, through: int) -> None:
        """Answers up to this id were looked at; those whose question is gone stay cardless."""
        if self.get_setting(BACKFILL_MARK) != str(through):
            self.set_setting(BACKFILL_MARK, str(through))
