"""A regular (non-editable) install must carry lessons/, question_bank/ and lab/ and find them."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_carries_content_and_finds_it_from_elsewhere(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    [wheel] = tmp_path.glob("pacs_trainer-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped_lessons = sorted(p.name for p in (ROOT / "lessons").glob("*.md"))
    assert shipped_lessons, "no lessons in the checkout"
    for name in shipped_lessons:
        assert f"trainer/_content/lessons/{name}" in names
    for bank in (ROOT / "question_bank").glob("*.yaml"):
        assert f"trainer/_content/question_bank/{bank.name}" in names
    for scenario in (ROOT / "lab").glob("*.yaml"):
        assert f"trainer/_content/lab/{scenario.name}" in names
    assert "trainer/ui/app.tcss" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = subprocess.run(
        [sys.executable, "-c",
         "from trainer.core.paths import lessons_dir; print(lessons_dir());"
         "print(len(list(lessons_dir().glob('*.md'))))"],
        cwd=elsewhere, capture_output=True, text=True, env={"PYTHONPATH": str(site)},
    )
    assert probe.returncode == 0, probe.stderr
    found_dir, count = probe.stdout.split()
    assert Path(found_dir).is_relative_to(site)
    assert int(count) == len(shipped_lessons)
