"""The Lab: tickets to work against an embedded PACS, or the learner's SCU against any PACS.

The lab screen shows three panes: the transcript of what the learner's side (the modality)
saw on the wire, the PACS's log, and the PACS's study list (or C-FIND results). They sit side
by side on a wide terminal and stacked on a narrow one. Every network action runs in a thread
worker; transcript and log lines come back as messages, so the keyboard never waits. The
diagnostic questions open in the practice screen, so they are graded, stored and reviewed
like every other answer. Text from scenarios and DICOM data is shown as plain Text.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Input, Label, OptionList, RichLog, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from trainer.core.lab.scenarios import Scenario, shipped
from trainer.core.lab.transcript import ERROR, NOTE, OK, RECEIVED, SENT, STEP, WARNING, Line
from trainer.core.sanitize import strip_controls
from trainer.core.studies import PROCEDURES, CountPolicy, Study
from trainer.ui.screens.base import TrainerModal, TrainerScreen
from trainer.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from trainer.core.lab.network import Timeouts
    from trainer.core.lab.scu import Peer
    from trainer.core.practice import PracticeSession

STYLES = {STEP: "bold", SENT: "cyan", RECEIVED: "blue", OK: "green", WARNING: "yellow",
          ERROR: "bold red", NOTE: "dim"}
FREE, REAL = "free-lab", "real-pacs"
MAX_LINES = 5000  # per pane: a long session stays within memory


def _line_text(line: Line) -> Text:
    return Text("  " * line.indent + strip_controls(line.text), style=STYLES.get(line.kind, ""))


class LabHomeScreen(TrainerScreen[None]):
    """The tickets, then the free lab and a real PACS."""

    HELP_TOPIC = "lab"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="lab-home.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Work a ticket: the modality sends to an embedded PACS, you read the "
                          "transcript, the PACS log and the study list, answer, fix and "
                          "send again."), id="lab-intro")
        options = [
            Option(_option(s.title, s.summary), id=s.id) for s in shipped().scenarios
        ]
        options.append(Option(_option("Free lab", "Your own echo, send and find against the "
                                      "embedded PACS"), id=FREE))
        options.append(Option(_option("A real PACS", "Echo, send and find against a PACS you "
                                      "name (host, port, AE titles)"), id=REAL))
        yield OptionList(*options, id="lab-scenarios")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        for problem in shipped().errors:
            self.notify(strip_controls(str(problem), 300), title="Scenario skipped",
                        severity="warning", markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id
        if chosen == REAL:
            self.app.push_screen(PeerDialog(), self._open_real)
        elif chosen == FREE:
            self.app.push_screen(LabScreen())
        else:
            scenario = shipped().get(str(chosen))
            if scenario is not None:
                self.app.push_screen(LabScreen(scenario=scenario))

    def _open_real(self, chosen: tuple[Peer, Timeouts] | None) -> None:
        if chosen is not None:
            peer, timeouts = chosen
            self.app.push_screen(LabScreen(peer=peer, timeouts=timeouts))


def _option(title: str, description: str) -> Text:
    text = Text(strip_controls(title, 60), style="bold")
    text.append("\n  " + strip_controls(description, 200), style="dim")
    return text


# --- messages from the workers ---------------------------------------------------------------


class LabLine(Message):
    def __init__(self, pane: str, line: Line) -> None:
        super().__init__()
        self.pane, self.line = pane, line


class LabReady(Message):
    """The PACS are listening (or the real PACS is set), and the work can begin."""

    def __init__(self, studies: dict[str, tuple[Study, ...]]) -> None:
        super().__init__()
        self.studies = studies


class LabDone(Message):
    """An operation ended: the study lists as they now stand, by PACS name."""

    def __init__(self, studies: dict[str, tuple[Study, ...]]) -> None:
        super().__init__()
        self.studies = studies


class LabFound(Message):
    def __init__(self, title: str, matches: list[dict[str, Any]]) -> None:
        super().__init__()
        self.title, self.matches = title, matches


# --- the lab screen ---------------------------------------------------------------------------


class LabScreen(TrainerScreen[None]):
    """A scenario (scenario=...), the free lab (nothing), or a real PACS (peer=...)."""

    HELP_TOPIC = "lab"

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("escape", "leave", "Back", id="lab.back"),
        Binding("s", "send", "Send", id="lab.send"),
        Binding("e", "echo", "Echo", id="lab.echo"),
        Binding("f", "find('STUDY')", "Find", id="lab.find"),
        Binding("r", "find('SERIES')", "Series", id="lab.find-series"),
        Binding("a", "answer", "Answer", id="lab.answer"),
        Binding("c", "change", "Change", id="lab.change"),
        Binding("o", "send_folder", "Folder", id="lab.send-folder"),
        Binding("t", "ticket", "Ticket", id="lab.ticket"),
    ]

    def __init__(self, *, scenario: Scenario | None = None, peer: Peer | None = None,
                 timeouts: Timeouts | None = None) -> None:
        super().__init__()
        self.scenario = scenario
        self.real = peer
        self.timeouts = timeouts
        self.bench: Any = None  # a LabSession or a Bench once started
        self.ready = False
        self.busy = False
        self.practice: PracticeSession | None = None
        self.found: list[LabFound] = []  # the last C-FIND's answers, shown under the lists
        self.announced = False
        from trainer.core.lab.transcript import Transcript

        self.transcript = Transcript(self._transcript_line)
        self.pacs_log = Transcript()

    def _transcript_line(self, line: Line) -> None:
        self.post_message(LabLine("transcript", line))

    @property
    def title_text(self) -> str:
        if self.scenario is not None:
            return self.scenario.title
        if self.real is not None:
            return f"A real PACS: {self.real.describe()}"
        return "Free lab: the embedded PACS"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="lab-status")
        with Container(id="lab-panes"):
            for pane, title in (("transcript", "Transcript (your side)"),
                                ("pacs", "PACS log"), ("studies", "Study list")):
                with Vertical(classes="lab-pane", id=f"lab-{pane}-pane") as box_:
                    box_.border_title = title
                    yield RichLog(id=f"lab-{pane}", wrap=True, markup=False, highlight=False,
                                  min_width=20, max_lines=MAX_LINES)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Lab"
        log = self.query_one("#lab-transcript", RichLog)
        if self.scenario is not None:
            log.write(Text("Ticket", style="bold"))
            log.write(Text(strip_controls(self.scenario.ticket.strip())))
            log.write(Text("s: the modality sends its study · t: ticket again", style="dim"))
        if self.real is not None:
            self.query_one("#lab-pacs", RichLog).write(Text(
                "A real PACS keeps its log on its own side; yours is the transcript.",
                style="dim"))
        self._status("Starting…")
        self._start()

    def on_unmount(self) -> None:
        """Stop the PACS off the UI thread: a server takes up to half a second to wind down."""
        if self.bench is not None:
            threading.Thread(target=self.bench.stop, name="lab-stop", daemon=True).start()

    # --- workers ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False,
          description="starting the lab's PACS")
    def _start(self) -> None:
        from trainer.core.lab.network import Timeouts
        from trainer.core.lab.session import Bench, LabSession

        folder = self.app.setup.data_dir / "lab"

        def pacs_line(name: str, line: Line) -> None:
            self.pacs_log.lines.append(line)
            self.post_message(LabLine("pacs", line if len(self._pacs_names()) < 2
                                      else Line(line.kind, f"{name}: {line.text}", line.indent)))

        timeouts = self.timeouts or Timeouts()
        if self.scenario is not None:
            work: Any = LabSession(self.scenario, folder / self.scenario.id, pacs_log=pacs_line,
                                   timeouts=timeouts)
        else:
            work = Bench(folder / "free", peer=self.real, pacs_log=pacs_line, timeouts=timeouts)
        work.start()
        self.bench = work
        self.post_message(LabReady(self._studies()))

    def _pacs_names(self) -> list[str]:
        return [spec.name for spec in self.scenario.pacs] if self.scenario else ["PACS"]

    def on_lab_ready(self, event: LabReady) -> None:
        self.ready = True
        self._status()
        self._show_studies(event.studies)
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed operation frees the keys again; the app tells the learner what failed."""
        if event.state == WorkerState.ERROR:
            self.busy = False
            self._status()
            self.refresh_bindings()

    def _run(self, what: str, job: Any) -> None:
        if not self.ready or self.busy:
            self.notify("Wait for the current operation to end.", severity="warning")
            return
        self.busy = True
        self.found = []
        self._status(what + "…")
        self.refresh_bindings()
        self._network(job)

    @work(thread=True, exclusive=True, group="lab-net", exit_on_error=False,
          description="talking to the PACS")
    def _network(self, job: Any) -> None:
        try:
            job()
        finally:
            self.post_message(LabDone(self._studies()))

    def _studies(self) -> dict[str, tuple[Study, ...]]:
        if self.bench is None:
            return {}
        return {name: pacs.archive.studies() for name, pacs in self.bench.pacs.items()}

    # --- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that do not apply here are hidden; network keys are dimmed while busy."""
        if action in ("answer", "change", "ticket"):
            if self.scenario is None:
                return False
            if action == "change" and not self.scenario.changes:
                return False
        if action == "send_folder" and self.scenario is not None:
            return False
        if action in ("send", "echo", "find", "change", "send_folder"):
            return True if self.ready and not self.busy else None
        return True

    def action_send(self) -> None:
        bench = self.bench
        if self.scenario is not None:
            self._run("Sending", lambda: bench.send(self.transcript))
            return
        options = [(p.key, f"{p.key}: {p.description}") for p in PROCEDURES]
        self.app.push_screen(ChoiceDialog("Send a synthetic study", options), self._send_study)

    def _send_study(self, key: str | None) -> None:
        if key is None:
            return
        from trainer.core.studies import generate_studies

        procedure = next(p for p in PROCEDURES if p.key == key)
        seed = self.app.seed if self.app.seed is not None else 1
        study = generate_studies(seed, 1, (procedure,))[0]

        def job() -> None:
            from trainer.core.lab.outgoing import study_objects

            self.bench.send(study_objects(study), self.transcript)

        self._run(f"Sending {study.description}", job)

    def action_send_folder(self) -> None:
        from trainer.ui.screens.open_folder import OpenFolder

        self.app.push_screen(OpenFolder(), self._send_folder)

    def _send_folder(self, folder: Path | None) -> None:
        if folder is None:
            return

        def job() -> None:
            from trainer.core.lab.outgoing import folder_objects
            from trainer.core.lab.transcript import WARNING as NOT_SENT

            found = folder_objects(folder)
            for skip in found.skipped:
                self.transcript.add(NOT_SENT, f"Not sent: {skip.path.name}: {skip.kind}: "
                                              f"{skip.reason}")
            if found.objects:
                self.bench.send(found.objects, self.transcript)
            else:
                self.transcript.add(ERROR, f"No DICOM instances to send in {folder}")

        self._run("Sending the folder", job)

    def action_echo(self) -> None:
        bench = self.bench
        self._run("Echo", lambda: bench.echo(self.transcript))

    def action_find(self, level: str) -> None:
        bench = self.bench

        def job() -> None:
            for name in self._find_targets():
                result = bench.find(level, self.transcript, name)
                self.post_message(LabFound(f"C-FIND on {name}, {level.lower()} level",
                                           result.matches))

        self._run(f"C-FIND ({level.lower()} level)", job)

    def _find_targets(self) -> list[str]:
        return list(self.bench.pacs) if self.bench.pacs else [self.bench.names[0]]

    def action_answer(self) -> None:
        if self.scenario is None:
            return
        answered = self.bench.answered if self.bench is not None else set()
        questions = [q for q in self.scenario.questions if q.id not in answered]
        if not questions:
            questions = list(self.scenario.questions)  # answered all: again, for practice
        self.practice = self.app.run_practice(questions, f"Lab: {self.scenario.title}",
                                              rng=random.Random(self.app.seed), mode="lab")

    def on_screen_resume(self) -> None:
        if self.practice is not None and self.bench is not None:
            for index in self.practice.grades:
                self.bench.record_answer(self.practice.questions[index].id)
            self._status()
            self._announce()

    def action_change(self) -> None:
        if self.scenario is None or self.bench is None:
            return
        left = [(c.id, c.label) for c in self.scenario.changes if c.id not in self.bench.applied]
        if not left:
            self.notify("Every change this ticket allows is made.")
            return
        self.app.push_screen(ChoiceDialog("Change the configuration", left), self._change)

    def _change(self, change_id: str | None) -> None:
        if change_id is None:
            return
        bench = self.bench
        self._run("Changing the configuration", lambda: bench.apply(change_id, self.transcript))

    def action_ticket(self) -> None:
        if self.scenario is None:
            return
        text = Text(strip_controls(self.scenario.ticket.strip()) + "\n\n")
        if self.bench is not None:
            for name in self.bench.names:
                text.append(strip_controls(self.bench.conformance(name).summary()) + "\n",
                            style="dim")
        self.app.push_screen(TextDialog(self.scenario.title, text))

    def action_leave(self) -> None:
        self.app.pop_screen()

    # --- what the workers post ----------------------------------------------------------

    def on_lab_line(self, event: LabLine) -> None:
        self.query_one(f"#lab-{event.pane}", RichLog).write(_line_text(event.line))

    def on_lab_done(self, event: LabDone) -> None:
        self.busy = False
        self._show_studies(event.studies)
        self._status()
        self.refresh_bindings()
        self._announce()

    def _announce(self) -> None:
        """Say once when the ticket is solved, or what is still open after a good send."""
        if self.scenario is None or self.bench is None or self.announced:
            return
        if self.bench.solved:
            self.announced = True
            self.notify("Ticket solved. Esc goes back to the tickets.", title="✓ Solved")

    def on_lab_found(self, event: LabFound) -> None:
        self.found.append(event)

    def _show_studies(self, studies: dict[str, tuple[Study, ...]]) -> None:
        log = self.query_one("#lab-studies", RichLog)
        log.clear()
        if self.bench is None or not self.bench.pacs:
            log.write(Text("f: C-FIND the study list of the PACS", style="dim"))
            self._show_found(log)
            return
        for name, found in studies.items():
            policy = self.bench.conformance(name).count
            log.write(Text(f"{name}: Images = {policy.title}", style="bold"))
            log.write(_study_table(found, policy) if found else Text("(no studies)", style="dim"))
        self._show_found(log)

    def _show_found(self, log: RichLog) -> None:
        for event in self.found:
            log.write(Text(f"{event.title}: {len(event.matches)} matches", style="bold"))
            if event.matches:
                log.write(_matches_table(event.matches))

    def _status(self, doing: str | None = None) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if doing:
            text.append(doing + "  ", style="bold yellow")
        if self.bench is not None and self.scenario is not None:
            answered = len(self.bench.answered & {q.id for q in self.scenario.questions})
            text.append(f"Questions {answered}/{len(self.scenario.questions)}  ")
            if self.bench.solved:
                text.append("✓ Ticket solved  ", style="bold green")
        elif self.bench is not None:
            target = self.bench.peer()
            text.append(f"{target.called_ae} at {target.host}:{target.port}  ")
        text.append(self.title_text, style="bold")
        self.query_one("#lab-status", Static).update(text)


