"""`pacs-trainer lab ...`: the PACS lab on the command line, like small dcmtk tools.

`lab pacs` runs the embedded PACS in the foreground (point storescu, findscu or a modality
simulator at it); `lab echo|send|find|get` are the learner's SCU against any PACS, each printing
the transcript of what happened on the wire; `lab scenarios` lists the tickets and
`lab run NAME --plain` works one as plain text. pynetdicom is imported only inside `run_*`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from trainer.commands import DEFAULT_SEED, error, format_table
from trainer.core.sanitize import strip_controls
from trainer.core.studies import PROCEDURES, CountPolicy

if TYPE_CHECKING:
    from trainer.core.lab.conformance import Conformance
    from trainer.core.lab.network import Timeouts
    from trainer.core.lab.scu import Peer
    from trainer.core.lab.session import LabSession
    from trainer.core.lab.transcript import Line, Transcript
    from trainer.core.practice import PracticeSession
    from trainer.core.studies import Study

LEVELS = ("study", "series", "image")
# What `lab run` shows of each C-FIND: the counts and what they count, without the UIDs.
SHOWN_KEYS = {
    "STUDY": ("PatientID", "AccessionNumber", "ModalitiesInStudy", "NumberOfStudyRelatedSeries",
              "NumberOfStudyRelatedInstances"),
    "SERIES": ("SeriesNumber", "Modality", "SeriesDescription",
               "NumberOfSeriesRelatedInstances"),
}
PREFIX = {"step": "", "sent": "-> ", "received": "<- ", "ok": "ok ", "warning": "!! ",
          "error": "XX ", "note": "   "}


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "lab",
        parents=[common],
        help="the PACS lab: an embedded PACS, echo/send/find, and tickets to work",
        description=(
            "DICOM on the wire: run the embedded PACS, or talk to any PACS with C-ECHO, "
            "C-STORE, C-FIND and C-GET, and read what was proposed, accepted, rejected and "
            "why. "
            "Everything listens on and defaults to 127.0.0.1."
        ),
    )
    actions = parser.add_subparsers(dest="lab_action", metavar="ACTION", required=True)
    timeout = argparse.ArgumentParser(add_help=False)
    timeout.add_argument("--timeout", type=float, default=10.0, metavar="S",
                         help="bound on every network wait, 0.5 to 300 seconds (default 10)")
    _add_pacs(actions, common, timeout)
    _add_clients(actions, common, timeout)
    _add_scenarios(actions, common, timeout)


def _add_pacs(actions: Any, common: argparse.ArgumentParser,
              timeout: argparse.ArgumentParser) -> None:
    pacs = actions.add_parser(
        "pacs", parents=[common, timeout], help="run the embedded PACS in the foreground",
        description=(
            "Run the embedded PACS until ctrl+c: Verification, Storage and Study Root "
            "C-FIND and C-GET, with the conformance you give. It prints its log as "
            "associations come in, and its study list when it stops. Received objects are "
            "kept in a folder with an index (files named by number, never from received "
            "values)."
        ),
    )
    pacs.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1, this machine only)")
    pacs.add_argument("--port", type=int, default=0,
                      help="port to listen on (default 0: a free one, printed at start; "
                           "DICOM's registered port is 11112)")
    pacs.add_argument("--ae-title", default="PACS", help="the PACS's AE title (default PACS)")
    pacs.add_argument("--any-called-ae", action="store_true",
                      help="accept any called AE title (by default it must be --ae-title)")
    pacs.add_argument("--storage", default="all", metavar="CLASSES",
                      help="Storage SOP classes accepted: all (default), or a comma-separated "
                           "list of UIDs or keywords (e.g. CTImageStorage,MRImageStorage)")
    pacs.add_argument("--refuse", default="", metavar="CLASSES",
                      help="Storage SOP classes to refuse, comma-separated")
    pacs.add_argument("--transfer-syntaxes", default="uncompressed", metavar="LIST",
                      help="accepted transfer syntaxes, comma-separated UIDs or groups "
                           "(uncompressed, jpeg2000, jpeg-lossless, jpeg-baseline, jpeg-ls, "
                           "rle, deflated); default uncompressed")
    pacs.add_argument("--count", choices=[p.value for p in CountPolicy], default="pixel",
                      help="what its study list's Images column counts (default pixel)")
    pacs.add_argument("--folder", metavar="DIR",
                      help="where to keep received objects (default: lab/pacs in the data dir)")
    pacs.add_argument("--max-mb", type=float, metavar="MB",
                      help="refuse objects (0xA700) once this much is stored")
    pacs.set_defaults(func=run_pacs)


def _add_clients(actions: Any, common: argparse.ArgumentParser,
                 timeout: argparse.ArgumentParser) -> None:
    """echo, send, find, get: a peer's address and AE titles, then what each asks."""
    peer = argparse.ArgumentParser(add_help=False)
    peer.add_argument("host", help="the PACS's host name or address, e.g. 127.0.0.1")
    peer.add_argument("port", type=int, help="its DICOM port")
    peer.add_argument("--aec", default="PACS", metavar="AE",
                      help="the AE title to call (default PACS)")
    peer.add_argument("--aet", default="PACSTRAINER", metavar="AE",
                      help="our own (calling) AE title (default PACSTRAINER)")

    echo = actions.add_parser("echo", parents=[common, peer, timeout],
                              help="C-ECHO: is the PACS there, and does it accept us?",
                              description="Verification (C-ECHO) with a transcript; exit 0 "
                                          "when the PACS answers 0x0000 Success.")
    echo.set_defaults(func=run_echo)

    send = actions.add_parser(
        "send", parents=[common, peer, timeout], help="C-STORE a folder or a synthetic study",
        description=(
            "Send every DICOM file under FOLDER (files that are not DICOM are listed and "
            "skipped), or a synthetic study of --template. Prints the transcript and how "
            "many instances the PACS stored; exit 1 when any was not stored."
        ),
    )
    send.add_argument("folder", nargs="?", metavar="FOLDER",
                      help="a folder of DICOM files (right after PORT)")
    send.add_argument("--template", choices=[p.key for p in PROCEDURES], metavar="T",
                      help="send one synthetic study of this template instead: "
                           + ", ".join(p.key for p in PROCEDURES))
    send.set_defaults(func=run_send)

    find = actions.add_parser(
        "find", parents=[common, peer, timeout], help="C-FIND at study, series or image level",
        description=(
            "Study Root C-FIND. Without -k it asks for the columns of a study list at that "
            "level; -k KEYWORD=VALUE matches (wildcards * and ?, date ranges A-B) and "
            "-k KEYWORD asks for a value."
        ),
    )
    find.add_argument("--level", choices=LEVELS, default="study")
    find.add_argument("-k", "--key", action="append", default=[], metavar="KEYWORD[=VALUE]",
                      help="a key, e.g. -k PatientID=123 -k ModalitiesInStudy (repeatable)")
    find.add_argument("--json", action="store_true", help="print the matches as JSON")
    find.set_defaults(func=run_find)

    get = actions.add_parser(
        "get", parents=[common, peer, timeout], help="C-GET: retrieve instances into a folder",
        description=(
            "Study Root C-GET: the PACS sends the instances back on the same association "
            "(we take the Storage SCP role). A C-FIND at image level first learns which SOP "
            "classes to offer to receive. Give the UIDs of what to retrieve with -k."
        ),
    )
    get.add_argument("--level", choices=LEVELS, default="study")
    get.add_argument("-k", "--key", action="append", default=[], metavar="KEYWORD=UID",
                     help="e.g. -k StudyInstanceUID=1.2.3 (repeatable)")
    get.add_argument("--out", required=True, metavar="DIR", help="folder to write them into")
    get.set_defaults(func=run_get)


