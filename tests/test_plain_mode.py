"""`pacs-trainer quiz --plain`: answers typed as text, the exam clock, kill and resume, history."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from trainer.cli import build_parser, main
from trainer.commands.plain_text import format_input, parse_response, render_question
from trainer.commands.quiz import plain
from trainer.core.banks import load_banks
from trainer.core.blueprints import load_blueprints
from trainer.core.exam import build_form
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool
from trainer.core.questions import correct_response, grade, present
from trainer.core.store import STORE_FILE, Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pool():
    return question_pool(load_banks([question_bank_dir()]), seed=3)


def run_plain(data_dir: Path, clock, text: str | io.StringIO, *options: str) -> tuple[int, str]:
    args = build_parser().parse_args(["--data-dir", str(data_dir), "quiz", "--plain", *options])
    stdin = io.StringIO(text) if isinstance(text, str) else text
    stdout = io.StringIO()
    status = plain(args, stdin=stdin, stdout=stdout, clock=clock)
    return status, stdout.getvalue()


def test_every_right_answer_can_be_typed_and_reads_back(pool):
    """The plain answer syntax covers every question in the pool, for any shuffle."""
    for number, question in enumerate(pool):
        presented = present(question, random.Random(number))
        typed = format_input(presented, correct_response(question))
        assert grade(question, parse_response(presented, typed)).correct, (question.full_id, typed)


def test_typing_mistakes_get_a_hint_not_a_crash(pool):
    for question in pool:
        presented = present(question, random.Random(0))
        if question.type == "short_answer":
            continue
        with pytest.raises(ValueError, match="."):
            parse_response(presented, "Z9 ?!")


def test_practice_mistakes_then_they_are_fixed(tmp_path, clock, pool):
    store = Store.in_dir(tmp_path, clock)
    true_ones = [q for q in pool if q.type == "true_false" and q.answer is True][:2]
    for question in true_ones:
        store.record_answer(question.full_id, False, correct=False, score=0, seconds=3,
                            mode="practice")
    store.close()
    status, out = run_plain(tmp_path, clock, "t\ntrue\n", "--mistakes", "--seed", "1")
    assert status == 0
    assert "Practice, your mistakes: 2 questions." in out
    assert out.count("Right.") == 2 and "Done: 2 of 2 answered right" in out
    assert Store.in_dir(tmp_path, clock).mistakes() == []


def test_practice_feedback_goes_option_by_option_in_words(tmp_path, clock, pool):
    store = Store.in_dir(tmp_path, clock)
    question = next(q for q in pool if q.type == "multiple_select" and len(q.answer) > 1)
    store.record_answer(question.full_id, [], correct=False, score=0, seconds=3, mode="practice")
    store.close()
    every_letter = " ".join("ABCDEFGH"[: len(question.choices)])
    status, out = run_plain(tmp_path, clock, every_letter + "\n", "--mistakes", "--seed", "1")
    assert status == 0
    question_part, feedback = out.split("Your answer, option by option:\n")
    rows = feedback[:feedback.index("\nWhy: ")].splitlines()
    options = [line for line in question_part.splitlines() if re.match(r"  [A-H]\. ", line)]
    # The options in the order shown, each with its mark and its verdict in words.
    assert [re.sub(r"^  [✓✗] (.*): [^:]*\.$", r"  \1", row) for row in rows] == options
    wrong = len(question.choices) - len(question.answer)
    assert sum(row.startswith("  ✓ ") and row.endswith(": selected, right.")
               for row in rows) == len(question.answer)
    assert sum(row.startswith("  ✗ ") and row.endswith(": selected, but should not be.")
               for row in rows) == wrong
    assert "Your answer: " not in out and "Right answer: " not in out


def test_feedback_lines_read_matching_and_ordering_part_by_part():
    from trainer.commands.plain_text import feedback_lines
    from trainer.core.questions import Matching, Ordering

    common = {"prompt": "P", "topics": ["uids"], "difficulty": 1, "explanation": "E.",
              "references": ["PS3.4"]}
    matching = Matching(id="m", type="matching", pairs=[
        {"left": "CT", "right": "CT Image Storage"},
        {"left": "MR", "right": "MR Image Storage"},
    ], **common)
    lines = feedback_lines(present(matching, random.Random(0)),
                           {"CT": "MR Image Storage", "MR": "MR Image Storage"})
    assert lines[:3] == [
        "Your matches, item by item:",
        "  ✗ CT: MR Image Storage, should be CT Image Storage.",
        "  ✓ MR: MR Image Storage, right.",
    ]
    ordering = Ordering(id="o", type="ordering", items=["Patient", "Study", "Series"], **common)
    lines = feedback_lines(present(ordering, random.Random(0)), None)
    assert lines[:4] == [
        "Your order, place by place:",
        "  ✗ Place 1: (no answer), should be Patient.",
        "  ✗ Place 2: (no answer), should be Study.",
        "  ✗ Place 3: (no answer), should be Series.",
    ]


class TickingInput(io.StringIO):
    """Input from a learner who takes two minutes over every line."""

    def __init__(self, text: str, clock) -> None:
        super().__init__(text)
        self.clock = clock

    def readline(self, *args) -> str:  # type: ignore[override]
        self.clock.advance(120)
        return super().readline(*args)


def test_exam_warns_at_10_5_1_minutes_and_submits_at_zero(tmp_path, clock):
    status, out = run_plain(tmp_path, clock, TickingInput("s\n" * 20, clock),
                            "--exam", "quick-check", "--seed", "3")
    assert status == 0
    ten, five, one = (out.index(f"Warning: {m} minute") for m in (10, 5, 1))
    up = out.index("Time is up: that came after the deadline and was not saved.")
    assert ten < five < one < up
    assert out.count("Warning:") == 3
    assert "Quick check: 0 of 20 points (0.0%). Pass mark 70%: NOT PASSED." in out
    assert "Time used: 15:00 of 15:00." in out
    assert out.count("\nWhy: ") == 20  # the review covers every question
    # A question of parts goes part by part, the rest in two lines.
    headings = ("option by option:\n", "item by item:\n", "place by place:\n")
    assert out.count("\nRight answer: ") + sum(out.count(h) for h in headings) == 20
    assert ": (no answer), should be " in out  # a skipped matching or ordering
    assert "\x1b" not in out


def test_history_lists_and_exports_attempts(tmp_path, clock, capsys):
    run_plain(tmp_path, clock, TickingInput("s\n" * 20, clock), "--exam", "quick-check", "--seed", "3")
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path), "history"]) == 0
    table = capsys.readouterr().out
    assert "Quick check" in table and "0.0%" in table and "failed" in table
    assert main(["--data-dir", str(tmp_path), "history", "--json"]) == 0
    [brief] = json.loads(capsys.readouterr().out)
    assert (brief["blueprint"], brief["passed"], brief["status"]) == ("quick-check", False, "submitted")
    assert main(["--data-dir", str(tmp_path), "history", "export", "--format", "csv"]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["title"], row["time_used_seconds"], row["pass_mark"]) == ("Quick check", "900", "70")


def test_history_without_any_progress_creates_nothing(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "history"]) == 0
    assert "No exams taken yet" in capsys.readouterr().out
    assert not (tmp_path / STORE_FILE).exists()


def test_end_of_input_mid_exam_saves_and_exits_cleanly(tmp_path, clock):
    status, out = run_plain(tmp_path, clock, "flag\n", "--exam", "quick-check", "--seed", "3")
    assert status == 0 and "Input ended: every answer is saved." in out
    attempt = Store.in_dir(tmp_path, clock).unfinished_attempt()
    assert attempt is not None


def test_quiz_needs_plain_and_a_known_exam(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "quiz"]) == 2
    assert "add --plain" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "quiz", "--plain", "--exam", "nope"]) == 2
    err = capsys.readouterr().err
    listed = err.split("the exams are: ")[1].strip().split(", ")
    assert {"quick-check", "sop-certification", "study-lists"} <= set(listed)
    assert main(["--data-dir", str(tmp_path), "quiz", "--plain", "--topic", "uid"]) == 2
    assert 'unknown topic \'uid\'; did you mean "uids"?' in capsys.readouterr().err


def test_practice_a_lesson_skipping_every_question(tmp_path, clock):
    status, out = run_plain(tmp_path, clock, "s\nskip\n?\ns\n", "--lesson", "uids", "--count", "3")
    assert status == 0
    assert "Practice, lesson uids: 3 questions." in out and "Question 3 of 3" in out
    assert "Done: 0 of 0 answered right (3 questions)." in out


# --- a real process, killed mid-exam -----------------------------------------------------


def start_quiz(data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "trainer", "--data-dir", str(data_dir), "quiz", "--plain",
         "--exam", "quick-check", "--seed", "3"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def wait_for(check, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def stored(data_dir: Path):
    path = data_dir / STORE_FILE
    if not path.exists():
        return None
    db = sqlite3.connect(path)
    try:
        attempts = db.execute("SELECT id, form, deadline, submitted_at FROM exam_attempts").fetchall()
        items = db.execute("SELECT position, response, flagged FROM exam_items ORDER BY position").fetchall()
    except sqlite3.OperationalError:  # the schema is still being made
        return None
    finally:
        db.close()
    return attempts, items


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_mid_exam_it_resumes_with_the_same_questions_answers_and_flags(tmp_path, pool):
    data = tmp_path / "data"
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    form = build_form(blueprint, pool, random.Random(3))  # what the process draws with --seed 3
    by_id = {q.full_id: q for q in pool}
    shown = [present(by_id[item.question_id], random.Random(item.seed)) for item in form.items]
    typed = [format_input(p, correct_response(p.question)) for p in shown[:3]]

    first = start_quiz(data)
    first.stdin.write(f"{typed[0]}\nflag\n{typed[1]}\n{typed[2]}\n".encode())
    first.stdin.flush()

    def three_answers_and_a_flag():
        state = stored(data)
        return state if state and len([i for i in state[1] if i[1] is not None]) == 3 else None

    attempts, items = wait_for(three_answers_and_a_flag)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert first.returncode == -signal.SIGKILL
    [(attempt_id, form_json, deadline, submitted)] = attempts
    assert submitted is None
    assert [i["id"] for i in json.loads(form_json)["items"]] == form.question_ids
    assert [(p, f) for p, _, f in items] == [(0, 0), (1, 1), (2, 0)]
    db = sqlite3.connect(data / STORE_FILE)
    [(holder, until)] = db.execute("SELECT lease_holder, lease_until FROM exam_attempts")
    assert holder.startswith("plain mode#")  # the killed window still holds the exam...
    # ...until its lease runs out, 20 s after its last heartbeat: let that time pass.
    with db:
        db.execute("UPDATE exam_attempts SET lease_until = ?",
                   ((datetime.fromisoformat(until) - timedelta(seconds=20)).isoformat(),))
    db.close()

    second = start_quiz(data)
    out, err = second.communicate(b"y\ngo 1\ngo 2\n", timeout=60)
    out = out.decode()
    assert second.returncode == 0, err.decode()
    assert 'You have an unfinished exam: "Quick check", 3 of 20 answered, 1 flagged' in out
    assert "Resuming Quick check at question 4." in out
    resumed = out[out.index("Resuming"):]
    assert render_question(shown[3]) in resumed  # the same fourth question, choices in place
    first_again = resumed[resumed.index("Question 1 of 20"):]
    assert first_again.index(render_question(shown[0])) < first_again.index(f"Your answer: {typed[0]}")
    second_again = resumed[resumed.index("Question 2 of 20"):]
    assert second_again.splitlines()[0].endswith("left, flagged")
    assert f"Your answer: {typed[1]}" in second_again
    assert "Input ended: every answer is saved." in out

    attempts_after, _ = stored(data)
    assert attempts_after == [(attempt_id, form_json, deadline, None)]  # same form, same deadline
    db = sqlite3.connect(data / STORE_FILE)
    assert db.execute("SELECT lease_holder FROM exam_attempts").fetchone() == (None,)  # let go
    db.close()


def test_n_at_the_resume_prompt_leaves_the_exam_open_and_never_submits_it(tmp_path, clock):
    run_plain(tmp_path, clock, "flag\nquit\n", "--exam", "quick-check", "--seed", "3")
    clock.advance(60)
    status, out = run_plain(tmp_path, clock, "n\ns\n", "--count", "1")
    assert status == 0
    assert 'You have an unfinished exam: "Quick check", 0 of 20 answered, 1 flagged' in out
    assert "Resume it? (n leaves it open for later) [Y/n]" in out
    assert "It stays open, and its clock keeps running" in out
    assert "Practice, all topics: 1 questions." in out
    store = Store.in_dir(tmp_path, clock)
    attempt = store.unfinished_attempt()
    assert attempt is not None and attempt.score is None and not attempt.held(clock.now())
    status, out = run_plain(tmp_path, clock, "y\nsubmit\ny\n")  # resumed later, as it stood
    assert "Resuming Quick check at question 1." in out and "NOT PASSED" in out


def test_exam_help_shows_the_question_again_as_practice_does(tmp_path, clock):
    status, out = run_plain(tmp_path, clock, "?\n", "--exam", "quick-check", "--seed", "3")
    assert status == 0
    after_help = out.split("? or help", 1)[1]
    assert "Question 1 of " in after_help
