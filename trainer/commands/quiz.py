"""`pacs-trainer quiz --plain`: practice or a timed exam as plain lines on stdin/stdout
(the text itself: `plain_text`).

For screen-reader users, scripts and a quick run over ssh: no Textual, no colour, no cursor
movement; one question at a time, answers typed as letters, numbers or text. It runs the same
sessions as the app on the same store, so an exam started here resumes there and back.
Everything is stored as it is given: end of input or a killed process loses nothing.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from trainer.commands import error, positive_int
from trainer.commands.plain_text import (
    Console,
    answer_hint,
    feedback_lines,
    format_input,
    parse_command,
    parse_response,
    render_question,
    topic_table,
)
from trainer.commands.selection import (
    Plan,
    exam_blueprints,
    practice_plan,
    selection_group,
    unknown_blueprint,
)
from trainer.core.clock import clock_text
from trainer.core.sanitize import strip_controls

if TYPE_CHECKING:
    from trainer.core.blueprints import BlueprintCatalog
    from trainer.core.clock import Clock
    from trainer.core.exam import ExamReport, ExamSession, OpenElsewhere
    from trainer.core.practice import PracticeSession
    from trainer.core.questions import Question
    from trainer.core.store import Store

HELP_EXAM = """\
Answer with the letter, letters, numbers or text the question asks for. Commands:
  ? or help     this help
  s or skip     leave this question for now and go on
  f or flag     flag this question for review (again to remove the flag)
  n or next     the next question;  p or prev  the previous one (free navigation only)
  go N          go to question N (free navigation only)
  list          which questions are answered, unanswered and flagged
  clear         remove your answer to this question
  submit        end the exam and see your score
  quit          stop here; everything is saved and the clock keeps running
The exam is open in this window only: another window finds it open here, and can take it
over only once this one is closed.
A one-letter command that is also an answer to the question counts as the answer
(f is false in a true/false question): type the whole word instead."""
HELP_PRACTICE = """\
Answer with the letter, letters, numbers or text the question asks for. Commands:
  ? or help     this help
  s or skip     skip this question
  quit          stop here and see how you did"""


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "quiz",
        parents=[common],
        help="practice questions or take a timed exam (--plain: as plain text)",
        description=(
            "Practice with immediate feedback, or take a timed exam drawn from a blueprint in "
            "question_bank/exams. With --plain it runs as plain lines on stdin/stdout, for "
            "screen readers, scripts and ssh. An unfinished exam is offered for resuming (n "
            "leaves it open); one open in another window is left to it, and can be taken over "
            "once that window is gone."
        ),
        epilog="Same --seed, same questions: instructors can hand out reproducible forms.",
    )
    parser.add_argument(
        "--plain", action="store_true", help="plain text line by line, without the terminal app"
    )
    selection_group(parser, verb="practise")
    parser.add_argument(
        "--count", type=positive_int, default=10, metavar="N",
        help="practice questions (default 10)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.plain:
        error("the quiz runs in the terminal app (run pacs-trainer) or as text: add --plain")
        return 2
    from trainer.core.clock import SystemClock

    return plain(args, stdin=sys.stdin, stdout=sys.stdout, clock=SystemClock())


# --- the command ------------------------------------------------------------------------


def plain(
    args: argparse.Namespace,
    *,
    stdin: IO[str],
    stdout: IO[str],
    clock: Clock,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run `quiz --plain` on these streams and this clock (the tests drive it in-process;
    `sleep` waits while another window holds the exam)."""
    from trainer.commands import context, open_store
    from trainer.core.exam import ExamSession, ShortDraw
    from trainer.core.store import StoreError

    console = Console(stdin, stdout)
    setup = context(args, clock)
    blueprints = exam_blueprints(setup)
    blueprint = blueprints.get(args.exam) if args.exam is not None else None
    if args.exam is not None and blueprint is None:
        return unknown_blueprint(args.exam, blueprints)
    plan = practice_plan(args, setup) if blueprint is None else None
    if isinstance(plan, int):
        return plan
    store = open_store(setup)
    if store is None:
        return 1
    catalog = setup.banks
    if catalog.errors:
        bad = len({e.file for e in catalog.errors})
        print(f"pacs-trainer: warning: skipped {bad} bad bank file(s); see pacs-trainer bank list",
              file=sys.stderr)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    pool = setup.question_pool(seed)

    try:
        outcome = _unfinished_first(console, store, blueprints, pool, clock, sleep)
        if outcome is not None:
            return outcome
        if blueprint is not None:
            if store.unfinished_attempt() is not None:
                console.say("A new exam can start once your open exam is submitted.")
                return 1
            try:
                session = ExamSession.start(store, blueprint, pool, seed=seed, clock=clock,
                                            place=PLACE)
            except ShortDraw as exc:
                error(f"cannot draw the exam {blueprint.id!r} from the questions at hand: {exc}")
                return 1
            return _run_exam(console, session)
        assert plan is not None
        return _practice(plan, args.count, console, store, pool, seed, clock)
    except StoreError as exc:  # a fault of the disk or the store outside an answer
        error(str(exc))
        return 1
    finally:
        store.close()


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


