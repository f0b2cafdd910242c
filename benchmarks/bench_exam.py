"""Exams: from a key's action to the next question painted, vs switching two Static screens.

Both sides run the action the key is bound to, then wait for the next screen refresh
(call_after_refresh), in the same run. Pilot's own press/pause waits (~100 ms) are left out:
they would swamp both sides.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time

from harness import Figure
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from trainer.core.clock import FakeClock
from trainer.ui.app import make_app

PRESSES = 200


async def _painted(app: App) -> None:
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()


async def _exam_press_times() -> list[float]:
    app = make_app(data_dir=tempfile.mkdtemp(prefix="pacs-bench-"), seed=7, clock=FakeClock())
    samples: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_exam(app.blueprints.get("sop-certification"))
        await pilot.pause()
        screen = app.screen
        step = 1
        for _ in range(PRESSES):
            if not screen.session.can_visit(screen.index + step):
                step = -step
            start = time.perf_counter()
            await screen.go(screen.index + step)
            await _painted(app)
            samples.append(time.perf_counter() - start)
    return samples


class _Page(Screen):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self):
        yield Static(self.text)


class _Minimal(App):
    def on_mount(self) -> None:
        self.push_screen(_Page("Question one"))


async def _static_press_times() -> list[float]:
    app = _Minimal()
    samples: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(PRESSES):
            start = time.perf_counter()
            await app.switch_screen(_Page(f"Question {time.perf_counter()}"))
            await _painted(app)
            samples.append(time.perf_counter() - start)
    return samples


class _OneQuestion(App):
    """A question with a prompt of `size` characters, drawn as the screens draw it."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size_wanted = size

    def compose(self):
        from pydantic import TypeAdapter

        from trainer.core.questions import Question, present
        from trainer.ui.widgets.question_view import QuestionView

        prompt = "\n\n".join(["A long exhibit line of words. " * 12] * (self.size_wanted // 360))
        question = TypeAdapter(Question).validate_python({
            "id": "long", "type": "true_false", "prompt": prompt or "Short?", "answer": True,
            "topics": ["uids"], "difficulty": 1, "explanation": "x", "references": ["PS3.5"],
        })
        yield QuestionView(present(question, random.Random(1)))


async def _question_painted(size: int) -> float:
    start = time.perf_counter()
    app = _OneQuestion(size)
    async with app.run_test(size=(80, 24)):
        await _painted(app)
        return time.perf_counter() - start


def figures() -> list[Figure]:
    ours = statistics.median(asyncio.run(_exam_press_times()))
    base = statistics.median(asyncio.run(_static_press_times()))
    huge = statistics.median(asyncio.run(_question_painted(9_000_000)) for _ in range(3))
    short = statistics.median(asyncio.run(_question_painted(0)) for _ in range(3))
    return [
        Figure(f"exam: next question painted (median of {PRESSES})", ours * 1000,
               base * 1000, "ms", target_ratio=2.0, limit=50),
        Figure("a question with a 9 MB prompt shown (first part, show more)", huge * 1000,
               short * 1000, "ms", limit=150 + short * 1000),
    ]


if __name__ == "__main__":
    for figure in figures():
        print(figure.line())
