"""Safe YAML for files written by people we do not control, with positions kept for errors.

PyYAML's loaders silently keep the last of two equal keys, expand aliases without limit and
turn `no`, `0123` or `2024-01-15` into a bool, an octal int or a date. Here libyaml (when
present) only parses; plain data is built straight from its events by `_Builder`, which allows
only plain tags, rejects duplicate keys and stops at a nesting depth and an alias expansion
cap, so memory stays bounded whatever the file holds. Scalars follow YAML 1.2's core schema
minus its surprises: true/false, null/~, decimal numbers without leading zeros; all else is
text. Building from events, not from a node tree, keeps a 50,000-question bank to seconds;
the node tree that places a later error at file:line:col is composed only when one is asked
for (`Document.locate`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

PathPart = str | int

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 20
    max_alias_nodes: int = 10_000  # nodes reached again through aliases


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: 1-based line and column (None when not tied to a place)."""

    message: str
    line: int | None = None
    col: int | None = None
    path: tuple[PathPart, ...] = ()


class YamlError(Exception):
    """The file cannot be used; `problems` lists every located reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class _Resolver(yaml.resolver.BaseResolver):
    pass


for _tag, _pattern, _first in (
    (_BOOL, r"true|True|TRUE|false|False|FALSE", "tTfF"),
    (_NULL, r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    (_INT, r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789"),
    (
        _FLOAT,
        r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?",
        "-+0123456789.",
    ),
):
    _Resolver.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))

def _resolve_plain(value: str) -> str:
    """The tag of a plain scalar (the resolver's table, without its per-node overhead)."""
    for tag, pattern in _Resolver.yaml_implicit_resolvers.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return _STR


if yaml.__with_libyaml__:
    _Parser = yaml.cyaml.CParser  # events only: the data is built from them

    class _Loader(yaml.cyaml.CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            _Resolver.__init__(self)

else:  # pragma: no cover - libyaml is present in every supported install

    class _Parser(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)

    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _Resolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Resolver.__init__(self)


def format_path(path: tuple[PathPart, ...]) -> str:
    """("questions", 3, "answer") -> "questions[3].answer"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def quote(value: object) -> str:
    """A value from a file as an error message shows it: "E", 3, true, ["A", "C"]."""
    return json.dumps(value, ensure_ascii=False, default=str)


def did_you_mean(word: str, candidates: Sequence[str]) -> str:
    """'; did you mean "explanation"?' for a near miss, else ''."""
    close = get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean {quote(close[0])}?" if close else ""


def _at(node: Node, message: str, path: tuple[PathPart, ...] = ()) -> Problem:
    mark = node.start_mark
    return Problem(message, mark.line + 1, mark.column + 1, path)


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


class Document:
    """Plain data built from a YAML file, and where each value came from (worked out from the
    text again on the first `locate`: files with no error never pay for it)."""

    def __init__(self, data: object, text: str | None) -> None:
        self.data = data
        self._text = text
        self._root: Node | None = None

    def _nodes(self) -> Node | None:
        if self._root is None and self._text is not None:
            loader = _Loader(self._text)
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
        return self._root

    def locate(self, path: tuple[PathPart, ...], *, key: bool = False) -> tuple[int, int]:
        """The 1-based line and column of the value at `path` (its key's, with key=True).

        Where the path leaves the file (a missing field), the deepest node found is used.
        """
        node = self._nodes()
        if node is None:
            return 1, 1
        target = node
        for index, part in enumerate(path):
            last = index == len(path) - 1
            if isinstance(node, MappingNode):
                found = next((pair for pair in node.value if pair[0].value == str(part)), None)
                if found is None:
                    break
                target = found[0] if key and last else found[1]
                node = found[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    break
                node = target = node.value[part]
            else:
                break
        return target.start_mark.line + 1, target.start_mark.column + 1


def read_text(path: Path, limits: Limits) -> str:
    """The file as text, refusing one that is too big (before reading it) or not UTF-8."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise YamlError([Problem(_too_big(size, limits.max_bytes))])
    with path.open("rb") as stream:
        raw = stream.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise YamlError([Problem(_too_big(len(raw), limits.max_bytes))])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = f"byte {exc.start}, 0x{raw[exc.start]:02x}"
        message = f"not valid UTF-8 ({byte}); save the file as UTF-8"
        raise YamlError([Problem(message, line, col)]) from None


def _too_big(size: int, cap: int) -> str:
    return f"the file is {size / 1_048_576:.1f} MB; the limit is {cap / 1_048_576:g} MB"


def parse(text: str, limits: Limits = Limits()) -> Document:
    """Parse one YAML document into plain data; raise YamlError with every located problem."""
    parser = _Parser(text)
    try:
        data = _Builder(parser, limits).document()
    except yaml.MarkedYAMLError as exc:
        raise YamlError([_syntax_problem(exc)]) from None
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow
        raise YamlError([_reader_problem(exc, text)]) from None
    finally:
        parser.dispose()
    return Document(data, text if data is not None else None)


def _syntax_problem(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "not valid YAML"
    if exc.context and exc.problem:
        if exc.context.startswith("while"):
            message = f"{exc.problem} ({exc.context})"
        else:
            message = f"{exc.context}, {exc.problem}"
    if mark is None:
        return Problem(message)
    return Problem(message, mark.line + 1, mark.column + 1)


def _reader_problem(exc: yaml.YAMLError, text: str) -> Problem:
    position = getattr(exc, "position", None)
    character = getattr(exc, "character", None)
    if isinstance(character, str):
        character = ord(character)
    message = f"character U+{character:04X} is not allowed in YAML" if character else str(exc)
    if not isinstance(position, int):
        return Problem(message)
    line = text.count("\n", 0, position) + 1
    return Problem(message, line, position - (text.rfind("\n", 0, position) + 1) + 1)


class _Builder:
    """Events -> dicts, lists and scalars, collecting problems and enforcing the limits."""

    def __init__(self, parser: Any, limits: Limits) -> None:  # a _Parser: get/peek_event
        self.parser = parser
        self.limits = limits
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[object, int]] = {}  # value and how many nodes it holds
        self.open: set[str] = set()  # anchors of the collections being built
        self.aliased = 0

    def document(self) -> object:
        """The one document of the stream (None for an empty one)."""
        events = self.parser
        events.get_event()  # stream start
        if isinstance(events.peek_event(), yaml.StreamEndEvent):
            return None
        events.get_event()  # document start
        data, _ = self.build((), 1)
        events.get_event()  # document end
        if not isinstance(events.peek_event(), yaml.StreamEndEvent):
            extra = events.peek_event()
            raise YamlError([_mark(extra.start_mark, "expected a single document in the stream"
                                   ", but found another document")])
        if self.problems:
            raise YamlError(self.problems)
        return data

    def build(self, path: tuple[PathPart, ...], depth: int) -> tuple[object, int]:
        """The next value and how many nodes it holds (for the alias cap)."""
        event = self.parser.get_event()
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event, path)
            self.anchor(event, value, 1)
            return value, 1
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event, path)
        if depth > self.limits.max_depth:
            message = f"nested deeper than {self.limits.max_depth} levels"
            raise YamlError([_mark(event.start_mark, message, path)])
        if event.anchor is not None:
            self.open.add(event.anchor)
        expected = _SEQ if isinstance(event, yaml.SequenceStartEvent) else _MAP
        if event.tag not in (None, "!", expected):
            self.problems.append(
                _mark(event.start_mark, f"tag {_short_tag(event.tag)} is not allowed", path)
            )
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[object] = []
            size = 1
            while not isinstance(self.parser.peek_event(), yaml.SequenceEndEvent):
                item, held = self.build((*path, len(items)), depth + 1)
                items.append(item)
                size += held
            self.parser.get_event()
            self.anchor(event, items, size)
            return items, size
        data, size = self.mapping(event, path, depth)
        self.anchor(event, data, size)
        return data, size

    def mapping(
        self, start: yaml.MappingStartEvent, path: tuple[PathPart, ...], depth: int
    ) -> tuple[dict[object, object], int]:
        data: dict[object, object] = {}
        lines: dict[object, int] = {}
        size = 1
        while not isinstance(self.parser.peek_event(), yaml.MappingEndEvent):
            key_event = self.parser.peek_event()
            if not isinstance(key_event, yaml.ScalarEvent):
                self.problems.append(_mark(key_event.start_mark, "a key must be plain text", path))
                self.build(path, depth + 1)  # the key, dropped
                self.build(path, depth + 1)  # and its value
                continue
            self.parser.get_event()
            key = self.scalar(key_event, path)
            if key in data:
                message = f"duplicate key {quote(key)} (first on line {lines[key]})"
                self.problems.append(_mark(key_event.start_mark, message, path))
                self.build(path, depth + 1)
                continue
            lines[key] = key_event.start_mark.line + 1
            data[key], held = self.build((*path, str(key)), depth + 1)
            size += held
        self.parser.get_event()
        return data, size

    def anchor(self, event: yaml.NodeEvent, value: object, size: int) -> None:
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, size)
            self.open.discard(event.anchor)

    def alias(self, event: yaml.AliasEvent, path: tuple[PathPart, ...]) -> tuple[object, int]:
        if event.anchor in self.open:
            message = f"the alias *{event.anchor} is inside the collection it names: a loop"
            raise YamlError([_mark(event.start_mark, message, path)])
        found = self.anchors.get(event.anchor)
        if found is None:
            raise YamlError([_mark(event.start_mark, f"found undefined alias {event.anchor!r}",
                                   path)])
        value, size = found
        if size > 1:
            self.aliased += size
            if self.aliased > self.limits.max_alias_nodes:
                message = f"aliases expand to more than {self.limits.max_alias_nodes} nodes"
                raise YamlError([_mark(event.start_mark, message, path)])
        return value, size

    def scalar(self, event: yaml.ScalarEvent, path: tuple[PathPart, ...]) -> object:
        value = event.value
        tag = event.tag
        if tag in (None, "!"):
            if not event.implicit[0]:  # quoted, or a block scalar: text
                return value
            tag = _resolve_plain(value)
        if tag == _STR:
            return value
        try:
            if tag == _INT:
                return int(value)
            if tag == _FLOAT:
                return float(value)
        except ValueError:
            message = f"{quote(value)} is not a valid {_short_tag(tag)}"
            self.problems.append(_mark(event.start_mark, message, path))
            return None
        if tag == _NULL:
            return None
        if tag == _BOOL:
            if value.lower() in ("true", "false"):
                return value.lower() == "true"
            message = f"{quote(value)} is not a valid !!bool (true or false)"
            self.problems.append(_mark(event.start_mark, message, path))
            return None
        self.problems.append(_mark(event.start_mark, f"tag {_short_tag(tag)} is not allowed", path))
        return None


def _mark(mark: yaml.Mark, message: str, path: tuple[PathPart, ...] = ()) -> Problem:
    return Problem(message, mark.line + 1, mark.column + 1, path)
