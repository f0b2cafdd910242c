"""Foundation figures: cold start, `registry --json`, and memory at the home screen."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import Figure

HERE = Path(__file__).resolve().parent
REPEAT = 7


def _probe(which: str) -> tuple[float, float]:
    """Seconds from launch to first screen ready, and peak RSS (MiB), of one probe process."""
    argv = [sys.executable, str(HERE / "probe_home.py"), which, repr(time.time())]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def _wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _median_probe(which: str) -> tuple[float, float]:
    _probe(which)  # warm the file cache
    samples = [_probe(which) for _ in range(REPEAT)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def _median_wall(argv: list[str]) -> float:
    _wall(argv)
    return statistics.median(_wall(argv) for _ in range(REPEAT))


def figures() -> list[Figure]:
    py = sys.executable
    app_time, app_mem = _median_probe("trainer")
    base_time, base_mem = _median_probe("minimal")
    cli_time = _median_wall([py, "-m", "trainer", "registry", "--json"])
    pydicom_time = _median_wall([py, "-c", "import pydicom"])
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
