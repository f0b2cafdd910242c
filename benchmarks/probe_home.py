"""Start an app headless and report when its first screen is ready. Used by bench_startup.

    python probe_home.py trainer LAUNCHED   # pacs-trainer's home screen, via the real factory
    python probe_home.py minimal LAUNCHED   # a minimal Textual app with one Static: the baseline

LAUNCHED is the parent's time.time() just before it started this process. At the first idle
moment the probe prints "<seconds since launch> <peak RSS in KiB>" and leaves at once, so
background work (the home screen checks the banks in a thread) is not counted as start-up.
VmHWM is read from /proc because getrusage's maxrss keeps the parent's peak across exec.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time


def _peak_kib() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])


def main(which: str, launched: float) -> None:
    async def ready(pilot) -> None:
        await pilot.pause()
        print(f"{time.time() - launched:.6f} {_peak_kib()}", flush=True)
        os._exit(0)

    if which == "trainer":
        from trainer.ui.app import make_app

        app = make_app(data_dir=tempfile.mkdtemp(prefix="pacs-bench-"))
    else:
        from textual.app import App
        from textual.widgets import Footer, Header, Static

        class Minimal(App):
            def compose(self):
                yield Header()
                yield Static("Hello")
                yield Footer()

        app = Minimal()
    app.run(headless=True, size=(80, 24), auto_pilot=ready)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
