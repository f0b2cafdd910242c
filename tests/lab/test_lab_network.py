"""The embedded PACS and the learner's SCU on loopback: what a learner sees on the wire."""

from __future__ import annotations

import socket
import threading

import pytest
from conftest import QUICK

from trainer.core.lab import names, outgoing, scu
from trainer.core.lab.conformance import Conformance
from trainer.core.lab.network import LabError, Timeouts
from trainer.core.lab.transcript import Transcript
from trainer.core.studies import PROCEDURES, CountPolicy, generate_studies

MR = "1.2.840.10008.5.1.4.1.1.4"
ENHANCED_MR = "1.2.840.10008.5.1.4.1.1.4.1"
KO = "1.2.840.10008.5.1.4.1.1.88.59"


def study(key: str, seed: int = 1):
    return generate_studies(seed, 1, tuple(p for p in PROCEDURES if p.key == key))[0]


def peer(pacs, called: str | None = None, calling: str = "TESTSCU") -> scu.Peer:
    return scu.Peer("127.0.0.1", pacs.port, called or pacs.conformance.ae_title, calling)


def test_echo_reports_success_and_the_pacs_logs_it(start_pacs):
    log = []
    pacs = start_pacs(log=log)
    out = Transcript()
    assert scu.echo(peer(pacs), out, QUICK)
    text = out.text()
    assert "[1] Verification SOP Class (1.2.840.10008.1.1)" in text
    assert "C-ECHO-RSP 0x0000 Success" in text
    assert any("C-ECHO from TESTSCU" in line.text for line in log)


def test_a_wrong_called_ae_title_is_rejected_with_its_reason(start_pacs):
    log = []
    pacs = start_pacs(Conformance(ae_title="MAIN_PACS"), log=log)
    out = Transcript()
    assert not scu.echo(peer(pacs, called="MAINPACS"), out, QUICK)
    assert "A-ASSOCIATE-RJ" in out.text()
    assert "called AE title not recognized (result 1, source 1, reason 7" in out.text()
    assert any("called MAINPACS, this PACS is MAIN_PACS" in line.text for line in log)


def test_without_the_called_ae_check_any_title_is_accepted(start_pacs):
    pacs = start_pacs(Conformance(ae_title="MAIN_PACS", check_called_ae=False))
    assert scu.echo(peer(pacs, called="ANYTHING"), Transcript(), QUICK)


def test_an_unsupported_sop_class_is_refused_in_negotiation_and_nothing_is_stored(start_pacs):
    legacy = Conformance(storage=frozenset({MR, KO}))
    pacs = start_pacs(legacy)
    out = Transcript()
    report = scu.send(peer(pacs), outgoing.study_objects(study("mr-knee")), out, QUICK)
    assert report.stored == 0 and report.failed == 4
    assert ("[1] Enhanced MR Image Storage: rejected: abstract syntax not supported (result 3"
            in out.text())
    assert pacs.archive.instance_count() == 0
    pacs.reconfigure(legacy.with_storage(add=(ENHANCED_MR,)))
    again = Transcript()
    report = scu.send(peer(pacs), outgoing.study_objects(study("mr-knee")), again, QUICK)
    assert report.stored == 4
    assert "0x0000 Success" in again.text()
    assert pacs.archive.instance_count() == 4


def test_a_study_with_some_classes_refused_stores_the_rest(start_pacs):
    pacs = start_pacs(Conformance(storage=frozenset({MR})))  # no KO
    out = Transcript()
    brain = study("mr-brain")
    report = scu.send(peer(pacs), outgoing.study_objects(brain), out, QUICK)
    total = brain.count(CountPolicy.ALL_INSTANCES)
    assert report.stored == total - 1 and report.not_sent == 1
    assert "Key Object Selection Document Storage: rejected: abstract syntax" in out.text()
    assert "not sent: the peer accepted no presentation context" in out.text()


def test_jpeg2000_objects_are_refused_by_an_uncompressed_only_pacs(start_pacs):
    pacs = start_pacs()
    out = Transcript()
    objects = outgoing.study_objects(
        study("cr-knee"), outgoing.Variation(transfer_syntax=names.JPEG2000_LOSSLESS))
    report = scu.send(peer(pacs), objects, out, QUICK)
    assert report.stored == 0
    assert "JPEG 2000 Image Compression (Lossless Only) (1.2.840.10008.1.2.4.90)" in out.text()
    assert "rejected: transfer syntaxes not supported (result 4" in out.text()
    pacs.reconfigure(pacs.conformance.changed(
        transfer_syntaxes=(*names.UNCOMPRESSED, names.JPEG2000_LOSSLESS)))
    objects = outgoing.study_objects(
        study("cr-knee"), outgoing.Variation(transfer_syntax=names.JPEG2000_LOSSLESS))
    assert scu.send(peer(pacs), objects, Transcript(), QUICK).stored == 3
    stored = pacs.archive.contents()
    assert stored.studies[0].count(CountPolicy.PIXEL_DATA) == 3  # pixel data kept, compressed


