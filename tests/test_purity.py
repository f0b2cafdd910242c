"""trainer.core and the plain CLI commands must never pull in Textual."""

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import trainer.core, trainer.commands
for package in (trainer.core, trainer.commands):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
print(sorted(m for m in sys.modules if m.startswith("trainer.")))
assert "textual" not in sys.modules, "textual was imported"
"""


def test_core_and_commands_do_not_import_textual():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "trainer.core.store" in result.stdout  # the walk really imported modules
