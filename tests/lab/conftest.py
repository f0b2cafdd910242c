"""Embedded PACS for the lab tests: on 127.0.0.1, a free port, its store in a temp folder,
stopped when the test ends (even when it fails)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from trainer.core.lab.archive import Archive
from trainer.core.lab.conformance import Conformance
from trainer.core.lab.network import Timeouts
from trainer.core.lab.transcript import Line

QUICK = Timeouts.all(30)  # bounds, not speeds: a loaded machine (4 test workers) needs room

StartPacs = Callable[..., "object"]


@pytest.fixture
def start_pacs(tmp_path) -> Iterator[Callable[..., object]]:
    from trainer.core.lab.pacs import EmbeddedPacs

    started: list[EmbeddedPacs] = []

    def start(conformance: Conformance = Conformance(), *, name: str = "pacs",
              max_bytes: int | None = None, log: list[Line] | None = None) -> EmbeddedPacs:
        archive = Archive(tmp_path / name, max_bytes=max_bytes)
        pacs = EmbeddedPacs(conformance, archive, timeouts=QUICK,
                            log=None if log is None else log.append)
        pacs.start()
        started.append(pacs)
        return pacs

    yield start
    for pacs in started:
        pacs.stop()
        pacs.archive.close()
