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


LONGEST_FUNCTION = 60  # lines from the def to the end, docstring included


def test_no_function_in_the_app_is_longer_than_a_screen():
    """Long functions were split along their seams (code review, refactoring 10); this keeps
    them that way."""
    import ast

    too_long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1})"
        for path in sorted((ROOT / "trainer").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (node.end_lineno or node.lineno) - node.lineno + 1 > LONGEST_FUNCTION
    ]
    assert too_long == []