PLACE = "plain mode"  # how another window names this one: "open in another window (plain mode)"


def _offer_resume(console: Console, session: ExamSession) -> int | None:
    """Resume the unfinished exam (its exit status), or leave it open for later (None)."""
    title = strip_controls(session.blueprint.title)
    if session.report is not None:
        console.say(f'The time of your unfinished exam "{title}" ran out while it was closed, '
                    "so it was submitted with the answers you had given.")
        print_report(console, session.report)
        console.say()
        return None
    console.say(f'You have an unfinished exam: "{title}", {_standing(session)} '
                "(the clock keeps running while it is closed).")
    choice = console.confirm("Resume it? (n leaves it open for later)", default=True)
    if choice:
        return _run_exam(console, session, resumed=True)
    session.release()
    if choice is None:
        console.say("Input ended: the exam is saved as it stands.")
        return 0
    console.say("It stays open, and its clock keeps running: resume it with the same command "
                "or in the app.")
    return None


def _standing(session: ExamSession) -> str:
    answered = len(session.items) - len(session.unanswered)
    return (f"{answered} of {len(session.items)} answered, {len(session.flagged)} flagged, "
            f"{clock_text(session.remaining())} left")


def _open_elsewhere(
    console: Console, held: OpenElsewhere, clock: Clock, sleep: Callable[[float], None]
) -> int | None:
    """The exam is open in another window: say so, and take it over only once that window
    is gone (its lease runs out unrenewed). An exit status, or None to go on with practice."""
    from trainer.core.store import AttemptClosed, ExamHeld

    session = held.session
    title = strip_controls(session.blueprint.title)
    console.say(
        f'Your exam "{title}" is open in {held.where}: {_standing(session)}. Answer it '
        "there; this window does not change it."
    )
    wait = max(0, math.ceil((held.until - clock.now()).total_seconds()))
    choice = console.confirm(
        f"If that window is closed, this one can take the exam over in {wait} s. Wait and "
        "take it over?", default=False,
    )
    if not choice:
        return 0 if choice is None else None
    console.say("Waiting for the other window to let it go...")
    give_up = held.until
    while True:
        try:
            session.take()
            break
        except ExamHeld as again:
            if clock.now() > give_up:
                console.say(f"It is still in use in {held.where} (it was active a moment "
                            "ago): finish it there.")
                return 1
            sleep(max(0.05, min(1.0, (again.until - clock.now()).total_seconds())))
        except AttemptClosed:
            session.refresh()
            break
    if session.report is not None:
        console.say("It was submitted in the other window meanwhile.")
        print_report(console, session.report)
        return 0
    return _run_exam(console, session, resumed=True)


# --- exam -------------------------------------------------------------------------------


def _run_exam(console: Console, session: ExamSession, resumed: bool = False) -> int:
    """Sit the exam in this window; the lease goes when the learner stops or the input ends."""
    try:
        return _sit(console, session, resumed)
    finally:
        _let_go(session)


