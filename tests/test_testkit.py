"""The test harness itself: a server started in a private network is reachable only there."""

from __future__ import annotations

import socket
import subprocess

import pytest
from testkit import external_tool
from testkit.netns import in_private_network
from testkit.orthanc import orthanc


def _echo_inside(folder):
    echoscu = external_tool("echoscu", "dcmtk")
    with orthanc(folder) as pacs:
        done = subprocess.run(
            [echoscu, "-aec", pacs.ae_title, pacs.host, str(pacs.port)],
            capture_output=True, text=True, timeout=30,
        )
        return pacs.port, done.returncode, done.stderr


@pytest.mark.slow
def test_orthanc_answers_echo_inside_its_network_and_is_unreachable_outside(tmp_path):
    port, returncode, stderr = in_private_network(_echo_inside, tmp_path / "orthanc")
    assert returncode == 0, stderr
    with socket.socket() as sock:  # the port was in the private namespace, not this one
        sock.settimeout(1)
        assert sock.connect_ex(("127.0.0.1", port)) != 0
