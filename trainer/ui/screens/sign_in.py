"""Sign-in for a classroom: name and passphrase (the first sign-in sets it), and for a new
learner the cohort's join code. Nothing of any learner opens before it succeeds.

The check runs on a worker (scrypt and the database take a moment); a wrong passphrase makes
the next try wait a little longer each time.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Header, Input, Label, Static

from trainer.core.sanitize import strip_controls
from trainer.core.store import StoreError
from trainer.core.store.accounts import Learner, SignInRefused
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter


class SignInScreen(TrainerScreen[Learner]):
    """Dismissed with the learner once the passphrase is right."""

    HELP_TOPIC = "classroom"

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", id="sign-in.quit")]

    class Done(Message):
        def __init__(self, learner: Learner | None, problem: str | None) -> None:
            super().__init__()
            self.learner, self.problem = learner, problem

    def __init__(self) -> None:
        super().__init__()
        self.failures = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sign-in"):
            yield Label("Sign in to the classroom", id="dialog-title")
            yield Static(
                Text("Your name and passphrase. The first time, choose a passphrase (at "
                     "least 8 characters) and type the join code your instructor gave the "
                     "class."),
                id="dialog-body",
            )
            yield Input(placeholder="Name", id="sign-in-name", max_length=40)
            yield Input(placeholder="Passphrase", id="sign-in-passphrase", password=True)
            yield Input(placeholder="Join code (first time only)", id="sign-in-code",
                        max_length=20)
            yield Button("Sign in", id="sign-in-submit", variant="primary")
            yield Static(id="sign-in-problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#sign-in-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "sign-in-name":
            self.query_one("#sign-in-passphrase", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._submit()

    def _submit(self) -> None:
        name = self.query_one("#sign-in-name", Input).value
        passphrase = self.query_one("#sign-in-passphrase", Input).value
        code = self.query_one("#sign-in-code", Input).value
        if not name.strip() or not passphrase:
            self._say("Type your name and your passphrase.")
            return
        self.query_one("#sign-in-submit", Button).disabled = True
        self._say("Signing in...", style="")
        self._check(name, passphrase, code, wait=min(5.0, 0.5 * self.failures))

    @work(thread=True, exclusive=True)
    def _check(self, name: str, passphrase: str, code: str, wait: float) -> None:
        import time

        time.sleep(wait)  # slows guessing; a learner who mistypes barely notices
        try:
            learner = self.app.setup.sign_in(name, passphrase, code)
        except SignInRefused as exc:
            self.post_message(self.Done(None, f"{exc}."))
        except StoreError as exc:
            self.post_message(self.Done(None, str(exc)))
        else:
            self.post_message(self.Done(learner, None))

    def on_sign_in_screen_done(self, message: Done) -> None:
        if message.learner is not None:
            self.dismiss(message.learner)
            return
        self.failures += 1
        self.query_one("#sign-in-submit", Button).disabled = False
        self.query_one("#sign-in-passphrase", Input).value = ""
        self.query_one("#sign-in-passphrase", Input).focus()
        self._say(message.problem or "Not signed in.")

    def _say(self, problem: str, style: str = "bold red") -> None:
        self.query_one("#sign-in-problem", Static).update(
            Text(strip_controls(problem, 400), style=style)
        )
