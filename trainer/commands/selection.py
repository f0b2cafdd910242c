"""What to ask about, as `quiz --plain` and `export` read it from the command line: an exam
blueprint, a topic, a lesson's topics, or the learner's latest mistakes."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trainer.commands import error

if TYPE_CHECKING:
    from trainer.core.blueprints import BlueprintCatalog
    from trainer.core.context import Context


def selection_group(parser: argparse.ArgumentParser, verb: str) -> None:
    """--exam, --topic, --lesson and --mistakes, at most one of them."""
    what = parser.add_mutually_exclusive_group()
    exam_help = "a timed exam, e.g. quick-check" if verb == "practise" else (
        "the exam form that blueprint NAME draws for --seed, e.g. quick-check")
    what.add_argument("--exam", metavar="NAME", help=exam_help)
    what.add_argument("--topic", metavar="T", help=f"{verb} questions tagged T, e.g. uids")
    what.add_argument("--lesson", metavar="L", help=f"{verb} what lesson L teaches, e.g. uids")
    what.add_argument(
        "--mistakes", action="store_true", help=f"{verb} the questions you last got wrong"
    )


@dataclass(frozen=True)
class Plan:
    """What to practise, as the command line asked."""

    what: str
    topics: tuple[str, ...] = ()
    lesson: str | None = None
    mistakes: bool = False


def practice_plan(args: argparse.Namespace, setup: Context) -> Plan | int:
    """The practice asked for, or an exit status after saying what is wrong."""
    from trainer.core.topics import TOPICS
    from trainer.core.yaml_source import did_you_mean

    if args.topic is not None:
        if args.topic not in TOPICS:
            error(f"unknown topic {args.topic!r}{did_you_mean(args.topic, list(TOPICS))}; "
                  f"the topics are: {', '.join(TOPICS)}")
            return 2
        return Plan(f"topic {args.topic}", topics=(args.topic,))
    if args.lesson is not None:
        lessons = setup.lessons
        lesson = lessons.get(args.lesson)
        if lesson is None:
            ids = [known.id for known in lessons.lessons]
            error(f"unknown lesson {args.lesson!r}{did_you_mean(args.lesson, ids)}; "
                  f"the lessons are: {', '.join(ids)}")
            return 2
        return Plan(f"lesson {lesson.id}", topics=lesson.topics, lesson=lesson.id)
    if args.mistakes:
        return Plan("your mistakes", mistakes=True)
    return Plan("all topics")


def exam_blueprints(setup: Context) -> BlueprintCatalog:
    """The shipped blueprints and the data dir's own; a bad one is skipped with a warning."""
    blueprints = setup.blueprints
    for problem in blueprints.errors:
        print(f"pacs-trainer: warning: blueprint skipped: {problem}", file=sys.stderr)
    return blueprints


def unknown_blueprint(name: str, blueprints: BlueprintCatalog) -> int:
    known = ", ".join(b.id for b in blueprints.blueprints) or "none"
    error(f"no exam blueprint {name!r}; the exams are: {known}")
    return 2
