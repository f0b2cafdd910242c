"""Question banks: YAML files of questions, gathered into one catalog with located errors.

A bank that fails any check is skipped and reported as `BankError`s that read
`file:line:col: path: message`; every good bank still loads. The `Bank` model is the one
definition of the file format: it validates the files and exports the JSON Schema that
instructors' editors use (`pacs-trainer bank schema`).
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from trainer.core.bank_cache import BankCache
from trainer.core.paths import question_bank_dir
from trainer.core.questions import QUESTION_TYPES, Id, PlainText, Question, in_bank
from trainer.core.sanitize import escape_controls
from trainer.core.yaml_source import (
    Document,
    Limits,
    PathPart,
    YamlError,
    did_you_mean,
    format_path,
    parse,
    quote,
    read_text,
)

BANK_SUFFIXES = (".yaml", ".yml")
SCHEMA_FILE = "question-bank.schema.json"
M = TypeVar("M", bound=BaseModel)


def _version(value: object) -> object:
    if isinstance(value, float):
        quoted = 'write it in quotes ("1.2") to keep it as written'
        raise ValueError(f"read as the number {value}; {quoted}")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError('must be a whole number or text such as "1.2"')
    return value


class Bank(BaseModel):
    """A question bank file."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="pacs-trainer question bank")

    id: Id = Field(description="namespaces the question ids: '<bank id>/<question id>'")
    title: PlainText
    version: Annotated[Union[int, str], BeforeValidator(_version)] = Field(
        description='a whole number or text such as "1.2"'
    )
    author: PlainText
    license: PlainText = Field(description="e.g. CC-BY-4.0")
    description: PlainText | None = None
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _namespace(self) -> Bank:
        for question in self.questions:
            in_bank(question, self.id)
        return self


@dataclass(frozen=True)
class BankError:
    file: Path
    message: str
    line: int | None = None
    col: int | None = None
    path: str = ""

    def __str__(self) -> str:
        """file:line:col: path: message, with whatever it quotes from the file shown, not
        acted on (a tag or field name holding an escape sequence, a file name's controls)."""
        place = f"{self.file}:{self.line}:{self.col}" if self.line else str(self.file)
        field = f" {self.path}:" if self.path else ""
        return escape_controls(f"{place}:{field} {self.message}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.file),
            "line": self.line,
            "col": self.col,
            "path": self.path,
            "message": self.message,
        }


@dataclass(frozen=True)
class BankResult:
    """One file's outcome: the bank, or the errors that kept it out."""

    path: Path
    bank: Bank | None
    errors: tuple[BankError, ...] = ()


@dataclass(frozen=True)
class Catalog:
    results: tuple[BankResult, ...]

    @cached_property
    def banks(self) -> tuple[Bank, ...]:
        return tuple(result.bank for result in self.results if result.bank is not None)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for bank in self.banks for question in bank.questions)

    @property
    def errors(self) -> tuple[BankError, ...]:
        return tuple(error for result in self.results for error in result.errors)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {question.full_id: question for question in self.questions}

    def get(self, full_id: str) -> Question | None:
        """The question with id '<bank id>/<question id>', or None."""
        return self._by_id.get(full_id)


def bank_files(folder: Path) -> list[Path]:
    """The bank files directly in a folder (its subfolders, such as exams/, are not banks)."""
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix in BANK_SUFFIXES and not path.name.startswith(".") and path.is_file()
    )


def load_banks(
    paths: Iterable[Path], limits: Limits = Limits(), cache: BankCache | None = None
) -> Catalog:
    """Load every bank in the given folders (or files); duplicate bank ids are errors. With a
    `cache`, a file parsed before (the same bytes) is read back from it."""
    results: list[BankResult] = []
    owners: dict[str, Path] = {}
    for source in paths:
        source = Path(source)
        if source.is_dir():
            files = bank_files(source)
        elif source.is_file():
            files = [source]
        else:
            results.append(BankResult(source, None, (BankError(source, "no such file or folder"),)))
            continue
        for path in files:
            result, document = _load(path, limits, cache)
            bank = result.bank
            if bank is not None and bank.id in owners:
                line, col = document.locate(("id",)) if document else (None, None)
                message = f"bank id {quote(bank.id)} is already used by {owners[bank.id]}"
                result = BankResult(path, None, (BankError(path, message, line, col, "id"),))
            elif bank is not None:
                owners[bank.id] = path
            results.append(result)
    return Catalog(tuple(results))


def load_bank(path: Path, limits: Limits = Limits()) -> BankResult:
    """Read and check one bank file. Never raises for a bad file: the result holds the errors."""
    return _load(Path(path), limits)[0]


