"""The command line's output, made safe for a terminal in one place.

Whatever a command prints (a bank's field names in an error, a file name, a DICOM value, a
lesson title), the streams `main` hands it show control characters, DEL, bidi overrides and
invisible characters as escapes (`\\u001b`, `\\u202e`) instead of sending them to the terminal,
where they could clear the screen, set the window title, write to the clipboard or reorder
text. The `\\uXXXX` form is the one JSON uses too, so `--json` output stays valid JSON.
"""

from __future__ import annotations

import io
from typing import TextIO

_KEPT = "\n\r\t"


def visible(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch in _KEPT else f"\\u{ord(ch):04x}" if ord(ch) < 0x10000
        else f"\\U{ord(ch):08x}"
        for ch in text
    )


class SafeStream(io.TextIOBase):
    """A text stream that writes through to another, with `visible` applied."""

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")
