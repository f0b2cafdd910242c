"""The learner's SCU: C-ECHO, C-STORE and C-FIND, each leaving a transcript of the wire.

Built on pynetdicom like the embedded PACS, so it meets any real PACS too. Each operation
writes what it proposes (presentation contexts by name and UID, with their transfer
syntaxes), what came back (each context's result, a rejection with its reason, an abort), and
every DIMSE status with its meaning. Network faults (nothing listening, no answer in time, the
peer aborting, a reply that cannot be read) end the operation with a line that says so; they
never raise. Imports pynetdicom: import this module only when the network is wanted.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydicom.dataset import Dataset
from pynetdicom import AE, evt
from pynetdicom.pdu_primitives import A_ABORT, A_P_ABORT

from trainer.core import wording
from trainer.core.hosts import is_loopback
from trainer.core.lab import names, transcript
from trainer.core.lab.conformance import check_ae_title
from trainer.core.lab.network import Timeouts, no_delay
from trainer.core.lab.transcript import ERROR, NOTE, OK, RECEIVED, SENT, STEP, WARNING, Transcript

MAX_CONTEXTS = 128  # presentation context IDs are odd numbers 1..255 (PS3.8 9.3.2.2)
DEFAULT_CALLING_AE = "PACSTRAINER"
_LOGGER = "pynetdicom"


@dataclass(frozen=True)
class Peer:
    """Where to talk to: host, port, the AE title to call and the one we call from."""

    host: str
    port: int
    called_ae: str
    calling_ae: str = DEFAULT_CALLING_AE

    def __post_init__(self) -> None:
        check_ae_title(self.called_ae)
        check_ae_title(self.calling_ae)
        if not 1 <= self.port <= 65535:
            raise ValueError(f"a port must be 1 to 65535, not {self.port}")
        if not self.host.strip():
            raise ValueError("a host name or address is needed")

    def describe(self) -> str:
        return f"{self.called_ae} at {self.host}:{self.port} (calling AE {self.calling_ae})"


@dataclass(frozen=True)
class Outgoing:
    """One object to send; `load` gives its data set when its turn comes (called once)."""

    label: str
    sop_class_uid: str
    transfer_syntax: str
    load: Callable[[], Dataset]


@dataclass
class SendReport:
    total: int
    statuses: dict[int, int] = field(default_factory=dict)  # status code -> instances
    not_sent: int = 0  # no accepted presentation context, or the association ended first

    @property
    def stored(self) -> int:
        """Instances the peer answered with Success or a Warning (it kept them)."""
        return sum(n for code, n in self.statuses.items() if code == 0 or 0xB000 <= code <= 0xBFFF
                   or code == 0x0001)

    @property
    def failed(self) -> int:
        return self.total - self.stored

    def line(self) -> str:
        text = f"{self.stored} of {self.total} instances stored"
        if self.failed:
            text += f", {self.failed} not"
        return text


@dataclass(frozen=True)
class FindResult:
    ok: bool
    matches: list[dict[str, Any]]


class _Errors(logging.Handler):
    """pynetdicom's error messages while we wait: the reason behind a failed connection."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _pynetdicom_errors() -> Iterator[_Errors]:
    handler = _Errors()
    logger = logging.getLogger(_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _proposals(objects: Sequence[Outgoing]) -> list[tuple[str, tuple[str, ...]]]:
    """One context per SOP class and kind of encoding: uncompressed objects offer both
    uncompressed syntaxes (the SCU converts between them), a compressed one its own."""
    from pydicom.uid import UID

    seen: dict[tuple[str, tuple[str, ...]], None] = {}
    for item in objects:
        syntax = UID(item.transfer_syntax)
        offered = names.UNCOMPRESSED if not syntax.is_compressed else (item.transfer_syntax,)
        seen[(item.sop_class_uid, offered)] = None
    return list(seen)


def _keep_answers_for_the_caller(assoc: Any) -> None:
    """Leave every DIMSE message on the association to the call that waits for it.

    A requestor's association reactor (a thread) also reads the message queue, to serve
    requests from the peer. pynetdicom pauses it around each request, but its pause can see
    a stale "paused" flag: under load the reactor then takes our C-STORE response, drops it
    as "unexpected" and the call waits out its DIMSE timeout (seen in loaded test runs). We
    serve no request the peer starts on its own (C-GET's C-STORE sub-operations are read by
    send_c_get itself), so the reactor's non-blocking reads get nothing."""
    dimse = assoc.dimse
    read = dimse.get_msg

    def get_msg(block: bool = False) -> Any:
        return read(block=True) if block else (None, None)

    dimse.get_msg = get_msg


class _Association:
    """One association attempt and what the transcript says of it."""

    def __init__(self, peer: Peer, contexts: Sequence[tuple[str, Sequence[str]]],
                 out: Transcript, timeouts: Timeouts) -> None:
        self.peer, self.out = peer, out
        self.ae = AE(ae_title=peer.calling_ae)
        timeouts.apply(self.ae)
        self.timeouts = timeouts
        for abstract, syntaxes in contexts:
            self.ae.add_requested_context(abstract, list(syntaxes))
        self.abort_received: Any = None
        self.assoc: Any = None
        self.roles: list[Any] = []  # SCP/SCU role selection items to propose
        self.store_handler: Callable[[Any], int] | None = None  # C-STORE on our association

    def _acse_received(self, event: Any) -> None:
        if isinstance(event.primitive, (A_ABORT, A_P_ABORT)):
            self.abort_received = event.primitive

    def open(self) -> bool:
        """Request the association; True when it is established."""
        peer, out = self.peer, self.out
        where = f"{peer.host}:{peer.port}"
        if not is_loopback(peer.host):
            out.add(NOTE, f"{peer.host} is not this machine: the request goes over the network")
        out.add(STEP, f"Connecting to {where}: calling AE {peer.calling_ae}, called AE "
                      f"{peer.called_ae}")
        contexts = self.ae.requested_contexts
        proposed = wording.count(len(contexts), "presentation context")
        out.add(SENT, f"A-ASSOCIATE-RQ proposing {proposed}:")
        for number, cx in enumerate(contexts):  # IDs are odd: 1, 3, 5 ... (PS3.8 9.3.2.2)
            out.add(SENT, transcript.context_proposed(2 * number + 1, str(cx.abstract_syntax),
                                                      cx.transfer_syntax), 1)
        handlers: list[Any] = [(evt.EVT_CONN_OPEN, no_delay),
                               (evt.EVT_ACSE_RECV, self._acse_received)]
        if self.store_handler is not None:
            handlers.append((evt.EVT_C_STORE, self.store_handler))
        with _pynetdicom_errors() as errors:
            assoc = self.ae.associate(peer.host, peer.port, ae_title=peer.called_ae,
                                      evt_handlers=handlers, ext_neg=self.roles or None)
        self.assoc = assoc
        answer = assoc.acceptor.primitive
        if assoc.is_rejected and answer is not None:
            out.add(ERROR, "A-ASSOCIATE-RJ: " + transcript.rejection(
                answer.result or 0, answer.result_source or 0, answer.diagnostic or 0))
            return False
        if answer is not None and answer.result == 0:
            self._results(assoc)
            if assoc.is_established:
                _keep_answers_for_the_caller(assoc)
                return True
            out.add(ERROR, "No presentation context was accepted, so nothing can be sent: "
                           "the SCU aborts the association (A-ABORT)")
            return False
        out.add(ERROR, self._failure(errors.messages, where))
        return False

    def _results(self, assoc: Any) -> None:
        contexts = sorted([*assoc.accepted_contexts, *assoc.rejected_contexts],
                          key=lambda cx: cx.context_id)
        accepted = len(assoc.accepted_contexts)
        self.out.add(RECEIVED if accepted else WARNING,
                     f"A-ASSOCIATE-AC from {str(assoc.acceptor.ae_title).strip() or '?'}: "
                     f"{accepted} of {len(contexts)} presentation contexts accepted")
        for cx in contexts:
            syntax = cx.transfer_syntax[0] if cx.result == 0 and cx.transfer_syntax else None
            self.out.add(OK if cx.result == 0 else WARNING,
                         transcript.context_result(cx.context_id, cx.abstract_syntax,
                                                   cx.result, syntax), 1)

    def _failure(self, messages: list[str], where: str) -> str:
        tcp = next((m for m in messages if "TCP Initialisation Error" in m), None)
        if tcp is not None:
            reason = re.sub(r"^.*?Error:\s*(\[Errno -?\d+\]\s*)?", "", tcp) or "no connection"
            if "refused" in reason.lower():
                return (f"Cannot connect to {where}: connection refused (nothing listens on that "
                        "port: is the PACS running, and is the port right?)")
            if "timed out" in reason.lower():
                return (f"Cannot connect to {where}: no answer within {self.timeouts.connect:g} s "
                        "(a firewall, or the wrong host?)")
            return f"Cannot connect to {where}: {reason}"
        if self.abort_received is not None:
            return "The peer aborted instead of answering: " + _abort_text(self.abort_received)
        if any("timeout" in m.lower() for m in messages):
            return (f"No answer to the association request within {self.timeouts.acse:g} s "
                    "(ACSE timeout): the peer accepted the connection but said nothing")
        detail = f" ({messages[-1]})" if messages else ""
        return f"The association with {where} could not be set up{detail}"

    def ended(self) -> str | None:
        """Why the association ended early: the reactor may take a moment to see an abort."""
        assoc = self.assoc
        deadline = time.monotonic() + 2
        while assoc.is_established and time.monotonic() < deadline:
            time.sleep(0.01)
        if assoc.is_established:
            return "the peer sent no valid response; the association is aborted"
        if self.abort_received is not None:
            return "the peer aborted the association: " + _abort_text(self.abort_received)
        return (f"no answer within {self.timeouts.dimse:g} s (DIMSE timeout), or the "
                "connection was lost: the association is aborted")

    def close(self) -> None:
        if self.assoc is not None and self.assoc.is_established:
            self.assoc.release()
            self.out.add(SENT, "A-RELEASE: association released")


def _abort_text(primitive: Any) -> str:
    if isinstance(primitive, A_ABORT):
        return transcript.abort(primitive.abort_source, getattr(primitive, "provider_reason",
                                                                None))
    return transcript.abort(2, getattr(primitive, "provider_reason", None))


def echo(peer: Peer, out: Transcript, timeouts: Timeouts = Timeouts()) -> bool:
    """C-ECHO: is the peer there and does it accept us for Verification?"""
    link = _Association(peer, [(names.VERIFICATION, names.UNCOMPRESSED)], out, timeouts)
    if not link.open():
        return False
    out.add(SENT, "C-ECHO-RQ")
    status = link.assoc.send_c_echo()
    code = _status(status)
    if code is None:
        out.add(ERROR, f"No C-ECHO response: {link.ended() or 'the response could not be read'}")
        return False
    out.add(OK if code == 0 else ERROR, "C-ECHO-RSP " + transcript.status(code, "echo"))
    link.close()
    return code == 0


def _status(dataset: Dataset | None) -> int | None:
    if dataset is None or "Status" not in dataset:
        return None
    return int(dataset.Status)


def send(peer: Peer, objects: Sequence[Outgoing], out: Transcript,
         timeouts: Timeouts = Timeouts()) -> SendReport:
    """C-STORE every object (in as many associations as the presentation contexts need)."""
    report = SendReport(total=len(objects))
    proposals = _proposals(objects)
    for start in range(0, len(proposals), MAX_CONTEXTS):
        chunk = proposals[start:start + MAX_CONTEXTS]
        wanted = {abstract for abstract, _ in chunk}
        members = [item for item in objects if _proposal(item) in chunk]
        if len(proposals) > MAX_CONTEXTS:
            out.add(NOTE, f"Association {start // MAX_CONTEXTS + 1}: {len(wanted)} SOP classes "
                          f"(one association holds at most {MAX_CONTEXTS} contexts)")
        _send_batch(peer, chunk, members, out, timeouts, report)
    out.add(OK if not report.failed else ERROR, f"Result: {report.line()}")
    return report


def _proposal(item: Outgoing) -> tuple[str, tuple[str, ...]]:
    return _proposals([item])[0]


def _send_batch(peer: Peer, contexts: Sequence[tuple[str, tuple[str, ...]]],
                objects: Sequence[Outgoing], out: Transcript, timeouts: Timeouts,
                report: SendReport) -> None:
    link = _Association(peer, contexts, out, timeouts)
    if not link.open():
        report.not_sent += len(objects)
        return
    accepted = {(cx.abstract_syntax, cx.transfer_syntax[0]) for cx in link.assoc.accepted_contexts}
    accepted_classes = {abstract for abstract, _ in accepted}
    run = _Run(out)
    for index, item in enumerate(objects):
        if item.sop_class_uid not in accepted_classes or not _usable(item, accepted):
            run.add(item, None, "not sent: the peer accepted no presentation context for it")
            report.not_sent += 1
            continue
        try:
            dataset = item.load()
        except Exception as exc:  # noqa: BLE001 - an unreadable file is reported, not fatal
            run.add(item, None, f"not sent: cannot be read ({type(exc).__name__}: {exc})")
            report.not_sent += 1
            continue
        try:
            status = link.assoc.send_c_store(dataset)
        except (ValueError, AttributeError, TypeError) as exc:
            run.add(item, None, f"not sent: {exc}")
            report.not_sent += 1
            continue
        code = _status(status)
        if code is None:
            run.flush()
            left = len(objects) - index
            why = link.ended()
            if link.assoc.is_established:
                link.assoc.abort()
            out.add(ERROR, f"No C-STORE response for {item.label}: {why}; "
                           f"{left} instances not stored")
            report.not_sent += left
            return
        report.statuses[code] = report.statuses.get(code, 0) + 1
        run.add(item, code, None)
    run.flush()
    link.close()


def _usable(item: Outgoing, accepted: set[tuple[str, str]]) -> bool:
    from pydicom.uid import UID

    if (item.sop_class_uid, item.transfer_syntax) in accepted:
        return True
    if UID(item.transfer_syntax).is_compressed:
        return False
    return any(abstract == item.sop_class_uid and not UID(syntax).is_compressed
               for abstract, syntax in accepted)


class _Run:
    """C-STORE lines, with a run of equal outcomes for one SOP class said once."""

    def __init__(self, out: Transcript) -> None:
        self.out = out
        self.key: tuple[str, int | None, str | None] | None = None
        self.first = ""
        self.last = ""
        self.count = 0

    def add(self, item: Outgoing, code: int | None, problem: str | None) -> None:
        key = (item.sop_class_uid, code, problem)
        if key != self.key:
            self.flush()
            self.key, self.first, self.count = key, item.label, 0
        self.last = item.label
        self.count += 1

    def flush(self) -> None:
        if self.key is None:
            return
        sop_class, code, problem = self.key
        which = self.first if self.count == 1 else f"{self.first} … {self.last} ({self.count})"
        what = names.uid_name(sop_class)
        if code is None:
            self.out.add(ERROR, f"C-STORE {what} {which}: {problem}")
        else:
            kind = OK if code == 0 else WARNING if 0xB000 <= code <= 0xBFFF else ERROR
            self.out.add(kind, f"C-STORE {what} {which}: " + transcript.status(code, "store"))
        self.key = None


def find(peer: Peer, level: str, keys: Mapping[str, str], out: Transcript,
         timeouts: Timeouts = Timeouts()) -> FindResult:
    """Study Root C-FIND at STUDY, SERIES or IMAGE level; keys are keyword -> value."""
    identifier = Dataset()
    identifier.QueryRetrieveLevel = level
    for keyword, value in keys.items():
        setattr(identifier, keyword, value)
    link = _Association(peer, [(names.STUDY_ROOT_FIND, names.UNCOMPRESSED)], out, timeouts)
    if not link.open():
        return FindResult(False, [])
    asked = ", ".join(f"{k}={v!r}" if v else k for k, v in keys.items())
    out.add(SENT, f"C-FIND-RQ Study Root, level {level}: {asked}")
    matches: list[dict[str, Any]] = []
    final: int | None = None
    try:
        for status, answer in link.assoc.send_c_find(identifier, names.STUDY_ROOT_FIND):
            code = _status(status)
            if code is None:
                break
            if code in (0xFF00, 0xFF01) and answer is not None:
                matches.append(_plain(answer, keys))
                continue
            final = code
    except Exception as exc:  # noqa: BLE001 - a malformed identifier from the peer
        out.add(ERROR, f"A C-FIND response could not be read: {type(exc).__name__}: {exc}")
        link.assoc.abort()
        return FindResult(False, matches)
    if final is None:
        out.add(ERROR, f"C-FIND ended without a final status: {link.ended()}")
        return FindResult(False, matches)
    found = wording.count(len(matches), "match", "matches")
    out.add(RECEIVED, f"{found} (each 0xFF00 Pending), then C-FIND-RSP "
                      + transcript.status(final, "find"))
    link.close()
    return FindResult(final == 0, matches)


def _plain(answer: Dataset, keys: Mapping[str, str]) -> dict[str, Any]:
    """A match as plain values: numbers for counts, lists for multi-valued keys, safe text."""
    from pydicom.datadict import dictionary_VM, dictionary_VR
    from pydicom.multival import MultiValue

    from trainer.core.sanitize import strip_controls

    found: dict[str, Any] = {}
    for keyword in keys:
        value = answer.get(keyword)
        items = list(value) if isinstance(value, MultiValue) else [] if value in (None, "") else [
            value]
        texts = [strip_controls(str(item), 128) for item in items]
        if dictionary_VR(keyword) in ("IS", "US", "UL") and len(texts) == 1:
            found[keyword] = int(texts[0]) if texts[0].strip().isdigit() else texts[0]
        elif dictionary_VM(keyword) != "1":
            found[keyword] = texts
        else:
            found[keyword] = texts[0] if texts else ""
    return found


@dataclass
class GetResult:
    ok: bool
    received: list[Path] = field(default_factory=list)


# What the SCU offers to receive each retrieved object in: the file's own encoding is kept.
RECEIVE_SYNTAXES = (*names.UNCOMPRESSED, *names.TRANSFER_SYNTAX_GROUPS["jpeg2000"])


def get(peer: Peer, level: str, keys: Mapping[str, str], sop_classes: Sequence[str],
        folder: Path, out: Transcript, timeouts: Timeouts = Timeouts()) -> GetResult:
    """Study Root C-GET: the peer sends the instances back on this association, as C-STORE
    sub-operations, to us in the Storage SCP role (role selection, PS3.7 D.3.3.4); they are
    written to `folder` as numbered files."""
    from pynetdicom import build_role

    classes = list(dict.fromkeys(sop_classes))[:MAX_CONTEXTS - 1]
    contexts = [(names.STUDY_ROOT_GET, names.UNCOMPRESSED),
                *((uid, RECEIVE_SYNTAXES) for uid in classes)]
    link = _Association(peer, contexts, out, timeouts)
    link.roles = [build_role(uid, scp_role=True) for uid in classes]
    result = GetResult(False)
    folder.mkdir(parents=True, exist_ok=True)

    def stored(event: Any) -> int:
        path = folder / f"{len(result.received) + 1:06d}.dcm"
        what = names.uid_name(str(event.request.AffectedSOPClassUID))
        try:
            path.write_bytes(event.encoded_dataset())
        except OSError as exc:
            out.add(ERROR, f"C-STORE sub-operation {what}: cannot write {path}: {exc.strerror}")
            return 0xA700
        result.received.append(path)
        out.add(RECEIVED, f"C-STORE sub-operation {what}: kept as {path.name}, 0x0000 Success")
        return 0x0000

    link.store_handler = stored
    roles = wording.count(len(classes), "SOP class", "SOP classes")
    out.add(NOTE, f"We take the Storage SCP role for {roles} (SCP/SCU role selection), so the "
                  "peer can send the instances back")
    if not link.open():
        return result
    identifier = Dataset()
    identifier.QueryRetrieveLevel = level
    for keyword, value in keys.items():
        setattr(identifier, keyword, value)
    out.add(SENT, f"C-GET-RQ Study Root, level {level}: "
                  + ", ".join(f"{k}={v!r}" for k, v in keys.items()))
    final: Dataset | None = None
    for status, _answer in link.assoc.send_c_get(identifier, names.STUDY_ROOT_GET):
        code = _status(status)
        if code is None:
            out.add(ERROR, f"C-GET ended without a final status: {link.ended()}")
            return result
        if code not in (0xFF00, 0xFF01):
            final = status
    if final is None:
        out.add(ERROR, "C-GET ended without a final status")
        return result
    code = int(final.Status)
    counts = ", ".join(f"{int(final.get(f'NumberOf{kind}Suboperations', 0) or 0)} {kind.lower()}"
                       for kind in ("Completed", "Failed", "Warning"))
    out.add(OK if code == 0 else WARNING,
            f"C-GET-RSP {transcript.status(code, 'get')}; sub-operations: {counts}; "
            f"{wording.count(len(result.received), 'instance')} received into {folder}")
    link.close()
    result.ok = code == 0
    return result