def _let_go(session: ExamSession) -> None:
    from trainer.core.store import AttemptClosed, StoreError

    try:
        session.release()
    except (StoreError, AttemptClosed):  # a full disk or a lost lease: it runs out by itself
        pass


def _unfinished_first(
    console: Console,
    store: Store,
    blueprints: BlueprintCatalog,
    pool: list[Question],
    clock: Clock,
    sleep: Callable[[float], None],
) -> int | None:
    """An unfinished exam comes before what was asked: resumed, closed or waited for. An exit
    code ends the run; None goes on."""
    from trainer.core.exam import ExamSession, FormUnavailable, OpenElsewhere

    try:
        session = ExamSession.resume(store, blueprints, pool, clock=clock, place=PLACE)
    except FormUnavailable as exc:
        console.say(f"Your unfinished exam cannot be resumed: {exc}.")
        if not console.confirm("Close it without a score and go on?", default=False):
            return 1
        store.abandon_attempt(exc.attempt_id)
        return None
    except OpenElsewhere as held:
        return _open_elsewhere(console, held, clock, sleep)
    return _offer_resume(console, session) if session is not None else None

def _introduce(console: Console, session: ExamSession, resumed: bool) -> None:
    blueprint = session.blueprint
    title = strip_controls(blueprint.title)
    if resumed:
        console.say(f"Resuming {title} at question {session.position + 1}.")
        return
    moves = ("free: any order, flag questions to review them" if blueprint.navigation == "free"
             else "sequential: forward only, no going back")
    console.say(
        f"{title}: {len(session.items)} questions, {blueprint.time_limit_minutes} minutes, "
        f"pass mark {blueprint.pass_mark:g}%. Navigation {moves}. Every answer is saved as you "
        "give it; feedback comes at the end. Type ? for help."
    )

def _sit(console: Console, session: ExamSession, resumed: bool) -> int:
    from trainer.core.exam import ExamClosed
    from trainer.core.store import AttemptClosed, LeaseLost, StoreError

    _introduce(console, session, resumed)
    current: int | None = session.position
    shown = False
    while True:
        try:
            for minutes in session.due_warnings():
                console.say(f"Warning: {minutes} minute{'s' if minutes > 1 else ''} left.")
            if session.expired:
                return _finish(console, session, "Time is up: the exam is submitted.")
            if not shown:
                _show_exam_item(console, session, current)
                shown = True
            try:
                line = console.ask(timeout=_next_event(session), beat=session.keep)
            except TimeoutError:
                continue
            if line is None:
                console.say("Input ended: every answer is saved. Run the same command to resume; "
                            "the clock keeps running.")
                return 0
            if session.expired:
                return _finish(console, session, "Time is up: that came after the deadline and "
                               "was not saved. The exam is submitted.")
            outcome = _exam_input(console, session, current, line)
        except ValueError as exc:
            console.say(str(exc))
            continue
        except ExamClosed:
            continue  # the time ran out meanwhile: the loop submits
        except LeaseLost:
            console.say("This exam was taken over in another window, so this one stopped: "
                        "that answer was not saved here. Every answer saved before is kept; "
                        "go on in the other window.")
            return 1
        except AttemptClosed:
            if session.expired:
                continue
            session.refresh()
            console.say("This exam was already submitted in another window: that answer was "
                        "not saved. Your result:")
            assert session.report is not None
            print_report(console, session.report)
            return 0
        except StoreError as exc:
            console.say(_sentence(str(exc)))
            if session.expired:  # the submit itself failed: nothing to type that could help
                console.say("The exam is not graded yet. Every answer saved is kept: run the "
                            "same command again to grade it.")
                return 1
            continue
        if isinstance(outcome, _Exit):
            return outcome.status
        if isinstance(outcome, _Move):
            current, shown = outcome.index, False


@dataclass(frozen=True)
class _Move:
    index: int | None  # None: past the last question, the overview


@dataclass(frozen=True)
class _Exit:
    status: int