def _add_scenarios(actions: Any, common: argparse.ArgumentParser,
                   timeout: argparse.ArgumentParser) -> None:
    scenarios = actions.add_parser("scenarios", parents=[common], help="list the lab's tickets",
                                   description="The lab scenarios: tickets to work.")
    scenarios.add_argument("--json", action="store_true", help="print JSON")
    scenarios.set_defaults(func=run_scenarios)

    run = actions.add_parser(
        "run", parents=[common, timeout], help="work a scenario as plain text (--plain)",
        description=(
            "Work a scenario: read the ticket, watch the modality send to the embedded PACS, "
            "read the transcript, the PACS log and the study list, answer the diagnostic "
            "questions (stored and reviewed like any answer), make a configuration change "
            "and send again until the ticket is solved."
        ),
    )
    run.add_argument("name", metavar="NAME", help="a scenario id (see lab scenarios)")
    run.add_argument("--plain", action="store_true", help="plain text on stdin/stdout")
    run.set_defaults(func=run_scenario)


# --- helpers -------------------------------------------------------------------------------


def printer(stream: IO[str]) -> Any:
    def show(line: Line) -> None:
        stream.write("  " * line.indent + PREFIX.get(line.kind, "") +
                     strip_controls(line.text) + "\n")
        stream.flush()
    return show


