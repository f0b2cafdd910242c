"""A footer that draws the screen's keys as one line of text.

Textual's Footer rebuilds one widget per key whenever the focused widget changes; on question
screens, where every question brings a new input widget, that cost about 130 ms per question
(benchmarks/bench_exam.py). One Static re-rendered from the same active bindings costs next to
nothing and shows the same keys.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static


class KeyFooter(Static):
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    _shown: Text | None = None

    def __init__(self, labels: dict[str, str] | None = None) -> None:
        """`labels` names keys by binding id where a screen says it better than the widget
        (an exam's enter saves an answer: "Save answer", not "Submit")."""
        super().__init__()
        self.labels = labels or {}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen:
            return
        seen: set[str] = set()
        text = Text(no_wrap=True, overflow="ellipsis")
        palette = None
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.action in {"command_palette", "app.command_palette"}:
                palette = binding
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            style = "" if enabled else "dim"
            text.append(f" {self.app.get_key_display(binding)} ", style=f"bold {style}")
            label = self.labels.get(binding.id or "", binding.description)
            text.append(f"{label} ", style=style)
        if palette is not None:
            text.append(f"  {self.app.get_key_display(palette)} palette", style="dim")
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)  # one line, docked: new keys never move anything