def _exam_input(
    console: Console, session: ExamSession, current: int | None, line: str
) -> _Move | _Exit | None:
    """Act on one line: an answer or a command. None stays on the question without
    showing it again; ValueError says what to type instead."""
    presented = session.items[current].presented if current is not None else None
    command = parse_command(presented, line)
    if command is None:
        if current is None or presented is None:
            raise ValueError("Choose a question first: go N, or submit.")
        session.answer(current, parse_response(presented, line))
        console.say("Saved.")
        return _step(session, current)
    free = session.blueprint.navigation == "free"
    if command == "help":
        console.say(HELP_EXAM)
        return _Move(current)  # the question again, as practice shows it after help
    if command == "list":
        console.say(_overview(session))
    elif command == "quit":
        console.say("Stopped: every answer is saved. Run the same command to resume; the "
                    "clock keeps running.")
        return _Exit(0)
    elif command == "submit":
        console.say(_overview(session))
        choice = console.confirm("Submit now?", default=False)
        if choice is None:
            console.say("Input ended: every answer is saved.")
            return _Exit(0)
        if choice:
            return _Exit(_finish(console, session, "Submitted."))
    elif command in ("flag", "clear"):
        if current is None:
            raise ValueError("Choose a question first: go N.")
        if command == "flag":
            flagged = not session.items[current].flagged
            session.flag(current, flagged)
            console.say("Flagged for review." if flagged else "Flag removed.")
        else:
            session.answer(current, None)
            console.say("Answer removed.")
    elif command in ("skip", "next"):
        if current is None:
            raise ValueError("This is the end of the exam: go N, or submit.")
        return _step(session, current)
    elif command == "prev":
        target = (len(session.items) if current is None else current) - 1
        if not free:
            raise ValueError("You cannot go back in this exam.")
        if target < 0:
            raise ValueError("This is the first question.")
        return _go(session, target)
    else:  # go N
        return _go(session, int(command.split()[1]) - 1)
    return None


def _step(session: ExamSession, current: int) -> _Move:
    """On to the next question, or to the overview after the last."""
    if current + 1 >= len(session.items):
        return _Move(None)
    return _go(session, current + 1)


def _go(session: ExamSession, index: int) -> _Move:
    if not 0 <= index < len(session.items):
        raise ValueError(f"There is no question {index + 1}.")
    if not session.can_visit(index):
        raise ValueError("You cannot go back in this exam.")
    session.go(index)
    return _Move(index)


def _show_exam_item(console: Console, session: ExamSession, index: int | None) -> None:
    left = clock_text(session.remaining())
    if index is None:
        console.say(f"\nEnd of the exam, {left} left.")
        console.say(_overview(session))
        more = "go N to return to a question, or " if session.blueprint.navigation == "free" else ""
        console.say(f"Type {more}submit.")
        return
    item = session.items[index]
    flag = ", flagged" if item.flagged else ""
    console.say(f"\nQuestion {index + 1} of {len(session.items)}, {left} left{flag}")
    console.say(render_question(item.presented))
    if item.response is not None:
        console.say(f"Your answer: {strip_controls(format_input(item.presented, item.response))}")
    console.say(answer_hint(item.presented))


def _overview(session: ExamSession) -> str:
    answered = len(session.items) - len(session.unanswered)
    lines = [f"Answered {answered} of {len(session.items)}."]
    if session.unanswered:
        lines.append("Unanswered: " + ", ".join(str(i + 1) for i in session.unanswered) + ".")
    if session.flagged:
        lines.append("Flagged: " + ", ".join(str(i + 1) for i in session.flagged) + ".")
    return " ".join(lines)


def _next_event(session: ExamSession) -> float:
    """Seconds until the next warning or the deadline, so the prompt wakes up for it."""
    from trainer.core.exam import WARNING_MINUTES

    left = session.remaining().total_seconds()
    limit = session.time_limit.total_seconds()
    upcoming = [
        left - minutes * 60
        for minutes in WARNING_MINUTES
        if minutes * 60 < limit and minutes not in session.announced and left > minutes * 60
    ]
    return max(0.05, min([left, *upcoming]))


