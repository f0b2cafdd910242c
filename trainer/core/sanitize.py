"""Make untrusted text (banks, DICOM values) safe to put on a terminal.

Escape sequences and control characters are removed, so a PatientName holding ESC[2J cannot clear
the screen; markup is never interpreted because the UI shows this text as plain Content.
"""

from __future__ import annotations

import re

# CSI/OSC/other ESC sequences first, then any remaining C0/C1 control except tab and newline.
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str, max_length: int | None = None) -> str:
    """Remove terminal escapes and control characters; truncate with an ellipsis if asked."""
    clean = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if max_length is not None and len(clean) > max_length:
        return clean[: max_length - 1] + "…"
    return clean


def has_controls(text: str) -> bool:
    """True if strip_controls would change the text (every escape sequence starts with ESC)."""
    return _CONTROLS.search(text) is not None
