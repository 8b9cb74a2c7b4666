"""Refuse URLs that could turn a catalog entry into a probe of our own network.

Why: a source URL comes from catalog.yaml (a steward's edit) or from a server's
redirect. Either could point at http://10.x.x.x/ or http://169.254.169.254/ —
internal services that must never be fetched by the nightly run. Every hop of
every request is checked here *before* a connection is opened.

Known limit: the name is resolved here and again by the HTTP library; a DNS
server that answers differently within milliseconds (DNS rebinding) is not
covered. Sources are public authorities' hosts named by stewards, so this is
an accepted residual risk.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ..errors import SourceError, SourceErrorKind
from .base import HttpSettings


def _address_class(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """'loopback', 'private', ... or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return "reserved"
    return None


def check_url(url: str, settings: HttpSettings, *, shown: str | None = None) -> None:
    """Raise SourceError('forbidden_host') unless `url` is http(s) to an allowed address.

    `shown` is the redacted form of the URL used in messages.
    """
    shown = shown or url
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed '[' of an IPv6 literal
        raise SourceError(SourceErrorKind.CONFIG, f"the URL cannot be parsed: {shown}", url=shown) from None
    if parts.scheme not in ("http", "https"):
        raise SourceError(SourceErrorKind.FORBIDDEN_HOST, f"only http and https URLs are allowed, not {parts.scheme or 'no scheme'!r}: {shown}", url=shown)
    host = parts.hostname
    if not host:
        raise SourceError(SourceErrorKind.CONFIG, f"the URL has no host name: {shown}", url=shown)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise SourceError(SourceErrorKind.CONFIG, f"the URL has an invalid port: {shown}", url=shown) from None
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise SourceError(SourceErrorKind.UNREACHABLE, f"cannot resolve host {host!r} ({exc.strerror}): {shown}", url=shown) from None
    except UnicodeError:  # the IDNA codec refuses the name, e.g. a label longer than 63 characters
        raise SourceError(SourceErrorKind.CONFIG, f"{host!r} is not a valid host name: {shown}", url=shown) from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        kind = _address_class(ip)
        if kind is None or settings.allow_private_hosts:
            continue
        if kind == "loopback" and settings.allow_loopback:
            continue
        raise SourceError(
            SourceErrorKind.FORBIDDEN_HOST,
            f"{host} resolves to a {kind} address ({ip}); sources must be public hosts "
            f"(set OPPNADATA_ALLOW_PRIVATE_HOSTS=true only for a trusted internal source): {shown}",
            url=shown,
        )
