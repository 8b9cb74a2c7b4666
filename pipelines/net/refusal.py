"""The one exception a guarded session raises instead of connecting.

Deliberately not a `requests.RequestException`: callers that treat those as
"the network failed, try again" must never retry or soften a refusal. The
one exception is a name that does not resolve (`UnresolvableHost`): that *is*
a network failure, so it is also a `requests.ConnectionError` for callers
that only know requests (the CKAN client says "CKAN unreachable"), while
`fetch` still sees a refusal and fails at once without retrying. The message
names the host and the address, never the whole URL (its query may carry an
API key).
"""

from __future__ import annotations

from enum import StrEnum

import requests


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


class UnresolvableHost(Refused, requests.ConnectionError):
    """The host name does not resolve: refused before any attempt, and a connection error to requests' callers."""

    def __init__(self, message: str, *, host: str | None = None):
        super().__init__(RefusalKind.UNRESOLVABLE, message, host=host)


class BadRedirect(Refused, ValueError):
    """A redirect's Location that is not a valid http(s) URL: the server's answer is broken (a ValueError, as
    requests' own parsing of a Location raises)."""

    def __init__(self, message: str):
        super().__init__(RefusalKind.INVALID_TARGET, message)
