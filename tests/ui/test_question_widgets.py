"""QuestionView: every question type answered from the keyboard, by mouse, restored and locked.

Snapshots (one per type at 80x24) live in __snapshots__/test_question_widgets; update them with
`pytest tests/ui/test_question_widgets.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

import io
import random
from dataclasses import replace

import pytest
from pydantic import TypeAdapter
from rich.console import Console
from textual.app import App, ComposeResult
from textual.widgets import Footer, Input, Static

from trainer.core.questions import (
    LETTERS,
    Matching,
    MultipleSelect,
    Option,
    Ordering,
    Presented,
    Question,
    SingleChoice,
    TableExhibit,
    TextExhibit,
    TrueFalse,
    correct_response,
    grade,
    present,
)
from trainer.ui.widgets.question_inputs import AnswerRow, parse_number
from trainer.ui.widgets.question_view import QuestionView

HOSTILE = "\x1b[2J[bold]x[/bold]\x07"
COMMON = {
    "topics": ["dicom-basics"],
    "difficulty": 1,
    "explanation": "See the standard.",
    "references": ["PS3.4 Annex B"],
}
QUESTIONS = {
    "single_choice": {
        "prompt": "Which SOP class stores **CT** images?",
        "choices": [
            "CT Image Storage",
            "MR Image Storage",
            "Secondary Capture Image Storage",
            "Ultrasound Image Storage",
        ],
        "answer": "A",
    },
    "multiple_select": {
        "prompt": "Which of these are *storage* SOP classes?",
        "choices": [
            "CT Image Storage",
            "Verification",
            "MR Image Storage",
            "Modality Worklist Information Model - FIND",
        ],
        "answer": ["A", "C"],
    },
    "true_false": {"prompt": "C-ECHO checks that two AEs can talk DICOM.", "answer": True},
    "matching": {
        "prompt": "Match each modality to its image storage SOP class.",
        "pairs": [
            {"left": "CT", "right": "CT Image Storage"},
            {"left": "MR", "right": "MR Image Storage"},
            {"left": "US", "right": "Ultrasound Image Storage"},
        ],
    },
    "ordering": {
        "prompt": "Put the steps of sending a study in order.",
        "items": ["A-ASSOCIATE", "C-STORE each instance", "A-RELEASE", "Close the socket"],
    },
    "short_answer": {"prompt": "Which DIMSE service verifies a connection?", "answers": ["C-ECHO"]},
    "numeric": {"prompt": "How many series does the study hold?", "answer": 3, "unit": "series"},
}
TYPES = list(QUESTIONS)


def make(kind: str, **changes) -> Question:
    data = {"id": kind.replace("_", "-"), "type": kind, **COMMON, **QUESTIONS[kind], **changes}
    return TypeAdapter(Question).validate_python(data)


def shown(kind: str, **changes) -> Presented:
    return present(make(kind, **changes), random.Random(7))


class QuestionApp(App[None]):
    """One QuestionView and a record of the messages it posts."""

    def __init__(self, presented: Presented, **options) -> None:
        super().__init__()
        self.presented = presented
        self.options = options
        self.messages: list[tuple[str, object]] = []

    def compose(self) -> ComposeResult:
        yield QuestionView(self.presented, number=2, total=10, **self.options)
        yield Footer()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False

    def on_question_view_answer_changed(self, message: QuestionView.AnswerChanged) -> None:
        self.messages.append(("changed", message.response))

    def on_question_view_answer_submitted(self, message: QuestionView.AnswerSubmitted) -> None:
        self.messages.append(("submitted", message.response))

    def submitted(self) -> list[object]:
        return [response for kind, response in self.messages if kind == "submitted"]


def ordering_keys(order: list[str], target: list[str]) -> list[str]:
    """Cursor and shift+up presses that turn `order` into `target`."""
    order, keys, cursor = list(order), [], 0
    for place, item in enumerate(target):
        at = order.index(item)
        keys += ["down"] * (at - cursor) + ["up"] * (cursor - at) + ["shift+up"] * (at - place)
        order.insert(place, order.pop(at))
        cursor = place
    return keys


def right_keys(presented: Presented) -> list[str]:
    """The keys a learner presses to give the right answer, ending with enter."""
    question = presented.question
    if isinstance(question, SingleChoice):
        return [
            next(o.label for o in presented.options if o.key == question.answer).lower(),
            "enter",
        ]
    if isinstance(question, MultipleSelect):
        return [o.label.lower() for o in presented.options if o.key in question.answer] + ["enter"]
    if isinstance(question, TrueFalse):
        return ["t" if question.answer else "f", "enter"]
    if isinstance(question, Matching):
        # Lefts are in bank order; a letter matches the highlighted left and moves to the next.
        return [LETTERS[presented.rights.index(p.right)].lower() for p in question.pairs] + [
            "enter"
        ]
    if isinstance(question, Ordering):
        return ordering_keys(list(presented.items), list(question.items)) + ["enter"]
    typed = "c echo" if question.type == "short_answer" else "3"
    return [*typed, "enter"]


def text_of(renderable) -> str:
    console = Console(width=78, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def rows_text(app: App) -> str:
    return "".join(text_of(row.content) for row in app.query(AnswerRow))


def problem(app: App) -> str:
    widget = app.query_one(".answer-problem", Static)
    return str(widget.content) if widget.display else ""


@pytest.mark.parametrize("kind", TYPES)
async def test_the_right_keys_submit_a_right_answer(kind):
    presented = shown(kind)
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*right_keys(presented))
        await pilot.pause()
        [response] = app.submitted()
        assert grade(presented.question, response).correct
        assert app.messages[-2] == ("changed", response)  # stored before it is submitted


def marked(app: App) -> list[str]:
    """The labels of the rows shown as chosen ((•) or [x]), as a learner reads them."""
    found = []
    for row in app.query(AnswerRow):
        line = text_of(row.content)
        if "(•)" in line or "[x]" in line:
            found.append(line.split("(•)")[-1].split("[x]")[-1].split()[0])
    return found


async def test_single_choice_submits_the_marked_answer_wherever_the_cursor_is():
    """The newcomer's case: pick D by letter, arrow up to re-read C, Enter: D is submitted,
    the one shown (•). With nothing marked, Enter takes the highlighted row."""
    presented = shown("single_choice")
    keys = [o.key for o in presented.options]
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", "up", "up")
        assert marked(app) == ["D"]
        await pilot.press("enter")
        assert app.submitted() == [keys[3]]
        await pilot.press("3", "down", "enter")  # a digit marks C; down only moves
        assert marked(app) == ["C"] and app.submitted()[-1] == keys[2]
        await pilot.click(list(app.query(AnswerRow))[1])  # the mouse marks B
        await pilot.press("up", "down", "down", "enter")
        assert marked(app) == ["B"] and app.submitted()[-1] == keys[1]
    fresh = QuestionApp(presented)
    async with fresh.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "up", "enter")  # nothing marked: the highlighted B
        assert fresh.submitted() == [keys[1]] and marked(fresh) == ["B"]


async def test_true_false_submits_the_marked_answer():
    app = QuestionApp(shown("true_false"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "up", "enter")
        assert app.submitted() == [False] and marked(app) == ["F"]
        await pilot.press("2", "up", "enter")  # digits count rows: 2 is False
        assert app.submitted()[-1] is False
        await pilot.click(list(app.query(AnswerRow))[0])
        await pilot.press("down", "enter")
        assert app.submitted()[-1] is True and marked(app) == ["T"]


async def test_multiple_select_submits_exactly_the_ticked_rows():
    presented = shown("multiple_select")
    keys = [o.key for o in presented.options]
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "3", "down")  # A and C ticked; the cursor moves to D
        await pilot.press("space")  # ticks D, the highlighted row
        await pilot.click(list(app.query(AnswerRow))[0])  # unticks A
        await pilot.press("up", "enter")
        assert marked(app) == ["C", "D"]
        assert app.submitted() == [sorted([keys[2], keys[3]])]


async def test_matching_submits_the_matches_shown():
    presented = shown("matching")
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = [row for row in app.query(AnswerRow) if row.role == "right"]
        await pilot.press("b")  # first left -> B, the cursor moves on
        await pilot.click(rows[2])  # second left -> C by mouse
        await pilot.press("right", "right")  # third left: cycle to A, then B
        await pilot.press("up", "up", "1")  # back to the first: digit 1 is A
        await pilot.press("enter")
        lefts, rights = presented.lefts, presented.rights
        expected = {lefts[0]: rights[0], lefts[1]: rights[2], lefts[2]: rights[1]}
        assert app.submitted() == [expected]
        items = [text_of(row.content) for row in app.query(AnswerRow) if row.role == "item"]
        for line, (left, right) in zip(items, expected.items()):
            assert left in line and "→" in line and right in line


async def test_ordering_submits_the_order_on_screen():
    presented = shown("ordering")
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "shift+up", "down", "down", "[", "]", "up", "enter")
        [response] = app.submitted()
        on_screen = [line.split(". ", 1)[1].strip() for line in rows_text(app).splitlines()
                     if ". " in line]
        assert response == on_screen


async def test_a_click_chooses_and_ticks():
    presented = shown("multiple_select")
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = list(app.query(AnswerRow))
        await pilot.click(rows[1])
        await pilot.click(rows[3])
        await pilot.click(rows[1])
        assert app.query_one(QuestionView).response == [presented.options[3].key]


async def test_multiple_select_reports_none_when_every_tick_is_removed():
    app = QuestionApp(shown("multiple_select"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "space", "enter")
        assert [m[1] for m in app.messages] == [[app.presented.options[0].key], None]
        assert app.submitted() == []
        assert "at least one" in problem(app)


async def test_matching_shows_pairs_and_is_incomplete_until_every_item_is_matched():
    presented = shown("matching")
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", "enter")
        assert app.submitted() == []
        assert "1 still open" not in problem(app) and "2 still open" in problem(app)
        assert app.messages == []  # incomplete all along: None, as at the start
        assert f"CT → B {presented.rights[1]}" in " ".join(rows_text(app).split())
        await pilot.press("right", "right", "left")  # cycle the highlighted item (MR): A, B, A
        await pilot.press("down", "c")
        assert app.messages[-1] == (
            "changed",
            {"CT": presented.rights[1], "MR": presented.rights[0], "US": presented.rights[2]},
        )
        await pilot.press("backspace")
        assert app.messages[-1] == ("changed", None)


async def test_matching_by_mouse_sets_the_highlighted_item():
    presented = shown("matching")
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        rights = [row for row in app.query(AnswerRow) if row.role == "right"]
        lefts = [row for row in app.query(AnswerRow) if row.role == "item"]
        await pilot.click(lefts[2])
        await pilot.click(rights[0])
        answer = app.query_one(QuestionView).answer
        assert answer.matched == [None, None, 0]


async def test_ordering_moves_items_with_brackets_and_ctrl_arrows():
    presented = shown("ordering")
    app = QuestionApp(presented)
    items = list(presented.items)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(QuestionView)
        assert view.response is None  # the shown order is not an answer yet
        await pilot.press("]")
        assert view.response == [items[1], items[0], *items[2:]]
        await pilot.press("ctrl+down", "shift+down")
        assert view.response == [items[1], *items[2:], items[0]]
        await pilot.press("[")
        assert view.response == [items[1], items[2], items[0], items[3]]
        await pilot.press("shift+up", "shift+up", "shift+up")  # the third stops at the top
        assert view.response == [items[0], items[1], items[2], items[3]]


async def test_an_untouched_order_is_an_answer_once_submitted():
    presented = shown("ordering")
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert app.messages == [
            ("changed", list(presented.items)),
            ("submitted", list(presented.items)),
        ]


async def test_numeric_says_plainly_when_the_text_is_no_number():
    app = QuestionApp(shown("numeric"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "-", "enter")  # letters are refused, a lone sign is not a number
        assert app.query_one(Input).value == "-"
        assert app.submitted() == []
        assert problem(app) == "“-” is not a number: type digits, such as 3 or 2.5."
        await pilot.press("backspace", "2", ".", "5", "enter")
        assert app.submitted() == [2.5]
        assert problem(app) == ""


def test_numbers_parse_as_int_when_whole_and_never_as_infinity():
    assert parse_number(" 3 ") == 3 and isinstance(parse_number("3"), int)
    assert parse_number("2.50") == 2.5
    assert parse_number("1e3") == 1000.0
    assert parse_number("1e999") is None
    assert parse_number("-") is None
    assert parse_number("") is None


async def test_short_answer_needs_text_before_it_submits():
    app = QuestionApp(shown("short_answer"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "enter")
        assert app.submitted() == []
        assert problem(app) == "Type an answer first."
        app.set_focus(None)
        app.query_one(QuestionView).focus()
        await pilot.pause()
        assert isinstance(app.focused, Input)  # focusing the view reaches the field inside


@pytest.mark.parametrize("kind", TYPES)
async def test_a_restored_answer_is_shown_and_not_reported_again(kind):
    presented = shown(kind)
    right = correct_response(presented.question)
    app = QuestionApp(presented, response=right)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query_one(QuestionView).response == right
        assert app.messages == []
        await pilot.press("enter")
        assert app.submitted() == [right]


@pytest.mark.parametrize("kind", TYPES)
async def test_locked_shows_the_answer_and_takes_no_keys(kind):
    presented = shown(kind)
    right = correct_response(presented.question)
    app = QuestionApp(presented, response=right, locked=True)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(QuestionView)
        assert app.focused is view  # arrows scroll the view
        await pilot.press("b", "space", "down", "shift+up", "backspace", "3", "enter")
        assert view.response == right
        assert app.messages == []
        assert not app.query(".answer-help")
        assert all(field.disabled for field in app.query(Input))


async def test_a_click_on_a_locked_choice_changes_nothing():
    presented = shown("single_choice")
    app = QuestionApp(presented, response="B", locked=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click(list(app.query(AnswerRow))[3])
        assert app.query_one(QuestionView).response == "B"


def hostile_presented(kind: str) -> Presented:
    """Bank text that slipped past validation (say, from a generator) must still be harmless."""
    presented = shown(kind)
    if kind == "single_choice":
        options = (Option("A", "A", HOSTILE), *presented.options[1:])
        return replace(presented, options=options)
    if kind == "matching":
        return replace(
            presented,
            lefts=(HOSTILE, *presented.lefts[1:]),
            rights=(HOSTILE, *presented.rights[1:]),
        )
    return replace(presented, items=(HOSTILE, *presented.items[1:]))


@pytest.mark.parametrize("kind", ["single_choice", "matching", "ordering"])
async def test_bank_text_is_shown_literally_without_escapes(kind):
    app = QuestionApp(hostile_presented(kind))
    async with app.run_test(size=(80, 24)):
        text = rows_text(app)
        assert "[bold]x[/bold]" in text
        assert "\x1b" not in text and "\x07" not in text


async def test_exhibit_cells_and_text_are_literal_and_clean():
    table = TableExhibit.model_construct(
        kind="table", title=HOSTILE, columns=("Patient", HOSTILE), rows=(("DOE^JOHN", HOSTILE),)
    )
    text = TextExhibit.model_construct(kind="text", title=None, text=f"(0010,0010) PN {HOSTILE}")
    for exhibit in (table, text):
        question = make("true_false").model_copy(update={"exhibit": exhibit})
        app = QuestionApp(present(question, random.Random(1)))
        async with app.run_test(size=(80, 24)):
            parts = app.query(".question-exhibit-title, .question-table, .question-text Static")
            shown_text = "".join(text_of(widget.content) for widget in parts)
            assert shown_text.count("[bold]x[/bold]") == (3 if exhibit is table else 1)
            assert "\x1b" not in shown_text and "\x07" not in shown_text


def long_question() -> Question:
    return make(
        "single_choice",
        prompt="A modality sent a study and the PACS shows fewer images than expected. " * 8
        + "\n\nWhich series is missing?",
        exhibit={
            "kind": "table",
            "title": "Study list",
            "columns": ["Series", "Modality", "Description", "Images"],
            "rows": [[str(n), "CT", f"Axial {n} mm", 40 + n] for n in range(1, 9)],
        },
        choices=[f"Series {n}" for n in range(1, 9)],
        answer="H",
    )


async def test_a_long_prompt_and_exhibit_scroll_to_the_last_choice_at_80x24():
    presented = present(long_question(), random.Random(3))
    app = QuestionApp(presented)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(QuestionView)
        last = list(app.query(AnswerRow))[-1]
        await pilot.pause()
        assert view.scroll_y == 0  # the prompt is read first
        assert not view.region.contains_region(last.region)
        await pilot.press(*["down"] * 7)
        await pilot.pause()
        assert view.region.contains_region(last.region)
        await pilot.press("enter")
        assert app.submitted() == [presented.options[-1].key]
        # Past the first choice, up scrolls on, back to the prompt.
        await pilot.press(*["up"] * (7 + int(view.max_scroll_y)))
        await pilot.pause()
        assert view.scroll_y == 0


@pytest.mark.parametrize("kind", TYPES)
def test_snapshot(snap_compare, kind):
    assert snap_compare(
        QuestionApp(shown(kind)), terminal_size=(80, 24), press=right_keys(shown(kind))[:-1]
    )


async def test_a_very_long_prompt_shows_its_first_part_and_the_rest_on_request():
    from trainer.ui.widgets.question_view import PROMPT_SHOWN

    long = "\n\n".join(f"Paragraph {n}: " + "words " * 40 for n in range(2000))
    app = QuestionApp(shown("single_choice", prompt=long))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(QuestionView)
        prompt = view.query_one("#question-prompt")
        assert len(prompt.source) <= PROMPT_SHOWN and prompt.source.startswith("Paragraph 0")
        more = str(view.query_one("#question-more", Static).render())
        assert "more characters" in more and "ctrl+o" in more
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert view.query_one("#question-prompt").source == long.rstrip()
        assert not view.query("#question-more")
        await pilot.press("a", "enter")  # still answers as usual
        assert app.submitted()
