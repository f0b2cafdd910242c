"""The embedded PACS: a pynetdicom SCP for Verification, Storage, Study Root C-FIND and C-GET.

It negotiates exactly what its `Conformance` says (AE title, called AE check, Storage SOP
classes, transfer syntaxes), keeps what it receives in an `Archive`, answers C-FIND and C-GET
from the archive's index, and writes a log a learner can read next to their own transcript: every
association request with its presentation contexts and their results, every rejection with
its reason, every C-STORE with the status it answered. Imports pynetdicom: import this module
only when a PACS is wanted.
"""

from __future__ import annotations

import errno
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from pydicom.dataset import Dataset
from pynetdicom import AE, evt
from pynetdicom.service_class import StorageServiceClass
from pynetdicom.sop_class import register_uid

from trainer.core import wording
from trainer.core.lab import names, query, transcript
from trainer.core.lab.archive import Archive, StoreRefused
from trainer.core.lab.conformance import Conformance
from trainer.core.lab.network import LOOPBACK, LabError, Timeouts, no_delay
from trainer.core.lab.transcript import ERROR, NOTE, OK, RECEIVED, SENT, WARNING, Line, Transcript

PENDING = 0xFF00
UNABLE_TO_PROCESS = 0xC000  # PS3.4 C.4.1.1.4: Failed, unable to process
IDENTIFIER_MISMATCH = 0xA900  # PS3.4 C.4.1.1.4: Identifier does not match SOP Class
_registered: set[str] = set()
_register_lock = threading.Lock()


def _register_private(uid: str) -> None:
    """pynetdicom serves only the Storage classes it knows: teach it a private one."""
    with _register_lock:
        if uid in _registered or not names.is_uid(uid):
            return
        keyword = "PrivateStorage_" + re.sub(r"\W", "_", uid)
        register_uid(uid, keyword, StorageServiceClass)
        _registered.add(uid)


