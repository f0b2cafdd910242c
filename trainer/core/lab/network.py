"""What the lab's PACS and SCU share about the network: addresses, timeouts, socket options.

Everything listens on and talks to loopback unless the learner names another address; the
caller is told when that happens (trainer.core.hosts.exposure). Every wait is bounded, in
seconds the learner can change within MIN_SECONDS..MAX_SECONDS.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

LOOPBACK = "127.0.0.1"
MIN_SECONDS, MAX_SECONDS = 0.5, 300.0
DEFAULT_SECONDS = 10.0


class LabError(Exception):
    """A network problem said in one sentence a learner can act on."""


def check_seconds(value: float) -> float:
    if not MIN_SECONDS <= value <= MAX_SECONDS:
        raise ValueError(f"a timeout must be {MIN_SECONDS:g} to {MAX_SECONDS:g} seconds")
    return value


@dataclass(frozen=True)
class Timeouts:
    """Connect, association (ACSE), message (DIMSE) and idle network timeouts, in seconds."""

    connect: float = DEFAULT_SECONDS
    acse: float = DEFAULT_SECONDS
    dimse: float = 30.0
    network: float = 60.0

    @classmethod
    def all(cls, seconds: float) -> Timeouts:
        """One bound for every wait (the CLI's --timeout)."""
        check_seconds(seconds)
        return cls(seconds, seconds, seconds, max(seconds, 1.0))

    def apply(self, ae: Any) -> None:
        ae.connection_timeout = self.connect
        ae.acse_timeout = self.acse
        ae.dimse_timeout = self.dimse
        ae.network_timeout = self.network


def check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise ValueError(f"a port must be 0 to 65535 (0: any free port), not {port}")
    return port


def no_delay(event: Any) -> None:
    """EVT_CONN_OPEN: send each PDU at once (TCP_NODELAY). Without it, Nagle's algorithm and
    delayed acknowledgements hold every small C-STORE response back for about 40 ms."""
    sock = getattr(getattr(event.assoc.dul, "socket", None), "socket", None)
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
