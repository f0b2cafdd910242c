"""Titles from blueprints, banks and lessons are text, never Textual markup: a title such as
`C-STORE [/b] drill` or `[@click=app.quit]` shows literally on every screen that shows it, and
neither crashes the app nor runs an action."""

from __future__ import annotations

import shutil

from textual.widgets import Label, OptionList, SelectionList, Static

from trainer.core.paths import content_root
from trainer.ui.app import make_app
from trainer.ui.screens.confirm import Confirm
from trainer.ui.screens.exam import ExamPickerScreen, ExamReportScreen, ExamScreen
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.lessons import LessonListScreen, ReaderScreen, TableOfContents
from trainer.ui.screens.practice import PracticeSetupScreen

EXAM_TITLE = "C-STORE [/b] drill [@click=app.quit]"
BANK_TITLE = "[@click=app.quit]Bank[/]"
LESSON_TITLE = "UIDs [bold]and[/] [@click=app.quit]more"


def hostile_content(tmp_path):
    """A content root and a data folder whose titles are all markup-shaped."""
    root = tmp_path / "content"
    shutil.copytree(content_root() / "lessons", root / "lessons")
    shutil.copytree(content_root() / "question_bank", root / "question_bank")
    lesson = root / "lessons" / "03-uids.md"
    text = lesson.read_text("utf-8")
    lesson.write_text(text.replace("title: SOP Class UID vs SOP Instance UID",
                                   f'title: "{LESSON_TITLE}"', 1), "utf-8")
    data = tmp_path / "data"
    (data / "exams").mkdir(parents=True)
    (data / "exams" / "hostile.yaml").write_text(
        f'id: hostile\ntitle: "{EXAM_TITLE}"\nquestions: 2\ntime_limit_minutes: 5\n'
        "pass_mark: 50\ndraws:\n  - topics: [uids]\n    count: 2\n",
        "utf-8",
    )
    bank = root / "question_bank" / "uids.yaml"
    bank.write_text(bank.read_text("utf-8").replace(
        "title: SOP Class UID vs SOP Instance UID", f'title: "{BANK_TITLE}"', 1), "utf-8")
    return root, data


def shown(screen) -> str:
    """Every piece of text the screen's labels, statics and lists show, as plain text."""
    parts = [str(widget.render()) for widget in screen.query(Label)]
    parts += [str(widget.render()) for widget in screen.query(Static)]
    for options in screen.query(OptionList):
        parts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return "\n".join(parts)


async def test_hostile_titles_show_literally_everywhere(tmp_path, clock):
    root, data = hostile_content(tmp_path)
    app = make_app(data_dir=data, clock=clock, seed=5, content_root=root)
    async with app.run_test(size=(120, 40)) as pilot:
        # Exams: the picker, the confirmation, the running exam, the report, home.
        app.open_section("exam")
        await pilot.pause()
        assert isinstance(app.screen, ExamPickerScreen)
        assert EXAM_TITLE in shown(app.screen)
        picker = app.screen.query_one("#exam-list", OptionList)
        picker.highlighted = [
            picker.get_option_at_index(i).id for i in range(picker.option_count)
        ].index("hostile")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert f"Start “{EXAM_TITLE}”?" in shown(app.screen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        assert EXAM_TITLE in shown(app.screen)
        app.screen.finish(auto=False)
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen)
        assert EXAM_TITLE in shown(app.screen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert EXAM_TITLE in shown(app.screen)

        # Practice setup lists the banks by title.
        app.open_section("practice")
        await pilot.pause()
        assert isinstance(app.screen, PracticeSetupScreen)
        banks = app.screen.query_one("#banks", SelectionList)
        prompts = [str(banks.get_option_at_index(i).prompt) for i in range(banks.option_count)]
        assert f"{BANK_TITLE} (uids)" in prompts
        app.pop_screen()
        await pilot.pause()

        # Lessons: the list, the reader, the contents dialog.
        app.open_section("lessons")
        await pilot.pause()
        assert isinstance(app.screen, LessonListScreen)
        assert LESSON_TITLE in shown(app.screen)
        app.open_lesson("uids")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TableOfContents)
        assert f"Contents: {LESSON_TITLE}" in shown(app.screen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running  # no [@click=app.quit] ever ran
