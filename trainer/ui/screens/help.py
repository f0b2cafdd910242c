"""In-app help: what each section does, the keys, and where progress is kept; F1 opens it
at the part about the screen it was pressed on."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from trainer.ui.screens.base import TrainerModal

# Help in blocks: F1 opens with the block of the screen it was pressed on (its HELP_TOPIC),
# then the rest in this order. A screen's topic must be a key here (a test checks).
TOPICS: dict[str, tuple[str, str]] = {
    "home": ("Sections", """\
The home screen lists them; ctrl+p and a name opens any of them from anywhere. Under them,
**Today**: the questions you answered today against your daily goal (g changes it: 10, 20,
30 or 50), your streak of days and the lessons done.

- **Start here / Continue** opens the next lesson you have not finished.
- **Lessons**: short modules, read page by page.
- **Practice**: questions with instant feedback; choose sources, topics, count and seed.
- **Exam**: timed, certification-style; answers are saved as you give them, and an exam left
  open is offered for resuming (the clock keeps running while the app is closed). One window
  at a time writes to an exam: another one says where it is open, and can take it over once
  that window is gone.
- **Review due**: spaced review (FSRS) of what you answered, plus new questions a day.
- **SOP reference**: every SOP class in the standard; type to filter.
- **Study lists**: a synthetic worklist and your own DICOM folders, as a PACS lists them.
- **Lab**: work a ticket against an embedded PACS, or talk to a real one.
- **Progress**: lessons, mastery by topic, exam scores, streak, readiness for an exam.
- **Item analysis** (for instructors): every answered question with its figures."""),
    "keys": ("Keys everywhere", """\
ctrl+p command palette (sections, themes, keys), F1 help for the screen you are on,
esc back, ctrl+q quit. The footer shows the keys of each screen."""),
    "lessons": ("Lesson reader", """\
right/n next page, left/p previous, up/down and page keys scroll, t contents, l links on the
page (esc comes back to where you were), c mark complete, z quiz me on this lesson (only what
it and the lessons before it taught). The last page offers the lesson's quiz and the next
lesson."""),
    "questions": ("Questions", """\
Letters or digits choose, space ticks, enter confirms your answer; the line under each
question lists its keys, and ctrl+o shows the whole of a long question.

- **Practice**: enter next, ctrl+l study this, 2/3/4 rate a right answer Hard/Good/Easy;
  esc ends the round (it asks first). After a multiple-select, matching or ordering
  question the feedback goes part by part in the order you saw them: ✓ right, ✗ wrong, and
  under a wrong match or place "right →" shows what belongs there.
- **Exam**: enter saves the answer, ctrl+n next, ctrl+b previous (not in a sequential exam),
  ctrl+f flag, ctrl+r review, ctrl+s submit the exam, esc leave (it asks; the clock runs
  on)."""),
    "sop": ("SOP reference", """\
Type to filter by name, keyword or UID; down or enter moves to the table; / back to the
filter; enter opens a class."""),
    "studies": ("Study lists", """\
A synthetic worklist; open series, instances and any DICOM header. Three counts stand side
by side: All is Number of Study Related Instances (0020,1208), every instance, what a VNA or
C-FIND returns; Pix counts instances with pixel data, what many PACS "Images" columns show;
Frm counts frames, what a viewer's frame counter shows. Series show the same three. In a
header, Home and End go to the first and last row and / filters. o opens a folder of your
own DICOM files the same way (headers only, nothing changed); s lists the files skipped and
remarked, with the reason."""),
    "lab": ("Lab", """\
Work a ticket against an embedded PACS (or talk to a real one): s send, e echo, f C-FIND
studies, r series, a answer the diagnostic questions, c change the configuration, t the
ticket again; the free lab adds o send a folder of your files. Panes: your transcript, the
PACS log, the study list (Images as that PACS counts them)."""),
    "progress": ("Progress", """\
Lessons, mastery by topic, exam scores, streak and readiness for an exam: ? explains how
readiness is worked out, p practises the selected topic, n the topic to study next, e shows
another exam's readiness."""),
    "items": ("Item analysis", """\
For instructors: every answered question, weakest first, with its difficulty,
discrimination and flags; up/down shows a question's choice rates."""),
    "data": ("Your progress", """\
Saved the moment you act, in `{data}`. Use `--data-dir DIR` or `PACS_TRAINER_HOME` to keep
it elsewhere. When something cannot be saved (a full disk, a read-only file), the app says
which, and your answer stays to try again."""),
    "classroom": ("In a classroom", """\
`pacs-trainer serve`, or `--store postgresql://...`: you sign in with your name and
passphrase; the first time, you choose the passphrase and type the join code from your
instructor. You see only your own progress. If the classroom's database is away for a
moment, your answers are kept and written when it is back: keep going. Instructors also get
the **Cohort report**: every learner, the weakest topics, each question's figures (r counts
again)."""),
    "cli": ("Command line", """\
`pacs-trainer --help` lists the commands (registry, bank, study, lab, export, ...)."""),
}


def help_text(topic: str, data_file: str) -> str:
    """The whole help as Markdown, the block for `topic` first."""
    order = [topic, *(key for key in TOPICS if key != topic)]
    parts = ["# pacs-trainer help"]
    for number, key in enumerate(order):
        title, body = TOPICS[key]
        if number == 1:
            parts.append("---")
        parts.append(f"## {'On this screen: ' if number == 0 else ''}{title}\n\n{body}")
    return "\n\n".join(parts).replace("{data}", data_file)


class HelpScreen(TrainerModal[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close", id="help.close")]  # F1 closes it too

    def __init__(self, data_file: str, topic: str = "home") -> None:
        super().__init__()
        self.data_file = data_file
        self.topic = topic

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Markdown(help_text(self.topic, self.data_file))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # so up/down/page keys scroll the help
