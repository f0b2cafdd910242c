"""The app shell: home screen, sections, palette, theme memory."""

from textual.widgets import DataTable, OptionList

from trainer.core.store.accounts import Learner
from trainer.ui.app import make_app
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.sop_reference import SopDetailScreen, SopReferenceScreen
from trainer.ui.sections import SECTIONS


async def test_home_lists_every_section(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == [s.id for s in SECTIONS if s.only_if is None]  # a learner's sections


async def test_every_section_opens_a_screen_of_its_own(tmp_path, clock):
    """Each registered section's target resolves and brings a screen forward."""
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    app.setup.signed_in = Learner(1, "default", "instructor", None)  # sees every section
    async with app.run_test(size=(80, 24)) as pilot:
        for item in SECTIONS:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            app.open_section(item.id)
            for _ in range(50):  # progress counts on a worker before it comes forward
                await pilot.pause(0.02)
                if not isinstance(app.screen, HomeScreen):
                    break
            assert not isinstance(app.screen, HomeScreen), item.id
            while not isinstance(app.screen, HomeScreen):
                app.pop_screen()
                await pilot.pause()


async def test_sop_reference_filters_and_opens_details(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        options = app.screen.query_one(OptionList)
        options.highlighted = [s.id for s in SECTIONS].index("sop-reference")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SopReferenceScreen)
        await pilot.press(*"key object")  # the filter has focus from the start
        await pilot.pause()
        table = screen.query_one(DataTable)
        uids = [str(table.get_row_at(row)[2]) for row in range(table.row_count)]
        assert uids == ["1.2.840.10008.5.1.4.1.1.88.59"]
        await pilot.press("enter")  # from the filter to the table
        await pilot.press("enter")  # open the highlighted row
        await pilot.pause()
        assert isinstance(app.screen, SopDetailScreen)
        assert app.screen.sop.modality == "KO"


async def test_palette_reaches_every_section(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for s in SECTIONS:
            assert (f"Open {s.title}" in titles) == (s.only_if is None)


async def test_theme_is_remembered_across_runs(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    app.store.close()
    again = make_app(data_dir=tmp_path, clock=clock)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_bad_bank_is_reported_where_questions_are_chosen(tmp_path, clock):
    from trainer.ui.widgets.bank_problems import BankProblems

    extra = tmp_path / "banks"
    extra.mkdir()
    (extra / "broken.yaml").write_text("id: broken\ntitle: Broken\nquestions: 3\n")
    app = make_app(data_dir=tmp_path / "data", clock=clock, bank_dirs=[extra])
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_section("practice")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        notice = app.screen.query_one(BankProblems)
        assert notice.display
        assert "broken.yaml:" in str(notice.render())
        assert len(app.banks.questions) >= 120  # the shipped banks still load


async def test_help_names_the_real_data_file(tmp_path, clock):
    from textual.widgets import Markdown

    from trainer.ui.screens.help import HelpScreen

    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert str(tmp_path / "progress.sqlite3") in app.screen.query_one(Markdown).source
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_f1_opens_the_help_of_the_screen_it_is_pressed_on(tmp_path, clock):
    from textual.widgets import Markdown

    from trainer.ui.screens.help import HelpScreen

    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        first_heading = []
        for section in ("sop-reference", "progress"):
            app.open_section(section)
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            source = app.screen.query_one(Markdown).source
            first_heading.append(source.split("## ")[1].splitlines()[0])
            assert "## Sections" in source and "## Keys everywhere" in source  # all of it too
            await pilot.press("f1")  # F1 closes it again
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
        assert first_heading == ["On this screen: SOP reference", "On this screen: Progress"]
        app.open_section("sop-reference")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SopDetailScreen)
        await pilot.press("f1")  # a dialog has the help of the screen it is over
        await pilot.pause()
        assert "## On this screen: SOP reference" in app.screen.query_one(Markdown).source


def test_every_screen_names_a_help_block_that_exists():
    import importlib
    import pkgutil

    import trainer.ui.screens as screens
    from trainer.ui.screens.base import TrainerModal, TrainerScreen
    from trainer.ui.screens.help import TOPICS

    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"trainer.ui.screens.{module.name}")

    def every(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every(sub)

    named = {cls.__name__: cls.HELP_TOPIC for base in (TrainerScreen, TrainerModal)
             for cls in every(base) if cls.HELP_TOPIC is not None}
    assert len(named) >= 15
    assert {name: topic for name, topic in named.items() if topic not in TOPICS} == {}


async def test_home_shows_today_against_the_daily_goal_and_g_changes_the_goal(tmp_path, clock):
    from textual.widgets import Static

    from trainer.core.today import DEFAULT_GOAL, GOALS

    def today_line(app) -> str:
        return str(app.screen.query_one("#today", Static).render())

    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert f"Today  0 of {DEFAULT_GOAL} questions · streak 0 days · 0 of" in today_line(app)
        await pilot.press("g")
        await pilot.pause()
        assert f"0 of {GOALS[2]} questions" in today_line(app)
    again = make_app(data_dir=tmp_path, clock=clock)  # the goal is kept
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert f"0 of {GOALS[2]} questions" in today_line(again)


async def test_the_keys_panel_names_ctrl_q_once(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        quit_key = app.active_bindings["ctrl+q"].binding
        assert (quit_key.description, quit_key.tooltip) == ("Quit", "")
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)
