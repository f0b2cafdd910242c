"""What an instructor may read: the learners of a cohort and each one's record, read-only.

The per-learner store stays bound to one learner; this module is the only way to read many,
and it opens only for a signed-in instructor. Each learner's figures come from that learner's
own store (the same queries their dashboard runs), on this module's one connection.
"""

from __future__ import annotations

from trainer.core.clock import Clock, SystemClock
from trainer.core.store import Store
from trainer.core.store.accounts import Learner, NotAnInstructor
from trainer.core.store.base import Database, migrate


class _Reader(Store):
    """A learner's store on the instructor's connection (closing it leaves that open)."""

    def close(self) -> None:
        pass


class CohortRecords:
    def __init__(self, db: Database, instructor: Learner, clock: Clock | None = None) -> None:
        if not instructor.is_instructor:
            db.close()
            raise NotAnInstructor(
                f"{instructor.name} is not an instructor: only an instructor can read a "
                "cohort's records (pacs-trainer cohort instructor NAME makes one)"
            )
        self._db = db
        self.instructor = instructor
        self.clock = clock or SystemClock()
        migrate(db)

    def close(self) -> None:
        self._db.close()

    def learners(self, cohort: str | None = None) -> list[Learner]:
        """The learners (not instructors), of one cohort or of all, by name."""
        sql = (  # a learner who signed in, or one with answers (an embedded store's own)
            "SELECT l.id, l.name, l.role, c.name FROM learners l LEFT JOIN cohorts c "
            "ON c.id = l.cohort_id WHERE l.role = 'learner' AND (l.passphrase IS NOT NULL "
            "OR EXISTS (SELECT 1 FROM answers a WHERE a.learner_id = l.id))"
        )
        params: tuple[str, ...] = ()
        if cohort is not None:
            sql += " AND c.name = ?"
            params = (cohort,)
        with self._db.read_errors("read the cohort"):
            rows = self._db.execute(sql + " ORDER BY l.name", params).fetchall()
        return [Learner(int(r[0]), r[1], r[2], r[3]) for r in rows]

    def store_of(self, learner: Learner) -> Store:
        """That learner's store, to read their figures (an instructor writes nothing)."""
        return _Reader(self._db, self.clock, learner=learner.name)