def test_a_private_sop_class_is_stored_once_the_pacs_accepts_it(start_pacs):
    private = "1.3.12.2.1107.5.9.1"
    pacs = start_pacs(Conformance(storage=frozenset({MR, KO, private})))
    variation = outgoing.Variation(private_class=private, private_count=2)
    out = Transcript()
    report = scu.send(peer(pacs), outgoing.study_objects(study("mr-brain"), variation), out,
                      QUICK)
    assert report.failed == 0
    assert "Siemens CSA Non-Image Storage (private) (1.3.12.2.1107.5.9.1)" in out.text()
    series = {s.sop_class_uid: s.instance_count for s in pacs.archive.studies()[0].series}
    assert series[private] == 2


def test_counts_come_from_what_was_stored_pacs_and_vna_side_by_side(start_pacs):
    chest = study("xr-chest", seed=12)  # PA, LAT and a dose report
    assert chest.count(CountPolicy.ALL_INSTANCES) == 3
    shown = {}
    for name, policy in (("PACS", CountPolicy.PIXEL_DATA), ("VNA", CountPolicy.ALL_INSTANCES)):
        pacs = start_pacs(Conformance(name=name, ae_title=name, count=policy), name=name)
        scu.send(peer(pacs), outgoing.study_objects(chest), Transcript(), QUICK)
        [stored] = pacs.archive.studies()
        shown[name] = stored.count(policy)
        found = scu.find(peer(pacs), "STUDY", {"NumberOfStudyRelatedInstances": "",
                                               "ModalitiesInStudy": ""}, Transcript(), QUICK)
        assert found.ok
        assert found.matches == [{"NumberOfStudyRelatedInstances": 3,
                                  "ModalitiesInStudy": ["DX", "SR"]}]
    assert shown == {"PACS": 2, "VNA": 3}


def test_find_matches_by_level_and_keys(start_pacs):
    pacs = start_pacs()
    brain, chest = study("mr-brain"), study("xr-chest", seed=12)
    for one in (brain, chest):
        scu.send(peer(pacs), outgoing.study_objects(one), Transcript(), QUICK)
    found = scu.find(peer(pacs), "STUDY", {"PatientID": chest.patient.patient_id,
                                           "StudyDescription": ""}, Transcript(), QUICK)
    assert [m["StudyDescription"] for m in found.matches] == [chest.description]
    series = scu.find(peer(pacs), "SERIES", {"StudyInstanceUID": brain.study_instance_uid,
                                             "Modality": "KO",
                                             "NumberOfSeriesRelatedInstances": ""},
                      Transcript(), QUICK)
    assert series.matches == [{"StudyInstanceUID": brain.study_instance_uid, "Modality": "KO",
                               "NumberOfSeriesRelatedInstances": 1}]
    images = scu.find(peer(pacs), "IMAGE", {"StudyInstanceUID": chest.study_instance_uid,
                                            "SOPInstanceUID": ""}, Transcript(), QUICK)
    assert len(images.matches) == 3
    wild = scu.find(peer(pacs), "STUDY", {"PatientName": chest.patient.name[:3].lower() + "*"},
                    Transcript(), QUICK)
    assert len(wild.matches) == 1


def test_an_answer_waits_for_the_call_not_the_association_reactor(start_pacs):
    """Under load pynetdicom's reactor thread took C-STORE responses meant for send() (lost
    instances, a DIMSE timeout): on our associations only the waiting call reads answers."""
    pacs = start_pacs()
    link = scu._Association(peer(pacs), [(names.VERIFICATION, names.UNCOMPRESSED)],
                            Transcript(), QUICK)
    assert link.open()
    answer = (1, object())
    link.assoc.dimse.msg_queue.put(answer)
    assert link.assoc.dimse.get_msg(block=False) == (None, None)  # how the reactor reads
    assert link.assoc.dimse.get_msg(block=True) == answer
    link.close()


def test_file_names_never_come_from_received_values(start_pacs, tmp_path):
    from pydicom.dataset import Dataset

    pacs = start_pacs()
    objects = outgoing.study_objects(study("cr-knee"))
    hostile = objects[0]

    def load() -> Dataset:
        dataset = hostile.load()
        dataset.PatientID = "../../../etc/passwd"
        dataset.SOPInstanceUID = dataset.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
        return dataset

    objects[0] = scu.Outgoing(hostile.label, hostile.sop_class_uid, hostile.transfer_syntax, load)
    assert scu.send(peer(pacs), objects, Transcript(), QUICK).stored == 3
    stored = sorted(p.name for p in pacs.archive.objects.iterdir())
    assert stored == ["00000001.dcm", "00000002.dcm", "00000003.dcm"]
    assert not (tmp_path / "etc").exists()


