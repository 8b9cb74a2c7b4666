"""A hypothesis strategy for URLs whose real target is never a public address, however they are written.

Why build each URL from its target: the claim under test is "no connection
to a non-global address", so every generated URL must mean such an address
when requests/urllib3 read it. Each encoding below is computed from the
address's value (an octet written in octal is the octal of that octet), and
every decoration keeps the real host where urllib3's parser finds it (a decoy
public address sits only in the user info, the path, the query or the
fragment, never where a connection would go). The targets are loopback (on
the listener's port, so a connection would be counted), private, link-local,
shared, site-local, multicast, reserved and the IPv6 forms that carry an IPv4
address.
"""

from __future__ import annotations

import ipaddress

from hypothesis import strategies as st

V4_TARGETS = (
    "127.0.0.1", "127.1.2.3", "127.255.255.254", "0.0.0.0", "10.0.0.1", "10.255.0.7", "172.16.5.4", "172.31.255.1",
    "192.168.1.1", "169.254.169.254", "169.254.0.1", "100.100.100.200", "100.64.0.1", "100.127.255.254",
    "192.0.0.170", "198.18.0.1", "192.0.2.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
)
V6_TARGETS = (
    "::1", "::", "fe80::1", "fe80::a9fe:a9fe", "fec0::1", "fc00::1", "fd12:3456:789a::1", "::ffff:127.0.0.1",
    "::ffff:169.254.169.254", "::ffff:10.0.0.1", "::127.0.0.1", "::a9fe:a9fe", "2002:7f00:1::1", "2002:a9fe:a9fe::",
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2001::1", "2001:0:a9fe:a9fe::", "2001:db8::1",
    "ff02::1", "ff0e::1", "100::1",
)
DECOY = ("1.1.1.1", "8.8.8.8", "example.org", "93.184.216.34", "[2606:4700:4700::1111]", "kalmar.se")
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
DOTS = ("。", "．", "｡")


_BASES = st.sampled_from(("dec", "oct", "hex", "HEX"))
_V4 = st.sampled_from(V4_TARGETS)
_V6 = st.sampled_from(V6_TARGETS)
_PARTS = st.sampled_from((4, 4, 3, 2, 1))
_UNICODE = st.sampled_from(("none",) * 6 + ("fullwidth", "dots"))
_DOT = st.sampled_from(DOTS)
_V6_FORM = st.sampled_from(("compressed", "exploded", "upper", "v4tail", "zone"))
_ZONE = st.sampled_from(("lo", "eth0", "1"))
_NAMES = st.sampled_from(("localhost", "LocalHost", "LOCALHOST"))
_SCHEME = st.sampled_from(("http", "http", "HTTP", "https"))
_DECOY = st.sampled_from(DECOY)


def _number(value: int, base: str) -> str:
    if base == "oct":
        return "0" + format(value, "o") if value else "0"
    if base == "hex":
        return "0x" + format(value, "x")
    if base == "HEX":
        return "0X" + format(value, "X")
    return str(value)


@st.composite
def ipv4_host(draw) -> str:
    """An IPv4 target in one of the forms inet_aton reads: dotted, 1-, 2- or 3-part, each part in any base."""
    target = ipaddress.IPv4Address(draw(_V4))
    n = int(target)
    octets = list(target.packed)
    bases = _BASES
    parts = draw(_PARTS)
    if parts == 4:
        host = ".".join(_number(o, draw(bases)) for o in octets)
    elif parts == 3:
        host = ".".join([_number(octets[0], draw(bases)), _number(octets[1], draw(bases)), _number(n & 0xFFFF, draw(bases))])
    elif parts == 2:
        host = ".".join([_number(octets[0], draw(bases)), _number(n & 0xFFFFFF, draw(bases))])
    else:
        host = _number(n, draw(bases))
    unicode = draw(_UNICODE)
    if unicode == "fullwidth":
        host = host.translate(FULLWIDTH)
    elif unicode == "dots":
        host = host.replace(".", draw(_DOT))
    return host


@st.composite
def ipv6_host(draw) -> str:
    """An IPv6 target in brackets: compressed, exploded, upper case, with an IPv4 tail or a zone id."""
    target = ipaddress.IPv6Address(draw(_V6))
    form = draw(_V6_FORM)
    if form == "exploded":
        text = target.exploded
    elif form == "upper":
        text = target.compressed.upper()
    elif form == "v4tail":
        head = target.exploded.rsplit(":", 2)[0]
        text = f"{head}:{ipaddress.IPv4Address(int(target) & 0xFFFFFFFF)}"
    elif form == "zone":
        text = f"{target.compressed}%25{draw(_ZONE)}"
    else:
        text = target.compressed
    return f"[{text}]"


_HOST = st.one_of(ipv4_host(), ipv6_host(), _NAMES)
_USERINFO = st.sampled_from(("", "", "user@", "user:pass@", "{decoy}@", "{decoy}:80@", "a%40b@", "%00@", "x@y@"))
_TAIL = st.sampled_from((
    "/", "/data.csv", "", "\\@{decoy}/", "\\\\{decoy}\\x.csv", "?@{decoy}", "#@{decoy}", "/@{decoy}/x",
    "/%2e%2e/%2e%2e/etc/passwd", "/a%20b%7Cc.csv?x=%0d%0aHost:%20evil", "/redirect?to=http://{decoy}/",
    "/\t@{decoy}", "/%5C@{decoy}/", "//{decoy}/",
))


def hostile_urls(port: int) -> st.SearchStrategy[str]:
    """URLs to non-global addresses; with a port, it is `port` (the listener's), so a connection would be counted."""

    @st.composite
    def build(draw) -> str:
        host = draw(_HOST)
        with_port = draw(st.booleans()) or host.lower() == "localhost"
        decoy = draw(_DECOY)
        authority = host + (f":{port}" if with_port else "")
        userinfo, tail = draw(_USERINFO).format(decoy=decoy), draw(_TAIL).format(decoy=decoy)
        return f"{draw(_SCHEME)}://{userinfo}{authority}{tail}"

    return build()
