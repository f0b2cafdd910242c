"""The house rules a machine can check: ruff's lint, mypy's types, and the import contracts
in pyproject.toml (the core never imports Textual, the UI or the commands, not even inside a
function; the commands never import Textual)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "trainer", "tests", "benchmarks"],
        ["mypy"],
        ["lint-imports"],
    ],
    ids=["ruff", "mypy", "import-contracts"],
)
def test_the_code_passes(command):
    done = subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
