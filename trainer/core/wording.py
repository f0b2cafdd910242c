"""Small pieces of English the app's messages share."""

from __future__ import annotations


def count(number: int, what: str, plural: str | None = None) -> str:
    """"1 patient", "3 patients", "2 studies" (with the plural given)."""
    return f"{number} {what if number == 1 else plural or what + 's'}"


def join_and(words: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
