"""Parsed question banks kept between starts, by the exact bytes of each file.

Reading YAML with every position kept is most of what a big bank costs (a 50,000-question
bank: about 3 s); the same bank read back from the JSON its model wrote takes a third of that.
An entry is used only for a file whose bytes hash the same, and it is validated again as it
loads (every field and check), so an entry can go stale but never wrong: whatever fails to
load from it is read from the file again. JSON, not pickle: nothing in the cache runs as code.
Instructors' `bank validate` never uses it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from trainer import __version__


def _digest(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:32]


class BankCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, path: Path, raw: bytes) -> Path:
        where = _digest(str(path.resolve()))
        return self.folder / f"{where}-{_digest(raw + __version__.encode())}.json"

    def get(self, path: Path, raw: bytes, model: type) -> object | None:
        """The bank parsed from these bytes before, or None."""
        entry = self._file(path, raw)
        try:
            text = entry.read_text("utf-8")
            return model.model_validate_json(text)  # type: ignore[attr-defined]
        except (OSError, ValueError, ValidationError):
            return None

    def put(self, path: Path, raw: bytes, json_text: str) -> None:
        """Keep a parsed bank (and drop this file's older entries); a cache that cannot be
        written is no cache, not a problem."""
        entry = self._file(path, raw)
        temporary: str | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            prefix = entry.name.split("-", 1)[0]
            for old in self.folder.glob(f"{prefix}-*.json"):
                if old != entry:
                    old.unlink(missing_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json_text)
            os.replace(temporary, entry)
        except OSError:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
