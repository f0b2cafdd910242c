"""`pacs-trainer questions`: sample generated or bank questions, or freeze them as a bank.

An instructor looks at what the generators make (`sample`), then writes a set to a bank file
(`export`) to edit and hand out; the exported bank passes `pacs-trainer bank validate`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.commands import DEFAULT_SEED, SEED_NOTE, error, format_table, positive_int

if TYPE_CHECKING:
    from trainer.core.questions import Question

WIDTH = 80
INDENT = "   "
# Field order of an exported question: what an instructor reads first comes first.
_KEY_ORDER = (
    "id",
    "type",
    "prompt",
    "exhibit",
    "choices",
    "shuffle",
    "answer",
    "answers",
    "pairs",
    "items",
    "tolerance",
    "unit",
    "topics",
    "difficulty",
    "explanation",
    "references",
    "lesson",
)


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "questions",
        parents=[common],
        help="sample generated or bank questions, or export them as a bank",
        description=(
            "Questions from a generator family (registry: SOP class facts; studies: synthetic "
            "study lists; and any other family the app ships) or from the question banks."
        ),
    )
    actions = parser.add_subparsers(dest="questions_action", metavar="ACTION", required=True)
    choose = argparse.ArgumentParser(add_help=False)
    choose.add_argument(
        "--source",
        required=True,
        metavar="SOURCE",
        help="banks (the loaded question banks) or a generator family such as registry or "
        "studies; an unknown name lists them all",
    )
    choose.add_argument("--topic", metavar="T", help="only questions tagged T, e.g. image-counts")
    choose.add_argument(
        "--count", type=positive_int, default=10, metavar="N", help="how many (default 10)"
    )
    sample = actions.add_parser(
        "sample",
        parents=[common, choose],
        help="print questions with their exhibits and answers",
        description="Print numbered questions with exhibit, choices, answer and explanation.",
        epilog=SEED_NOTE,
    )
    sample.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array (id, type, prompt, choices, answer, explanation, exhibit ...)",
    )
    export = actions.add_parser(
        "export",
        parents=[common, choose],
        help="write questions to a bank file to freeze and edit",
        description="Write the questions as a question bank (YAML) that `bank validate` accepts.",
        epilog=SEED_NOTE,
    )
    export.add_argument("--out", required=True, metavar="FILE.yaml", help="the bank file to write")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.core.pool import SOURCES
    from trainer.core.topics import TOPICS
    from trainer.core.yaml_source import did_you_mean

    if args.source not in SOURCES:
        hint = did_you_mean(args.source, SOURCES)
        error(f"unknown source {args.source!r}{hint}; sources: {', '.join(SOURCES)}")
        return 2
    if args.topic is not None and args.topic not in TOPICS:
        hint = did_you_mean(args.topic, list(TOPICS))
        error(f"unknown topic {args.topic!r}{hint}; topics: {', '.join(TOPICS)}")
        return 2
    seed = DEFAULT_SEED if args.seed is None else args.seed
    questions = collect(args, seed)
    if not questions:
        error(f"no {args.source} questions match" + (f" topic {args.topic}" if args.topic else ""))
        return 1
    if len(questions) < args.count:
        print(f"pacs-trainer: note: only {len(questions)} questions match", file=sys.stderr)
    if args.questions_action == "export":
        return _export(args, seed, questions)
    if args.json:
        print(json.dumps([question_json(q) for q in questions], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(render(number, q) for number, q in enumerate(questions, 1)))
    return 0


def collect(args: argparse.Namespace, seed: int) -> list[Question]:
    """`args.count` questions from the chosen source, the same ones for the same seed."""
    rng = random.Random(seed)
    if args.source == "banks":
        from trainer.commands import context

        catalog = context(args).banks
        for bank_error in catalog.errors:
            print(f"pacs-trainer: warning: bank skipped: {bank_error}", file=sys.stderr)
        pool = [q for q in catalog.questions if args.topic is None or args.topic in q.topics]
        return rng.sample(pool, min(args.count, len(pool)))
    from trainer.core.generators import sample
    from trainer.core.pool import families

    family = next(family for family in families() if family.source == args.source)
    return sample(family.generators, rng, args.count, args.topic)


def _choices(question: Question) -> list[str]:
    return [choice.text for choice in getattr(question, "choices", ())]


def question_json(question: Question) -> dict[str, Any]:
    """Every field of the question, with its full id, choice texts and a full-marks answer."""
    from trainer.core.questions import correct_response

    data = question.model_dump(mode="json")
    data.update(id=question.full_id, choices=_choices(question), answer=correct_response(question))
    return _ordered(data)


# --- plain text -----------------------------------------------------------------------------


def _wrap(text: str, hang: str = "") -> str:
    """Paragraphs wrapped to WIDTH columns and indented; `hang` indents continuation lines more."""
    return "\n".join(
        textwrap.fill(line, WIDTH, initial_indent=INDENT, subsequent_indent=INDENT + hang)
        if line.strip()
        else ""
        for line in text.splitlines()
    )


def render(number: int, question: Question) -> str:
    """A question as an instructor reads it in a terminal: exhibit, choices, answer, why."""
    from trainer.core.questions import (
        LETTERS,
        MultipleSelect,
        SingleChoice,
        correct_response,
        format_answer,
    )

    about = (
        f"{question.type}, difficulty {question.difficulty}; topics: {', '.join(question.topics)}"
    )
    parts = [f"{number}. {question.full_id}\n{_wrap(about)}", _wrap(question.prompt)]
    exhibit = question.exhibit
    if exhibit is not None:
        if exhibit.kind == "table":
            body = format_table(exhibit.columns, exhibit.rows, INDENT)
        else:
            body = textwrap.indent(exhibit.text, INDENT)
        parts.append(f"{INDENT}{exhibit.title}\n{body}" if exhibit.title else body)
    choices = _choices(question)
    if choices:
        parts.append(
            "\n".join(_wrap(f"{letter}. {text}", "   ") for letter, text in zip(LETTERS, choices))
        )
    if isinstance(question, SingleChoice):
        answer = f"{question.answer}. {choices[LETTERS.index(question.answer)]}"
    elif isinstance(question, MultipleSelect):
        answer = ", ".join(question.answer)
    else:
        answer = format_answer(question, correct_response(question))
    lesson = f"; lesson {question.lesson.id}" if question.lesson else ""
    parts += [
        _wrap(f"Answer: {answer}", "   "),
        _wrap(f"Why: {question.explanation}"),
        _wrap(f"See: {'; '.join(question.references)}{lesson}"),
    ]
    return "\n\n".join(parts)


# --- export ---------------------------------------------------------------------------------


def _export(args: argparse.Namespace, seed: int, questions: list[Question]) -> int:
    from trainer.core.banks import schema_path

    path = Path(args.out).expanduser()
    if not path.parent.is_dir():
        error(f"no such folder: {path.parent}")
        return 1
    licenses = _source_licenses(args, questions) if args.source == "banks" else ["CC-BY-4.0"]
    bank = bank_document(args.source, seed, questions, licenses)
    topic = f" --topic {args.topic}" if args.topic else ""
    header = (
        f"# yaml-language-server: $schema={schema_path().as_uri()}\n"
        f"# Written by: pacs-trainer questions export --source {args.source} "
        f"--count {args.count} --seed {seed}{topic}\n"
        f"# Edit freely, then check it with: pacs-trainer bank validate {path.name}\n"
    )
    try:
        path.write_text(header + bank_yaml(bank), encoding="utf-8")
    except OSError as exc:
        error(f"cannot write {path}: {exc.strerror or exc}")
        return 1
    print(f"wrote {path}: bank {bank['id']!r} with {len(questions)} questions")
    return 0


def _source_licenses(args: argparse.Namespace, questions: list[Question]) -> list[str]:
    """The licenses of the banks the questions came from: an exported set keeps them."""
    from trainer.commands import context

    banks = {q.bank for q in questions}
    catalog = context(args).banks
    return sorted({bank.license for bank in catalog.banks if bank.id in banks})


def bank_document(
    source: str, seed: int, questions: list[Question], licenses: list[str]
) -> dict[str, Any]:
    """A bank, as plain data, holding `questions`. Generated questions keep their ids and
    their bank id, so a frozen question is still the one spaced review tracked."""
    from_banks = source == "banks"
    used: set[str] = set()
    entries = []
    for question in questions:
        entry = bank_entry(question)
        wanted = f"{question.bank}-{question.id}" if from_banks else question.id
        entry["id"] = unique_id(wanted, used)
        entries.append(entry)
    return {
        "id": "sampled-questions" if from_banks else questions[0].bank,
        "title": f"Questions from {source}, seed {seed}",
        "version": 1,
        "author": "pacs-trainer question banks" if from_banks else "pacs-trainer generator",
        "license": "; ".join(licenses),
        "description": f"{len(questions)} questions sampled from {source} with seed {seed}.",
        "questions": entries,
    }


def bank_entry(question: Question) -> dict[str, Any]:
    data = question.model_dump(mode="json", exclude_defaults=True)
    if "choices" in data:
        data["choices"] = [c["text"] if set(c) == {"text"} else c for c in data["choices"]]
    return _ordered(data)


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    """The fields in _KEY_ORDER, any others after them."""
    return {key: data[key] for key in (*_KEY_ORDER, *data) if key in data}


def unique_id(wanted: str, used: set[str]) -> str:
    """An id of at most 64 characters that no earlier question of the bank has."""
    base = wanted[:60].rstrip("-")
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    used.add(candidate)
    return candidate


def bank_yaml(data: dict[str, Any]) -> str:
    """YAML an instructor can edit: multi-line text as | blocks, no anchors, keys in order."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        return dumper.represent_scalar(
            "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
        )

    def sequence(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
        short = sum(len(str(item)) for item in value) <= 60
        flat = short and all(isinstance(item, (str, int, float)) for item in value)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat)

    Dumper.add_representer(str, text)
    Dumper.add_representer(list, sequence)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=WIDTH)
