"""The one network path: every outgoing HTTP request goes through a guarded, pinned session.

Modules: `addresses` (which IP addresses are public), `policy` (what one
caller trusts beyond them), `resolution` (resolve once, judge every address),
`pinned` (urllib3 connections that dial only the checked addresses while TLS
and the Host header keep the name), `adapter` (the requests adapter and
`guarded_session`), `log` (what was dialled), `refusal` (the exception).

On the ground floor on purpose: the sources, `register`, the MQA checks and
`download` all use it, so it imports nothing else of the pipeline.
"""

from .adapter import MAX_REDIRECTS, PinnedAdapter, guarded_session
from .addresses import address_kind, parse_address
from .log import CONNECTIONS, ConnectionLog, Dialled
from .policy import NetPolicy, Origin, origin_of
from .refusal import Refused, RefusalKind, UnresolvableHost
from .resolution import Endpoint, resolve_checked

__all__ = [
    "CONNECTIONS",
    "MAX_REDIRECTS",
    "ConnectionLog",
    "Dialled",
    "Endpoint",
    "NetPolicy",
    "Origin",
    "PinnedAdapter",
    "Refused",
    "RefusalKind",
    "UnresolvableHost",
    "address_kind",
    "guarded_session",
    "origin_of",
    "parse_address",
    "resolve_checked",
]