def _finish(console: Console, session: ExamSession, message: str) -> int:
    """Submit and print the report (what the store holds is graded; an exam graded in another
    window first comes back with that result). Store faults and a lost lease are raised."""
    report = session.submit()
    console.say(message)
    print_report(console, report)
    return 0


def print_report(console: Console, report: ExamReport) -> None:
    verdict = "PASSED" if report.passed else "NOT PASSED"
    console.say(
        f"\n{strip_controls(report.title)}: {report.right:g} of {report.scored_total} points "
        f"({report.score_percent:.1f}%). Pass mark {report.pass_mark:g}%: {verdict}."
    )
    console.say(f"Time used: {clock_text(report.time_used)} of {clock_text(report.time_limit)}.")
    if report.by_topic:
        console.say("\nBy topic:")
        console.say(topic_table(report.by_topic))
    console.say("\nReview:")
    for number, item in enumerate(report.review, 1):
        if item.grade.correct:
            verdict = "right"
        elif item.grade.score > 0:
            verdict = f"partly right, {item.grade.score:.2f} points"
        else:
            verdict = "not answered" if item.response is None else "wrong"
        pilot = ", pilot question, not scored" if item.pilot else ""
        console.say(f"\n{number}. ({verdict}{pilot})")
        console.say(render_question(item.presented))
        for line in feedback_lines(item.presented, item.response):
            console.say(line)


# --- practice ---------------------------------------------------------------------------


def _practice(
    plan: Plan,
    count: int,
    console: Console,
    store: Store,
    pool: list[Question],
    seed: int,
    clock: Clock,
) -> int:
    from trainer.core.practice import PracticeSession, select_questions

    mistakes = store.mistakes() if plan.mistakes else []
    if plan.mistakes and not mistakes:
        console.say("No mistakes to practise: your latest answer to every question was right.")
        return 0
    rng = random.Random(seed)
    questions = select_questions(
        pool, rng=rng, count=count, topics=plan.topics, lesson=plan.lesson, course=plan.course,
        mistakes=mistakes,
    )
    if not questions:
        error(f"no questions for {plan.what}")
        return 1
    session = PracticeSession(questions, rng, clock, store)
    console.say(f"Practice, {plan.what}: {session.total} questions. Type ? for help.")
    return _run_practice(console, session)


def _run_practice(console: Console, session: PracticeSession) -> int:
    from trainer.core.store import StoreError

    while session.current is not None:
        presented = session.current
        console.say(f"\nQuestion {session.index + 1} of {session.total}")
        console.say(render_question(presented))
        console.say(answer_hint(presented))
        shown_at = session.clock.now()
        while True:
            line = console.ask()
            if line is None:
                console.say("Input ended: your answers are saved.")
                return _practice_summary(console, session)
            command = parse_command(presented, line)
            if command in ("help", "skip", "quit"):
                break
            if command is not None:
                console.say("That command is for exams. Type ? for help.")
                continue
            try:
                response = parse_response(presented, line)
            except ValueError as exc:
                console.say(str(exc))
                continue
            seconds = (session.clock.now() - shown_at).total_seconds()
            try:
                result = session.answer(response, seconds)
            except StoreError as exc:  # not graded, not counted: type it again
                console.say(_sentence(str(exc)))
                continue
            if result.correct:
                console.say("Right.")
            else:
                console.say(f"Partly right ({result.score:.2f})." if result.score else "Not right.")
            for text in feedback_lines(presented, response):
                console.say(text)
            break
        if command == "help":
            console.say(HELP_PRACTICE)
            continue
        if command == "quit":
            break
        session.advance()
    return _practice_summary(console, session)


def _practice_summary(console: Console, session: PracticeSession) -> int:
    console.say(f"\nDone: {session.right} of {session.answered} answered right "
                f"({session.total} questions).")
    if session.answered:
        console.say(topic_table(session.summary()))
    missed = session.missed()
    if missed:
        console.say("To review: " + ", ".join(q.full_id for q in missed))
        console.say("Practise them again with: pacs-trainer quiz --plain --mistakes")
    return 0

