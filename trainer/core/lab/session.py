"""A scenario being worked: its PACS running, the modality ready to send, changes made.

The TUI and `lab run --plain` both drive this one object: send the study (to every PACS of the
scenario), echo, query, make one of the allowed configuration changes (a PACS restarts with its
new conformance, keeping what it stored), and ask whether the ticket is solved. Network work
blocks, so a screen calls these from a worker thread; the PACS log comes back through
`pacs_log` from pynetdicom's threads. Imports pynetdicom (through pacs and scu).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from trainer.core.lab import names, scu
from trainer.core.lab.archive import Archive
from trainer.core.lab.conformance import Conformance
from trainer.core.lab.network import LOOPBACK, Timeouts
from trainer.core.lab.outgoing import Variation, study_objects
from trainer.core.lab.pacs import EmbeddedPacs
from trainer.core.lab.scenarios import Change, ModalitySpec, Scenario
from trainer.core.lab.transcript import NOTE, STEP, Line, Transcript
from trainer.core.studies import PROCEDURES, Study, generate_studies

PacsLog = Callable[[str, Line], None]


@dataclass(frozen=True)
class Sent:
    pacs: str
    report: scu.SendReport


class _Running:
    """Embedded PACS by name, started and stopped together."""

    pacs: dict[str, EmbeddedPacs]

    def start(self) -> None:
        for pacs in self.pacs.values():
            pacs.start()

    def stop(self) -> None:
        for pacs in self.pacs.values():
            pacs.stop()
            pacs.archive.close()


class LabSession(_Running):
    def __init__(self, scenario: Scenario, folder: Path, *, pacs_log: PacsLog | None = None,
                 timeouts: Timeouts = Timeouts()) -> None:
        self.scenario = scenario
        self.folder = folder
        self.timeouts = timeouts
        self.modality: ModalitySpec = scenario.modality
        self.applied: list[str] = []
        self.sent: dict[str, scu.SendReport] = {}
        self.answered: set[str] = set()
        self.pacs: dict[str, EmbeddedPacs] = {}
        for spec in scenario.pacs:
            archive = Archive(folder / spec.name.lower().replace(" ", "-"))
            archive.clear()
            log = None if pacs_log is None else (lambda line, name=spec.name: pacs_log(name, line))
            self.pacs[spec.name] = EmbeddedPacs(spec.conformance(), archive, timeouts=timeouts,
                                                log=log)

    @property
    def names(self) -> list[str]:
        return list(self.pacs)

    def conformance(self, name: str | None = None) -> Conformance:
        return self.pacs[name or self.names[0]].conformance

    def study(self) -> Study:
        procedure = next(p for p in PROCEDURES if p.key == self.modality.template)
        return generate_studies(self.modality.seed, 1, (procedure,))[0]

    def variation(self) -> Variation:
        spec = self.modality
        return Variation(spec.transfer_syntax, spec.private_class, spec.private_count,
                         spec.private_description)

    def peer(self, name: str) -> scu.Peer:
        pacs = self.pacs[name]
        called = self.modality.calls or pacs.conformance.ae_title
        return scu.Peer(LOOPBACK, pacs.port, called, self.modality.ae_title)

    def send(self, out: Transcript) -> list[Sent]:
        """The modality sends its study to every PACS of the scenario, one after the other."""
        results = []
        study = self.study()
        for name in self.names:
            objects = study_objects(study, self.variation())
            out.add(STEP, f"The modality {self.modality.ae_title} sends {study.description} "
                          f"({len(objects)} instances) to {name}")
            report = scu.send(self.peer(name), objects, out, self.timeouts)
            self.sent[name] = report
            results.append(Sent(name, report))
        return results

    def echo(self, out: Transcript, name: str | None = None) -> bool:
        return scu.echo(self.peer(name or self.names[0]), out, self.timeouts)

    def find(self, level: str, out: Transcript, name: str | None = None,
             keys: Mapping[str, str] | None = None) -> scu.FindResult:
        wanted = dict(keys) if keys is not None else default_keys(level)
        return scu.find(self.peer(name or self.names[0]), level, wanted, out, self.timeouts)

    def apply(self, change_id: str, out: Transcript) -> Change:
        """Make one of the scenario's changes (once); the PACS it touches restarts."""
        change = self.scenario.change(change_id)
        if change_id in self.applied:
            return change
        self.applied.append(change_id)
        if change.modality_calls:
            self.modality = self.modality.model_copy(update={"calls": change.modality_calls})
        if change.modality_uncompressed:
            self.modality = self.modality.model_copy(update={"transfer_syntax": None})
        name = change.pacs or self.names[0]
        touched = change.add_storage or change.add_transfer_syntaxes or (
            change.check_called_ae is not None)
        if touched:
            pacs = self.pacs[name]
            conformance = pacs.conformance.with_storage(add=change.add_storage)
            if change.add_transfer_syntaxes:
                syntaxes = names.transfer_syntaxes(
                    (*conformance.transfer_syntaxes, *change.add_transfer_syntaxes))
                conformance = conformance.changed(transfer_syntaxes=syntaxes)
            if change.check_called_ae is not None:
                conformance = conformance.changed(check_called_ae=change.check_called_ae)
            pacs.reconfigure(conformance)
        out.add(NOTE, f"Changed: {change.label}. {change.note}")
        return change

    @property
    def solved(self) -> bool:
        questions = {q.id for q in self.scenario.questions}
        if not questions <= self.answered:
            return False
        if self.scenario.goal == "explained":
            return True
        return bool(self.sent) and all(
            name in self.sent and not self.sent[name].failed for name in self.names
        )

    def record_answer(self, question_id: str) -> None:
        self.answered.add(question_id)


