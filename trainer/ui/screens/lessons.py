"""The lesson list and the page-by-page lesson reader."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from trainer.core.lessons import Lesson, parse_link
from trainer.ui.screens.base import TrainerModal, TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter
from trainer.ui.widgets.lesson_page import LessonPage


class LessonListScreen(TrainerScreen[None]):
    """Every lesson with its minutes and a completion mark; bad lesson files listed apart."""

    HELP_TOPIC = "lessons"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="lessons.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Lessons: Enter opens a lesson where you left it", id="lessons-title")
        yield OptionList(id="lesson-list")
        yield Static(id="lesson-errors")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_list()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        catalog = self.app.lessons
        progress = self.app.store.lesson_progress()
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for number, lesson in enumerate(catalog.lessons, start=1):
            done = progress.get(lesson.id)
            label = Text("✓ " if done and done.completed else "  ", style="green bold")
            label.append(f"{number}. {lesson.title}")
            label.append(f"  {lesson.minutes} min", style="dim")
            options.add_option(Option(label, id=lesson.id))
        options.highlighted = highlighted if highlighted is not None else 0
        errors = self.query_one("#lesson-errors", Static)
        if catalog.errors:
            text = Text("Lesson files with errors (fix them and restart):\n", style="bold red")
            for error in catalog.errors:
                text.append(f"{error}\n")
            errors.update(text)
        errors.display = bool(catalog.errors)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.open_lesson(str(event.option.id))


class TableOfContents(TrainerModal[int | None]):
    """The pages of a lesson; the current one marked, the ones already read ticked."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="toc.close")]

    def __init__(self, lesson: Lesson, current: int, read: frozenset[int], complete: bool) -> None:
        super().__init__()
        self.lesson = lesson
        self.current = current
        self.read = read
        self.complete = complete

    def compose(self) -> ComposeResult:
        options = []
        for index, page in enumerate(self.lesson.pages):
            read = self.complete or index in self.read
            label = Text("▶ " if index == self.current else ("✓ " if read else "  "))
            label.append(f"{index + 1}. {page.title}")
            options.append(Option(label, id=str(index)))
        with Vertical(id="dialog"):
            yield Label(Text(f"Contents: {self.lesson.title}"), id="dialog-title")
            yield OptionList(*options, id="toc")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.current
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(str(event.option.id)))


