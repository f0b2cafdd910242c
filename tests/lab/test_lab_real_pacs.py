"""Against a real PACS: Debian's Orthanc in a private network namespace, and a store on a
disk that really fills up."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess

import pytest
from testkit.filesystems import mount_tmpfs, private_mounts
from testkit.netns import in_private_network
from testkit.orthanc import orthanc

from trainer.cli import main


def _send_and_find(folder):
    from trainer.core.lab import scu
    from trainer.core.lab.transcript import Transcript

    export = folder / "export"
    assert main(["study", "export", "--out", str(export), "--template", "mr-brain",
                 "--seed", "22"]) == 0
    with orthanc(folder / "orthanc") as pacs:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = main(["lab", "send", pacs.host, str(pacs.port), str(export),
                         "--aec", pacs.ae_title, "--timeout", "30"])
        peer = scu.Peer(pacs.host, pacs.port, pacs.ae_title)
        seen = Transcript()
        found = scu.find(peer, "STUDY", {"StudyInstanceUID": "", "ModalitiesInStudy": "",
                                         "NumberOfStudyRelatedInstances": ""}, seen)
        series = scu.find(peer, "SERIES", {"SeriesInstanceUID": "", "Modality": "",
                                           "NumberOfSeriesRelatedInstances": ""}, Transcript())
        files = sum(1 for path in export.rglob("*.dcm"))
        uid = found.matches[0]["StudyInstanceUID"] if found.matches else ""
        classes = ["1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.5.1.4.1.1.88.59"]
        got = scu.get(peer, "STUDY", {"StudyInstanceUID": uid}, classes, folder / "got", seen)
        return code, printed.getvalue() + seen.text(), found, series, (files, len(got.received))


@pytest.mark.slow
def test_lab_send_to_orthanc_reports_what_orthanc_finds(tmp_path):
    code, printed, found, series, (files, retrieved) = in_private_network(_send_and_find,
                                                                          tmp_path)
    assert code == 0, printed
    reported = int(re.search(r"Result: (\d+) of (\d+) instances stored", printed).group(1))
    assert reported == files
    assert found.ok and len(found.matches) == 1, printed
    [study] = found.matches
    assert study["NumberOfStudyRelatedInstances"] == reported
    assert sorted(study["ModalitiesInStudy"]) == ["KO", "MR"]
    assert sum(s["NumberOfSeriesRelatedInstances"] for s in series.matches) == reported
    assert {s["Modality"] for s in series.matches} == {"MR", "KO"}
    assert retrieved == reported, printed  # C-GET from Orthanc brings every instance back


def _send_to_a_small_disk(folder):
    """In a mount namespace of its own: the PACS stores on a 256 KB tmpfs, which fills."""
    private_mounts()
    disk = folder / "disk"
    mount_tmpfs(disk, 256)
    try:
        from trainer.core.lab import outgoing, scu
        from trainer.core.lab.archive import Archive
        from trainer.core.lab.conformance import Conformance
        from trainer.core.lab.pacs import EmbeddedPacs
        from trainer.core.lab.transcript import Transcript
        from trainer.core.studies import PROCEDURES, generate_studies

        log = []
        pacs = EmbeddedPacs(Conformance(), Archive(disk / "store"), log=log.append)
        pacs.start()
        try:
            ct = generate_studies(1, 1, tuple(p for p in PROCEDURES if p.key == "ct-head"))[0]
            out = Transcript()
            report = scu.send(scu.Peer("127.0.0.1", pacs.port, "PACS"),
                              outgoing.study_objects(ct), out)
            echo = scu.echo(scu.Peer("127.0.0.1", pacs.port, "PACS"), Transcript())
            stored = pacs.archive.instance_count()
            leftovers = [p.name for p in (disk / "store" / "objects").iterdir()
                         if p.suffix == ".part"]
        finally:
            pacs.stop()
            pacs.archive.close()
        return report.stored, report.total, out.text(), [line.text for line in log], echo, stored, \
            leftovers
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_full_disk_refuses_with_out_of_resources_and_the_pacs_goes_on(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root") if not os.environ.get("CI") else \
            pytest.fail("CI runs as root")
    stored, total, transcript, log, echo, kept, leftovers = in_private_network(
        _send_to_a_small_disk, tmp_path)
    assert 0 < stored < total
    assert "0xA700 Failure: Refused: Out of Resources" in transcript
    assert any("the disk is full" in line for line in log)
    assert echo  # still answering
    assert kept == stored and leftovers == []
