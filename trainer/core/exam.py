"""Timed exams: a blueprint drawn into a form, then a session that never loses an answer.

`build_form` turns a blueprint and a question pool into an `ExamForm` (question ids, a
presentation seed each, which are unscored pilot items) with a seeded rng: same seed and same
content, same form. `ExamSession` stores the form when it starts, with the blueprint and every
question as it stood (so an upgrade that edits a bank or a generator between start and resume
changes nothing the learner sees or how it is graded), and every answer, flag and move the
moment it happens, so a killed process resumes the same exam; the remaining time always comes
from the stored deadline on the injected clock (time runs on while the app is closed, as in a
real exam). Submitting grades the scored items and copies the answers into the answer history.

One exam, one writer: a session holds its attempt through a lease in the store (`take`), renews
it while it runs (`keep`, the heartbeat) and lets it go when the learner leaves (`release`). A
second window finds the exam held (`OpenElsewhere`) and may take it over only once the lease
has run out, that is once the first window is gone. The store re-checks every write in its
transaction, so a window that lost the exam, or whose exam was graded elsewhere, is refused
(`LeaseLost`, `AttemptClosed`) and never grades or changes what the holder saved.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from trainer.core.blueprints import Blueprint, BlueprintCatalog
from trainer.core.clock import Clock
from trainer.core.pool import find_questions
from trainer.core.practice import TopicScore, topic_scores
from trainer.core.questions import Grade, Presented, Question, grade, in_bank, present
from trainer.core.review import schedule_answers
from trainer.core.store import (
    AttemptClosed,
    ExamHeld,
    GradedAnswer,
    ProgressStore,
    StoreError,
)

WARNING_MINUTES = (10, 5, 1)
LEASE = timedelta(seconds=20)  # a window gone this long without a heartbeat may be replaced
HEARTBEAT = timedelta(seconds=5)  # how often a window renews its lease
FORM_VERSION = 2  # 2: each item carries its question as it stood when the exam started
_QUESTION = TypeAdapter(Question)


class ShortDraw(Exception):
    """The pool cannot fill the blueprint; the message names each draw that is short."""

    def __init__(self, blueprint: Blueprint, shortfalls: Sequence[str]) -> None:
        super().__init__("; ".join(shortfalls))
        self.blueprint = blueprint
        self.shortfalls = tuple(shortfalls)


class ExamClosed(RuntimeError):
    """An answer or flag came after the exam was submitted or its time ran out."""


class OpenElsewhere(Exception):
    """The exam is open in another window, whose lease runs until `until`. `session` shows
    it (read only); `session.take()` takes it over once the lease has run out."""

    def __init__(self, session: ExamSession, held: ExamHeld) -> None:
        super().__init__(f"{session.blueprint.title} is open in {holder_place(held.holder)}")
        self.session = session
        self.holder = held.holder
        self.until = held.until

    @property
    def where(self) -> str:
        return holder_place(self.holder)


def new_holder(place: str) -> str:
    """A lease holder's name: where it runs (for messages), and a unique tail."""
    return f"{place}#{uuid.uuid4().hex}"


def holder_place(holder: str) -> str:
    """Where a lease holder runs, as messages say it: "another window (plain mode)"."""
    place = holder.partition("#")[0]
    return f"another window ({place})" if place else "another window"


class FormUnavailable(Exception):
    """A stored attempt cannot be rebuilt: some of its questions are gone."""

    def __init__(self, attempt_id: int, message: str) -> None:
        super().__init__(message)
        self.attempt_id = attempt_id


@dataclass(frozen=True)
class FormItem:
    question_id: str
    seed: int  # for `present`: the order of choices, pairs and items
    pilot: bool = False


@dataclass(frozen=True)
class ExamForm:
    """One learner's exam: the questions in the order shown, and how each is presented."""

    blueprint_id: str
    items: tuple[FormItem, ...]

    @property
    def question_ids(self) -> list[str]:
        return [item.question_id for item in self.items]

    @property
    def pilot(self) -> list[int]:
        return [index for index, item in enumerate(self.items) if item.pilot]

    def to_data(self, questions: Sequence[Question]) -> list[dict[str, Any]]:
        """The items as stored, each with its question's full content."""
        return [
            {"id": i.question_id, "seed": i.seed, "pilot": i.pilot,
             "bank": question.bank, "question": question.model_dump(mode="json")}
            for i, question in zip(self.items, questions)
        ]

    @classmethod
    def from_data(cls, blueprint_id: str, data: list[dict[str, Any]]) -> ExamForm:
        items = tuple(FormItem(d["id"], int(d["seed"]), bool(d.get("pilot"))) for d in data)
        return cls(blueprint_id, items)


