"""Safe YAML for files written by people we do not control, with positions kept for errors.

PyYAML's loaders silently keep the last of two equal keys, expand aliases without limit and
turn `no`, `0123` or `2024-01-15` into a bool, an octal int or a date. Here libyaml (when
present) only parses and composes nodes; plain data is built from the nodes by `_Builder`,
which allows only plain tags, rejects duplicate keys and stops at a nesting depth and an alias
expansion cap, so memory stays bounded whatever the file holds. Scalars follow YAML 1.2's core
schema minus its surprises: true/false, null/~, decimal numbers without leading zeros; all else
is text. The node tree is kept, so any later error can be placed at file:line:col.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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

if yaml.__with_libyaml__:

    class _Loader(yaml.cyaml.CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            _Resolver.__init__(self)

else:  # pragma: no cover - libyaml is present in every supported install

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


@dataclass(frozen=True)
class Document:
    """Plain data built from a YAML file, plus the nodes that say where each value came from."""

    data: object
    root: Node | None

    def locate(self, path: tuple[PathPart, ...], *, key: bool = False) -> tuple[int, int]:
        """The 1-based line and column of the value at `path` (its key's, with key=True).

        Where the path leaves the file (a missing field), the deepest node found is used.
        """
        node = self.root
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
    """Compose and build one YAML document; raise YamlError with every located problem."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise YamlError([_syntax_problem(exc)]) from None
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow
        raise YamlError([_reader_problem(exc, text)]) from None
    except RecursionError:  # pragma: no cover - only without libyaml, which caps nesting itself
        raise YamlError([Problem(f"nested deeper than {limits.max_depth} levels")]) from None
    finally:
        loader.dispose()
    if root is None:
        return Document(None, None)
    builder = _Builder(limits)
    data = builder.build(root, (), 1)
    if builder.problems:
        raise YamlError(builder.problems)
    return Document(data, root)


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
    """Nodes -> dicts, lists and scalars, collecting problems and enforcing the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.aliased = 0

    def build(self, node: Node, path: tuple[PathPart, ...], depth: int) -> object:
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if depth > self.limits.max_depth:
            raise YamlError([_at(node, f"nested deeper than {self.limits.max_depth} levels", path)])
        if id(node) in self.seen:
            self.aliased += len(node.value)
            if self.aliased > self.limits.max_alias_nodes:
                message = f"aliases expand to more than {self.limits.max_alias_nodes} nodes"
                raise YamlError([_at(node, message, path)])
        else:
            self.seen.add(id(node))
        if node.tag not in (_SEQ, _MAP):
            self.problems.append(_at(node, f"tag {_short_tag(node.tag)} is not allowed", path))
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self.mapping(node, path, depth)

    def mapping(self, node: MappingNode, path: tuple[PathPart, ...], depth: int) -> dict:
        data: dict[object, object] = {}
        lines: dict[object, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problems.append(_at(key_node, "a key must be plain text", path))
                continue
            key = self.scalar(key_node, path)
            if key in data:
                message = f"duplicate key {quote(key)} (first on line {lines[key]})"
                self.problems.append(_at(key_node, message, path))
                continue
            lines[key] = key_node.start_mark.line + 1
            data[key] = self.build(value_node, (*path, str(key)), depth + 1)
        return data

    def scalar(self, node: ScalarNode, path: tuple[PathPart, ...]) -> object:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        try:
            if tag == _INT:
                return int(value)
            if tag == _FLOAT:
                return float(value)
        except ValueError:
            message = f"{quote(value)} is not a valid {_short_tag(tag)}"
            self.problems.append(_at(node, message, path))
            return None
        if tag == _NULL:
            return None
        if tag == _BOOL:
            if value.lower() in ("true", "false"):
                return value.lower() == "true"
            message = f"{quote(value)} is not a valid !!bool (true or false)"
            self.problems.append(_at(node, message, path))
            return None
        self.problems.append(_at(node, f"tag {_short_tag(tag)} is not allowed", path))
        return None
