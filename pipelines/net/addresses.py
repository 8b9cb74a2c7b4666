"""Which IP addresses a request may connect to: only globally reachable unicast ones.

Why not `ipaddress.is_private`: that list misses shared address space
(100.64.0.0/10, where cloud metadata such as 100.100.100.200 lives), and
Python's `is_global` still calls deprecated site-local IPv6 (fec0::/10),
multicast and the IPv6 forms that carry an IPv4 address inside (6to4,
Teredo, NAT64, IPv4-compatible) "global". Each of those can lead back into
a private network, so an address must pass all of the rules below. Every
refusal names its kind, so an operator can tell why a source was refused.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SHARED = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 carrier-grade NAT; cloud metadata services
_SIX_TO_FOUR_RELAY = ipaddress.ip_network("192.88.99.0/24")  # RFC 7526: deprecated 6to4 relay anycast
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")  # the only IPv6 block handed out for the Internet
# IPv6 forms that reach an IPv4 address (or a relay) rather than an IPv6 host of their own
_TRANSITION_V6 = (
    (ipaddress.ip_network("2002::/16"), "6to4"),
    (ipaddress.ip_network("2001::/32"), "Teredo"),
    (ipaddress.ip_network("64:ff9b::/96"), "NAT64"),
    (ipaddress.ip_network("64:ff9b:1::/48"), "NAT64 (local use)"),
    (ipaddress.ip_network("::ffff:0:0/96"), "IPv4-mapped"),
    (ipaddress.ip_network("::/96"), "IPv4-compatible"),
)


def parse_address(text: str) -> IPAddress:
    """An address as getaddrinfo gives it (an IPv6 zone id such as %eth0 is kept and judged with it)."""
    return ipaddress.ip_address(text)


def address_kind(ip: IPAddress) -> str | None:
    """Why `ip` is not a public Internet address ('loopback', 'shared (100.64.0.0/10)', ...), or None."""
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_link_local:
        return "link-local"
    if isinstance(ip, ipaddress.IPv6Address):
        for network, kind in _TRANSITION_V6:
            if ip in network:
                return kind
        if ip.is_site_local:
            return "site-local"
        if ip.is_private:
            return "private"
        if ip not in _GLOBAL_UNICAST_V6:
            return "reserved"
    else:
        if ip in _SHARED:
            return "shared (100.64.0.0/10)"
        if ip in _SIX_TO_FOUR_RELAY:
            return "6to4 relay"
        if ip.is_private:
            return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not globally reachable"
    return None


def is_loopback_exactly(ip: IPAddress) -> bool:
    """127.0.0.0/8 or ::1 as such (no IPv4-mapped or other disguised form): the tests' fixture servers."""
    if isinstance(ip, ipaddress.IPv6Address):
        return ip.scope_id is None and ip == ipaddress.IPv6Address("::1")
    return ip.is_loopback
