"""Shared fixtures: an isolated data dir and a fake clock, so no test touches real progress."""

from __future__ import annotations

import pytest

from trainer.core.clock import FakeClock


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Point PACS_TRAINER_HOME at a temp folder for every test."""
    home = tmp_path / "home"
    monkeypatch.setenv("PACS_TRAINER_HOME", str(home))
    return home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
