"""Which addresses the network path allows, checked against Python's own idea of 'global' and the known gaps in it."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings, strategies as st

from pipelines.net import NetPolicy, Refused, RefusalKind, address_kind, parse_address, resolve_checked

v4 = st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address)
v6 = st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(v4, v6))
def test_everything_python_calls_not_global_is_refused(ip):
    if not ip.is_global:
        assert address_kind(ip) is not None, ip


@pytest.mark.parametrize("text, kind", [
    ("100.100.100.200", "shared"), ("fec0::1", "site-local"), ("2002:7f00:1::", "6to4"), ("2001::1", "Teredo"),
    ("64:ff9b::7f00:1", "NAT64"), ("64:ff9b:1::1", "NAT64"), ("::ffff:8.8.8.8", "IPv4-mapped"),
    ("::8.8.8.8", "IPv4-compatible"), ("ff0e::1", "multicast"), ("224.0.0.1", "multicast"), ("192.88.99.1", "6to4 relay"),
    ("fe80::1%eth0", "link-local"), ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("127.1.2.3", "loopback"),
])
def test_the_gaps_in_is_global_are_closed(text, kind):
    assert kind in (address_kind(parse_address(text)) or ""), text


@pytest.mark.parametrize("text", ["8.8.8.8", "193.183.0.1", "2a00:1450:4001:82b::200e", "2001:4860:4860::8888"])
def test_public_addresses_pass(text):
    assert address_kind(parse_address(text)) is None


def test_loopback_escape_hatch_is_loopback_only_in_plain_form():
    policy = NetPolicy(allow_loopback=True)
    assert resolve_checked("http", "127.0.0.1", 80, policy).addresses[0][1][0] == "127.0.0.1"
    assert resolve_checked("http", "::1", 80, policy).addresses[0][1][0] == "::1"
    for host in ("::ffff:127.0.0.1", "10.0.0.1", "0.0.0.0", "169.254.169.254"):
        with pytest.raises(Refused) as err:
            resolve_checked("http", host, 80, policy)
        assert err.value.kind == RefusalKind.FORBIDDEN_ADDRESS


def test_a_trusted_origin_is_trusted_exactly():
    policy = NetPolicy.trusting("http://127.0.0.1:5050")
    assert resolve_checked("http", "127.0.0.1", 5050, policy)
    for scheme, host, port in (("http", "127.0.0.1", 5051), ("https", "127.0.0.1", 5050), ("http", "localhost", 5050)):
        with pytest.raises(Refused):
            resolve_checked(scheme, host, port, policy)


@pytest.mark.parametrize("scheme, host, kind", [
    ("ftp", "example.org", RefusalKind.INVALID_TARGET), ("http", "", RefusalKind.INVALID_TARGET),
    ("http", "name.invalid", RefusalKind.UNRESOLVABLE),
])
def test_what_is_not_an_http_target_is_refused_before_anything(scheme, host, kind):
    with pytest.raises(Refused) as err:
        resolve_checked(scheme, host, None, NetPolicy())
    assert err.value.kind == kind