def _timeouts(args: argparse.Namespace) -> Timeouts | None:
    from trainer.core.lab.network import Timeouts

    try:
        return Timeouts.all(args.timeout)
    except ValueError as exc:
        error(str(exc))
        return None


def _peer(args: argparse.Namespace) -> Peer | None:
    from trainer.core.lab.scu import Peer

    try:
        return Peer(args.host, args.port, args.aec, args.aet)
    except ValueError as exc:
        error(str(exc))
        return None


def _transcript() -> Transcript:
    from trainer.core.lab.transcript import Transcript

    return Transcript(printer(sys.stdout))


def study_table(studies: tuple[Study, ...] | list[Study], policy: CountPolicy) -> str:
    """A PACS's own study list, each study with its series under it, Images by `policy`."""
    from trainer.core.studies import display_date

    rows = []
    for study in studies:
        rows.append((study.patient.name, study.patient.patient_id, study.accession_number,
                     study.description, ", ".join(study.modalities),
                     display_date(study.date) if len(study.date) == 8 else study.date,
                     str(study.count(policy))))
        for series in study.series:
            line = f"  {series.series_number} {series.modality} {series.description}"
            rows.append(("", "", "", line, "", "", str(series.count(policy))))
    cleaned = [tuple(strip_controls(cell, 40) for cell in row) for row in rows]
    return format_table(("Name", "ID", "Acc#", "Description", "Mods", "Date", "Images"),
                        cleaned)


def match_table(matches: list[dict[str, Any]]) -> str:
    if not matches:
        return "(no matches)"
    columns = list(matches[0])

    def cell(value: Any) -> str:
        return "\\".join(value) if isinstance(value, list) else str(value)

    return format_table(columns, [[cell(m.get(c, "")) for c in columns] for m in matches])


# --- lab pacs ------------------------------------------------------------------------------


def run_pacs(args: argparse.Namespace) -> int:
    import time

    from trainer.core.hosts import exposure
    from trainer.core.lab.archive import Archive
    from trainer.core.lab.network import LabError
    from trainer.core.paths import data_dir

    timeouts = _timeouts(args)
    if timeouts is None:
        return 2
    try:
        conformance = _pacs_conformance(args)
    except ValueError as exc:
        error(str(exc))
        return 2
    folder = Path(args.folder) if args.folder else data_dir(args.data_dir) / "lab" / "pacs"
    try:
        archive = Archive(folder, max_bytes=None if args.max_mb is None
                          else int(args.max_mb * 1_000_000))
    except OSError as exc:
        error(f"cannot use {folder} for the PACS's storage: {exc.strerror or exc}")
        return 1
    from trainer.core.lab.pacs import EmbeddedPacs

    pacs = EmbeddedPacs(conformance, archive, host=args.host, port=args.port,
                        timeouts=timeouts, log=printer(sys.stdout))
    warning = exposure(args.host)
    if warning:
        print(f"pacs-trainer: warning: {warning}", file=sys.stderr)
    try:
        pacs.start()
    except LabError as exc:
        error(str(exc))
        return 1
    print(conformance.summary())
    print(f"Storing in {folder}. Try: pacs-trainer lab echo {args.host} {pacs.port} "
          f"--aec {conformance.ae_title}. Stop with ctrl+c.")
    try:
        while True:  # short sleeps: ctrl+c interrupts them on Windows too, unlike Event.wait()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        pacs.stop()
        studies = archive.studies()
        print(f"\nStudy list ({len(studies)} studies; Images: {conformance.count.title}):")
        if studies:
            print(study_table(studies, conformance.count))
        archive.close()
    return 0


def _pacs_conformance(args: argparse.Namespace) -> Conformance:
    """What `lab pacs` accepts, from its options; ValueError names a bad one."""
    from trainer.core.lab import names
    from trainer.core.lab.conformance import Conformance
    from trainer.core.lab.network import check_port

    check_port(args.port)
    storage = None
    if args.storage.strip().lower() != "all":
        storage = frozenset(names.storage_class(item) for item in _items(args.storage))
    refused = frozenset(names.storage_class(item) for item in _items(args.refuse))
    if refused:
        storage = frozenset(storage or names.active_storage_classes()) - refused
    return Conformance(
        ae_title=args.ae_title, check_called_ae=not args.any_called_ae, storage=storage,
        transfer_syntaxes=names.transfer_syntaxes(_items(args.transfer_syntaxes)),
        count=CountPolicy(args.count),
    )

def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


# --- lab echo / send / find ----------------------------------------------------------------