def _study_table(studies: tuple[Study, ...], policy: CountPolicy) -> Table:
    table = Table(box=box.SIMPLE, padding=(0, 1), show_edge=False, header_style="bold")
    for column in ("Study / series", "Mods", "Images"):
        table.add_column(column, justify="right" if column == "Images" else "left")
    for study in studies:
        name = f"{study.patient.name} {study.description}"
        table.add_row(Text(strip_controls(name, 40)), Text(", ".join(study.modalities)),
                      Text(str(study.count(policy))))
        for series in study.series:
            line = f"  {series.series_number} {series.modality} {series.description}"
            table.add_row(Text(strip_controls(line, 40)), Text(""),
                          Text(str(series.count(policy))))
    return table


# Short column titles for C-FIND answers: counts by their tags, which is how the standard
# and a conformance statement name them.
_COLUMN_TITLES = {
    "SeriesNumber": "Series", "Modality": "Mod", "SeriesDescription": "Description",
    "StudyDescription": "Description", "PatientName": "Name", "PatientID": "ID",
    "AccessionNumber": "Acc#", "StudyDate": "Date", "InstanceNumber": "#",
    "ModalitiesInStudy": "(0008,0061)", "NumberOfStudyRelatedSeries": "(0020,1206)",
    "NumberOfStudyRelatedInstances": "(0020,1208)", "NumberOfSeriesRelatedInstances":
    "(0020,1209)", "NumberOfFrames": "Frames",
}