def test_the_same_instance_sent_twice_is_stored_once(start_pacs):
    pacs = start_pacs()
    for _ in range(2):
        scu.send(peer(pacs), outgoing.study_objects(study("cr-knee")), Transcript(), QUICK)
    assert pacs.archive.instance_count() == 3


def test_nothing_listening_is_said_plainly(start_pacs):
    pacs = start_pacs()
    port = pacs.port
    pacs.stop()
    out = Transcript()
    assert not scu.echo(scu.Peer("127.0.0.1", port, "PACS"), out, QUICK)
    assert "connection refused (nothing listens on that port" in out.text()


def test_a_port_in_use_is_said_plainly(start_pacs, tmp_path):
    from trainer.core.lab.archive import Archive
    from trainer.core.lab.pacs import EmbeddedPacs

    first = start_pacs()
    second = EmbeddedPacs(Conformance(), Archive(tmp_path / "second"), port=first.port)
    with pytest.raises(LabError, match=f"port {first.port} on 127.0.0.1 is in use"):
        second.start()
    second.archive.close()


def test_a_silent_peer_times_out_within_the_bound():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    out = Transcript()
    try:
        assert not scu.echo(scu.Peer("127.0.0.1", port, "PACS"), out, Timeouts.all(1))
    finally:
        for connection, _ in accepted:
            connection.close()
        listener.close()
    assert "No answer to the association request within 1 s (ACSE timeout)" in out.text()


def test_garbage_from_a_peer_aborts_its_association_and_the_pacs_goes_on(start_pacs):
    log = []
    pacs = start_pacs(log=log)
    with socket.create_connection(("127.0.0.1", pacs.port), timeout=5) as sock:
        sock.sendall(b"\x01\x00\x00\x00\x00\x10" + b"\xff" * 16)  # a broken A-ASSOCIATE-RQ
        sock.settimeout(5)
        try:
            while sock.recv(1024):
                pass
        except OSError:
            pass
    assert scu.echo(peer(pacs), Transcript(), QUICK)


def test_a_peer_aborting_mid_send_is_reported_with_what_was_not_stored(tmp_path):
    from pynetdicom import AE, evt

    received = []

    def store(event):
        received.append(event.request.AffectedSOPInstanceUID)
        if len(received) == 2:
            event.assoc.abort()
        return 0x0000

    ae = AE("ABORTER")
    ae.add_supported_context("1.2.840.10008.5.1.4.1.1.1", names.UNCOMPRESSED)
    server = ae.start_server(("127.0.0.1", 0), block=False,
                             evt_handlers=[(evt.EVT_C_STORE, store)])
    try:
        out = Transcript()
        report = scu.send(scu.Peer("127.0.0.1", server.server_address[1], "ABORTER"),
                          outgoing.study_objects(study("cr-knee")), out, QUICK)
    finally:
        server.shutdown()
    assert report.stored == 1 and report.failed == 2
    assert "the peer aborted the association" in out.text()


def test_a_full_store_refuses_with_out_of_resources(start_pacs):
    pacs = start_pacs(max_bytes=20_000)  # room for about two CR images of 8 KB
    out = Transcript()
    report = scu.send(peer(pacs), outgoing.study_objects(study("cr-knee")), out, QUICK)
    assert report.stored == 2 and report.statuses.get(0xA700) == 1
    assert "0xA700 Failure: Refused: Out of Resources" in out.text()
    assert pacs.archive.instance_count() == 2


def test_a_folder_to_send_lists_what_is_not_dicom(tmp_path):
    from trainer.core.dicom_io import export_studies

    export_studies([study("cr-knee")], tmp_path / "out")
    (tmp_path / "out" / "notes.txt").write_text("not an image")
    found = outgoing.folder_objects(tmp_path / "out")
    assert len(found.objects) == 3
    assert [(s.path.name, s.kind) for s in found.skipped] == [("notes.txt", "not DICOM")]


def test_c_get_sends_the_study_back_on_the_same_association(start_pacs, tmp_path):
    log = []
    pacs = start_pacs(log=log)
    chest = study("xr-chest", seed=12)
    scu.send(peer(pacs), outgoing.study_objects(chest), Transcript(), QUICK)
    out = Transcript()
    classes = [series.sop_class_uid for series in chest.series]
    result = scu.get(peer(pacs), "STUDY", {"StudyInstanceUID": chest.study_instance_uid},
                     classes, tmp_path / "got", out, QUICK)
    assert result.ok and len(result.received) == 3
    assert "sub-operations: 3 completed, 0 failed, 0 warning" in out.text()
    from trainer.core.dicom_import import import_folder

    [back] = import_folder(tmp_path / "got").studies
    assert back.study_instance_uid == chest.study_instance_uid
    assert any("C-GET at STUDY level: 3 instances" in line.text for line in log)
