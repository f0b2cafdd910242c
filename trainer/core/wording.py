"""Small pieces of English the app's messages share."""

from __future__ import annotations


def count(number: int, what: str, plural: str | None = None) -> str:
    """"1 patient", "3 patients", "2 studies" (with the plural given)."""
    return f"{number} {what if number == 1 else plural or what + 's'}"


def join_and(words: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else ""
