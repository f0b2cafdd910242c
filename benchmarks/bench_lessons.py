"""Lessons: time to show each lesson page in the reader vs the same text in one Static.

Textual's Markdown widget slows down with hundreds of blocks, which is why lessons are split
into pages; this figure keeps them honest. Reported: the slowest page's median.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time

from harness import Figure
from textual.app import App
from textual.widgets import Static

from trainer.core.lessons import load_lessons
from trainer.core.paths import lessons_dir
from trainer.ui.app import make_app

REPEAT = 5


async def _reader_times() -> dict[str, float]:
    """Median seconds from turning to a page until it is laid out, for every page."""
    app = make_app(data_dir=tempfile.mkdtemp(prefix="pacs-bench-"))
    times: dict[str, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        for lesson in app.lessons.lessons:
            app.open_lesson(lesson.id, page=0)
            await pilot.pause()
            reader = app.screen
            for index, page in enumerate(lesson.pages):
                samples = []
                for _ in range(REPEAT):
                    reader.page = (index + 1) % len(lesson.pages)  # somewhere else first
                    await pilot.pause()
                    start = time.perf_counter()
                    reader.page = index
                    await pilot.pause()
                    samples.append(time.perf_counter() - start)
                times[f"{lesson.id}#{page.anchor}"] = statistics.median(samples)
            app.pop_screen()
    return times


async def _static_time(text: str) -> float:
    class Minimal(App):
        def compose(self):
            yield Static(id="page")

    app = Minimal()
    samples = []
    async with app.run_test(size=(80, 24)) as pilot:
        static = app.query_one(Static)
        for _ in range(REPEAT):
            static.update("")
            await pilot.pause()
            start = time.perf_counter()
            static.update(text)
            await pilot.pause()
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def figures() -> list[Figure]:
    times = asyncio.run(_reader_times())
    slowest = max(times, key=times.get)
    catalog = load_lessons(lessons_dir())
    pages = {f"{lesson.id}#{p.anchor}": p for lesson in catalog.lessons for p in lesson.pages}
    longest = max(pages.values(), key=lambda p: len(p.markdown))
    longest_key = next(k for k, p in pages.items() if p is longest)
    baseline = asyncio.run(_static_time(longest.markdown))
    return [
        Figure(f"longest page ({longest_key}) vs one Static", times[longest_key] * 1000,
               baseline * 1000, "ms", target_ratio=3.0, limit=150),
        Figure(f"slowest page ({slowest}) vs one Static", times[slowest] * 1000,
               baseline * 1000, "ms", limit=150),
    ]


if __name__ == "__main__":
    for figure in figures():
        print(figure.line())
