"""The Lab in the app: a new learner works the Enhanced MR ticket at 80x24, the panes sit side
by side at 120x40, the free lab and a real PACS are reached from the same screens."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from trainer.core.lab.conformance import Conformance
from trainer.core.questions import correct_response
from trainer.ui.app import make_app
from trainer.ui.screens.lab import ChoiceDialog, LabHomeScreen, LabScreen, PeerDialog
from trainer.ui.screens.practice import PracticeScreen, PracticeSummaryScreen
from trainer.ui.sections import SECTIONS


async def _settle(app, pilot) -> None:
    """Let the lab's workers finish and their messages land."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def _open_lab(app, pilot) -> None:
    options = app.screen.query_one(OptionList)
    options.highlighted = [s.id for s in SECTIONS].index("lab")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, LabHomeScreen)


async def _open_option(app, pilot, option_id: str) -> None:
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(option_id)
    await pilot.press("enter")
    await pilot.pause()


async def _answer_all_right(app, pilot) -> None:
    while isinstance(app.screen, PracticeScreen):
        presented = app.screen.session.current
        right = correct_response(presented.question)
        label = next(o.label for o in presented.options if o.key == right)
        await pilot.press(label.lower(), "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()


async def test_a_new_learner_works_the_enhanced_mr_ticket_at_80x24(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_lab(app, pilot)
        await _open_option(app, pilot, "enhanced-mr-refused")
        screen = app.screen
        assert isinstance(screen, LabScreen)
        await _settle(app, pilot)
        assert screen.has_class("-narrow")
        panes = [screen.query_one(f"#lab-{p}-pane").region for p in ("transcript", "pacs",
                                                                    "studies")]
        assert panes[0].y < panes[1].y < panes[2].y and panes[0].x == panes[2].x  # stacked

        await pilot.press("s")
        await _settle(app, pilot)
        text = screen.transcript.text()
        assert "[1] Enhanced MR Image Storage: rejected: abstract syntax not supported" in text
        assert "Result: 0 of 4 instances stored" in text
        assert any("rejected: abstract syntax" in line.text for line in screen.pacs_log)

        await pilot.press("a")
        await pilot.pause()
        await _answer_all_right(app, pilot)
        assert isinstance(app.screen, PracticeSummaryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.bench.answered == {q.id for q in screen.scenario.questions}
        answers = app.store.answers()
        assert len(answers) == 4 and all(a.mode == "lab" and a.correct for a in answers)

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # the first change: accept Enhanced MR Image Storage
        await _settle(app, pilot)
        await pilot.press("s")
        await _settle(app, pilot)
        assert "Result: 4 of 4 instances stored" in screen.transcript.text()
        [study] = screen.bench.pacs["PACS"].archive.studies()
        assert study.description == "MR KNEE" and len(study.series) == 4
        assert screen.bench.solved
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LabHomeScreen)


async def test_panes_sit_side_by_side_at_120x40_and_both_lists_show(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_lab(app, pilot)
        await _open_option(app, pilot, "pacs-vs-vna-counts")
        screen = app.screen
        await _settle(app, pilot)
        assert screen.has_class("-wide")
        panes = [screen.query_one(f"#lab-{p}-pane").region for p in ("transcript", "pacs",
                                                                    "studies")]
        assert panes[0].x < panes[1].x < panes[2].x and panes[0].y == panes[2].y
        await pilot.press("s")
        await _settle(app, pilot)
        counts = {name: studies[0].count(screen.bench.conformance(name).count)
                  for name, studies in screen._studies().items()}
        assert counts == {"PACS": 2, "VNA": 3}
        await pilot.press("f")
        await _settle(app, pilot)
        assert [f.matches[0]["NumberOfStudyRelatedInstances"] for f in screen.found] == [3, 3]


async def test_a_real_pacs_is_named_in_a_dialog_and_echoed(tmp_path, clock, start_pacs):
    pacs = start_pacs(Conformance(ae_title="REALPACS"))
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_lab(app, pilot)
        await _open_option(app, pilot, "real-pacs")
        dialog = app.screen
        assert isinstance(dialog, PeerDialog)
        dialog.query_one("#peer-port", Input).value = "not a port"
        dialog.query_one("#peer-called", Input).value = "REALPACS"
        dialog.query_one("#peer-host", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # the problem is said and the dialog stays
        dialog.query_one("#peer-port", Input).value = str(pacs.port)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LabScreen) and screen.real is not None
        assert screen.timeouts is not None and screen.timeouts.acse == 10
        await _settle(app, pilot)
        await pilot.press("e")
        await _settle(app, pilot)
        assert "C-ECHO-RSP 0x0000 Success" in screen.transcript.text()
        assert not screen.bench.pacs  # nothing embedded was started


async def test_the_free_lab_sends_a_folder_and_lists_what_is_not_dicom(tmp_path, clock):
    from trainer.cli import main

    assert main(["study", "export", "--out", str(tmp_path / "out"), "--template",
                 "cr-knee"]) == 0
    (tmp_path / "out" / "notes.txt").write_text("not DICOM")
    app = make_app(data_dir=tmp_path / "data", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_lab(app, pilot)
        await _open_option(app, pilot, "free-lab")
        screen = app.screen
        await _settle(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "out")
        await pilot.press("enter")
        await _settle(app, pilot)
        text = screen.transcript.text()
        assert "Not sent: notes.txt: not DICOM" in text
        assert "Result: 3 of 3 instances stored" in text
        assert screen._studies()["PACS"][0].description == "CR KNEE 3V"


def test_lab_home_snapshot(snap_compare, tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=1)

    async def open_lab(pilot):
        await _open_lab(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_lab)
