"""What a bank question holds that Moodle and GIFT have no field for, carried as tags.

Topics are tags as they are ("uids"); the rest are "name:value" tags: "difficulty:2",
"lesson:uids#The UID root", "pinned:A,D" (choices that keep their place); GIFT, which has
fewer fields still, adds "type:ordering", "unit:images" and "shuffle:no". Moodle shows them
as ordinary tags and keeps them on export, so a bank survives a trip through Moodle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.core.questions import LETTERS, Question
from trainer.core.topics import TOPICS

DIFFICULTY = "difficulty:"
LESSON = "lesson:"
PINNED = "pinned:"
TYPE = "type:"
UNIT = "unit:"
NO_SHUFFLE = "shuffle:no"


def question_tags(question: Question) -> list[str]:
    tags = [*question.topics, f"{DIFFICULTY}{question.difficulty}"]
    if question.lesson is not None:
        section = f"#{question.lesson.section}" if question.lesson.section else ""
        tags.append(f"{LESSON}{question.lesson.id}{section}")
    pinned = [
        LETTERS[index]
        for index, choice in enumerate(getattr(question, "choices", ()))
        if choice.pinned
    ]
    if pinned:
        tags.append(f"{PINNED}{','.join(pinned)}")
    return tags


@dataclass
class ReadTags:
    """Tags read back; `others` are tags this app does not know (kept out of the bank)."""

    topics: list[str] = field(default_factory=list)
    difficulty: int | None = None
    lesson: dict[str, str] | None = None
    pinned: set[str] = field(default_factory=set)
    type: str | None = None
    unit: str | None = None
    shuffle: bool = True
    others: list[str] = field(default_factory=list)


def read_tags(tags: list[str]) -> ReadTags:
    found = ReadTags()
    for tag in tags:
        tag = tag.strip()
        if tag in TOPICS:
            found.topics.append(tag)
        elif tag.startswith(DIFFICULTY) and tag[len(DIFFICULTY):] in ("1", "2", "3"):
            found.difficulty = int(tag[len(DIFFICULTY):])
        elif tag.startswith(LESSON):
            lesson, _, section = tag[len(LESSON):].partition("#")
            found.lesson = {"id": lesson, **({"section": section} if section else {})}
        elif tag.startswith(PINNED):
            found.pinned = {letter.strip() for letter in tag[len(PINNED):].split(",")}
        elif tag.startswith(TYPE):
            found.type = tag[len(TYPE):]
        elif tag.startswith(UNIT):
            found.unit = tag[len(UNIT):]
        elif tag == NO_SHUFFLE:
            found.shuffle = False
        elif tag:
            found.others.append(tag)
    return found
