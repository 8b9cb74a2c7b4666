"""Resolve a host once and judge every address it resolves to, before any connection.

Why once: the addresses judged here are the very ones the pinned connection
uses (`pinned.py`), so a DNS server that answers differently a moment later
(DNS rebinding) is never asked again for this hop. Why every address: a name
that resolves to one public and one private address is refused as a whole,
since the connection could otherwise fall through to the private one.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from urllib3.util.connection import allowed_gai_family

from .addresses import address_kind, is_loopback_exactly, parse_address
from .policy import DEFAULT_PORTS, NetPolicy, Origin, origin
from .refusal import Refused, RefusalKind, UnresolvableHost

SockAddr = tuple  # (host, port) or (host, port, flowinfo, scope_id), as getaddrinfo gives it


@dataclass(frozen=True)
class Endpoint:
    """A checked target: where to connect, in getaddrinfo's order of preference."""

    origin: Origin
    addresses: tuple[tuple[int, SockAddr], ...]  # (address family, socket address)


def resolve_checked(scheme: str | None, host: str | None, port: int | None, policy: NetPolicy) -> Endpoint:
    """The endpoint for (scheme, host, port), or `Refused` when the policy does not allow it."""
    scheme = (scheme or "").lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused(RefusalKind.INVALID_TARGET, f"only http and https are allowed, not {scheme or 'no scheme'!r}")
    if not host:
        raise Refused(RefusalKind.INVALID_TARGET, "the URL has no host name")
    target = origin(scheme, host, port)
    name, number = target[1], target[2]
    try:
        infos = socket.getaddrinfo(name, number, allowed_gai_family(), socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnresolvableHost(f"cannot resolve host {name!r} ({exc.strerror})", host=name) from None
    except (UnicodeError, ValueError):  # the IDNA codec refuses the name, or a NUL in it
        raise Refused(RefusalKind.INVALID_TARGET, f"{name!r} is not a valid host name", host=name) from None
    addresses: list[tuple[int, SockAddr]] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if (family, sockaddr) in addresses:
            continue
        if not policy.trusts(target):
            _judge(name, sockaddr[0], policy)
        addresses.append((family, sockaddr))
    if not addresses:
        raise UnresolvableHost(f"host {name!r} resolves to no address", host=name)
    return Endpoint(target, tuple(addresses))


def _judge(name: str, address: str, policy: NetPolicy) -> None:
    if policy.allow_private:
        return
    ip = parse_address(address)
    kind = address_kind(ip)
    if kind is None or (policy.allow_loopback and is_loopback_exactly(ip)):
        return
    raise Refused(RefusalKind.FORBIDDEN_ADDRESS, f"{name} resolves to {ip} ({kind} address)", host=name)
