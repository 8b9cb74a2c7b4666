"""Witnesses for "no connection was made": a listening socket that counts what reaches it, and an audit trail.

Why two: the network path keeps its own log of what it dialled
(`pipelines.net.CONNECTIONS`), but a claim about the code under test should
not rest only on what that code says about itself. `Listener` counts every
connection the kernel hands it, on every loopback address (it binds the IPv6
wildcard with IPv4 mapped in, so 127.x.y.z and ::1 both reach it), and
`AuditTrail` records the interpreter's own audit events for name lookups and
socket connects (sys.addaudithook: seen whatever library makes the call).
"""

from __future__ import annotations

import socket
import sys
import threading
from contextlib import contextmanager
from typing import Iterator


class Listener:
    """A TCP socket on all local addresses of one port that accepts, records and closes every connection."""

    def __init__(self) -> None:
        try:
            self._sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            self._sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            self._sock.bind(("::", 0))
        except OSError:  # no IPv6 on this machine: IPv4 only
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._sock.bind(("0.0.0.0", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self.accepted: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="listener", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, peer = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.accepted.append(str(peer[0]))
            conn.close()

    @property
    def accepts(self) -> int:
        with self._lock:
            return len(self.accepted)

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> "Listener":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_TRAIL: dict[str, list | None] = {"events": None}


def _audit(event: str, args: tuple) -> None:
    events = _TRAIL["events"]
    if events is None:
        return
    if event == "socket.getaddrinfo":
        events.append(("getaddrinfo", str(args[0]), args[1]))
    elif event == "socket.connect" and isinstance(args[1], tuple) and args[1] and isinstance(args[1][0], str):
        events.append(("connect", args[1][0].split("%", 1)[0], args[1][1]))


sys.addaudithook(_audit)


@contextmanager
def audit_trail() -> Iterator[list[tuple[str, str, object]]]:
    """Record ("getaddrinfo", host, port) and ("connect", address, port) events while the block runs."""
    events: list = []
    _TRAIL["events"] = events
    try:
        yield events
    finally:
        _TRAIL["events"] = None
