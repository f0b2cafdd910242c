"""Plain text for `quiz --plain`: a console that can time out while the learner thinks,
questions written as text, and what the learner types read back as answers and commands.

Text from banks is cleaned of control characters and escape sequences before it is written.
"""

from __future__ import annotations

import math
import os
import re
import select
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from trainer.commands import format_table
from trainer.core.markdown_text import markdown_text
from trainer.core.sanitize import strip_controls

if TYPE_CHECKING:
    from trainer.core.answer_rows import Tick
    from trainer.core.practice import TopicScore
    from trainer.core.questions import PartResult, Presented

_ALIASES = {"?": "help", "s": "skip", "f": "flag", "n": "next", "p": "prev"}
_WORDS = {"help", "skip", "flag", "next", "prev", "previous", "list", "clear", "submit", "quit"}
_GO = re.compile(r"(?:g|go)\s*(\d+)", re.IGNORECASE)
_MATCH_PAIR = re.compile(r"(\d+)\s*[-:=.]?\s*([A-Za-z])")
BEAT_SECONDS = 1.0  # how often `Console.ask` lets a waiting exam renew its lease if due


# --- input and output -------------------------------------------------------------------


class Console:
    """Lines in and out. Reading can time out (on POSIX pipes and terminals), so exam
    warnings and the auto-submit happen on time while the learner thinks."""

    def __init__(self, stdin: IO[str], stdout: IO[str]) -> None:
        self.stdin, self.stdout = stdin, stdout
        self._buffer = b""
        self._eof = False
        try:
            fd: int | None = stdin.fileno() if os.name == "posix" else None
        except (AttributeError, OSError, ValueError):
            fd = None
        self._fd = fd

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(
        self,
        prompt: str = "> ",
        timeout: float | None = None,
        beat: Callable[[], None] | None = None,
    ) -> str | None:
        """One line without its newline; None at end of input; TimeoutError after `timeout`.
        `beat` is called every BEAT_SECONDS while the learner thinks, silently (an exam's
        heartbeat: it keeps the exam this window's); where reading cannot time out, once."""
        self.stdout.write(prompt)
        self.stdout.flush()
        if beat is not None:
            beat()
        if self._fd is None:
            line = self.stdin.readline()
            return line.rstrip("\r\n") if line else None
        until = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer and not self._eof:
            if until is not None or beat is not None:
                now = time.monotonic()
                wait = min(BEAT_SECONDS if beat else math.inf,
                           until - now if until is not None else math.inf)
                ready, _, _ = select.select([self._fd], [], [], max(0.0, wait))
                if not ready:
                    if until is not None and time.monotonic() >= until:
                        self.say()
                        raise TimeoutError
                    if beat is not None:
                        beat()
                    continue
            chunk = os.read(self._fd, 4096)
            self._eof = not chunk
            self._buffer += chunk
        if not self._buffer:
            return None
        raw, _, self._buffer = self._buffer.partition(b"\n")
        return raw.decode("utf-8", "replace").rstrip("\r")

    def confirm(self, question: str, default: bool) -> bool | None:
        answer = self.ask(f"{question} [{'Y/n' if default else 'y/N'}] ")
        if answer is None:
            return None
        return default if not answer.strip() else answer.strip().lower() in ("y", "yes")


# --- questions as text ------------------------------------------------------------------


def render_question(presented: Presented) -> str:
    """The prompt, exhibit and options of a question, plain text."""
    question = presented.question
    lines = [markdown_text(question.prompt)]
    exhibit = question.exhibit
    if exhibit is not None:
        lines.append("")
        if exhibit.title:
            lines.append(strip_controls(exhibit.title))
        if exhibit.kind == "table":
            rows = [[strip_controls(cell) for cell in row] for row in exhibit.rows]
            lines.append(format_table([strip_controls(c) for c in exhibit.columns], rows, "  "))
        else:
            lines.extend("  " + strip_controls(line) for line in exhibit.text.splitlines())
    if presented.options:
        lines.append("")
        lines.extend(f"  {o.label}. {strip_controls(o.text)}" for o in presented.options)
    if presented.lefts:
        lines.append("")
        lines.extend(f"  {n}. {strip_controls(left)}" for n, left in enumerate(presented.lefts, 1))
        lines.append("  with")
        lines.extend(
            f"  {_label(i)}. {strip_controls(right)}" for i, right in enumerate(presented.rights)
        )
    if presented.items:
        lines.append("")
        lines.extend(f"  {n}. {strip_controls(item)}" for n, item in enumerate(presented.items, 1))
    return "\n".join(lines)


def _label(index: int) -> str:
    from trainer.core.questions import LETTERS

    return LETTERS[index]


