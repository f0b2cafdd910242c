"""The study browser and header viewer at 80x24: SR and CT headers, search, hostile files."""

from __future__ import annotations

import os
import random
from dataclasses import replace
from pathlib import Path

import pydicom
from pydicom.filewriter import dcmwrite
from textual.widgets import DataTable, Input, Static

from trainer.core import studies as st
from trainer.core.dicom_import import import_folder
from trainer.core.dicom_io import build_dataset, export_studies
from trainer.ui.app import make_app
from trainer.ui.screens.header import HeaderScreen, fold
from trainer.ui.screens.open_folder import SkippedFiles
from trainer.ui.screens.studies import InstancesScreen, SeriesScreen, StudyBrowserScreen

SIZE = (80, 24)


def _study(key: str) -> st.Study:
    procedure = next(p for p in st.PROCEDURES if p.key == key)
    return st.make_study(random.Random(2), procedure, f"ui|{key}", ("7654321", "A42"))


def _cells(screen: HeaderScreen) -> dict[str, str]:
    """Keyword -> value, as the table shows them."""
    table = screen.query_one(DataTable)
    rows = (table.get_row_at(i) for i in range(table.row_count))
    return {str(row[2]).strip(): str(row[3]) for row in rows}


async def _open(pilot, app, screen) -> None:
    app.push_screen(screen)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_header_of_a_ct_instance(tmp_path, clock):
    study = _study("ct-head")
    ct = study.series[1]
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, HeaderScreen(build_dataset(study, ct, 1)))
        cells = _cells(app.screen)
        assert cells["Modality"] == "CT"
        assert cells["SOPClassUID"].replace("\n", " ") == (
            "1.2.840.10008.5.1.4.1.1.2 (CT Image Storage)"
        )
        assert cells["PixelData"].replace("\n", " ") == (
            "8,192 bytes: 64x64, 1 frame, 16-bit; not shown"
        )


async def test_header_of_an_sr_file_and_its_search_box(tmp_path, clock):
    study = _study("ct-head")
    report = next(s for s in study.series if s.modality == "SR")
    sr_file = tmp_path / "report.dcm"
    dcmwrite(sr_file, build_dataset(study, report, 1), enforce_file_format=True)
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, HeaderScreen(sr_file))
        screen = app.screen
        assert _cells(screen)["Modality"] == "SR"
        total = len(screen.rows)
        await pilot.press("slash", *"0040,a043")  # Concept Name Code Sequence, by tag
        await pilot.pause()
        assert screen.query_one(Input).value == "0040,a043"
        keywords = [row.keyword for row in screen.shown]
        assert keywords[0] == "ConceptNameCodeSequence"
        assert "ContentSequence" in keywords  # nested matches keep their sequences
        assert "PatientName" not in keywords
        count = str(screen.query_one("#header-count", Static).render())
        assert count == f"{len(screen.shown)} of {total} rows"


async def test_hostile_patient_name_cannot_reach_the_terminal(tmp_path, clock):
    study = _study("cr-knee")
    ds = build_dataset(study, study.series[0], 1)
    ds.PatientName = "EVIL\x1b[2J\x1b]0;pwned\x07^[b]Markup[/b]"
    path = tmp_path / "evil.dcm"
    dcmwrite(path, ds, enforce_file_format=True)
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, HeaderScreen(path))
        # Text, not markup; the escapes written out, not obeyed.
        shown = _cells(app.screen)["PatientName"].replace("\n", "")  # folded over two lines
        assert shown == "EVIL\\x1b[2J\\x1b]0;pwned\\x07^[b]Markup[/b]"
        assert "\x1b" not in app.export_screenshot()


async def test_damaged_and_foreign_files_show_an_error_not_a_crash(tmp_path, clock):
    good = tmp_path / "good.dcm"
    study = _study("cr-knee")
    dcmwrite(good, build_dataset(study, study.series[0], 1), enforce_file_format=True)
    truncated = tmp_path / "truncated.dcm"
    truncated.write_bytes(good.read_bytes()[:-500])
    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello")
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, HeaderScreen(truncated))
        banner = app.screen.query_one("#header-problems", Static)
        assert banner.display and "truncated" in str(banner.render())
        assert _cells(app.screen)["Modality"] == "CR"  # what could be read is shown
        await pilot.press("escape")
        await _open(pilot, app, HeaderScreen(foreign))
        problems = str(app.screen.query_one("#header-problems").render())
        assert "Not a DICOM Part 10 file" in problems
        assert app.screen.query_one(DataTable).row_count == 0


