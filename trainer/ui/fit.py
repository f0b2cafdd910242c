"""Fitting text into a line: long titles and file names lose their middle, not their end,
so the part that tells them apart (a file name, a lesson's last words) stays visible."""

from __future__ import annotations

from rich.cells import cell_len


def shorten_middle(text: str, width: int) -> str:
    """`text` in at most `width` cells, with "…" where the middle was."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    keep = width - 1
    head, tail = text[: (keep + 1) // 2], text[len(text) - keep // 2:]
    while cell_len(head) + cell_len(tail) > keep:  # wide characters take two cells
        if cell_len(head) >= cell_len(tail):
            head = head[:-1]
        else:
            tail = tail[1:]
    return f"{head}…{tail}"
