"""Helpers shared by the screen tests."""

from __future__ import annotations

import pytest

from trainer.ui.app import PacsTrainerApp
from trainer.ui.widgets.question_view import QuestionView


async def submit(pilot, screen, response) -> None:
    """Answer the question on screen as its view would, then let the screen react."""
    view = screen.query_one(QuestionView)
    view.post_message(QuestionView.AnswerSubmitted(view, response))
    await pilot.pause()


@pytest.fixture
def notices(monkeypatch) -> list[str]:
    """Every notification the app shows during the test, in order (screens and widgets all
    notify through the app)."""
    heard: list[str] = []
    real = PacsTrainerApp.notify

    def notify(self, message, *args, **kwargs):
        heard.append(str(message))
        return real(self, message, *args, **kwargs)

    monkeypatch.setattr(PacsTrainerApp, "notify", notify)
    return heard


async def settle(pilot, done, tries: int = 200) -> None:
    """Pause until `done()` holds (a screen pushed or popped by a worker or a timer), so a
    loaded machine's slower frames do not fail a test; the caller asserts afterwards."""
    for _ in range(tries):
        await pilot.pause(0.02)
        if done():
            return
