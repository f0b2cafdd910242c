"""The Textual application and the one factory that builds it for the CLI and the tests."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from trainer.core.banks import Catalog
    from trainer.core.blueprints import Blueprint, BlueprintCatalog
    from trainer.core.exam import ExamSession
    from trainer.core.lessons import Lesson
    from trainer.core.practice import PracticeSession
    from trainer.core.questions import Question

from trainer.core.clock import Clock
from trainer.core.context import Context
from trainer.core.course import Place, next_place
from trainer.core.lessons import LessonCatalog
from trainer.core.sanitize import escape_controls
from trainer.core.store import ExamAttempt, ProgressStore, StoreError
from trainer.ui.sections import SECTIONS, section

PLACE = "the terminal app"  # how another window names this one: "open in another window (...)"


class PacsTrainerApp(App[int]):
    TITLE = "pacs-trainer"
    SUB_TITLE = "DICOM SOP classes for PACS analysts"
    CSS_PATH = "app.tcss"
    # F1 has priority so that it works over dialogs too (a modal hides the app's bindings).
    # ctrl+q without Textual's tooltip, which the Keys panel printed after the name: "Quit Quit
    # the app and return to the command prompt."
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", priority=True),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(self, setup: Context, store: ProgressStore | None) -> None:
        """`store` None: a classroom, where the learner signs in before anything opens."""
        super().__init__()
        self.setup = setup
        self._store = store
        self.clock: Clock = setup.clock
        self.seed = setup.seed
        self._faults_told: set[type[StoreError]] = set()  # kinds of fault told already

    @property
    def store(self) -> ProgressStore:
        if self._store is None:
            raise RuntimeError("no learner has signed in")
        return self._store

    @property
    def is_instructor(self) -> bool:
        return self.setup.signed_in is not None and self.setup.signed_in.is_instructor

    def on_mount(self) -> None:
        if self._store is None:
            from trainer.ui.screens.sign_in import SignInScreen

            self.push_screen(SignInScreen(), lambda _: self._signed_in())
        else:
            self._open_home()

    def _signed_in(self) -> None:
        from trainer.core.store import StoreError

        try:
            store = self.setup.open_store()
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open your progress", severity="error",
                        markup=False, timeout=30)
            return
        self._store = self._keeping(store) if self.setup.store_is_server else store
        self.sub_title = f"Signed in as {self.setup.learner}"
        self._open_home()

    def _keeping(self, store: ProgressStore) -> ProgressStore:
        """A classroom store that keeps answers here while its server is away, and retries
        (with backoff) every second until they are written."""
        from trainer.core.review import rebuild
        from trainer.core.store.outbox import Outbox

        outbox = Outbox(store, self.setup.kept_journal(), rebuild, told=self._told)

        def retry() -> None:
            if outbox.pending:
                self.run_worker(outbox.retry, thread=True, exclusive=True, group="kept")

        self.set_interval(1.0, retry)
        return cast(ProgressStore, outbox)

    def _told(self, message: str) -> None:
        """Say how the classroom database is doing, from any thread."""
        def say() -> None:
            self.notify(message, title="Your answers are safe", markup=False, timeout=10)

        try:
            self.call_from_thread(say)
        except RuntimeError:  # already on the app's thread
            say()

    def _open_home(self) -> None:
        saved = self.store.get_setting("theme")
        if saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        from trainer.ui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.store.read_only:
            self.notify(
                f"Your progress in {self.store.location} can be read but not saved here (the "
                "file, its folder or its disk cannot be written). Run with --data-dir DIR to "
                "keep progress elsewhere.",
                title="Read only", severity="warning", markup=False, timeout=15,
            )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification passes here: what it quotes from a file (a path, a title, an
        error) shows its control and invisible characters as escapes instead of acting."""
        super().notify(
            escape_controls(message, keep="\n"),
            title=escape_controls(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker ends up: the learner is told, the app goes on."""
        if event.state is not WorkerState.ERROR:
            return
        what = event.worker.description or "working in the background"
        error = event.worker.error
        self.notify(f"Something went wrong while {what}: {error}", title="Not done",
                    severity="error", markup=False, timeout=10)

    def tell_store_error(self, error: StoreError, *, once: bool = False) -> None:
        """A write the learner asked for failed: say which fault (full, read-only, locked,
        damaged) and that what was saved before is safe; never a traceback. `once`: a kind of
        fault told already is not told again (a page turn, the theme: things done in passing)."""
        text = str(error)
        if once and type(error) in self._faults_told:
            return
        self._faults_told.add(type(error))
        self.notify(text[:1].upper() + text[1:], title="Not saved", severity="error",
                    markup=False, timeout=12)

    @contextmanager
    def saving(self, *, once: bool = False) -> Iterator[None]:
        """Around a learner's action that writes: a store fault is told, and the rest of the
        block (showing the action as done) does not happen, so the learner can try again."""
        try:
            yield
        except StoreError as error:
            self.tell_store_error(error, once=once)
        else:
            self._faults_told.clear()  # it writes again: a new fault is news

    def _remember_theme(self, theme: Theme) -> None:
        with self.saving(once=True):
            self.store.set_setting("theme", theme.name)

    @property
    def lessons(self) -> LessonCatalog:
        return self.setup.lessons

    @property
    def banks(self) -> Catalog:
        """Every question bank; bad ones are skipped and listed in `errors`."""
        return self.setup.banks

    def open_section(self, section_id: str) -> None:
        """Open a home-screen section by id (the home list and the command palette use it)."""
        section(section_id).open(self)

    def open_study_list(self) -> None:
        """A synthetic worklist (seed from --seed, else 1) to browse down to DICOM headers."""
        from trainer.core.studies import generate_studies
        from trainer.ui.screens.studies import StudyBrowserScreen

        seed = self.seed if self.seed is not None else 1
        title = f"Study list, seed {seed} (synthetic)"
        self.push_screen(StudyBrowserScreen(generate_studies(seed, 10), title))

    def open_cohort_report(self) -> None:
        """The instructor's dashboard: every learner of the classroom, counted on a worker."""
        if not self.is_instructor:
            self.notify("Only an instructor can see the cohort report.", severity="warning")
            return
        from trainer.ui.screens.cohort import CohortScreen

        self.push_screen(CohortScreen())

    def open_progress(self) -> None:
        """The dashboard is kept between visits (building its widgets is most of the cost of
        opening it); each visit counts the figures afresh."""
        from trainer.ui.screens.progress import ProgressScreen

        if not self.is_screen_installed("progress"):
            self.install_screen(ProgressScreen(), "progress")
        screen = self.get_screen("progress", ProgressScreen)
        if screen in self.screen_stack:  # open already, under the screen in use (the palette)
            screen = ProgressScreen()  # another, dropped when the learner leaves it
        screen.open()

    def action_help(self) -> None:
        from trainer.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            where = self._store.location if self._store else "a classroom (sign in first)"
            topic = next((screen.HELP_TOPIC for screen in reversed(self.screen_stack)
                          if getattr(screen, "HELP_TOPIC", None)), "home")
            self.push_screen(HelpScreen(where, topic))

    def next_place(self) -> Place:
        """Where Continue goes: see trainer.core.course."""
        return next_place(self.lessons, self.store.lesson_progress(), self.store.last_lesson())

    def continue_reading(self) -> None:
        """The lesson read last at its page; once it is complete, the next one to read."""
        place = self.next_place()
        if place.lesson is not None:
            self.open_lesson(place.lesson.id, page=place.page)
        elif self.lessons.lessons:
            self.notify("Every lesson is complete. Review what is due, or take an exam.")
            self.open_section("lessons")
        else:
            self.notify("No lessons were found.", severity="error")

    def open_lesson(
        self,
        lesson_id: str,
        *,
        page: int | None = None,
        anchor: str | None = None,
        replace: bool = False,
    ) -> None:
        """Open a lesson at a page, an anchor, or where the learner left it."""
        from trainer.ui.screens.lessons import ReaderScreen

        lesson = self.lessons.get(lesson_id)
        if lesson is None:
            self.notify(f"There is no lesson {lesson_id!r}.", severity="error", markup=False)
            return
        if anchor is not None:
            page = lesson.page_index(anchor)
        if page is None:
            progress = self.store.lesson_progress().get(lesson_id)
            page = progress.last_page if progress else 0
        page = max(0, min(page, len(lesson.pages) - 1))  # a lesson may have fewer pages now
        screen = ReaderScreen(lesson, page)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    @property
    def blueprints(self) -> BlueprintCatalog:
        return self.setup.blueprints

    def open_exams(self) -> None:
        """Offer the exam left open if there is one, else the blueprints."""
        attempt = self.store.unfinished_attempt()
        if attempt is not None:
            self.offer_open_exam(attempt)
            return
        from trainer.ui.screens.exam import ExamPickerScreen

        self.push_screen(ExamPickerScreen())

    def offer_open_exam(self, attempt: ExamAttempt) -> None:
        """An exam left open (closed app, crash, power cut, another window): ask first, naming
        it by its title; one whose time ran out offers its result; one held by another
        window says so."""
        from trainer.ui.screens.exam import open_exam_question

        if attempt.held(self.clock.now()):  # by another window: this one's let it go
            self.resume_exam()
            return

        def decided(resume: bool | None) -> None:
            if resume:
                self.resume_exam()

        self.push_screen(open_exam_question(self, attempt), decided)

    def quiz_seed(self) -> int:
        """--seed when given (reproducible forms), else a fresh one for each quiz."""
        return self.setup.quiz_seed()

    def start_exam(self, blueprint: Blueprint) -> None:
        from trainer.core.exam import ExamSession, ShortDraw

        seed = self.quiz_seed()
        try:
            with self.saving():
                session = ExamSession.start(
                    self.store, blueprint, self.question_pool(seed), seed=seed, clock=self.clock,
                    place=PLACE,
                )
                self.switch_screen(self.exam_screen(session))
        except ShortDraw as exc:
            self.notify(str(exc), title="This exam cannot be filled", severity="error",
                        markup=False)

    def exam_screen(self, session: ExamSession) -> Screen[None]:
        from trainer.ui.screens.exam import ExamScreen, SequentialExamScreen

        free = session.blueprint.navigation == "free"
        return ExamScreen(session) if free else SequentialExamScreen(session)

    def resume_exam(self) -> None:
        """Reopen the unfinished exam as it stood; graded at once if its time ran out; held
        by another window, say so and offer to take it over once that window is gone."""
        from trainer.core.exam import ExamSession, FormUnavailable, OpenElsewhere
        from trainer.ui.screens.exam import ExamReportScreen, HeldElsewhere

        attempt = self.store.unfinished_attempt()
        if attempt is None:
            return
        try:
            with self.saving():
                session = ExamSession.resume(
                    self.store, self.blueprints, self.question_pool(attempt.seed),
                    clock=self.clock, place=PLACE,
                )
                if session is None:
                    return
                if session.report is not None:
                    self.push_screen(ExamReportScreen(session.report))
                else:
                    self.push_screen(self.exam_screen(session))
        except OpenElsewhere as held:
            self.push_screen(HeldElsewhere(held))
        except FormUnavailable as exc:
            from trainer.ui.screens.confirm import Confirm

            attempt_id = exc.attempt_id  # `exc` is unbound once the except block ends

            def close(yes: bool | None) -> None:
                if yes:
                    with self.saving():
                        self.store.abandon_attempt(attempt_id)

            details = f"{exc}\nClose it without a score, so a new exam can start?"
            self.push_screen(Confirm("This exam cannot be resumed", details, "Close it", "Keep"),
                             close)

    def question_pool(self, seed: int) -> list[Question]:
        """Bank and generated questions for a seed (the generated part depends on it)."""
        return self.setup.question_pool(seed)

    def start_practice(
        self,
        *,
        count: int,
        seed: int,
        topics: Iterable[str] = (),
        sources: Iterable[str] = (),
        banks: Iterable[str] = (),
        mistakes: Iterable[str] = (),
        lesson: Lesson | None = None,
        replace: bool = False,
    ) -> None:
        """Draw a practice round from the pool and open it; say so when nothing matches."""
        from trainer.core.practice import select_questions

        rng = random.Random(seed)
        questions = select_questions(
            self.question_pool(seed),
            rng=rng,
            count=count,
            topics=lesson.topics if lesson else topics,
            lesson=lesson.id if lesson else None,
            course=[known.id for known in self.lessons.lessons],
            sources=sources,
            banks=banks,
            mistakes=mistakes,
        )
        if not questions:
            self.notify("No questions match that choice.", severity="warning")
            return
        chosen = list(topics)
        if lesson:
            title = f"Practice: {lesson.title}"
        elif len(chosen) == 1:
            from trainer.core.topics import topic_title

            title = f"Practice: {topic_title(chosen[0])}"
        else:
            title = "Practice"
        self.run_practice(questions, title, rng=rng, replace=replace)

    def run_practice(
        self,
        questions: list[Question],
        title: str,
        *,
        rng: random.Random | None = None,
        replace: bool = False,
        mode: str = "practice",
    ) -> PracticeSession:
        """A practice round (or, with mode "review", a spaced-review round) on these questions;
        the session, for a caller that wants to know what was answered."""
        from trainer.core.practice import PracticeSession
        from trainer.ui.screens.practice import PracticeScreen

        session = PracticeSession(
            questions, rng=rng or random.Random(self.seed), clock=self.clock, store=self.store,
            mode=mode,
        )
        screen = PracticeScreen(session, title)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        return session

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Sections, keys and where progress is kept", self.action_help)
        if self._store is None:  # nothing opens before the learner signs in
            return
        for item in SECTIONS:
            if not item.available(self):
                continue
            yield SystemCommand(
                f"Open {item.title}",
                item.description,
                lambda section_id=item.id: self.open_section(section_id),
            )


def make_app(
    *,
    data_dir: str | Path | None = None,
    seed: int | None = None,
    bank_dirs: Iterable[str | Path] = (),
    clock: Clock | None = None,
    content_root: Path | None = None,
    store: str | None = None,
    learner: str | None = None,
) -> PacsTrainerApp:
    """Build the app exactly as the CLI does; raises StoreError if the progress file is bad.
    A classroom store (or serving) opens on the sign-in screen instead."""
    setup = Context.from_options(
        data_dir=data_dir, seed=seed, bank_dirs=bank_dirs, clock=clock, content_root=content_root,
        store=store, learner=learner,
    )
    if setup.sign_in_required:
        return PacsTrainerApp(setup, None)
    return PacsTrainerApp(setup, setup.open_store())
