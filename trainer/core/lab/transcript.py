"""What happened on the wire, as lines a person reads: the learner's side and the PACS's log.

Each line has a kind (what the screen colours it by) and plain text. The texts of results,
rejections, aborts and DIMSE statuses cite the table of the standard that defines them, so a
learner can look the code up (PS3.8 for the upper layer, PS3.7 and PS3.4 for DIMSE statuses).
Lines go to a callback as they are made, so a screen or a terminal shows them live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from trainer.core.lab.names import named, uid_name

# Kinds of line: something we do or send, something we received, a good outcome, a problem.
STEP, SENT, RECEIVED, OK, WARNING, ERROR, NOTE = (
    "step", "sent", "received", "ok", "warning", "error", "note"
)
KINDS = (STEP, SENT, RECEIVED, OK, WARNING, ERROR, NOTE)


@dataclass(frozen=True)
class Line:
    kind: str
    text: str
    indent: int = 0

    def plain(self) -> str:
        return "  " * self.indent + self.text


@dataclass
class Transcript:
    """Lines in order; `listener` sees each one as it is added (from any thread)."""

    listener: Callable[[Line], None] | None = None
    lines: list[Line] = field(default_factory=list)

    def add(self, kind: str, text: str, indent: int = 0) -> Line:
        line = Line(kind, text, indent)
        self.lines.append(line)
        if self.listener is not None:
            self.listener(line)
        return line

    def __iter__(self) -> Iterator[Line]:
        return iter(self.lines)

    def text(self) -> str:
        return "\n".join(line.plain() for line in self.lines)


# PS3.8 Table 9-18: Result/Reason of a presentation context in the A-ASSOCIATE-AC.
CONTEXT_RESULTS = {
    0: "accepted",
    1: "rejected by the called application (user rejection)",
    2: "rejected, no reason given",
    3: "rejected: abstract syntax not supported",
    4: "rejected: transfer syntaxes not supported",
}

# PS3.8 Table 9-21: the A-ASSOCIATE-RJ PDU's Result, Source and Reason/Diag.
REJECT_RESULTS = {1: "rejected-permanent", 2: "rejected-transient"}
REJECT_SOURCES = {
    1: "the called application (DICOM UL service-user)",
    2: "the DICOM UL service-provider (ACSE related function)",
    3: "the DICOM UL service-provider (presentation related function)",
}
REJECT_REASONS = {
    (1, 1): "no reason given",
    (1, 2): "application context name not supported",
    (1, 3): "calling AE title not recognized",
    (1, 7): "called AE title not recognized",
    (2, 1): "no reason given",
    (2, 2): "protocol version not supported",
    (3, 1): "temporary congestion",
    (3, 2): "local limit exceeded",
}

# PS3.8 Table 9-26: the A-ABORT PDU's Source and Reason/Diag (reasons only from the provider).
ABORT_SOURCES = {0: "the peer application (service-user)", 2: "the peer's DICOM UL provider"}
ABORT_REASONS = {
    0: "reason not specified",
    1: "unrecognized PDU",
    2: "unexpected PDU",
    4: "unrecognized PDU parameter",
    5: "unexpected PDU parameter",
    6: "invalid PDU parameter value",
}


def context_proposed(context_id: int, abstract: str, syntaxes: Iterable[str]) -> str:
    offered = "; ".join(named(uid) for uid in syntaxes)
    return f"[{context_id}] {named(abstract)}, transfer syntaxes: {offered}"


def context_result(context_id: int, abstract: str, result: int, syntax: str | None) -> str:
    """One presentation context's outcome, e.g. "[3] Enhanced MR Image Storage: rejected:
    abstract syntax not supported (result 3, PS3.8 Table 9-18)"."""
    what = CONTEXT_RESULTS.get(result, f"result {result}, not defined in PS3.8")
    if result == 0 and syntax:
        what += f" with {uid_name(syntax)}"
    return f"[{context_id}] {uid_name(abstract)}: {what} (result {result}, PS3.8 Table 9-18)"


def rejection(result: int, source: int, reason: int) -> str:
    kind = REJECT_RESULTS.get(result, f"result {result}")
    who = REJECT_SOURCES.get(source, f"source {source}")
    why = REJECT_REASONS.get((source, reason), f"reason {reason}")
    return (
        f"association rejected ({kind}) by {who}: {why} "
        f"(result {result}, source {source}, reason {reason}, PS3.8 Table 9-21)"
    )


def abort(source: int | None, reason: int | None) -> str:
    if source is None:
        return "the connection was closed without a release (A-P-ABORT)"
    who = ABORT_SOURCES.get(source, f"source {source}")
    text = f"association aborted by {who}"
    if source == 2 and reason is not None:
        text += f": {ABORT_REASONS.get(reason, f'reason {reason}')}"
    return text + " (PS3.8 Table 9-26)"


SERVICES = ("echo", "store", "find", "get")


def status(code: int, service: str) -> str:
    """A DIMSE status with its meaning: "0xA700 Failure: Refused: Out of Resources (PS3.4
    B.2.3)". The meanings are pynetdicom's tables of PS3.7 Annex C and PS3.4."""
    from pynetdicom import status as tables

    table, where = {
        "echo": (tables.VERIFICATION_SERVICE_CLASS_STATUS, "PS3.7 Annex C"),
        "store": (tables.STORAGE_SERVICE_CLASS_STATUS, "PS3.4 B.2.3"),
        "find": (tables.QR_FIND_SERVICE_CLASS_STATUS, "PS3.4 C.4.1.1.4"),
        "get": (tables.QR_GET_SERVICE_CLASS_STATUS, "PS3.4 C.4.3.1.4"),
    }[service]
    category, meaning = table.get(code, (tables.code_to_category(code), ""))
    text = f"0x{code:04X} {category}"
    return f"{text}: {meaning} ({where})" if meaning else f"{text} ({where})"
