"""The one exception a guarded session raises instead of connecting.

Deliberately not a `requests.RequestException`: callers that treat those as
"the network failed, try again" must never retry or soften a refusal. The
message names the host and the address, never the whole URL (its query may
carry an API key).
"""

from __future__ import annotations

from enum import StrEnum


class RefusalKind(StrEnum):
    FORBIDDEN_ADDRESS = "forbidden_address"  # the host resolves to an address the policy does not allow
    INVALID_TARGET = "invalid_target"  # not http(s), no host, a bad port, a proxy
    UNRESOLVABLE = "unresolvable"  # the name does not resolve


class Refused(Exception):
    """No connection was opened; `kind` says why, `host` where to."""

    def __init__(self, kind: RefusalKind, message: str, *, host: str | None = None):
        super().__init__(message)
        self.kind = RefusalKind(kind)
        self.host = host
