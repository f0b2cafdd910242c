"""Make untrusted text (banks, DICOM values, file names) safe to put on a terminal.

`strip_controls` removes escape sequences and control characters, so a PatientName holding
ESC[2J cannot clear the screen. `escape_controls` keeps them but shows them, `\\x1b[2J`, and
does the same for what would reorder or hide text (bidi overrides and isolates, zero-width
characters): where the learner must see exactly what a file holds, a DICOM value or a file
name. Markup is never interpreted because the UI shows this text as plain Content.
"""

from __future__ import annotations

import re

# CSI/OSC/other ESC sequences first, then any remaining C0/C1 control except tab and newline.
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What reorders or hides text (the "trojan source" characters): bidi embeddings, overrides
# and isolates, zero-width space, word joiner, a byte order mark inside text. Joiners and
# the plain left/right marks stay: Arabic, Hebrew and Indic text need them.
_HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def strip_controls(text: str, max_length: int | None = None) -> str:
    """Remove terminal escapes and control characters; truncate with an ellipsis if asked."""
    clean = _HIDDEN.sub("", _CONTROLS.sub("", _ESCAPES.sub("", text)))
    return _truncate(clean, max_length)


def has_controls(text: str) -> bool:
    """True if strip_controls would change the text (every escape sequence starts with ESC)."""
    return _CONTROLS.search(text) is not None or _HIDDEN.search(text) is not None


def escape_controls(text: str, max_length: int | None = None, keep: str = "") -> str:
    """Every character Python does not call printable (C0/C1 controls, DEL, bidi embeddings,
    overrides and isolates, zero-width and other format characters, line separators, odd
    spaces) written out as a Python escape, \\x1b or \\u202e: nothing acts on the terminal and
    nothing is hidden. `keep` names characters to leave as they are (a message's newlines).
    Truncated with an ellipsis if asked."""
    if not text.isprintable():
        text = "".join(
            ch if ch.isprintable() or ch in keep else _escape(ch) for ch in text
        )
    return _truncate(text, max_length)


def _escape(character: str) -> str:
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _truncate(text: str, max_length: int | None) -> str:
    if max_length is not None and len(text) > max_length:
        return text[: max_length - 1] + "…"
    return text
