"""The topic tags shared by lessons, questions and exam blueprints, read from lessons/topics.yaml.

One vocabulary keeps "practise this topic", mastery by topic and blueprint draws consistent.
The list is content, not code: an author adds a topic to the YAML file next to the lessons.
Each topic has a title and the lesson that teaches it, so a lesson's quiz can keep to what
that lesson and the ones before it taught (`taught_by`). The file is read on first use through
the project's safe YAML loader; a bad entry is reported at its line and the others still load.

The vocabulary in use is that of the content the app runs on: a `Context` with its own content
root (tests give snapshots a frozen one) selects its lessons folder's topics file
(`use_topics_of`), so adding a topic to the shipped content does not change what such an app
lists. The vocabulary is process-wide: one app or command runs per process, and a test builds
one context at a time. A question may still carry a shipped topic the selected file leaves out:
generators are code, and their topics are the shipped ones.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from trainer.core.paths import lessons_dir
from trainer.core.yaml_source import Limits, YamlError, did_you_mean, parse, quote, read_text

TOPICS_FILE = "topics.yaml"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FIELDS = ("title", "lesson")


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    lesson: str | None  # the lesson that teaches it; None for a topic no lesson teaches


@dataclass(frozen=True)
class TopicError:
    path: Path
    message: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}:{self.col}" if self.line else str(self.path)
        return f"{place}: {self.message}"


@dataclass(frozen=True)
class TopicCatalog:
    topics: dict[str, Topic]
    errors: tuple[TopicError, ...] = ()


def load_topics(path: Path) -> TopicCatalog:
    """Every well-formed topic of a topics file, in file order; never raises for a bad file."""
    try:
        document = parse(read_text(path, Limits()))
    except YamlError as exc:
        problems = exc.problems
        return TopicCatalog({}, tuple(TopicError(path, p.message, p.line, p.col) for p in problems))
    except OSError as exc:
        return TopicCatalog({}, (TopicError(path, f"cannot read the file: {exc.strerror or exc}"),))
    data = document.data
    if not isinstance(data, dict):
        message = "the file must map each topic id to its title and lesson"
        return TopicCatalog({}, (TopicError(path, message, 1, 1),))
    topics: dict[str, Topic] = {}
    errors: list[TopicError] = []

    def fail(where: tuple[str, ...], message: str, key: bool = False) -> None:
        line, col = document.locate(where, key=key)
        errors.append(TopicError(path, message, line, col))

    for topic_id, entry in data.items():
        if not _ID.fullmatch(topic_id):
            message = f"topic id {quote(topic_id)} must be lowercase words joined by '-'"
            fail((topic_id,), message, True)
            continue
        if not isinstance(entry, dict):
            fail((topic_id,), f"{topic_id}: give a mapping with {' and '.join(_FIELDS)}")
            continue
        unknown = [key for key in entry if key not in _FIELDS]
        if unknown:
            hint = did_you_mean(str(unknown[0]), _FIELDS)
            message = f"{topic_id}: unknown field {quote(unknown[0])}{hint}"
            fail((topic_id, unknown[0]), message, True)
            continue
        title, lesson = entry.get("title"), entry.get("lesson")
        if not isinstance(title, str) or not title.strip():
            where = (topic_id, "title") if "title" in entry else (topic_id,)
            fail(where, f"{topic_id}: title must be non-empty text", "title" not in entry)
            continue
        if lesson is not None and not (isinstance(lesson, str) and _ID.fullmatch(lesson)):
            fail((topic_id, "lesson"), f"{topic_id}: lesson must be a lesson id such as uids")
            continue
        topics[topic_id] = Topic(topic_id, title.strip(), lesson)
    return TopicCatalog(topics, tuple(errors))


@functools.cache
def _read(path: Path) -> TopicCatalog:
    return load_topics(path)


def shipped_topics() -> TopicCatalog:
    """The topics of the shipped content, read once per process."""
    return _read(lessons_dir() / TOPICS_FILE)


_selected: list[Path] = []  # the topics file in use, when it is not the shipped one


def use_topics_of(lessons: Path) -> None:
    """Make the topics file in this lessons folder the vocabulary (the shipped one when the
    folder has none)."""
    path = lessons / TOPICS_FILE
    _selected[:] = [path] if path.is_file() else []


def current_topics() -> TopicCatalog:
    """The topics of the content in use (see the module docstring)."""
    return _read(_selected[0]) if _selected else shipped_topics()


def topic_errors() -> tuple[TopicError, ...]:
    """What is wrong with the topics file in use (empty when it is clean)."""
    return current_topics().errors


def known_topic(topic: str) -> bool:
    """Whether a question may carry this topic: the content's, or a shipped one."""
    return topic in current_topics().topics or topic in shipped_topics().topics


class _Titles(Mapping[str, str]):
    """Topic id -> title in file order, from the topics file in use, read on first use."""

    def __getitem__(self, topic: str) -> str:
        return current_topics().topics[topic].title

    def __iter__(self) -> Iterator[str]:
        return iter(current_topics().topics)

    def __len__(self) -> int:
        return len(current_topics().topics)

    def __repr__(self) -> str:
        return f"TOPICS({dict(self)!r})"


TOPICS: Mapping[str, str] = _Titles()


def topic_title(topic: str) -> str:
    """The human title of a topic tag, or the tag itself when it is not a known one."""
    found = current_topics().topics.get(topic) or shipped_topics().topics.get(topic)
    return found.title if found else topic


def taught_by(topic: str) -> str | None:
    """The id of the lesson that teaches a topic, or None (unknown topic, or no lesson)."""
    found = current_topics().topics.get(topic)
    return found.lesson if found else None


def in_lesson_quiz(
    topics: Iterable[str],
    anchor: str | None,
    lesson: str,
    lesson_topics: Iterable[str],
    course: Sequence[str],
) -> bool:
    """Whether a question belongs in the quiz of `lesson`: it is about that lesson (anchored
    to it, or sharing one of its topics) and asks nothing taught later. `course` is the lesson
    ids in course order; a topic no lesson teaches, or an unknown one, is never in a quiz."""
    if lesson not in course:
        return False
    place = {lesson_id: index for index, lesson_id in enumerate(course)}
    here = place[lesson]
    topics = tuple(topics)
    taught = [place.get(taught_by(topic) or "", len(course)) for topic in topics]
    if any(index > here for index in taught):
        return False
    if anchor is not None and place.get(anchor, len(course)) > here:
        return False
    return anchor == lesson or bool(set(topics) & set(lesson_topics))