def _load(
    path: Path, limits: Limits, cache: BankCache | None = None
) -> tuple[BankResult, Document | None]:
    raw = _cacheable_bytes(path, limits) if cache is not None else None
    if cache is not None and raw is not None:
        bank = cache.get(path, raw, Bank)
        if isinstance(bank, Bank):
            return BankResult(path, bank, ()), Document(None, raw.decode("utf-8-sig", "replace"))
    loaded = load_model_file(path, Bank, kind="bank", limits=limits, checks=_duplicate_question_ids)
    if cache is not None and raw is not None and loaded.model is not None and not loaded.errors:
        cache.put(path, raw, loaded.model.model_dump_json())
    return BankResult(path, loaded.model, loaded.errors), loaded.document


def _cacheable_bytes(path: Path, limits: Limits) -> bytes | None:
    """The file's bytes, when it is a regular file within the size limit (else the full
    load says what is wrong)."""
    try:
        if not path.is_file() or path.stat().st_size > limits.max_bytes:
            return None
        return path.read_bytes()
    except OSError:
        return None


# A located problem before positions are looked up: (path, message, points at the key?).
_Found = tuple[tuple[PathPart, ...], str, bool]


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """One file read into a model: the model, or the located errors that kept it out."""

    model: M | None
    errors: tuple[BankError, ...]
    document: Document | None  # None when the file could not be read or parsed


def load_model_file(
    path: Path,
    model: type[M],
    *,
    kind: str,
    limits: Limits = Limits(),
    checks: Callable[[dict], list[_Found]] = lambda data: [],
) -> Loaded[M]:
    """Read a YAML file written by a person into `model`, every error located in the file.

    Shared by banks and exam blueprints, so both formats report problems the same way.
    `checks` finds problems the model cannot see (such as ids repeated within a list).
    Never raises for a bad file.
    """
    try:
        document = parse(read_text(path, limits), limits)
    except YamlError as exc:
        located = tuple(
            BankError(path, p.message, p.line, p.col, format_path(p.path)) for p in exc.problems
        )
        return Loaded(None, located, None)
    except OSError as exc:
        error = BankError(path, f"cannot read the file: {exc.strerror or exc}")
        return Loaded(None, (error,), None)

    data = document.data
    if not isinstance(data, dict):
        message = f"a {kind} must be a mapping with {_fields_hint(model)}; got {_kind(data)}"
        return Loaded(None, (BankError(path, message, 1, 1),), document)

    problems = checks(data)
    result = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_translate(exc, data, model))
    if not problems:
        return Loaded(result, (), document)
    errors: list[BankError] = []
    for path_parts, message, at_key in problems:
        line, col = document.locate(path_parts, key=at_key)
        shown = path_parts[:-1] if at_key else path_parts
        errors.append(BankError(path, message, line, col, format_path(shown)))
    errors.sort(key=lambda error: (error.line or 0, error.col or 0))
    return Loaded(None, tuple(errors), document)


def load_model_files(
    folders: Iterable[Path], model: type[M], *, kind: str, limits: Limits = Limits(),
    missing_ok: bool = False,
) -> tuple[list[M], list[BankError]]:
    """Every file of `kind` in the folders (as `load_model_file` reads one); a missing folder
    (unless `missing_ok`) and an id used twice are errors too. `model` has an `id` field."""
    found: list[M] = []
    errors: list[BankError] = []
    owners: dict[str, Path] = {}
    for folder in map(Path, folders):
        if not folder.is_dir():
            if not missing_ok:
                errors.append(BankError(folder, "no such folder"))
            continue
        for path in bank_files(folder):
            loaded = load_model_file(path, model, kind=kind, limits=limits)
            errors.extend(loaded.errors)
            item = loaded.model
            if item is None:
                continue
            item_id = item.id  # type: ignore[attr-defined]
            if item_id in owners:
                line, col = loaded.document.locate(("id",)) if loaded.document else (None, None)
                message = f"{kind} id {quote(item_id)} is already used by {owners[item_id]}"
                errors.append(BankError(path, message, line, col, "id"))
                continue
            owners[item_id] = path
            found.append(item)
    return found, errors


def _fields_hint(model: type[BaseModel]) -> str:
    """"id, title ... and questions": the fields a file of this kind holds."""
    *first, last = model.model_fields
    return f"{', '.join(first)} and {last}" if first else last


def _kind(value: object) -> str:
    if value is None:
        return "an empty file"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "true/false" if isinstance(value, bool) else "a number"


def _duplicate_question_ids(data: dict) -> list[_Found]:
    questions = data.get("questions")
    first: dict[str, int] = {}
    found: list[_Found] = []
    for index, question in enumerate(questions if isinstance(questions, list) else []):
        qid = question.get("id") if isinstance(question, dict) else None
        if not isinstance(qid, str):
            continue
        if qid in first:
            message = f"{quote(qid)} is already the id of questions[{first[qid]}]"
            found.append((("questions", index, "id"), message, False))
        else:
            first[qid] = index
    return found