class EmbeddedPacs:
    """One PACS: start() listens (127.0.0.1 and a free port unless told otherwise)."""

    def __init__(
        self,
        conformance: Conformance,
        archive: Archive,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        timeouts: Timeouts = Timeouts(),
        log: Callable[[Line], None] | None = None,
    ) -> None:
        self.conformance = conformance
        self.archive = archive
        self.host = host
        self.port = port
        self.timeouts = timeouts
        self.log = Transcript(log)
        self._server: Any = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        """Listen; LabError (saying which port) when the address cannot be had."""
        ae = AE(ae_title=self.conformance.ae_title)
        ae.require_called_aet = self.conformance.check_called_ae
        ae.maximum_associations = 10
        self.timeouts.apply(ae)
        plain = list(names.UNCOMPRESSED)
        ae.add_supported_context(names.VERIFICATION, plain)
        ae.add_supported_context(names.STUDY_ROOT_FIND, plain)
        ae.add_supported_context(names.STUDY_ROOT_GET, plain)
        for uid in self.conformance.storage_classes:
            if not uid.startswith("1.2.840.10008."):
                _register_private(uid)
            # Both roles: a C-GET's sender takes the Storage SCP role to receive (PS3.4 C.4.3).
            ae.add_supported_context(uid, list(self.conformance.transfer_syntaxes),
                                     scu_role=True, scp_role=True)
        handlers: list[Any] = [
            (evt.EVT_CONN_OPEN, self._opened),
            (evt.EVT_REQUESTED, self._requested),
            (evt.EVT_ACCEPTED, self._accepted),
            (evt.EVT_REJECTED, self._rejected),
            (evt.EVT_ABORTED, self._aborted),
            (evt.EVT_RELEASED, self._released),
            (evt.EVT_C_ECHO, self._echo),
            (evt.EVT_C_STORE, self._store),
            (evt.EVT_C_FIND, self._find),
            (evt.EVT_C_GET, self._get),
        ]
        try:
            self._server = ae.start_server(
                (self.host, self.port), block=False, evt_handlers=handlers
            )
        except OSError as exc:
            raise LabError(_bind_problem(self.host, self.port, exc)) from None
        self.port = int(self._server.server_address[1])
        self.log.add(
            NOTE,
            f"{self.conformance.name} listening on {self.host}:{self.port} as "
            f"{self.conformance.ae_title}",
        )

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
            self.log.add(NOTE, f"{self.conformance.name} stopped")

    def reconfigure(self, conformance: Conformance) -> None:
        """Take a new configuration: the PACS restarts on the same port, keeping its store."""
        running = self.running
        self.stop()
        self.conformance = conformance
        self.log.add(NOTE, f"configuration changed: {conformance.summary()}")
        if running:
            self.start()

    # --- association events -------------------------------------------------------------

    def _opened(self, event: Any) -> None:
        no_delay(event)

    def _requested(self, event: Any) -> None:
        request = event.assoc.requestor.primitive
        contexts = request.presentation_context_definition_list
        self.log.add(
            RECEIVED,
            f"A-ASSOCIATE-RQ from {_ae(request.calling_ae_title)} "
            f"({event.assoc.requestor.address}) calling {_ae(request.called_ae_title)}, "
            f"{wording.count(len(contexts), 'presentation context')}",
        )

    def _accepted(self, event: Any) -> None:
        assoc = event.assoc
        contexts = sorted(
            [*assoc.accepted_contexts, *assoc.rejected_contexts], key=lambda cx: cx.context_id
        )
        accepted = len(assoc.accepted_contexts)
        self.log.add(
            SENT if accepted else WARNING,
            f"A-ASSOCIATE-AC: {accepted} of "
            f"{wording.count(len(contexts), 'presentation context')} accepted",
        )
        for cx in contexts:
            kind = OK if cx.result == 0 else WARNING
            syntax = cx.transfer_syntax[0] if cx.result == 0 and cx.transfer_syntax else None
            self.log.add(
                kind, transcript.context_result(cx.context_id, cx.abstract_syntax, cx.result,
                                                syntax), 1
            )

    def _rejected(self, event: Any) -> None:
        request = event.assoc.requestor.primitive
        if self.conformance.check_called_ae and (
            request.called_ae_title.strip() != self.conformance.ae_title
        ):
            why = transcript.rejection(1, 1, 7)
            why += f": called {_ae(request.called_ae_title)}, this PACS is "
            why += self.conformance.ae_title
        else:
            why = transcript.rejection(2, 3, 2) + " (too many associations at once)"
        self.log.add(ERROR, f"A-ASSOCIATE-RJ sent: {why}")

    def _aborted(self, event: Any) -> None:
        self.log.add(WARNING, "association aborted (A-ABORT)")

    def _released(self, event: Any) -> None:
        self.log.add(RECEIVED, "A-RELEASE: association released")

    # --- services -----------------------------------------------------------------------

    def _echo(self, event: Any) -> int:
        self.log.add(OK, f"C-ECHO from {_ae(event.assoc.requestor.ae_title)}: "
                     f"{transcript.status(0, 'echo')}")
        return 0x0000

    def _store(self, event: Any) -> int:
        request = event.request
        what = names.uid_name(str(request.AffectedSOPClassUID))
        try:
            stored = self.archive.store(
                event.encoded_dataset(),
                transfer_syntax=str(event.context.transfer_syntax),
                calling_ae=str(event.assoc.requestor.ae_title),
            )
        except StoreRefused as refused:
            self.log.add(ERROR, f"C-STORE {what}: {transcript.status(refused.status, 'store')}: "
                         f"{refused.reason}")
            return refused.status
        except Exception as exc:  # noqa: BLE001 - whatever a peer sends, the PACS answers
            self.log.add(ERROR, f"C-STORE {what}: cannot be understood: {exc}")
            return 0xC000
        again = " (received before: replaced)" if stored.replaced else ""
        self.log.add(OK, f"C-STORE {what}: 0x0000 Success, stored as {stored.file}{again}")
        return 0x0000

    def _find(self, event: Any) -> Iterator[tuple[int, Dataset | None]]:
        identifier = event.identifier
        level = str(identifier.get("QueryRetrieveLevel", "")).strip().upper()
        keys = {
            element.keyword: _query_text(element.value)
            for element in identifier
            if element.keyword and element.keyword not in ("QueryRetrieveLevel",
                                                            "SpecificCharacterSet")
        }
        try:
            matches = query.find(self.archive.contents(), level, keys)
        except ValueError as exc:
            status = transcript.status(IDENTIFIER_MISMATCH, "find")
            self.log.add(ERROR, f"C-FIND: {status}: {exc}")
            yield IDENTIFIER_MISMATCH, None
            return
        except Exception as exc:  # noqa: BLE001 - a broken index must not kill the association
            status = transcript.status(UNABLE_TO_PROCESS, "find")
            self.log.add(ERROR, f"C-FIND: {status}: {exc}")
            yield UNABLE_TO_PROCESS, None
            return
        self.log.add(RECEIVED, f"C-FIND at {level} level, keys: {', '.join(keys) or 'none'}")
        for match in matches:
            if event.is_cancelled:
                self.log.add(WARNING, "C-FIND cancelled by the peer (C-CANCEL)")
                yield 0xFE00, None
                return
            yield PENDING, _identifier(level, match.values)
        found = wording.count(len(matches), "match", "matches")
        self.log.add(SENT, f"C-FIND: {found}, then 0x0000 Success")


    def _get(self, event: Any) -> Iterator[int | tuple[int, Dataset | None]]:
        """C-GET: the number of instances, then each one, sent back as C-STORE
        sub-operations on the same association."""
        from pydicom import dcmread

        identifier = event.identifier
        level = str(identifier.get("QueryRetrieveLevel", "")).strip().upper()
        keys = {element.keyword: _query_text(element.value) for element in identifier
                if element.keyword}
        try:
            files = query.instance_files(self.archive.contents(), level, keys)
        except ValueError as exc:
            self.log.add(ERROR, f"C-GET: {transcript.status(IDENTIFIER_MISMATCH, 'get')}: {exc}")
            yield 0
            yield IDENTIFIER_MISMATCH, None
            return
        many = wording.count(len(files), "instance")
        self.log.add(RECEIVED, f"C-GET at {level} level: {many} to send back as C-STORE "
                               "sub-operations")
        yield len(files)
        for path in files:
            if event.is_cancelled:
                self.log.add(WARNING, "C-GET cancelled by the peer (C-CANCEL)")
                yield 0xFE00, None
                return
            yield PENDING, dcmread(path)
        self.log.add(SENT, "C-GET: every sub-operation sent")


def _ae(title: object) -> str:
    return str(title).strip() or "(empty AE title)"


def _query_text(value: object) -> str:
    """A key's value as C-FIND matching reads it: a list of UIDs joined by backslashes."""
    from pydicom.multival import MultiValue

    if value is None:
        return ""
    if isinstance(value, (list, tuple, MultiValue)):
        return "\\".join(str(item) for item in value)
    return str(value)


def _identifier(level: str, values: dict[str, query.Value]) -> Dataset:
    answer = Dataset()
    answer.QueryRetrieveLevel = level
    for keyword, value in values.items():
        setattr(answer, keyword, list(value) if isinstance(value, tuple) else value)
    return answer


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE or getattr(exc, "winerror", None) == 10048:
        return (f"port {port} on {host} is in use by another program; choose another port, "
                "or 0 for any free port")
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on {host}:{port} (ports below 1024 need privileges)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
