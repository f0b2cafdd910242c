"""Markdown as the words it says, for places that show plain lines: plain mode (screen
readers, scripts), one-line lists, exports to plain text. `**bold**` becomes bold's words, a
link its text (and its address when that says more), a list item a dash, a code span its code.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from trainer.core.sanitize import strip_controls


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def markdown_text(markdown: str) -> str:
    """Readable plain text, blocks separated by blank lines, control characters removed."""
    blocks: list[str] = []
    prefix: list[str] = []  # list markers of the open list items
    for token in _parser().parse(strip_controls(markdown)):
        if token.type == "list_item_open":
            prefix.append("- ")
        elif token.type == "list_item_close":
            prefix.pop()
        elif token.type == "inline":
            text = _inline(token.children or [])
            if prefix:
                indent = "  " * (len(prefix) - 1)
                text = f"{indent}{prefix[-1]}{text}"
                prefix[-1] = "  "  # a second paragraph of the item is not a new item
            blocks.append(text)
        elif token.type in ("fence", "code_block"):
            blocks.append("\n".join("    " + line for line in token.content.rstrip().split("\n")))
    return _join(blocks)


def one_line(markdown: str, max_length: int | None = None) -> str:
    """The text on a single line, for lists and titles; cut with "…" past `max_length`."""
    text = " ".join(markdown_text(markdown).split())
    if max_length is not None and len(text) > max_length:
        return text[: max_length - 1] + "…"
    return text


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    href: str | None = None
    start = 0
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "link_open":
            href, start = str(child.attrs.get("href", "")), len(out)
        elif child.type == "link_close" and href is not None:
            label = "".join(out[start:])
            if href and href != label and not href.startswith("lesson:"):
                out.append(f" ({href})")
            href = None
        elif child.type == "image":
            out.append(child.content or "image")
    return "".join(out)


def _join(blocks: list[str]) -> str:
    """List items stay on consecutive lines; other blocks get a blank line between them."""
    lines: list[str] = []
    for block in blocks:
        item = block.lstrip().startswith("- ")
        if lines and not (item and lines[-1].lstrip().startswith(("- ", "  "))):
            lines.append("")
        lines.append(block)
    return "\n".join(lines).strip()
