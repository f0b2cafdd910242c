"""The learner's answer beside the right one, as practice feedback and the exam review show it."""

from __future__ import annotations

from rich.text import Text

from trainer.core.questions import Question, correct_response, format_answer
from trainer.core.sanitize import strip_controls


def answer_summary(question: Question, response: object) -> Text:
    text = Text()
    text.append("Your answer:    ", style="bold")
    text.append(strip_controls(format_answer(question, response)) + "\n")
    text.append("Correct answer: ", style="bold")
    text.append(strip_controls(format_answer(question, correct_response(question))))
    return text