def run_echo(args: argparse.Namespace) -> int:
    timeouts, peer = _timeouts(args), _peer(args)
    if timeouts is None or peer is None:
        return 2
    from trainer.core.lab import scu

    return 0 if scu.echo(peer, _transcript(), timeouts) else 1


def run_send(args: argparse.Namespace) -> int:
    if bool(args.folder) == bool(args.template):
        error("give a FOLDER of DICOM files or --template T (one of them)")
        return 2
    timeouts, peer = _timeouts(args), _peer(args)
    if timeouts is None or peer is None:
        return 2
    from trainer.core.lab import outgoing, scu

    if args.folder:
        root = Path(args.folder)
        if not root.is_dir():
            error(f"no such folder: {root}")
            return 2
        found = outgoing.folder_objects(root)
        for skip in found.skipped:
            where = strip_controls(str(skip.path.relative_to(root)))
            print(f"Not sent: {where}: {skip.kind}: {skip.reason}")
        objects = found.objects
        if not objects:
            error(f"no DICOM instances to send in {root}")
            return 1
    else:
        from trainer.core.studies import generate_studies

        seed = DEFAULT_SEED if args.seed is None else args.seed
        procedure = next(p for p in PROCEDURES if p.key == args.template)
        study = generate_studies(seed, 1, (procedure,))[0]
        objects = outgoing.study_objects(study)
        print(f"Sending {study.description} (seed {seed}), {len(objects)} instances.")
    report = scu.send(peer, objects, _transcript(), timeouts)
    return 0 if not report.failed else 1


def run_find(args: argparse.Namespace) -> int:
    timeouts, peer = _timeouts(args), _peer(args)
    if timeouts is None or peer is None:
        return 2
    from pydicom.datadict import tag_for_keyword

    from trainer.core.lab import scu
    from trainer.core.lab.session import default_keys

    level = args.level.upper()
    keys: dict[str, str] = {} if args.key else default_keys(level)
    for item in args.key:
        keyword, _, value = item.partition("=")
        keyword = keyword.strip()
        if tag_for_keyword(keyword) is None:
            error(f"{keyword!r} is not a DICOM keyword (e.g. PatientID, StudyDate)")
            return 2
        keys[keyword] = value.strip()
    out = _transcript() if not args.json else None
    from trainer.core.lab.transcript import Transcript

    result = scu.find(peer, level, keys, out or Transcript(), timeouts)
    if args.json:
        print(json.dumps(result.matches, indent=2))
    else:
        print()
        print(match_table(result.matches))
    return 0 if result.ok else 1


def run_get(args: argparse.Namespace) -> int:
    timeouts, peer = _timeouts(args), _peer(args)
    if timeouts is None or peer is None:
        return 2
    keys = {}
    for item in args.key:
        keyword, _, value = item.partition("=")
        if keyword.strip() not in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"):
            error(f"-k {item!r}: a C-GET selects by StudyInstanceUID, SeriesInstanceUID or "
                  "SOPInstanceUID")
            return 2
        keys[keyword.strip()] = value.strip()
    if not keys:
        error("give the UID of what to retrieve, e.g. -k StudyInstanceUID=1.2.3")
        return 2
    from trainer.core.lab import scu

    out = _transcript()
    found = scu.find(peer, "IMAGE", {**keys, "SOPClassUID": ""}, out, timeouts)
    classes = sorted({str(match["SOPClassUID"]) for match in found.matches})
    if not found.ok or not classes:
        error("nothing to retrieve: the C-FIND found no instances for those UIDs")
        return 1
    result = scu.get(peer, args.level.upper(), keys, classes, Path(args.out), out, timeouts)
    return 0 if result.ok else 1


# --- lab scenarios / run -------------------------------------------------------------------


def run_scenarios(args: argparse.Namespace) -> int:
    from trainer.core.lab.scenarios import shipped

    catalog = shipped()
    for problem in catalog.errors:
        print(f"pacs-trainer: warning: scenario skipped: {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps([{"id": s.id, "title": s.title, "summary": s.summary,
                           "questions": len(s.questions)} for s in catalog.scenarios], indent=2))
        return 0
    rows = [(s.id, s.title, str(len(s.questions))) for s in catalog.scenarios]
    print(format_table(("Scenario", "Ticket", "Questions"), rows))
    print("\nWork one: pacs-trainer lab run NAME --plain (or the Lab section of the app).")
    return 0


def run_scenario(args: argparse.Namespace) -> int:
    if not args.plain:
        error("scenarios run in the app (pacs-trainer, then Lab) or as text: add --plain")
        return 2
    from trainer.core.clock import SystemClock

    return plain(args, stdin=sys.stdin, stdout=sys.stdout, clock=SystemClock())


