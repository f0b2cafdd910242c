"""The base of every screen of this app: `self.app` typed as the app, so screens see `store`,
`clock`, `setup` and the app's methods with their types (mypy checks every call)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from trainer.ui.app import PacsTrainerApp

ResultType = TypeVar("ResultType")


class TrainerScreen(Screen[ResultType]):
    HELP_TOPIC: ClassVar[str] = "home"  # the block of trainer.ui.screens.help F1 opens at

    @property
    def app(self) -> PacsTrainerApp:  # type: ignore[override]
        return cast("PacsTrainerApp", super().app)


class TrainerModal(ModalScreen[ResultType]):
    HELP_TOPIC: ClassVar[str | None] = None  # None: the help of the screen underneath

    @property
    def app(self) -> PacsTrainerApp:  # type: ignore[override]
        return cast("PacsTrainerApp", super().app)


def trainer_app(node: DOMNode) -> PacsTrainerApp:
    """The app a widget belongs to, typed (for widgets, which have no base of their own)."""
    return cast("PacsTrainerApp", node.app)
