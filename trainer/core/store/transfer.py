"""A learner's whole record as plain data, and merging one in without duplicates."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from trainer.core.store.base import Database
from trainer.core.store.cards import BACKFILL_MARK, CardStore
from trainer.core.store.exams import form_title
from trainer.core.store.records import CardInfo, Rebuild, ReviewEntry


class RecordStore(CardStore):
    """Export and import of the whole record."""

    def _dicts(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._db.read_errors("read your progress"):
            cursor = self._db.execute(sql, params)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row)) for row in cursor]

    def export_data(self) -> dict[str, Any]:
        """Everything the learner did, as plain data keyed by natural keys, not row ids
        (exam ids only tie an exam to its answers' session). Times as stored: ISO 8601 UTC."""
        me = (self.learner_id,)
        settings = {
            row[0]: row[1]
            for row in self._read(
                "SELECT key, value FROM settings WHERE learner_id = ? AND key != ?",
                (self.learner_id, BACKFILL_MARK),
            )
        }
        answers = self._dicts(
            "SELECT question_id, given, correct, score, seconds, mode, session_id, answered_at "
            "FROM answers WHERE learner_id = ? ORDER BY id",
            me,
        )
        for answer in answers:
            answer["given"] = json.loads(answer["given"])
            answer["correct"] = bool(answer["correct"])
        exams = self._dicts(
            "SELECT id, blueprint, seed, form, started_at, deadline, submitted_at, score, "
            "passed, position FROM exam_attempts WHERE learner_id = ? ORDER BY id",
            me,
        )
        for exam in exams:
            exam["form"] = json.loads(exam["form"])
            exam["passed"] = None if exam["passed"] is None else bool(exam["passed"])
            exam["items"] = self._dicts(
                "SELECT position, response, flagged, updated_at FROM exam_items "
                "WHERE attempt_id = ? ORDER BY position",
                (exam["id"],),
            )
            for item in exam["items"]:
                response = item["response"]
                item["response"] = None if response is None else json.loads(response)
                item["flagged"] = bool(item["flagged"])
            exam["warnings"] = [
                row[0] for row in self._read(
                    "SELECT minutes FROM exam_warnings WHERE attempt_id = ? ORDER BY minutes DESC",
                    (exam["id"],),
                )
            ]
        cards = [
            {"question_id": c.info.question_id, "question_type": c.info.question_type,
             "topics": list(c.info.topics)}
            for c in self.cards()
        ]
        reviews = self._dicts(
            "SELECT c.question_id, l.rating, l.reviewed_at, l.duration_ms FROM review_logs l "
            "JOIN cards c ON c.id = l.card_id WHERE c.learner_id = ? ORDER BY l.id",
            me,
        )
        lessons = self._dicts(
            "SELECT lesson_id, last_page, furthest_page, pages_read, completed_at, updated_at "
            "FROM lesson_progress WHERE learner_id = ? ORDER BY lesson_id",
            me,
        )
        return {"settings": settings, "lessons": lessons, "answers": answers, "exams": exams,
                "cards": cards, "reviews": reviews}

    def import_data(self, data: dict[str, Any], rebuild: Rebuild) -> dict[str, int]:
        """Merge a record shaped as `export_data` gives it, already validated, in one
        transaction. Rows already here (by natural key) are skipped, so a second import adds
        nothing; local settings win. Returns how many rows of each kind were new."""
        added = dict.fromkeys(("settings", "lessons", "answers", "exams", "reviews"), 0)
        with self._write("import the record") as db:
            for key, value in data["settings"].items():
                if key != BACKFILL_MARK:
                    added["settings"] += db.execute(
                        "INSERT INTO settings(learner_id, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT DO NOTHING",
                        (self.learner_id, key, value),
                    ).rowcount
            for lesson in data["lessons"]:
                added["lessons"] += self._merge_lesson(db, lesson)
            sessions: dict[str, str] = {}
            for exam in data["exams"]:
                local_id, new = self._merge_exam(db, exam)
                sessions[f"exam-{exam['id']}"] = f"exam-{local_id}"
                added["exams"] += new
            for answer in data["answers"]:
                added["answers"] += self._merge_answer(db, answer, sessions)
            infos = {
                c["question_id"]: CardInfo(c["question_id"], c["question_type"], tuple(c["topics"]))
                for c in data["cards"]
            }
            entries = [
                ReviewEntry(r["question_id"], r["rating"], datetime.fromisoformat(r["reviewed_at"]),
                            r["duration_ms"])
                for r in data["reviews"]
            ]
            added["reviews"] = self._add_reviews(db, infos, entries, rebuild)
        return added

    def _merge_lesson(self, db: Database, lesson: dict[str, Any]) -> int:
        """Pages read, the furthest page and completion are kept from either side, the place
        from the later. A record from before pages were kept read up to its furthest page."""
        key = (self.learner_id, lesson["lesson_id"])
        read = lesson.get("pages_read")
        theirs_read = (1 << (lesson["furthest_page"] + 1)) - 1 if read is None else read
        columns = "last_page, furthest_page, pages_read, completed_at, updated_at"
        where = "WHERE learner_id = ? AND lesson_id = ?"
        before = db.execute(f"SELECT {columns} FROM lesson_progress {where}", key).fetchone()
        if before is None:
            db.execute(
                "INSERT INTO lesson_progress(learner_id, lesson_id, last_page, furthest_page, "
                "pages_read, completed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*key, lesson["last_page"], lesson["furthest_page"], theirs_read,
                 lesson["completed_at"], lesson["updated_at"]),
            )
            return 1
        last_page, furthest, pages_read, completed, updated = before
        theirs_later = lesson["updated_at"] > updated
        done = [when for when in (completed, lesson["completed_at"]) if when is not None]
        after = (
            lesson["last_page"] if theirs_later else last_page,
            max(furthest, lesson["furthest_page"]),
            pages_read | theirs_read,
            min(done) if done else None,
            max(updated, lesson["updated_at"]),
        )
        if tuple(before) == after:
            return 0
        db.execute(
            "UPDATE lesson_progress SET last_page = ?, furthest_page = ?, pages_read = ?, "
            f"completed_at = ?, updated_at = ? {where}",
            (*after, *key),
        )
        return 1

    def _merge_exam(self, db: Database, exam: dict[str, Any]) -> tuple[int, int]:
        """(local id, 1 if added): an attempt is the same one by blueprint, seed and start."""
        key = (exam["blueprint"], exam["seed"], exam["started_at"])
        row = db.execute(
            "SELECT id FROM exam_attempts WHERE learner_id = ? AND blueprint = ? AND seed = ? "
            "AND started_at = ?",
            (self.learner_id, *key),
        ).fetchone()
        if row:
            return int(row[0]), 0
        row = db.execute(
            "INSERT INTO exam_attempts(learner_id, blueprint, seed, form, started_at, deadline, "
            "submitted_at, score, passed, position, title, seconds_used) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (self.learner_id, *key[:2], json.dumps(exam["form"]), exam["started_at"],
             exam["deadline"], exam["submitted_at"], exam["score"],
             None if exam["passed"] is None else int(exam["passed"]), exam["position"],
             form_title(exam["form"], exam["blueprint"]), _seconds_used(exam)),
        ).fetchone()
        attempt_id = int(row[0])
        db.executemany(
            "INSERT INTO exam_items(attempt_id, position, response, flagged, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (attempt_id, item["position"],
                 None if item["response"] is None else json.dumps(item["response"]),
                 int(item["flagged"]), item["updated_at"])
                for item in exam["items"]
            ],
        )
        db.executemany(
            "INSERT INTO exam_warnings(attempt_id, minutes) VALUES (?, ?)",
            [(attempt_id, minutes) for minutes in exam["warnings"]],
        )
        return attempt_id, 1

    def _merge_answer(
        self, db: Database, answer: dict[str, Any], sessions: dict[str, str]
    ) -> int:
        """1 if added: an answer is the same one by question, time and mode."""
        key = (answer["question_id"], answer["answered_at"], answer["mode"])
        if db.execute(
            "SELECT 1 FROM answers WHERE learner_id = ? AND question_id = ? AND "
            "answered_at = ? AND mode = ?",
            (self.learner_id, *key),
        ).fetchone():
            return 0
        session = answer["session_id"]
        db.execute(
            "INSERT INTO answers(learner_id, question_id, given, correct, score, seconds, mode, "
            "session_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.learner_id, answer["question_id"], json.dumps(answer["given"]),
             int(answer["correct"]), answer["score"], answer["seconds"], answer["mode"],
             sessions.get(session, session), answer["answered_at"]),
        )
        return 1


def _seconds_used(exam: dict[str, Any]) -> float | None:
    """Time a graded attempt took, from its start to its submission (at most its deadline)."""
    if exam["score"] is None or exam["submitted_at"] is None:
        return None
    started = datetime.fromisoformat(exam["started_at"])
    ended = min(datetime.fromisoformat(exam["submitted_at"]),
                datetime.fromisoformat(exam["deadline"]))
    return round(max(0.0, (ended - started).total_seconds()), 3)