def plain(args: argparse.Namespace, *, stdin: IO[str], stdout: IO[str], clock: Any) -> int:
    """Work a scenario on these streams (the tests drive it in-process)."""
    import random

    from trainer.commands import context, open_store
    from trainer.commands.plain_text import Console
    from trainer.core.lab.network import LabError
    from trainer.core.lab.scenarios import shipped
    from trainer.core.lab.session import LabSession
    from trainer.core.lab.transcript import Transcript
    from trainer.core.practice import PracticeSession

    catalog = shipped()
    scenario = catalog.get(args.name)
    if scenario is None:
        known = ", ".join(s.id for s in catalog.scenarios) or "none"
        error(f"no scenario {args.name!r}; the scenarios are: {known}")
        return 2
    timeouts = _timeouts(args)
    if timeouts is None:
        return 2
    setup = context(args, clock)
    store = open_store(setup)
    if store is None:
        return 1
    console = Console(stdin, stdout)
    logs: list[tuple[str, Line]] = []
    session = LabSession(scenario, setup.data_dir / "lab" / scenario.id,
                         pacs_log=lambda name, line: logs.append((name, line)),
                         timeouts=timeouts)
    try:
        session.start()
    except LabError as exc:
        error(str(exc))
        return 1
    show = printer(stdout)
    try:
        console.say(f"Scenario: {scenario.title}\n\nTicket:\n{scenario.ticket.strip()}\n")
        for name in session.names:
            console.say(session.conformance(name).summary())
        _send_and_show(console, session, Transcript(show), logs)
        console.say("\nDiagnose: answer each question (? for help).")
        _diagnose(console, session, PracticeSession(
            list(scenario.questions), random.Random(args.seed), clock, store, mode="lab"))
        while scenario.changes and not session.solved:
            change = _choose_change(console, session)
            if change is None:
                break
            session.apply(change, Transcript(show))
            console.say("\nThe modality sends the study again.")
            _send_and_show(console, session, Transcript(show), logs)
        console.say("")
        if session.solved:
            console.say("Ticket solved: " + _solved_line(session))
            return 0
        console.say("Ticket not solved yet: " + _open_line(session))
        return 1
    finally:
        session.stop()


def _diagnose(console: Any, session: LabSession, practice: PracticeSession) -> None:
    """The scenario's questions, answered as in practice; the session notes each answer."""
    from trainer.commands.quiz import _run_practice

    _run_practice(console, practice)
    for index in practice.grades:
        session.record_answer(practice.questions[index].id)

def _send_and_show(console: Any, session: LabSession, out: Transcript,
                   logs: list[tuple[str, Line]]) -> None:
    console.say("\n== What the modality sees (its transcript) ==")
    session.send(out)
    for name in session.names:
        console.say(f"\n== {name} log ==")
        for pacs_name, line in logs:
            if pacs_name == name:
                console.say("  " * line.indent + PREFIX.get(line.kind, "") +
                            strip_controls(line.text))
        conformance = session.conformance(name)
        studies = session.pacs[name].archive.studies()
        console.say(f"\n== {name} study list (Images: {conformance.count.title}) ==")
        console.say(study_table(studies, conformance.count) if studies else "(empty)")
        if studies:
            from trainer.core.lab.transcript import Transcript

            for level, keys in SHOWN_KEYS.items():
                result = session.find(level, Transcript(), name, dict.fromkeys(keys, ""))
                console.say(f"\n== C-FIND on {name}, {level.lower()} level ==")
                console.say(match_table(result.matches))
    logs.clear()


def _choose_change(console: Any, session: LabSession) -> str | None:
    scenario = session.scenario
    left = [c for c in scenario.changes if c.id not in session.applied]
    if not left:
        return None
    console.say("\nChanges you may make (the modality then sends again):")
    for number, change in enumerate(left, 1):
        console.say(f"  {number}. {change.label}")
    console.say("  Enter: stop here")
    while True:
        line = console.ask()
        if line is None or not line.strip():
            return None
        if line.strip().isdigit() and 1 <= int(line) <= len(left):
            return left[int(line) - 1].id
        console.say(f"Type 1 to {len(left)}, or just Enter to stop.")


def _solved_line(session: LabSession) -> str:
    if session.scenario.goal == "explained":
        return "every question answered; the counts are explained."
    return "every instance reached " + " and ".join(session.names) + "."


def _open_line(session: LabSession) -> str:
    missing = [q.id for q in session.scenario.questions if q.id not in session.answered]
    if missing:
        return f"{len(missing)} questions unanswered."
    return "some instances still do not reach the PACS."