def default_keys(level: str) -> dict[str, str]:
    """The return keys a study list asks for at each level (empty: give me the value)."""
    keys = {
        "STUDY": ("PatientName", "PatientID", "AccessionNumber", "StudyDate",
                  "StudyDescription", "ModalitiesInStudy", "NumberOfStudyRelatedSeries",
                  "NumberOfStudyRelatedInstances", "StudyInstanceUID"),
        "SERIES": ("StudyInstanceUID", "SeriesInstanceUID", "SeriesNumber", "Modality",
                   "SeriesDescription", "NumberOfSeriesRelatedInstances"),
        "IMAGE": ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID",
                  "InstanceNumber", "NumberOfFrames"),
    }[level]
    return dict.fromkeys(keys, "")


class Bench(_Running):
    """The free lab: the learner's SCU against the embedded PACS (every Storage SOP class,
    loopback, a free port) or against a real PACS they name."""

    def __init__(self, folder: Path, *, peer: scu.Peer | None = None,
                 pacs_log: PacsLog | None = None, timeouts: Timeouts = Timeouts()) -> None:
        self.timeouts = timeouts
        self.real = peer
        self.pacs: dict[str, EmbeddedPacs] = {}
        if peer is None:
            log = None if pacs_log is None else (lambda line: pacs_log("PACS", line))
            self.pacs["PACS"] = EmbeddedPacs(Conformance(), Archive(folder), timeouts=timeouts,
                                             log=log)

    @property
    def names(self) -> list[str]:
        return list(self.pacs) or [self.real.called_ae if self.real else "PACS"]

    def peer(self, name: str | None = None) -> scu.Peer:
        if self.real is not None:
            return self.real
        pacs = self.pacs["PACS"]
        return scu.Peer(LOOPBACK, pacs.port, pacs.conformance.ae_title)

    def send(self, objects: list[scu.Outgoing], out: Transcript) -> scu.SendReport:
        return scu.send(self.peer(), objects, out, self.timeouts)

    def echo(self, out: Transcript, name: str | None = None) -> bool:
        return scu.echo(self.peer(), out, self.timeouts)

    def find(self, level: str, out: Transcript, name: str | None = None,
             keys: Mapping[str, str] | None = None) -> scu.FindResult:
        wanted = dict(keys) if keys is not None else default_keys(level)
        return scu.find(self.peer(), level, wanted, out, self.timeouts)

    def conformance(self, name: str | None = None) -> Conformance:
        return self.pacs["PACS"].conformance