_PLAIN_MESSAGES = {
    "model_attributes_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "int_type": "must be a whole number",
    "string_pattern_mismatch": "must be lowercase letters, digits and hyphens",
    "string_too_short": "must not be empty",
}
_TAGS = {
    "type": ("a question type", QUESTION_TYPES),
    "kind": ("an exhibit kind", ("table", "text")),
}


def _translate(exc: ValidationError, data: dict, model: type[BaseModel]) -> list[_Found]:
    """pydantic's errors -> (path in the file, a message an instructor can act on, at_key)."""
    errors = exc.errors(include_url=False)
    failed_inside = {e["loc"][:depth] for e in errors for depth in range(len(e["loc"]))}
    return [
        _explain(error, _file_path(error["loc"], data), data, model)
        for error in errors
        # "too few valid items" only because the items themselves failed: said already.
        if not (error["type"] == "too_short" and error["loc"] in failed_inside)
    ]


def _explain(
    error: Any, path: tuple[PathPart, ...], data: dict, model: type[BaseModel]
) -> _Found:
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return path[:-1], f"missing required field {quote(path[-1])}", False
    if kind == "extra_forbidden":
        hint = did_you_mean(str(path[-1]), _fields_at(path[:-1], data, model))
        return path, f"unknown field {quote(path[-1])}{hint}", True
    if kind == "union_tag_not_found":
        tag_field = ctx["discriminator"].strip("'")
        allowed = ", ".join(_TAGS[tag_field][1])
        return path, f"missing required field {quote(tag_field)} (one of {allowed})", False
    if kind == "union_tag_invalid":
        tag_field, tag = ctx["discriminator"].strip("'"), str(ctx["tag"])
        what, choices = _TAGS[tag_field]
        message = f"{quote(tag)} is not {what} (one of {', '.join(choices)})"
        return (*path, tag_field), message + did_you_mean(tag, choices), False
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        limit = ctx["min_length" if kind == "too_short" else "max_length"]
        items = "item" if limit == 1 else "items"
        return path, f"needs {bound} {limit} {items} (has {ctx['actual_length']})", False
    if kind == "value_error":
        return path, error["msg"].removeprefix("Value error, "), False
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", ctx["expected"])
        message = f"must be one of {', '.join(expected)} (got {quote(given)[:60]})"
        return path, message + did_you_mean(str(given), expected), False
    if kind in ("greater_than_equal", "less_than_equal"):
        message = f"must be at least {ctx['ge']}" if "ge" in ctx else f"must be at most {ctx['le']}"
    else:
        message = _PLAIN_MESSAGES.get(kind, error["msg"])
    if isinstance(given, (str, int, float, bool)):
        message += f" (got {quote(given)[:60]})"
        if kind == "string_type" and not isinstance(given, str):
            message += "; put it in quotes"
    return path, message, False


def _file_path(loc: tuple[PathPart, ...], data: object) -> tuple[PathPart, ...]:
    """Drop what pydantic adds to a location (union member names) to get the path in the file."""
    path: list[PathPart] = []
    node: object = data
    tag_skipped = False
    for part in loc:
        if isinstance(node, dict):
            if not tag_skipped and part in (node.get("type"), node.get("kind")):
                tag_skipped = True
                continue
            path.append(part)
            node, tag_skipped = node.get(part), False
        elif isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node, tag_skipped = (node[part] if part < len(node) else None), False
        # Otherwise the value is a scalar and the part names a union member: not in the file.
    return tuple(path)


def _fields_at(path: tuple[PathPart, ...], data: object, root: type[BaseModel]) -> list[str]:
    """The field names allowed at a path of the file, for did-you-mean hints."""
    models: list[type[BaseModel]] = [root]
    node = data
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        model = _pick(models, node)
        field = model.model_fields.get(str(part)) if model else None
        if field is None:
            return []
        models = _models_in(field.annotation)
        node = node.get(part) if isinstance(node, dict) else None
    model = _pick(models, node)
    return list(model.model_fields) if model else []


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def _pick(models: list[type[BaseModel]], node: object) -> type[BaseModel] | None:
    if len(models) == 1:
        return models[0]
    if not isinstance(node, dict):
        return None
    for model in models:
        for name in _TAGS:
            field = model.model_fields.get(name)
            if field is not None and node.get(name) in typing.get_args(field.annotation):
                return model
    return None


def json_schema() -> dict[str, Any]:
    """The bank format as JSON Schema (draft 2020-12), for editors and CI."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **Bank.model_json_schema()}


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def schema_path() -> Path:
    return question_bank_dir() / "schema" / SCHEMA_FILE

