"""Tick boxes that differ in shape, not only in colour: ticked ▐X▌, unticked ▐ ▌.

Textual draws an X in every box and tells ticked from unticked by colour alone, so under
NO_COLOR, on a monochrome terminal or for a colour-blind learner they look the same.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

X = Checkbox.BUTTON_INNER  # what Textual draws in every box
EMPTY = " "


class TickList(SelectionList[str]):
    """A SelectionList whose unticked boxes are empty."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != X:
            return strip
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self.selected:
            return strip
        segments[1] = Segment(EMPTY, segments[1].style)
        return Strip(segments, strip.cell_length)


class TickBox(Checkbox):
    """A Checkbox whose box is empty while it is not ticked."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802
        """The box's glyph, under the name Textual's toggle button reads it by."""
        return X if self.value else EMPTY