def build_form(blueprint: Blueprint, pool: Sequence[Question], rng: random.Random) -> ExamForm:
    """Draw a form. Draws are filled in file order, each from questions no earlier draw took,
    within the type limits; raises ShortDraw naming every draw the pool cannot fill."""
    eligible = [question for question in pool if blueprint.allows(question)]
    caps = blueprint.type_caps()
    per_type: Counter[str] = Counter()
    taken: set[str] = set()
    scored: list[Question] = []
    shortfalls: list[str] = []
    for index, (draw, needed) in enumerate(zip(blueprint.draws, blueprint.draw_counts())):
        candidates = [q for q in eligible if q.full_id not in taken and draw.matches(q)]
        rng.shuffle(candidates)
        chosen: list[Question] = []
        for question in candidates:
            if len(chosen) == needed:
                break
            cap = caps.get(question.type)
            if cap is not None and per_type[question.type] >= cap:
                continue
            chosen.append(question)
            per_type[question.type] += 1
            taken.add(question.full_id)
        if len(chosen) < needed:
            shortfalls.append(_short(f"draws[{index}] ({draw.describe()})", needed, len(chosen)))
        scored.extend(chosen)
    spare = [
        q for q in eligible if q.full_id not in taken and any(d.matches(q) for d in blueprint.draws)
    ]
    if len(spare) < blueprint.pilot_items:
        shortfalls.append(_short("pilot_items", blueprint.pilot_items, len(spare)))
    if shortfalls:
        raise ShortDraw(blueprint, shortfalls)
    if blueprint.shuffle:
        rng.shuffle(scored)
    items = [(question, False) for question in scored]
    for question in rng.sample(spare, blueprint.pilot_items):
        items.insert(rng.randint(0, len(items)), (question, True))
    return ExamForm(
        blueprint.id,
        tuple(FormItem(q.full_id, rng.getrandbits(32), pilot) for q, pilot in items),
    )


def draw(
    blueprint: Blueprint, pool: Sequence[Question], seed: int
) -> tuple[ExamForm, list[ExamItem]]:
    """The form a seed draws and its items as presented: what the app shows for that seed,
    and what a printed form prints. Raises ShortDraw."""
    form = build_form(blueprint, pool, random.Random(seed))
    by_id = {question.full_id: question for question in pool}
    return form, _items(form, [by_id[qid] for qid in form.question_ids])


def _short(where: str, needed: int, available: int) -> str:
    noun = "question" if needed == 1 else "questions"
    return f"{where}: needs {needed} {noun}, only {available} available"


@dataclass
class ExamItem:
    question: Question
    presented: Presented
    pilot: bool = False
    response: object = None
    flagged: bool = False


@dataclass(frozen=True)
class ReviewItem:
    question: Question
    response: object
    grade: Grade
    pilot: bool
    presented: Presented
    flagged: bool


@dataclass(frozen=True)
class ExamReport:
    title: str
    score_percent: float
    passed: bool
    pass_mark: float
    right: float  # points on the scored items (fractions with partial credit)
    scored_total: int
    by_topic: list[TopicScore]
    time_used: timedelta
    time_limit: timedelta
    review: list[ReviewItem]  # every item in form order, pilot items marked