class LinkPicker(TrainerModal[str | None]):
    """The links on a page, to follow from the keyboard."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="links.close")]

    def __init__(self, links: list[tuple[str, str]]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Links on this page", id="dialog-title")
            yield OptionList(*(Option(Text(text or href)) for text, href in self.links))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.links[event.option_index][1])


class ReaderScreen(TrainerScreen[None]):
    """One lesson, one page at a time, with its place ("3/7") always shown."""

    HELP_TOPIC = "lessons"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="reader.back"),
        Binding("right,n", "page(1)", "Next", id="reader.next", priority=True),
        Binding("left,p", "page(-1)", "Prev", id="reader.prev", priority=True),
        Binding("t", "contents", "Contents", id="reader.contents"),
        Binding("l", "links", "Links", id="reader.links"),
        Binding("c", "toggle_complete", "Complete", id="reader.complete"),
        Binding("z", "quiz", "Quiz", id="reader.quiz"),
    ]

    page: reactive[int] = reactive(0, init=False)

    def __init__(self, lesson: Lesson, page: int = 0) -> None:
        super().__init__()
        self.lesson = lesson
        self.set_reactive(ReaderScreen.page, max(0, min(page, len(lesson.pages) - 1)))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="reader-place")
        with VerticalScroll(id="reader-body"):
            yield LessonPage(id="reader-page")
            yield Static(id="reader-end")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show_page()
        self.query_one("#reader-body").focus()

    def watch_page(self) -> None:
        self.show_page()

    def on_screen_resume(self) -> None:
        """Back from a followed link or a quiz: this is where the learner is again."""
        if self.is_mounted:
            self.show_page(scroll=False)

    def show_page(self, scroll: bool = True) -> None:
        lesson, index = self.lesson, self.page
        page = lesson.pages[index]
        store = self.app.store
        with self.app.saving(once=True):  # the page shows even if the place cannot be kept
            store.set_lesson_page(lesson.id, index)
        progress = store.lesson_progress().get(lesson.id)  # none: it could not be saved
        done = progress is not None and progress.completed
        if progress is not None and not done and len(progress.pages_read) >= len(lesson.pages):
            with self.app.saving(once=True):
                store.mark_lesson_complete(lesson.id)  # every page read: the lesson is done
                self.notify("Lesson complete: every page read.")
                done = True
        place = Text(f"{lesson.title}", style="bold")
        place.append(f"  {index + 1}/{len(lesson.pages)} ", style="reverse")
        if done:
            place.append("  ✓ complete", style="green")
        self.query_one("#reader-place", Static).update(place)
        self.query_one("#reader-page", LessonPage).show(page.title, page.markdown)
        self._show_end()
        if scroll:
            self.query_one("#reader-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    def _next_lesson(self) -> Lesson | None:
        lessons = self.app.lessons.lessons
        ids = [lesson.id for lesson in lessons]
        at = ids.index(self.lesson.id) if self.lesson.id in ids else len(ids)
        return lessons[at + 1] if at + 1 < len(lessons) else None

    def _show_end(self) -> None:
        """On the last page: what to do next (quiz, next lesson)."""
        end = self.query_one("#reader-end", Static)
        last = self.page == len(self.lesson.pages) - 1
        end.display = last
        if not last:
            return
        after = self._next_lesson()
        text = Text("End of the lesson. ", style="bold")
        text.append("z: quiz me on it")
        if after is not None:
            text.append("   →: next lesson, ")
            text.append(after.title, style="bold")
        else:
            text.append("   That was the last lesson: try an exam from the home screen.")
        end.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            step = parameters[0]
            target = self.page + (step if isinstance(step, int) else 0)
            if target == len(self.lesson.pages):  # past the end: on to the next lesson
                return self._next_lesson() is not None or None
            return 0 <= target < len(self.lesson.pages) or None
        if action == "links":
            return bool(self.lesson.pages[self.page].links) or None
        return True

    def action_page(self, step: int) -> None:
        after = self._next_lesson()
        if self.page + step >= len(self.lesson.pages) and after is not None:
            self.app.open_lesson(after.id, replace=True)
            return
        self.page = max(0, min(self.page + step, len(self.lesson.pages) - 1))

    def action_contents(self) -> None:
        progress = self.app.store.lesson_progress().get(self.lesson.id)  # none: not saved
        read = progress.pages_read if progress else frozenset({self.page})
        completed = progress is not None and progress.completed

        def jump(index: int | None) -> None:
            if index is not None:
                self.page = index

        self.app.push_screen(
            TableOfContents(self.lesson, self.page, read, completed), jump
        )

    def action_links(self) -> None:
        """Pick one of the page's links and follow it."""

        def follow(href: str | None) -> None:
            if href is not None:
                self.follow_link(href)

        self.app.push_screen(LinkPicker(self.lesson.pages[self.page].links), follow)

    def action_toggle_complete(self) -> None:
        store = self.app.store
        progress = store.lesson_progress().get(self.lesson.id)
        complete = not (progress is not None and progress.completed)
        with self.app.saving():
            store.mark_lesson_complete(self.lesson.id, complete)
            self.notify("Lesson marked complete." if complete else "Lesson marked not complete.")
            self.show_page()

    def action_quiz(self) -> None:
        """A practice round on this lesson's topics and the questions anchored to it."""
        seed = self.app.quiz_seed()
        self.app.start_practice(count=10, seed=seed, lesson=self.lesson)

    def follow_link(self, href: str) -> None:
        target = parse_link(href)
        if target is None:
            self.notify(f"External link (open it in a browser): {href}", markup=False)
            return
        lesson_id, anchor = target
        if lesson_id == self.lesson.id and anchor:
            index = self.lesson.page_index(anchor)
            if index is not None:
                self.page = index
            return
        self.app.open_lesson(lesson_id, anchor=anchor)  # esc comes back here
