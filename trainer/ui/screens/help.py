"""In-app help: what each section does, the keys, and where progress is kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from trainer.ui.screens.base import TrainerModal

HELP = """\
# pacs-trainer help

**Sections** (home screen, or ctrl+p and type a name)

- **Continue** reopens the lesson page you read last.
- **Lessons**: short modules, read page by page.
- **Practice**: questions with instant feedback; choose sources, topics, count and seed.
- **Exam**: timed, certification-style; answers are saved as you give them, and an exam left
  open is offered for resuming (the clock keeps running while the app is closed). One window
  at a time writes to an exam: another one says where it is open, and can take it over once
  that window is gone.
- **Review due**: spaced review (FSRS) of what you answered, plus new questions a day.
- **SOP reference**: every SOP class in the standard; type to filter.
- **Study lists**: a synthetic worklist; open series, instances and any DICOM header.
  Imgs counts all instances, Number of Study Related Instances (0020,1208), as a PACS
  returns it; c switches to a viewer's choices (pixel-data instances, frames). o opens a
  folder of your own DICOM files the same way (headers only, nothing changed); s lists the
  files skipped and remarked, with the reason.
- **Lab**: work a ticket against an embedded PACS (or talk to a real one): s send,
  e echo, f C-FIND studies, r series, a answer the diagnostic questions, c change the
  configuration, t the ticket again; the free lab adds o send a folder of your files.
  Panes: your transcript, the PACS log, the study list (Images as that PACS counts them).
- **Progress**: lessons, mastery by topic, exam scores, streak, readiness for an exam.
- **Item analysis** (for instructors): every answered question, weakest first, with its
  difficulty, discrimination and flags; up/down shows a question's choice rates.

**Keys everywhere**: ctrl+p command palette (sections, themes, keys), F1 this help,
esc back, ctrl+q quit. The footer shows the keys of each screen.

**Lesson reader**: right/n next page, left/p previous, t contents, l links on the page,
c mark complete, z quiz me on this lesson.

**Questions**: letters or digits choose, space ticks, enter confirms your answer; the line
under each question lists its keys. Practice: enter next, ctrl+l study this, 2/3/4 rate a right
answer Hard/Good/Easy. Exam: enter saves the answer, ctrl+n next, ctrl+b previous (not in
a sequential exam), ctrl+f flag, ctrl+r review, ctrl+s submit the exam, esc leave (it asks;
the clock runs on).

**SOP reference**: type to filter by name, keyword or UID; down or enter moves to the
table; / back to the filter; enter opens a class.

**Your progress** is saved the moment you act, in `{data}`.
Use `--data-dir DIR` or `PACS_TRAINER_HOME` to keep it elsewhere. When something cannot be
saved (a full disk, a read-only file), the app says which, and your answer stays to try again.

**In a classroom** (`pacs-trainer serve`, or `--store postgresql://...`) you sign in with
your name and passphrase; the first time, you choose the passphrase and type the join code
from your instructor. You see only your own progress. If the classroom's database is away
for a moment, your answers are kept and written when it is back: keep going. Instructors
also get the **Cohort report**: every learner, the weakest topics, each question's figures
(r counts again).

**Command line**: `pacs-trainer --help` lists the commands (registry, bank, ...).
"""


class HelpScreen(TrainerModal[None]):
    BINDINGS = [Binding("escape,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, data_file: str) -> None:
        super().__init__()
        self.data_file = data_file

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Markdown(HELP.replace("{data}", self.data_file))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # so up/down/page keys scroll the help
