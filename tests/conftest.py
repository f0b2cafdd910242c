"""Shared fixtures: an isolated data dir and a fake clock, so no test touches real progress."""

from __future__ import annotations

import pytest

from trainer.core.clock import FakeClock
from trainer.core.paths import lessons_dir
from trainer.core.topics import use_topics_of


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Point PACS_TRAINER_HOME at a temp folder for every test."""
    home = tmp_path / "home"
    monkeypatch.setenv("PACS_TRAINER_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def shipped_topics_again():
    """A test's context may select another content's topics; the next test starts shipped."""
    yield
    use_topics_of(lessons_dir())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole test session (a database per test)."""
    from testkit.postgres import pg_tool, postgres_server

    pg_tool("initdb")  # skips here, fails under CI, when PostgreSQL is not installed
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """Each store test runs on both backends."""
    from testkit.stores import Backend

    if request.param == "sqlite":
        return Backend("sqlite", tmp_path)
    return Backend("postgresql", tmp_path, request.getfixturevalue("postgres"))