async def test_browse_a_synthetic_list_down_to_an_sr_header(tmp_path, clock):
    studies = st.generate_studies(7, 14)
    index = next(i for i, s in enumerate(studies) if s.procedure == "ct-chest-abdomen")
    study = studies[index]
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, StudyBrowserScreen(studies, "Seed 7"))
        browser = app.screen
        hint = str(browser.query_one(".browser-hint", Static).render())
        assert "(0020,1208)" in hint
        browser.table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SeriesScreen) and app.screen.study is study
        app.screen.table.move_cursor(row=len(study.series) - 1)  # the dose report
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InstancesScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HeaderScreen)
        assert _cells(app.screen)["Modality"] == "SR"
        await pilot.press("escape", "escape", "escape")
        assert app.screen is browser


async def test_the_study_list_shows_three_counts_side_by_side_at_80x24(tmp_path, clock):
    studies = st.generate_studies(7, 14)
    # A study whose counts all differ: PR/SR/KO objects (no pixels) and multi-frame images.
    index, study = next(
        (i, s) for i, s in enumerate(studies)
        if len({s.count(policy) for policy in st.CountPolicy}) == 3
        and any(not series.has_pixel_data for series in s.series)
        and any(f > 1 for series in s.series for f in series.frames)
    )
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, StudyBrowserScreen(studies, "Seed 7"))
        table = app.screen.table
        expected = {
            "Pix": study.count(st.CountPolicy.PIXEL_DATA),
            "All": study.count(st.CountPolicy.ALL_INSTANCES),
            "Frm": study.count(st.CountPolicy.FRAMES),
        }
        shown = {column: str(list(table.get_column(column))[index]) for column in expected}
        assert shown == {column: str(count) for column, count in expected.items()}
        # Every column, Date and the three counts last, is on screen at 80 columns.
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert widths <= table.scrollable_content_region.width
        assert table.max_scroll_x == 0
        hint = str(app.screen.query_one(".browser-hint", Static).render())
        assert all(word in hint for word in ("All:", "(0020,1208)", "Pix:", "Frm:"))
        assert "c" not in app.screen.active_bindings  # no count switch: all three are shown
        table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()
        series_table = app.screen.table
        for column, policy in st.COUNT_COLUMNS.items():
            assert [str(cell) for cell in series_table.get_column(column)] == [
                str(series.count(policy)) for series in study.series
            ]


async def test_home_and_end_go_to_the_first_and_last_header_row(tmp_path, clock):
    study = _study("ct-head")
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, HeaderScreen(build_dataset(study, study.series[1], 1)))
        table = app.screen.query_one(DataTable)
        assert table.row_count > 30  # more rows than the screen holds
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_a_series_without_description_has_no_stray_space(tmp_path, clock):
    study = _study("ct-head")
    series = replace(study.series[1], description="")
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, InstancesScreen(study, series))
        title = str(app.screen.query_one(".browser-title", Static).render())
        assert title.startswith(f"Series {series.series_number} CT: ")
        await pilot.press("enter")
        await pilot.pause()
        title = str(app.screen.query_one("#header-title", Static).render())
        assert f"of series {series.series_number} CT, as `study export` would write it" in title


async def test_browse_imported_samples_opens_their_files(tmp_path, clock):
    samples = Path(pydicom.__file__).parent / "data" / "test_files"
    result = import_folder(samples)
    app = make_app(data_dir=tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, StudyBrowserScreen(result.studies, "Samples", result))
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HeaderScreen) and isinstance(screen.source, Path)
        first = result.files(result.studies[0], result.studies[0].series[0])[0]
        assert screen.source == first.path
        assert _cells(screen)["SOPInstanceUID"].replace("\n", "") == first.sop_instance_uid


def test_long_values_fold_over_a_few_lines():
    assert fold("a" * 10, 20) == ["a" * 10]
    assert fold("word " * 10, 12) == ["word word", "word word", "word word", "word word…"]
    assert all(len(line) <= 12 for line in fold("x" * 500, 12))


