"""Where item analysis reads answers from: progress stores and `progress export` files, each
read as one learner's record, and the questions their ids name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from trainer.core.item_analysis import Lookup
from trainer.core.pool import find_questions
from trainer.core.questions import Question
from trainer.core.record_file import RecordError, read_record
from trainer.core.store import STORE_FILE, Store, StoreError


class SourceError(Exception):
    """A store or file that cannot be read; the message names it and says why."""


def read_sources(stores: Sequence[Path], files: Sequence[Path]) -> list[dict[str, Any]]:
    """One record per store folder and per export file, in the order given."""
    records = []
    for folder in stores:
        path = Path(folder) / STORE_FILE
        if not path.is_file():
            raise SourceError(f"{folder}: no progress store here ({STORE_FILE})")
        try:
            store = Store(path)
        except StoreError as exc:
            raise SourceError(f"{folder}: {exc}") from exc
        try:
            records.append(store.export_data())
        finally:
            store.close()
    for file in files:
        try:
            records.append(read_record(Path(file)))
        except RecordError as exc:
            raise SourceError(str(exc)) from exc
    return records


def question_lookup(pool: Sequence[Question]) -> Lookup:
    """A lookup for `item_analysis.analyse`: bank questions by id, generated ones rebuilt."""

    def lookup(ids: Iterable[str]) -> dict[str, Question | None]:
        wanted = list(ids)
        return dict(zip(wanted, find_questions(pool, wanted)))

    return lookup
