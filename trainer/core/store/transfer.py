"""A learner's whole record as plain data, and merging one in without duplicates."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from trainer.core.store.cards import BACKFILL_MARK, CardStore
from trainer.core.store.exams import ATTEMPT_COLUMNS
from trainer.core.store.records import CardInfo, Rebuild, ReviewEntry


class RecordStore(CardStore):
    """Export and import of the whole record."""

    def _dicts(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cursor = self._db.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def export_data(self) -> dict[str, Any]:
        """Everything the learner did, as plain data keyed by natural keys, not row ids
        (exam ids only tie an exam to its answers' session). Times as stored: ISO 8601 UTC."""
        settings = dict(
            self._db.execute("SELECT key, value FROM settings WHERE key != ?", (BACKFILL_MARK,))
        )
        answers = self._dicts(
            "SELECT question_id, given, correct, score, seconds, mode, session_id, answered_at "
            "FROM answers ORDER BY id"
        )
        for answer in answers:
            answer["given"] = json.loads(answer["given"])
            answer["correct"] = bool(answer["correct"])
        exams = self._dicts(f"SELECT {ATTEMPT_COLUMNS} FROM exam_attempts ORDER BY id")
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
                row[0] for row in self._db.execute(
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
            "JOIN cards c ON c.id = l.card_id ORDER BY l.id"
        )
        lessons = self._dicts(
            "SELECT lesson_id, last_page, furthest_page, completed_at, updated_at "
            "FROM lesson_progress ORDER BY lesson_id"
        )
        return {"settings": settings, "lessons": lessons, "answers": answers, "exams": exams,
                "cards": cards, "reviews": reviews}

    def import_data(self, data: dict[str, Any], rebuild: Rebuild) -> dict[str, int]:
        """Merge a record shaped as `export_data` gives it, already validated, in one
        transaction. Rows already here (by natural key) are skipped, so a second import adds
        nothing; local settings win. Returns how many rows of each kind were new."""
        added = dict.fromkeys(("settings", "lessons", "answers", "exams", "reviews"), 0)
        with self._write() as db:
            for key, value in data["settings"].items():
                if key != BACKFILL_MARK:
                    added["settings"] += db.execute(
                        "INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)", (key, value)
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

    def _merge_lesson(self, db: sqlite3.Connection, lesson: dict[str, Any]) -> int:
        """Furthest page and completion are kept from either side, the place from the later."""
        before = db.execute(
            "SELECT last_page, furthest_page, completed_at, updated_at FROM lesson_progress "
            "WHERE lesson_id = ?", (lesson["lesson_id"],)
        ).fetchone()
        db.execute(
            "INSERT INTO lesson_progress(lesson_id, last_page, furthest_page, completed_at, "
            "updated_at) VALUES (:lesson_id, :last_page, :furthest_page, :completed_at, "
            ":updated_at) ON CONFLICT(lesson_id) DO UPDATE SET "
            "furthest_page = max(furthest_page, excluded.furthest_page), "
            "completed_at = coalesce(min(completed_at, excluded.completed_at), completed_at, "
            "excluded.completed_at), "
            "last_page = CASE WHEN excluded.updated_at > updated_at THEN excluded.last_page "
            "ELSE last_page END, "
            "updated_at = max(updated_at, excluded.updated_at)",
            lesson,
        )
        after = db.execute(
            "SELECT last_page, furthest_page, completed_at, updated_at FROM lesson_progress "
            "WHERE lesson_id = ?", (lesson["lesson_id"],)
        ).fetchone()
        return int(before != after)

    def _merge_exam(self, db: sqlite3.Connection, exam: dict[str, Any]) -> tuple[int, int]:
        """(local id, 1 if added): an attempt is the same one by blueprint, seed and start."""
        key = (exam["blueprint"], exam["seed"], exam["started_at"])
        row = db.execute(
            "SELECT id FROM exam_attempts WHERE blueprint = ? AND seed = ? AND started_at = ?", key
        ).fetchone()
        if row:
            return row[0], 0
        cursor = db.execute(
            "INSERT INTO exam_attempts(blueprint, seed, form, started_at, deadline, submitted_at, "
            "score, passed, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*key[:2], json.dumps(exam["form"]), exam["started_at"], exam["deadline"],
             exam["submitted_at"], exam["score"],
             None if exam["passed"] is None else int(exam["passed"]), exam["position"]),
        )
        attempt_id = int(cursor.lastrowid)
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
        self, db: sqlite3.Connection, answer: dict[str, Any], sessions: dict[str, str]
    ) -> int:
        """1 if added: an answer is the same one by question, time and mode."""
        key = (answer["question_id"], answer["answered_at"], answer["mode"])
        if db.execute(
            "SELECT 1 FROM answers WHERE question_id = ? AND answered_at = ? AND mode = ?", key
        ).fetchone():
            return 0
        session = answer["session_id"]
        db.execute(
            "INSERT INTO answers(question_id, given, correct, score, seconds, mode, session_id, "
            "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (answer["question_id"], json.dumps(answer["given"]), int(answer["correct"]),
             answer["score"], answer["seconds"], answer["mode"], sessions.get(session, session),
             answer["answered_at"]),
        )
        return 1