async def _type_folder(pilot, app, text: str) -> None:
    field = app.screen.query_one("#folder-path", Input)
    field.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_open_a_folder_from_the_study_list_and_read_its_files(tmp_path, clock, notices):
    study = _study("mr-knee")
    export_studies([study], tmp_path / "pacs")
    (tmp_path / "pacs" / "notes.txt").write_text("not DICOM")
    app = make_app(data_dir=tmp_path / "data", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, StudyBrowserScreen(st.generate_studies(1, 3), "Seed 1"))
        synthetic = app.screen
        await pilot.press("s")  # a synthetic list skipped nothing: the key does nothing
        assert app.screen is synthetic
        await pilot.press("o")
        await pilot.pause()
        await _type_folder(pilot, app, str(tmp_path / "nowhere"))
        problem = str(app.screen.query_one("#folder-problem", Static).render())
        assert "There is no" in problem and "nowhere" in problem  # said at once, still asking
        await _type_folder(pilot, app, str(tmp_path / "pacs" / "notes.txt"))
        assert "is a file" in str(app.screen.query_one("#folder-problem", Static).render())
        await _type_folder(pilot, app, str(tmp_path / "pacs"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        browser = app.screen
        assert isinstance(browser, StudyBrowserScreen) and browser is not synthetic
        [found] = browser.studies
        assert found.study_instance_uid == study.study_instance_uid
        for column, policy in st.COUNT_COLUMNS.items():  # an opened folder's counts, as read
            assert str(list(browser.table.get_column(column))[0]) == str(study.count(policy))
        assert any("skipped 1 not DICOM" in n for n in notices)
        await pilot.press("s")  # which file, and why
        await pilot.pause()
        assert isinstance(app.screen, SkippedFiles)
        listed = str(app.screen.query_one("#skipped-list", Static).render())
        assert "not DICOM: notes.txt" in listed
        await pilot.press("escape")
        assert app.screen is browser
        await pilot.press("enter", "enter", "enter")  # series, instances, a header from disk
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HeaderScreen) and isinstance(app.screen.source, Path)
        assert _cells(app.screen)["Modality"] == "MR"
        await pilot.press("escape", "escape", "escape", "escape")
        assert app.screen is synthetic


async def test_a_folder_without_dicom_files_is_said_and_nothing_opens(tmp_path, clock, notices):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("hello")
    app = make_app(data_dir=tmp_path / "data", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, StudyBrowserScreen(st.generate_studies(1, 3), "Seed 1"))
        synthetic = app.screen
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: nothing read
        assert app.screen is synthetic
        await pilot.press("o")
        await pilot.pause()
        await _type_folder(pilot, app, str(tmp_path / "empty"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is synthetic
        assert any("No DICOM instances" in n for n in notices)


async def test_skipped_files_and_remarks_are_listed_with_names_escaped(tmp_path, clock):
    study = _study("cr-knee")
    export_studies([study], tmp_path / "pacs")
    first = next((tmp_path / "pacs").rglob("IM00001.dcm"))
    (tmp_path / "pacs" / "copy\u202egpj.dcm").write_bytes(first.read_bytes())  # a duplicate
    (tmp_path / "pacs" / "evil\x1b[2J.txt").write_text("not DICOM")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pacs" / "pipe")
    app = make_app(data_dir=tmp_path / "data", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, StudyBrowserScreen(st.generate_studies(1, 3), "Seed 1"))
        await pilot.press("o")
        await pilot.pause()
        await _type_folder(pilot, app, str(tmp_path / "pacs"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        browser = app.screen
        assert isinstance(browser, StudyBrowserScreen) and len(browser.studies) == 1
        await pilot.press("s")
        await pilot.pause()
        listed = str(app.screen.query_one("#skipped-list", Static).render())
        assert "not DICOM: evil\\x1b[2J.txt" in listed
        (duplicate,) = [line for line in listed.splitlines() if line.startswith("duplicate:")]
        assert "copy\\u202egpj.dcm" in duplicate and "001_CR/IM00001.dcm" in duplicate
        if hasattr(os, "mkfifo"):
            assert "not a file: pipe: a FIFO" in listed
        assert "\x1b" not in app.export_screenshot() and "\u202e" not in listed


async def test_ctrl_q_ends_the_app_while_a_folder_is_being_read(tmp_path, clock, monkeypatch):
    """The reader stops at the next file once the app closes, so the process can end."""
    import threading

    from trainer.core import dicom_import

    for n in range(20):
        (tmp_path / f"{n:02d}.txt").write_text("x")
    started, release = threading.Event(), threading.Event()
    read: list[Path] = []
    real = dicom_import.read_header

    def slow(path: Path):
        read.append(path)
        started.set()
        release.wait(10)  # a slow network share
        return real(path)

    monkeypatch.setattr(dicom_import, "read_header", slow)
    app = make_app(data_dir=tmp_path / "data", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, StudyBrowserScreen(st.generate_studies(1, 3), "Seed 1"))
        await pilot.press("o")
        await pilot.pause()
        field = app.screen.query_one("#folder-path", Input)
        field.value = str(tmp_path)
        await pilot.press("enter")
        assert started.wait(10)
        workers = list(app.workers)
        await pilot.press("ctrl+q")
        release.set()
    assert not app.is_running
    for worker in workers:  # the reading thread ends instead of reading on
        for _ in range(100):
            if worker.is_finished:
                break
            release.wait(0.05)
        assert worker.is_finished
    assert len(read) < 20