def answer_hint(presented: Presented) -> str:
    return PLAIN[presented.question.type].hint(presented)


def parse_response(presented: Presented, text: str) -> object:
    """What the learner typed -> a response for `grade`; ValueError with a hint if unreadable."""
    text = text.strip()
    if not text:
        raise ValueError(answer_hint(presented))
    return PLAIN[presented.question.type].parse(presented, text)


def format_input(presented: Presented, response: object) -> str:
    """A stored response as the learner would type it for this presentation: "B", "1C 2A"."""
    return PLAIN[presented.question.type].format(presented, response)


def _answer_letter(presented: Presented, word: str) -> bool:
    """A one-letter command that is an answer to this question is taken as the answer."""
    return PLAIN[presented.question.type].is_answer(presented, word)


# --- each question type typed as text ---------------------------------------------------


def _last_letter(presented: Presented) -> str:
    return _label(len(presented.options) - 1) if presented.options else ""


def _letters(presented: Presented, text: str) -> tuple[dict[str, str], list[str]]:
    keys = {o.label: o.key for o in presented.options}
    letters = [t for t in re.split(r"[\s,;]+", text.upper()) if t]
    if any(letter not in keys for letter in letters):
        raise ValueError(answer_hint(presented))
    return keys, letters


def _parse_single(presented: Presented, text: str) -> object:
    keys, letters = _letters(presented, text)
    if len(letters) != 1:
        raise ValueError(answer_hint(presented))
    return keys[letters[0]]


def _parse_multiple(presented: Presented, text: str) -> object:
    words = [t for t in re.split(r"[\s,;]+", text.upper()) if t]
    if len(words) == 1 and len(words[0]) > 1:
        text = " ".join(words[0])  # "AC" is A and C
    keys, letters = _letters(presented, text)
    return sorted({str(keys[letter]) for letter in letters})


def _parse_true_false(presented: Presented, text: str) -> object:
    word = text.lower()
    if word in ("t", "true"):
        return True
    if word in ("f", "false"):
        return False
    raise ValueError(answer_hint(presented))


def _parse_matching(presented: Presented, text: str) -> object:
    pairs = _MATCH_PAIR.findall(text)
    if not pairs or _MATCH_PAIR.sub("", text).strip(" ,;"):
        raise ValueError(answer_hint(presented))
    rights = {_label(i): right for i, right in enumerate(presented.rights)}
    chosen: dict[str, str] = {}
    for number, letter in pairs:
        index = int(number) - 1
        if not 0 <= index < len(presented.lefts) or letter.upper() not in rights:
            raise ValueError(answer_hint(presented))
        left = presented.lefts[index]
        if left in chosen:
            raise ValueError(f"Number {number} is matched twice. " + answer_hint(presented))
        chosen[left] = rights[letter.upper()]
    return chosen


def _parse_ordering(presented: Presented, text: str) -> object:
    numbers = [t for t in re.split(r"[\s,;]+", text) if t]
    count = len(presented.items)
    if sorted(numbers) != sorted(str(n) for n in range(1, count + 1)):
        raise ValueError(f"Use each number from 1 to {count} once. " + answer_hint(presented))
    return [presented.items[int(n) - 1] for n in numbers]


def _parse_numeric(presented: Presented, text: str) -> object:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(answer_hint(presented)) from None
    return int(value) if value.is_integer() and re.fullmatch(r"[-+]?\d+", text) else value


def _parse_text(presented: Presented, text: str) -> object:
    return text


def _format_single(presented: Presented, response: object) -> str:
    return next((o.label for o in presented.options if o.key == response), str(response))


def _format_multiple(presented: Presented, response: object) -> str:
    picked = set(response) if isinstance(response, (list, tuple)) else set()
    return ", ".join(o.label for o in presented.options if o.key in picked)


def _format_true_false(presented: Presented, response: object) -> str:
    return "true" if response else "false"


def _format_matching(presented: Presented, response: object) -> str:
    if not isinstance(response, dict):
        return str(response)
    return " ".join(
        f"{n}{_label(presented.rights.index(response[left]))}"
        for n, left in enumerate(presented.lefts, 1)
        if response.get(left) in presented.rights
    )


def _format_ordering(presented: Presented, response: object) -> str:
    if not isinstance(response, (list, tuple)):
        return str(response)
    return " ".join(str(presented.items.index(item) + 1) for item in response)


def _format_as_typed(presented: Presented, response: object) -> str:
    return str(response)


def _is_choice_letter(presented: Presented, word: str) -> bool:
    return word.upper() in {o.label for o in presented.options}