@dataclass(eq=False)
class ExamSession:
    store: ProgressStore
    clock: Clock
    attempt_id: int
    blueprint: Blueprint
    form: ExamForm
    items: list[ExamItem]
    started_at: datetime
    deadline: datetime
    seed: int
    position: int = 0
    report: ExamReport | None = None
    announced: set[int] = field(default_factory=set)  # warnings given (minutes)
    holder: str = field(default_factory=lambda: new_holder(""))
    held_until: datetime | None = None  # our lease; None while another window may hold it

    # -- starting and resuming ---------------------------------------------------------

    @classmethod
    def start(
        cls,
        store: ProgressStore,
        blueprint: Blueprint,
        pool: Sequence[Question],
        *,
        seed: int,
        clock: Clock,
        place: str = "",
    ) -> ExamSession:
        """Draw a form (raises ShortDraw) and store it, held by this window, before the first
        question shows. `place` names this window in another window's messages."""
        form, items = draw(blueprint, pool, seed)
        started = clock.now()
        deadline = started + timedelta(minutes=blueprint.time_limit_minutes)
        stored_form = {
            "version": FORM_VERSION,
            "blueprint": blueprint.snapshot(),
            "items": form.to_data([item.question for item in items]),
        }
        holder = new_holder(place)
        attempt_id = store.start_attempt(
            blueprint.id, seed, stored_form, started_at=started, deadline=deadline,
            holder=holder, lease_until=started + LEASE,
        )
        return cls(store, clock, attempt_id, blueprint, form, items, started, deadline, seed,
                   holder=holder, held_until=started + LEASE)

    @classmethod
    def resume(
        cls,
        store: ProgressStore,
        blueprints: BlueprintCatalog,
        pool: Sequence[Question],
        *,
        clock: Clock,
        place: str = "",
    ) -> ExamSession | None:
        """The unfinished attempt as it stood, held by this window, or None. If its deadline
        passed while the app was closed, it is submitted here and `.report` holds the result.
        Raises FormUnavailable when its questions cannot all be found, and OpenElsewhere
        while another window holds it."""
        attempt = store.unfinished_attempt()
        if attempt is None:
            return None
        session = cls.open(store, attempt.id, blueprints, pool, clock=clock)
        session.holder = new_holder(place)
        if session.expired:
            session.submit()
            return session
        try:
            session.take()
        except ExamHeld as held:
            raise OpenElsewhere(session, held) from None
        except AttemptClosed:  # graded in another window a moment ago
            session.refresh()
        return session

    @classmethod
    def open(
        cls,
        store: ProgressStore,
        attempt_id: int,
        blueprints: BlueprintCatalog,
        pool: Sequence[Question],
        *,
        clock: Clock,
    ) -> ExamSession:
        """Rebuild a stored attempt exactly, read only (`take` holds it to write); a
        submitted one comes with its report. Raises FormUnavailable when it cannot be."""
        attempt = store.attempt(attempt_id)
        if attempt is None:
            raise LookupError(f"no exam attempt {attempt_id}")
        stored = attempt.form if isinstance(attempt.form, dict) else {}
        try:  # the rules it started with, even if the file changed since
            blueprint = Blueprint.model_validate(stored.get("blueprint"))
        except ValidationError:
            found = blueprints.get(attempt.blueprint)
            if found is None:
                raise FormUnavailable(
                    attempt.id, f"the blueprint {attempt.blueprint!r} of exam {attempt.id} is gone"
                ) from None
            blueprint = found
        try:
            form = ExamForm.from_data(blueprint.id, stored["items"])
            questions = _stored_questions(stored["items"], pool)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise FormUnavailable(
                attempt.id, f"the questions of exam {attempt.id} ({blueprint.title}) cannot be read"
            ) from None
        if not questions:
            raise FormUnavailable(attempt.id, f"exam {attempt.id} ({blueprint.title}) has no "
                                  "questions")
        missing = [qid for qid, q in zip(form.question_ids, questions) if q is None]
        if missing:
            shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
            raise FormUnavailable(
                attempt.id,
                f"exam {attempt.id} ({blueprint.title}) uses {len(missing)} question(s) no "
                f"longer in the banks: {shown}",
            )
        items = _items(form, questions)  # type: ignore[arg-type]
        session = cls(
            store, clock, attempt.id, blueprint, form, items, attempt.started_at,
            attempt.deadline, attempt.seed,
        )
        session.refresh()
        return session

    # -- one writer ---------------------------------------------------------------------

    def take(self) -> None:
        """Hold the exam in this window, then read it afresh (the last holder may have
        changed it). Raises ExamHeld while another window's lease runs."""
        until = self.clock.now() + LEASE
        self.store.take_lease(self.attempt_id, self.holder, until)
        self.held_until = until
        self.refresh()

    def keep(self) -> None:
        """The heartbeat, called often (every second in the app, while plain mode waits for
        a line): renews the lease when it is due. Raises LeaseLost once another window has
        taken the exam over, AttemptClosed once it was graded elsewhere."""
        if self.report is not None or self.held_until is None:
            return
        now = self.clock.now()
        if self.held_until - now > LEASE - HEARTBEAT:
            return
        self.store.renew_lease(self.attempt_id, self.holder, now + LEASE)
        self.held_until = now + LEASE

    def release(self) -> None:
        """Let the exam go (the learner left it): another window may resume it at once."""
        if self.held_until is not None and self.report is None:
            self.store.release_lease(self.attempt_id, self.holder)
        self.held_until = None

    def _still_held(self) -> bool:
        """Whether the store still names this window the holder (a store that cannot be
        reached now says nothing against it)."""
        try:
            attempt = self.store.attempt(self.attempt_id)
        except StoreError:
            return True
        return attempt is None or attempt.lease_holder == self.holder

    def refresh(self) -> None:
        """Read the answers, flags, place and warnings as stored; graded already (in another
        window), `report` is the stored result."""
        attempt = self.store.attempt(self.attempt_id)
        if attempt is None:
            raise LookupError(f"no exam attempt {self.attempt_id}")
        states = self.store.exam_items(self.attempt_id)
        for index, item in enumerate(self.items):
            state = states.get(index)
            item.response = state.response if state else None
            item.flagged = state.flagged if state else False
        self.position = min(attempt.position, len(self.items) - 1)
        self.announced = self.store.announced_warnings(self.attempt_id)
        if attempt.submitted_at is not None:
            self.held_until = None
            self.report = self._grade(min(attempt.submitted_at, attempt.deadline))

    # -- time ---------------------------------------------------------------------------

    @property
    def time_limit(self) -> timedelta:
        return self.deadline - self.started_at

    def remaining(self) -> timedelta:
        """Time left before the deadline; never negative."""
        return max(timedelta(0), self.deadline - self.clock.now())

    @property
    def expired(self) -> bool:
        return self.clock.now() >= self.deadline

    def due_warnings(self) -> list[int]:
        """The "N minutes left" warning to give now, as [N], once per threshold (10, 5, 1).

        Thresholds not below the time limit never fire. When several were crossed at once
        (after a resume) only the nearest is returned; all are marked announced, in the store
        too, so a resumed exam does not repeat them."""
        if self.report is not None or self.expired:
            return []
        left = self.remaining()
        limit = self.time_limit
        crossed = [
            minutes
            for minutes in WARNING_MINUTES
            if timedelta(minutes=minutes) < limit
            and left <= timedelta(minutes=minutes)
            and minutes not in self.announced
        ]
        if not crossed:
            return []
        self.announced.update(crossed)
        self.store.announce_warnings(self.attempt_id, crossed, holder=self.holder)
        return [min(crossed)]

    # -- answering and moving -------------------------------------------------------------

    def can_visit(self, index: int) -> bool:
        """Free navigation: any question. Sequential: this one and those after it."""
        if not 0 <= index < len(self.items):
            return False
        return self.blueprint.navigation == "free" or index >= self.position

    def go(self, index: int) -> None:
        """Move to a question; stored, so a resumed sequential exam cannot go back."""
        if not self.can_visit(index):
            raise ValueError(f"question {index + 1} cannot be visited now")
        if index != self.position:
            self.store.set_exam_position(self.attempt_id, index, holder=self.holder)
            self.position = index

    def answer(self, index: int, response: object) -> None:
        """Store the answer at once (None clears it). Raises ExamClosed after the deadline,
        and what the store raises (AttemptClosed, LeaseLost, StoreError) with nothing kept."""
        self._check_open(index)
        self.store.set_exam_response(self.attempt_id, index, response, holder=self.holder)
        self.items[index].response = response

    def flag(self, index: int, flagged: bool) -> None:
        """Mark a question for review (stored at once)."""
        self._check_open(index)
        self.store.set_exam_flag(self.attempt_id, index, flagged, holder=self.holder)
        self.items[index].flagged = flagged

    def _check_open(self, index: int) -> None:
        if self.report is not None:
            raise ExamClosed("the exam is submitted")
        if self.expired:
            raise ExamClosed("the time is up")
        if not self.can_visit(index):
            raise ValueError(f"question {index + 1} cannot be visited now")

    @property
    def unanswered(self) -> list[int]:
        return [index for index, item in enumerate(self.items) if item.response is None]

    @property
    def flagged(self) -> list[int]:
        return [index for index, item in enumerate(self.items) if item.flagged]

    # -- submitting -----------------------------------------------------------------------

    def submit(self) -> ExamReport:
        """Grade and close the attempt (also what auto-submit calls); calling again returns
        the same report. The scored answers (blanks as wrong) and the pilot answers given are
        copied to the answer history as mode "exam", and their review cards scheduled. What is
        graded is what the store holds (the holder, the one writer, has it in memory too,
        even what a classroom store keeps while its server is away); an exam graded meanwhile
        in another window comes back with that result. Before the deadline only the holder may
        submit (the store raises LeaseLost)."""
        if self.report is not None:
            return self.report
        if self.held_until is not None and self.expired and not self._still_held():
            self.held_until = None  # taken over meanwhile: this window's memory is stale
        if self.held_until is None:  # not this window's: what the holder saved counts
            self.refresh()
            if self.report is not None:
                return self.report
        report = self._grade(min(self.clock.now(), self.deadline))
        # A scored question left blank was not known in the time: it goes into the history
        # (and its card) as a wrong answer, as it counted in the score. A blank pilot did not.
        given = [r for r in report.review if r.response is not None or not r.pilot]
        submitted_at = self.started_at + report.time_used
        closed = self.store.submit_attempt(
            self.attempt_id,
            submitted_at=submitted_at,
            score=report.score_percent,
            passed=report.passed,
            answers=[
                GradedAnswer(r.question.full_id, r.response, r.grade.correct, r.grade.score)
                for r in given
            ],
            holder=self.holder,
        )
        if not closed:  # graded in another window first: its result is the result
            self.refresh()
            assert self.report is not None
            return self.report
        self.held_until = None
        self.report = report
        try:
            schedule_answers(
                self.store, [(r.question, r.grade.correct, None) for r in given], submitted_at
            )
        except StoreError:  # graded and kept; backfill makes the missing cards later
            pass
        return report

    def _grade(self, ended: datetime) -> ExamReport:
        review = [
            ReviewItem(
                item.question,
                item.response,
                grade(item.question, item.response, partial_credit=self.blueprint.partial_credit),
                item.pilot,
                item.presented,
                item.flagged,
            )
            for item in self.items
        ]
        scored = [r for r in review if not r.pilot]
        right = sum(r.grade.score for r in scored)
        percent = 100 * right / len(scored) if scored else 0.0
        return ExamReport(
            title=self.blueprint.title,
            score_percent=percent,
            passed=percent + 1e-9 >= self.blueprint.pass_mark,
            pass_mark=self.blueprint.pass_mark,
            right=right,
            scored_total=len(scored),
            by_topic=topic_scores((r.question, r.grade.score) for r in scored),
            time_used=max(timedelta(0), ended - self.started_at),
            time_limit=self.time_limit,
            review=review,
        )


def _items(form: ExamForm, questions: Sequence[Question]) -> list[ExamItem]:
    return [
        ExamItem(question, present(question, random.Random(item.seed)), item.pilot)
        for item, question in zip(form.items, questions)
    ]


def _stored_questions(
    items: list[dict[str, Any]], pool: Sequence[Question]
) -> list[Question | None]:
    """Each item's question as the form kept it; a form from before questions were kept
    (version 1), or a kept question this version cannot read, is looked up by id instead."""
    found: list[Question | None] = []
    for item in items:
        kept = item.get("question")
        question = None
        if isinstance(kept, dict):
            try:
                question = in_bank(_QUESTION.validate_python(kept), str(item.get("bank", "")))
            except ValidationError:
                question = None
        found.append(question)
    missing = [i for i, question in enumerate(found) if question is None]
    if missing:
        looked_up = find_questions(pool, [str(items[i]["id"]) for i in missing])
        for index, question in zip(missing, looked_up):
            found[index] = question
    return found

