"""`pacs-trainer lab ...` as a learner types it."""

from __future__ import annotations

import io
import os
import random
import re
import signal
import subprocess
import sys
from argparse import Namespace

from trainer.cli import main
from trainer.commands import lab
from trainer.core.lab.conformance import Conformance
from trainer.core.lab.scenarios import shipped
from trainer.core.questions import correct_response, present
from trainer.core.store import Store


def test_lab_scenarios_lists_every_ticket(capsys):
    assert main(["lab", "scenarios"]) == 0
    out = capsys.readouterr().out
    for scenario in shipped().scenarios:
        assert scenario.id in out


def test_echo_send_and_find_against_the_embedded_pacs(start_pacs, capsys, tmp_path):
    pacs = start_pacs(Conformance(ae_title="LABPACS"))
    where = ["127.0.0.1", str(pacs.port), "--aec", "LABPACS", "--timeout", "5"]
    assert main(["lab", "echo", *where]) == 0
    assert "C-ECHO-RSP 0x0000 Success" in capsys.readouterr().out
    assert main(["lab", "send", *where, "--template", "cr-knee"]) == 0
    assert "Result: 3 of 3 instances stored" in capsys.readouterr().out
    assert main(["lab", "find", *where, "--level", "series", "-k", "Modality=CR",
                 "-k", "NumberOfSeriesRelatedInstances"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^CR\s+3$", out, re.MULTILINE), out


def test_send_of_a_folder_says_which_files_are_not_dicom(start_pacs, capsys, tmp_path):
    pacs = start_pacs()
    assert main(["study", "export", "--out", str(tmp_path / "out"), "--template", "cr-knee"]) == 0
    (tmp_path / "out" / "readme.txt").write_text("hello")
    capsys.readouterr()
    assert main(["lab", "send", "127.0.0.1", str(pacs.port), str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Not sent: readme.txt: not DICOM" in out
    assert "Result: 3 of 3 instances stored" in out


def test_bad_input_gets_one_clear_line(capsys, tmp_path):
    assert main(["lab", "echo", "127.0.0.1", "104", "--aec", "A" * 17]) == 2
    assert "at most 16" in capsys.readouterr().err
    assert main(["lab", "echo", "127.0.0.1", "104", "--timeout", "0"]) == 2
    assert "0.5 to 300 seconds" in capsys.readouterr().err
    assert main(["lab", "send", "127.0.0.1", "104"]) == 2
    assert "give a FOLDER" in capsys.readouterr().err
    assert main(["lab", "find", "127.0.0.1", "104", "-k", "NotAKeyword=1"]) == 2
    assert "not a DICOM keyword" in capsys.readouterr().err
    assert main(["lab", "run", "no-such-ticket", "--plain"]) == 2
    assert "no scenario 'no-such-ticket'" in capsys.readouterr().err


def test_connection_refused_exits_1_with_the_reason(capsys, start_pacs):
    pacs = start_pacs()
    port = pacs.port
    pacs.stop()
    assert main(["lab", "echo", "127.0.0.1", str(port), "--timeout", "2"]) == 1
    assert "connection refused" in capsys.readouterr().out


def _answers(scenario, seed: int) -> str:
    """What a learner who knows the answers types, for the order this seed presents."""
    rng = random.Random(seed)
    lines = []
    for question in scenario.questions:
        shown = present(question, rng)
        right = correct_response(question)
        if question.type == "single_choice":
            lines.append(next(o.label for o in shown.options if o.key == right))
        elif question.type == "multiple_select":
            lines.append(" ".join(o.label for o in shown.options if o.key in right))
        elif question.type == "true_false":
            lines.append("true" if right else "false")
        else:
            lines.append(str(right))
    return "\n".join(lines) + "\n"


def test_lab_run_plain_works_the_enhanced_mr_ticket_end_to_end(clock, isolated_home):
    scenario = shipped().get("enhanced-mr-refused")
    typed = _answers(scenario, 7) + "1\n"  # then the first change: accept Enhanced MR
    out = io.StringIO()
    args = Namespace(name=scenario.id, plain=True, seed=7, timeout=5.0, data_dir=None,
                     bank_dir=None)
    assert lab.plain(args, stdin=io.StringIO(typed), stdout=out, clock=clock) == 0
    text = out.getvalue()
    assert "[1] Enhanced MR Image Storage: rejected: abstract syntax not supported" in text
    assert "Result: 0 of 4 instances stored" in text
    assert "Result: 4 of 4 instances stored" in text
    assert "Ticket solved" in text
    store = Store.in_dir(isolated_home, clock)
    answers = store.answers()
    assert {a.question_id for a in answers} == {q.full_id for q in scenario.questions}
    assert all(a.correct and a.mode == "lab" for a in answers)
    assert store.known_question_ids() >= {q.full_id for q in scenario.questions}  # FSRS cards


def test_lab_pacs_runs_in_the_foreground_and_stops_on_ctrl_c(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "trainer", "lab", "pacs", "--port", "0", "--folder",
         str(tmp_path / "store"), "--ae-title", "FG_PACS"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # ctrl+c is what a learner presses; a test run in the background (nohup, &) would
        # pass the child SIGINT ignored, and Python then installs no KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.default_int_handler),
    )
    try:
        first = process.stdout.readline()
        port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", first).group(1))
        assert main(["lab", "send", "127.0.0.1", str(port), "--aec", "FG_PACS",
                     "--template", "xr-chest", "--seed", "12"]) == 0
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "C-STORE X-Ray Radiation Dose SR Storage: 0x0000 Success" in out
    assert "Study list (1 studies; Images: instances with pixel data)" in out
    assert re.search(r"XR CHEST PA\+LAT\s+DX, SR\s+\S+\s+2$", out, re.MULTILINE), out


def test_lab_pacs_on_a_port_in_use_says_so(start_pacs, capsys, tmp_path):
    pacs = start_pacs()
    code = main(["lab", "pacs", "--port", str(pacs.port), "--folder", str(tmp_path / "x")])
    assert code == 1
    assert f"port {pacs.port} on 127.0.0.1 is in use" in capsys.readouterr().err


def test_lab_pacs_warns_when_asked_to_listen_beyond_loopback(capsys, tmp_path, monkeypatch):
    from trainer.core.lab import pacs as pacs_module

    def refuse(self):  # do not really listen on every address in a test
        raise pacs_module.LabError("stopped by the test")

    monkeypatch.setattr(pacs_module.EmbeddedPacs, "start", refuse)
    assert main(["lab", "pacs", "--host", "0.0.0.0", "--folder", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "warning: listening on 0.0.0.0: other machines on your network can reach it" in err


def test_the_other_commands_and_the_app_start_without_pynetdicom():
    script = (
        "import sys\n"
        "from trainer.cli import main\n"
        "main(['registry', 'CT Image'])\n"
        "import trainer.ui.app, trainer.ui.sections, trainer.ui.screens.home\n"
        "assert 'pynetdicom' not in sys.modules, 'pynetdicom was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr



def test_lab_get_retrieves_a_study_into_a_folder(start_pacs, capsys, tmp_path):
    pacs = start_pacs()
    where = ["127.0.0.1", str(pacs.port)]
    assert main(["lab", "send", *where, "--template", "cr-knee"]) == 0
    assert main(["lab", "find", *where, "--json", "-k", "StudyInstanceUID"]) == 0
    out = capsys.readouterr().out
    uid = re.search(r'"StudyInstanceUID": "([\d.]+)"', out).group(1)
    assert main(["lab", "get", *where, "-k", f"StudyInstanceUID={uid}", "--out",
                 str(tmp_path / "got")]) == 0
    assert "C-GET-RSP 0x0000 Success" in capsys.readouterr().out
    assert len(list((tmp_path / "got").glob("*.dcm"))) == 3
    assert main(["lab", "get", *where, "--out", str(tmp_path / "x")]) == 2