def _is_true_false_letter(presented: Presented, word: str) -> bool:
    return word.lower() in ("t", "f")


def _never(presented: Presented, word: str) -> bool:
    return False


def _unit(presented: Presented) -> str:
    unit = getattr(presented.question, "unit", None)
    return f" ({strip_controls(unit)})" if unit else ""


@dataclass(frozen=True)
class PlainKind:
    """How one question type is answered in plain text."""

    hint: Callable[[Presented], str]
    parse: Callable[[Presented, str], object]
    format: Callable[[Presented, object], str]
    is_answer: Callable[[Presented, str], bool]  # a one-letter word that answers, not a command


# Every question type (trainer.core.questions.KINDS has the same keys; a test checks).
PLAIN: dict[str, PlainKind] = {
    "single_choice": PlainKind(
        lambda p: f"Answer with one letter, A to {_last_letter(p)}.",
        _parse_single, _format_single, _is_choice_letter,
    ),
    "multiple_select": PlainKind(
        lambda p: f"Select all that apply: letters A to {_last_letter(p)}, e.g. A, C.",
        _parse_multiple, _format_multiple, _is_choice_letter,
    ),
    "true_false": PlainKind(
        lambda p: "Answer t (true) or f (false).",
        _parse_true_false, _format_true_false, _is_true_false_letter,
    ),
    "matching": PlainKind(
        lambda p: f"Match each number to a letter, e.g. {_example_matching(p)}.",
        _parse_matching, _format_matching, _never,
    ),
    "ordering": PlainKind(
        lambda p: f"Give the numbers in the right order, e.g. {_example_order(p)}.",
        _parse_ordering, _format_ordering, _never,
    ),
    "short_answer": PlainKind(
        lambda p: "Type your answer.", _parse_text, _format_as_typed, _never
    ),
    "numeric": PlainKind(
        lambda p: f"Type a number{_unit(p)}.", _parse_numeric, _format_as_typed, _never
    ),
}


def _example_matching(presented: Presented) -> str:
    return " ".join(f"{n}{_label(n - 1)}" for n in range(1, min(3, len(presented.lefts)) + 1))


def _example_order(presented: Presented) -> str:
    return " ".join(str(n) for n in reversed(range(1, len(presented.items) + 1)))


def parse_command(presented: Presented | None, text: str) -> str | None:
    """The command typed ("help", "go 3" ...) or None when the text is an answer."""
    word = text.strip().lower()
    if word in _WORDS:
        return "prev" if word == "previous" else word
    if _GO.fullmatch(word):
        return "go " + _GO.fullmatch(word).group(1)  # type: ignore[union-attr]
    if word in _ALIASES and (presented is None or not _answer_letter(presented, word)):
        return _ALIASES[word]
    return None


def feedback_lines(presented: Presented, response: object) -> list[str]:
    """Your answer beside the right one (part by part where it has parts), why, and where to
    read more."""
    from trainer.core.answer_rows import answer_rows
    from trainer.core.questions import correct_response, format_answer

    question = presented.question
    breakdown = answer_rows(presented, response)
    if breakdown is None:
        lines = [
            f"Your answer: {strip_controls(format_answer(question, response))}",
            f"Right answer: {strip_controls(format_answer(question, correct_response(question)))}",
        ]
    else:
        lines = [f"{breakdown.heading}:", *(f"  {_row_line(row)}" for row in breakdown.rows)]
    lines += [
        f"Why: {markdown_text(question.explanation)}",
        f"See: {strip_controls('; '.join(question.references))}",
    ]
    if question.lesson is not None:
        section = f", section {question.lesson.section}" if question.lesson.section else ""
        lines.append(f"Study: lesson {question.lesson.id}{section}")
    return lines


def _row_line(row: Tick | PartResult) -> str:
    """One part as a sentence that reads well aloud, the words carrying what the mark shows:
    "✓ A. CT Image Storage: selected, right." or "✗ Place 2: C-ECHO, should be C-STORE."."""
    from trainer.core.answer_rows import Tick

    mark = "✓" if row.correct else "✗"
    if isinstance(row, Tick):
        return f"{mark} {row.label}. {strip_controls(row.text)}: {row.verdict}."
    given = strip_controls(row.given)
    verdict = "right" if row.correct else f"should be {strip_controls(row.expected)}"
    return f"{mark} {strip_controls(row.label)}: {given}, {verdict}."


def topic_table(scores: list[TopicScore]) -> str:
    rows = [
        [s.title, f"{s.right:g}/{s.total}", f"{s.percent:.0f}%"] for s in scores
    ]
    return format_table(["Topic", "Points", "Score"], rows, "  ")
