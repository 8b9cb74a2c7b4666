"""A record of every connection a pinned connection opened or tried: host name, address, port.

Why keep it: "no connection to a private address" is a claim the tests check
from two sides, a listening socket that counts what reaches it and this log
of what the adapter itself dialled. Bounded, so a long nightly run never
grows it without limit.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Dialled:
    host: str  # the name the request was for (Host header, TLS SNI)
    address: str  # the checked address the socket connected to
    port: int
    connected: bool  # False: the attempt failed (refused, timed out)


class ConnectionLog:
    def __init__(self, size: int = 10_000) -> None:
        self._entries: deque[Dialled] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._count = 0

    def record(self, entry: Dialled) -> None:
        with self._lock:
            self._entries.append(entry)
            self._count += 1

    @property
    def count(self) -> int:
        """Attempts recorded since the process started (also those the bounded log has let go)."""
        with self._lock:
            return self._count

    def since(self, count: int) -> list[Dialled]:
        """The attempts after the first `count` (as long as the log still holds them)."""
        with self._lock:
            new = self._count - count
            return list(self._entries)[-new:] if new > 0 else []


CONNECTIONS = ConnectionLog()
