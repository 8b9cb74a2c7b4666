"""urllib3 connections that open their socket to checked addresses only, keeping the host name for the rest.

Why subclass the connection and not rewrite the URL to an IP: the host name
must stay what the server sees (the Host header) and what TLS uses (SNI and
certificate hostname verification), while the socket goes to the address
`resolution.resolve_checked` judged. Only `_new_conn`, the step that opens the
socket, changes; urllib3 still does everything after it, TLS included.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from .log import CONNECTIONS, Dialled
from .resolution import SockAddr


class _Pinned:
    """Mixin: connect to `pinned` (family, sockaddr) pairs in order, never resolving the host name again."""

    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def __init__(self, *args: Any, pinned: tuple[tuple[int, SockAddr], ...] = (), **kwargs: Any) -> None:
        if not pinned:
            raise ValueError("a pinned connection needs the checked addresses")
        self.pinned = pinned
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        error: OSError | None = None
        for family, sockaddr in self.pinned:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if self.timeout is not _DEFAULT_TIMEOUT:
                    sock.settimeout(self.timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                CONNECTIONS.record(Dialled(self.host, str(sockaddr[0]), sockaddr[1], connected=False))
                error = exc
                continue
            CONNECTIONS.record(Dialled(self.host, str(sockaddr[0]), sockaddr[1], connected=True))
            sys.audit("http.client.connect", self, self.host, self.port)
            return sock
        if isinstance(error, TimeoutError):
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})") from error
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error


class PinnedHTTPConnection(_Pinned, HTTPConnection):
    pass


class PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    pass


class PinnedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = PinnedHTTPConnection


class PinnedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = PinnedHTTPSConnection