def _matches_table(matches: list[dict[str, Any]]) -> Table:
    table = Table(box=box.SIMPLE, padding=(0, 1), show_edge=False, header_style="bold")
    columns = [c for c in matches[0] if not c.endswith("InstanceUID")]
    for column in columns:
        table.add_column(_COLUMN_TITLES.get(column, column))
    for match in matches:
        cells = []
        for column in columns:
            value = match.get(column, "")
            shown = "\\".join(value) if isinstance(value, list) else str(value)
            cells.append(Text(strip_controls(shown, 40)))
        table.add_row(*cells)
    return table


# --- dialogs ----------------------------------------------------------------------------------


class ChoiceDialog(TrainerModal[str | None]):
    """Pick one of a few (id, label) choices; Esc cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="lab-choice.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.heading, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.heading, id="dialog-title")
            yield OptionList(*(Option(Text(strip_controls(label, 200)), id=key)
                               for key, label in self.choices), id="lab-choices")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))


class TextDialog(TrainerModal[None]):
    BINDINGS = [Binding("escape,t", "dismiss", "Close", id="lab-text.close")]

    def __init__(self, title: str, text: Text) -> None:
        super().__init__()
        self.heading, self.text = title, text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label(Text(strip_controls(self.heading, 100)), id="dialog-title")
            yield Static(self.text)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()


class PeerDialog(TrainerModal["tuple[Peer, Timeouts] | None"]):
    """Host, port and AE titles of a real PACS, checked before the dialog closes."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="lab-peer.cancel")]
    FIELDS = (("host", "Host", "127.0.0.1"), ("port", "Port", "104"),
              ("called", "Called AE title (the PACS's)", "ORTHANC"),
              ("calling", "Calling AE title (yours)", "PACSTRAINER"),
              ("timeout", "Timeout, seconds (every wait on the network)", "10"))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("A real PACS", id="dialog-title")
            for key, label, value in self.FIELDS:
                yield Label(label)
                yield Input(value, id=f"peer-{key}", compact=True)
            yield Static(Text("Enter opens the lab; Esc cancels. Ask your PACS team to add "
                              "your calling AE title if the PACS checks it.", style="dim"))
            yield Static(id="peer-problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        from trainer.core.hosts import is_loopback
        from trainer.core.lab.network import Timeouts
        from trainer.core.lab.scu import Peer

        values = {key: self.query_one(f"#peer-{key}", Input).value.strip()
                  for key, _, _ in self.FIELDS}
        try:
            if not values["port"].isdigit():
                raise ValueError("the port must be a whole number, e.g. 104 or 4242")
            peer = Peer(values["host"], int(values["port"]), values["called"], values["calling"])
            try:
                seconds = float(values["timeout"])
            except ValueError:
                raise ValueError("the timeout must be a number of seconds, e.g. 10") from None
            timeouts = Timeouts.all(seconds)
        except ValueError as exc:
            self.query_one("#peer-problem", Static).update(
                Text(strip_controls(str(exc), 200), style="bold red"))
            return
        if not is_loopback(peer.host):
            self.notify(f"{peer.host} is not this machine: the lab will talk to it over the "
                        "network.", markup=False)
        self.dismiss((peer, timeouts))
