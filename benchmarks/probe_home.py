"""Start an app headless, exit as soon as its first screen is ready. Used by bench_startup.

    python probe_home.py trainer   # pacs-trainer's home screen, built by the real factory
    python probe_home.py minimal   # a minimal Textual app with one Static: the baseline
"""

from __future__ import annotations

import sys
import tempfile


async def _exit_when_ready(pilot) -> None:
    await pilot.pause()
    pilot.app.exit()


def main(which: str) -> None:
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
    app.run(headless=True, size=(80, 24), auto_pilot=_exit_when_ready)


if __name__ == "__main__":
    main(sys.argv[1])
