"""The embedded PACS's storage: a folder of received objects and an SQLite index of them.

Files are named by the index's row number (objects/00000012.dcm), never from a value in the
received data set, so nothing a peer sends can choose or escape the path. Each object is
written to a temporary file first, its header read back with the same reader `study import`
uses (so "has pixel data" is decided from the object itself), and only then indexed and
renamed; anything that fails on the way leaves no trace. The study list and C-FIND answers are
rebuilt from the index, so they show exactly what was stored.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from trainer.core.dicom_import import (
    DAMAGED,
    NOT_DICOM,
    FileHeader,
    ImportResult,
    Skipped,
    group_headers,
    read_header,
)
from trainer.core.studies import Study

INDEX_FILE = "index.sqlite3"
OBJECTS = "objects"
OUT_OF_RESOURCES = 0xA700  # PS3.4 B.2.3: Refused: Out of Resources
CANNOT_UNDERSTAND = 0xC000  # PS3.4 B.2.3: Error: Cannot understand
DOES_NOT_MATCH = 0xA900  # PS3.4 B.2.3: Error: Data Set does not match SOP Class

_SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    sop_instance_uid TEXT NOT NULL UNIQUE,
    sop_class_uid TEXT NOT NULL,
    study_uid TEXT NOT NULL,
    has_pixel_data INTEGER NOT NULL,
    transfer_syntax TEXT NOT NULL,
    calling_ae TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    header TEXT NOT NULL
)
"""


class StoreRefused(Exception):
    """An object the PACS did not keep: the C-STORE status to answer, and why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Stored:
    file: str  # relative to the archive folder
    sop_class_uid: str
    sop_instance_uid: str
    study_uid: str
    replaced: bool  # the same SOP Instance UID was stored before: the new copy replaced it


def disk_problem(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    return f"cannot write: {exc.strerror or exc}"


class Archive:
    """A storage folder with its index; safe to use from several associations at once."""

    def __init__(self, folder: Path, *, max_bytes: int | None = None) -> None:
        self.folder = folder
        self.objects = folder / OBJECTS
        self.max_bytes = max_bytes
        self.objects.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(folder / INDEX_FILE, check_same_thread=False)
        # WAL without a sync per commit: an fsync per received object would cost ~20 ms each,
        # and a lab PACS that loses its last objects in a power cut loses nothing of value.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def store(self, data: bytes, *, transfer_syntax: str, calling_ae: str) -> Stored:
        """Keep one received object (a Part 10 byte stream); StoreRefused when it cannot be."""
        with self._lock:
            used = self._bytes_used()
            if self.max_bytes is not None and used + len(data) > self.max_bytes:
                raise StoreRefused(
                    OUT_OF_RESOURCES,
                    f"the storage folder is full ({used:,} of {self.max_bytes:,} bytes used)",
                )
            incoming = self.objects / f"incoming-{uuid.uuid4().hex}.part"
            try:
                incoming.write_bytes(data)
            except OSError as exc:
                incoming.unlink(missing_ok=True)
                raise StoreRefused(OUT_OF_RESOURCES, disk_problem(exc)) from None
            try:
                return self._index(incoming, len(data), transfer_syntax, calling_ae)
            except sqlite3.OperationalError as exc:  # the index shares the disk
                if "full" not in str(exc):
                    raise
                raise StoreRefused(OUT_OF_RESOURCES,
                                   "the disk is full (the index cannot grow)") from None
            finally:
                incoming.unlink(missing_ok=True)

    def _index(self, incoming: Path, size: int, syntax: str, calling_ae: str) -> Stored:
        header = read_header(incoming)
        if isinstance(header, Skipped):
            status = CANNOT_UNDERSTAND if header.kind in (NOT_DICOM, DAMAGED) else DOES_NOT_MATCH
            raise StoreRefused(status, f"{header.kind}: {header.reason}")
        values = {**header.values, "ProcedureCodeSequence": None}
        uid = values["SOPInstanceUID"]
        now = datetime.now(UTC).isoformat(timespec="seconds")
        row = (values["SOPClassUID"], values["StudyInstanceUID"], int(header.has_pixel_data),
               syntax, calling_ae, size, now, json.dumps(values))
        with self._db as db:  # one transaction: committed, or rolled back on error
            found = db.execute(
                "SELECT file FROM instances WHERE sop_instance_uid = ?", (uid,)
            ).fetchone()
            if found is not None:
                name = found[0]
                db.execute(
                    "UPDATE instances SET sop_class_uid = ?, study_uid = ?, has_pixel_data = ?, "
                    "transfer_syntax = ?, calling_ae = ?, bytes = ?, received_at = ?, "
                    "header = ? WHERE sop_instance_uid = ?",
                    (*row, uid),
                )
            else:
                cursor = db.execute(
                    "INSERT INTO instances (file, sop_instance_uid, sop_class_uid, study_uid, "
                    "has_pixel_data, transfer_syntax, calling_ae, bytes, received_at, header) "
                    "VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (uid, *row),
                )
                name = f"{cursor.lastrowid:08d}.dcm"
                db.execute("UPDATE instances SET file = ? WHERE id = ?", (name, cursor.lastrowid))
            os.replace(incoming, self.objects / name)
        return Stored(f"{OBJECTS}/{name}", row[0], uid, row[1], found is not None)

    def _bytes_used(self) -> int:
        return int(self._db.execute("SELECT COALESCE(SUM(bytes), 0) FROM instances").fetchone()[0])

    def instance_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM instances").fetchone()[0])

    def contents(self) -> ImportResult:
        """Everything stored, grouped into studies and series, from the index."""
        with self._lock:
            rows = self._db.execute(
                "SELECT file, header, has_pixel_data FROM instances ORDER BY id"
            ).fetchall()
        headers = [
            FileHeader(self.objects / file, json.loads(header), bool(pixels))
            for file, header, pixels in rows
        ]
        return group_headers(headers, self.objects)

    def studies(self) -> tuple[Study, ...]:
        return self.contents().studies

    def clear(self) -> None:
        """Forget everything stored: the files and the index rows."""
        with self._lock, self._db as db:
            db.execute("DELETE FROM instances")
            shutil.rmtree(self.objects, ignore_errors=True)
            self.objects.mkdir(parents=True, exist_ok=True)
