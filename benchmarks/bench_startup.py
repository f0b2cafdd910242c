"""Foundation figures: cold start, `registry --json`, and memory at the home screen."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import Figure

HERE = Path(__file__).resolve().parent
REPEAT = 7


def _run(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv} failed")
    return elapsed, usage.ru_maxrss / 1024


def _medians(argv: list[str]) -> tuple[float, float]:
    _run(argv)  # warm the file cache
    samples = [_run(argv) for _ in range(REPEAT)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def figures() -> list[Figure]:
    py = sys.executable
    probe = str(HERE / "probe_home.py")
    app_time, app_mem = _medians([py, probe, "trainer"])
    base_time, base_mem = _medians([py, probe, "minimal"])
    cli_time, _ = _medians([py, "-m", "trainer", "registry", "--json"])
    pydicom_time, _ = _medians([py, "-c", "import pydicom"])
    return [
        Figure("cold start to home screen vs minimal app", app_time * 1000, base_time * 1000,
               "ms", target_ratio=1.5),
        Figure("`registry --json` vs `import pydicom`", cli_time * 1000, pydicom_time * 1000,
               "ms", target_ratio=1.5),
        Figure("peak memory at home screen vs minimal app", app_mem, base_mem, "MiB",
               target_ratio=1.3),
    ]


if __name__ == "__main__":
    for figure in figures():
        print(figure.line())
