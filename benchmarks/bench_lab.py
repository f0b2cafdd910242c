"""The PACS lab's network work vs dcmtk on the same machine, in the same run.

C-STORE: a 300-instance CT study (files on disk) sent by the lab's SCU to the embedded PACS,
both pynetdicom, vs dcmtk's storescu to dcmtk's storescp. Target <= 1.5x against dcmtk as
Debian ships it. Debian's dcmtk leaves Nagle's algorithm on unless TCP_NODELAY=1 is set, and
then waits about 90 ms per instance on loopback; the lab sets TCP_NODELAY on its sockets. The
same figure against dcmtk with TCP_NODELAY=1 is reported too, without a target: there dcmtk's
C++ is what pynetdicom's pure Python is measured against.
Echo: association set-up, C-ECHO and release, in process, vs an `echoscu` run (the command a
learner would type) against storescp. Target <= 2x against dcmtk as shipped; again without a
target against TCP_NODELAY=1.
Run: python benchmarks/bench_lab.py
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `trainer` and `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Figure, median_seconds
from trainer.core.dicom_io import export_studies
from trainer.core.lab import outgoing, scu
from trainer.core.lab.archive import Archive
from trainer.core.lab.conformance import Conformance
from trainer.core.lab.pacs import EmbeddedPacs
from trainer.core.lab.transcript import Transcript
from trainer.core.studies import PROCEDURES, generate_studies

STORE_TARGET = 1.5
ECHO_TARGET = 2.0
INSTANCES = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _study_folder(work: Path) -> Path:
    """A 300-instance CT study: the chest/abdomen template's first 300 files."""
    ct = next(p for p in PROCEDURES if p.key == "ct-chest-abdomen")
    export_studies(generate_studies(1, 1, (ct,)), work / "all")
    folder = work / "study"
    for path in sorted((work / "all").rglob("*.dcm"))[:INSTANCES]:
        target = folder / path.relative_to(work / "all")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    return folder


def _timed(run, setup, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        setup()
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


class _Storescp:
    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["storescp", "-od", str(folder), "--aetitle", "PACS", str(self.port)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def _dcmtk_store(folder: Path, work: Path, env: dict[str, str], repeat: int) -> float:
    server = _Storescp(work / "storescp", env)
    try:
        command = ["storescu", "-aec", "PACS", "+sd", "+r", "127.0.0.1", str(server.port),
                   str(folder)]
        return _timed(lambda: subprocess.run(command, env=env, check=True,
                                             stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL),
                      lambda: shutil.rmtree(server.folder, ignore_errors=True) or
                      server.folder.mkdir(), repeat)
    finally:
        server.stop()


def figures() -> list[Figure]:
    if not all(shutil.which(tool) for tool in ("storescu", "storescp", "echoscu")):
        print("dcmtk (storescu, storescp, echoscu) is not installed: apt-get install dcmtk")
        return []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = _study_folder(work)
        archive = Archive(work / "embedded")
        pacs = EmbeddedPacs(Conformance(), archive)
        pacs.start()
        peer = scu.Peer("127.0.0.1", pacs.port, "PACS")
        try:
            def send() -> None:
                report = scu.send(peer, outgoing.folder_objects(folder).objects, Transcript())
                assert report.stored == INSTANCES, report

            ours = _timed(send, archive.clear, repeat=3)
            echo = median_seconds(lambda: scu.echo(peer, Transcript()), repeat=15)
        finally:
            pacs.stop()
            archive.close()
        plain = {k: v for k, v in os.environ.items() if k != "TCP_NODELAY"}
        debian = _dcmtk_store(folder, work, plain, repeat=2)
        tuned = _dcmtk_store(folder, work, {**plain, "TCP_NODELAY": "1"}, repeat=3)
        echoscu = _echoscu(work, plain)
        echoscu_tuned = _echoscu(work, {**plain, "TCP_NODELAY": "1"})
    return [
        Figure(f"C-STORE {INSTANCES} instances vs storescu->storescp", ours, debian, "s",
               target_ratio=STORE_TARGET),
        Figure(f"C-STORE {INSTANCES} instances vs dcmtk with TCP_NODELAY=1", ours, tuned, "s"),
        Figure("association + C-ECHO + release vs echoscu", echo * 1000, echoscu * 1000, "ms",
               target_ratio=ECHO_TARGET),
        Figure("association + C-ECHO vs echoscu, TCP_NODELAY=1", echo * 1000,
               echoscu_tuned * 1000, "ms"),
    ]


def _echoscu(work: Path, env: dict[str, str]) -> float:
    server = _Storescp(work / "echo", env)
    try:
        command = ["echoscu", "-aec", "PACS", "127.0.0.1", str(server.port)]
        return median_seconds(lambda: subprocess.run(command, env=env, check=True), repeat=15)
    finally:
        server.stop()


if __name__ == "__main__":
    for figure in figures():
        print(figure.line())
