"""Printed exam forms are the app's form for the seed; item analysis finds the weak items."""

from __future__ import annotations

import json

from trainer.cli import main
from trainer.core.banks import load_banks
from trainer.core.blueprints import load_blueprints
from trainer.core.exam import ExamSession
from trainer.core.interchange.printed_form import form_blocks, key_blocks
from trainer.core.item_analysis import (
    DISTRACTOR_BEATS_KEY,
    EVERYBODY_RIGHT,
    NOBODY_RIGHT,
    analyse,
)
from trainer.core.item_sources import question_lookup
from trainer.core.paths import question_bank_dir
from trainer.core.pool import question_pool
from trainer.core.store import Store


def test_printed_form_is_the_form_the_app_draws_for_the_seed(tmp_path, clock, capsys):
    catalog = load_banks([question_bank_dir()])
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    store = Store.in_dir(tmp_path / "data", clock)
    session = ExamSession.start(store, blueprint, question_pool(catalog, seed=7), seed=7,
                                clock=clock)
    out = tmp_path / "form.html"
    assert main(["exam", "form", "quick-check", "--seed", "7", "--out", str(out)]) == 0
    form = out.read_text(encoding="utf-8")
    key = (tmp_path / "form-key.html").read_text(encoding="utf-8")
    position = 0
    for number, item in enumerate(session.items, 1):
        found = form.find(f"{number}. ", position)
        assert found >= 0, number
        position = found
        for option in item.presented.options:  # the same letters on the same choices
            assert f"{option.label}. {_html(option.text)}</div>" in form
    assert "Answer key" in key and "Answer key" not in form
    assert "seed 7" in form and "seed 7" in key
    store.close()


def _html(text: str) -> str:
    from html import escape

    return escape(text)


def test_the_key_names_the_right_choice_by_its_printed_letter(clock):
    catalog = load_banks([question_bank_dir()])
    blueprint = load_blueprints(question_bank_dir() / "exams").get("quick-check")
    from trainer.core.exam import draw

    _, items = draw(blueprint, question_pool(catalog, seed=3), 3)
    keys = [block for block in key_blocks(blueprint, 3, items) if block.kind == "key"]
    for item, block in zip(items, keys):
        if item.question.type == "single_choice":
            [right] = [o for o in item.presented.options if o.key == item.question.answer]
            assert block.text.startswith(f"{right.label}. {right.text}")
    assert len(keys) == len(items)
    assert form_blocks(blueprint, 3, items)[0].text == blueprint.title


def test_pdf_form_and_key(tmp_path, capsys):
    out = tmp_path / "form.pdf"
    assert main(["exam", "form", "quick-check", "--pdf", "--out", str(out)]) == 0
    for path in (out, tmp_path / "form-key.pdf"):
        assert path.read_bytes().startswith(b"%PDF-")


def _answer(qid, given, correct, session):
    return {"question_id": qid, "given": given, "correct": correct, "score": float(correct),
            "seconds": 1.0, "mode": "practice", "session_id": session,
            "answered_at": "2026-01-01T00:00:00+00:00"}


def test_item_analysis_flags_and_discrimination():
    catalog = load_banks([question_bank_dir()])
    single = next(q for q in catalog.questions if q.type == "single_choice")
    wrong = next(letter for letter in "ABCD" if letter != single.answer)
    records = []
    for learner in range(8):
        strong = learner >= 4
        answers = [
            _answer("x/hard", "a", False, "s"),
            _answer("x/easy", "b", True, "s"),
            _answer("x/good", "c", strong, "s"),
            _answer("x/good2", "c", strong, "s"),
            _answer(single.full_id, single.answer if learner < 2 else wrong, learner < 2, "s"),
        ]
        records.append({"answers": answers, "exams": []})
    report = analyse(records, question_lookup(catalog.questions))
    by_id = {item.question_id: item for item in report.items}
    assert by_id["x/hard"].flags == (NOBODY_RIGHT,) and by_id["x/hard"].difficulty == 0
    assert by_id["x/easy"].flags == (EVERYBODY_RIGHT,)
    assert DISTRACTOR_BEATS_KEY in by_id[single.full_id].flags
    rates = {c.key: c.picked for c in by_id[single.full_id].choices}
    assert rates[wrong] == 6 and rates[single.answer] == 2
    assert by_id["x/good"].discrimination > 0.5  # the same session id per learner stays apart
    assert report.learners == 8 and report.answers == 40
    assert report.items[0].flags  # the weakest first


def test_kr20_of_a_fixed_form_matches_the_textbook_value():
    from trainer.core.item_analysis import reliability
    from trainer.core.questions import TrueFalse

    questions = {f"b/q{i}": TrueFalse(id=f"q{i}", type="true_false", prompt="p", topics=["uids"],
                                      difficulty=1, explanation="e", references=["r"], answer=True)
                 for i in range(3)}
    # Four takers x three items: scores 3, 2, 1, 0 with items right as below.
    matrix = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
    exams = [{"blueprint": "bp", "score": 50.0, "form": {"items": [
        {"id": f"b/q{i}", "seed": 1, "pilot": False} for i in range(3)]},
        "items": [{"position": i, "response": bool(v)} for i, v in enumerate(row)]}
        for row in matrix]
    [result] = reliability(exams, questions)
    # p = .75, .5, .25; sum pq = .625; total variance = 1.25; KR-20 = 3/2 (1 - .625/1.25) = .75
    assert abs(result.kr20 - 0.75) < 1e-9 and result.attempts == 4


def test_items_report_merges_export_files(tmp_path, clock, capsys):
    catalog = load_banks([question_bank_dir()])
    question = catalog.questions[0]
    files = []
    for learner in range(3):
        store = Store.in_dir(tmp_path / f"learner{learner}", clock)
        store.record_answer(question.full_id, "A", correct=learner == 0, score=0.0, seconds=2,
                            mode="practice", session_id="one")
        store.close()
        files.append(tmp_path / f"learner{learner}.json")
        assert main(["--data-dir", str(tmp_path / f"learner{learner}"), "progress", "export",
                     str(files[-1])]) == 0
    capsys.readouterr()
    args = ["items", "report", "--json"] + [arg for f in files for arg in ("--file", str(f))]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    [item] = report["items"]
    assert item["question_id"] == question.full_id and item["answers"] == 3
    assert report["learners"] == 3
    stores = ["items", "report"]
    stores += [a for n in range(3) for a in ("--store", str(tmp_path / f"learner{n}"))]
    assert main(stores) == 0
    assert question.full_id in capsys.readouterr().out


def test_items_report_on_a_missing_store_is_one_clear_error(tmp_path, capsys):
    assert main(["items", "report", "--store", str(tmp_path / "nowhere")]) == 1
    assert "no progress store here" in capsys.readouterr().err


