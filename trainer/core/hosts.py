"""Where a server listens: this machine only, or beyond it (the lab's PACS, `serve`).

Everything the app serves listens on loopback unless the user names another address, and
then says what that means.
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure(host: str) -> str | None:
    """What listening on `host` means, when it is more than this machine; else None."""
    if is_loopback(host):
        return None
    if host in ("0.0.0.0", "::", ""):
        where = host or "every address"
        return f"listening on {where}: other machines on your network can reach it"
    return f"listening on {host}: machines that can reach that address can reach it"
