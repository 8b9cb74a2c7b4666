"""What one caller may connect to: the policy every guarded session enforces.

Why a value and not flags scattered over callers: the sources, `register`,
the MQA reachability checks and `download` all connect through the same
adapter, and each states here, once, what it trusts beyond the public
Internet. The defaults trust nothing but globally reachable addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]  # (scheme, host, port), lower-case host without brackets


def origin(scheme: str, host: str, port: int | None) -> Origin:
    scheme = scheme.lower()
    return scheme, host.lower().strip("[]"), port or DEFAULT_PORTS.get(scheme, 0)


def origin_of(url: str) -> Origin:
    """The origin of an operator-given URL such as CKAN_URL ("http://127.0.0.1:5050" → ('http', '127.0.0.1', 5050))."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http(s) URL with a host: {url!r}")
    return origin(parts.scheme, parts.hostname, parts.port)


@dataclass(frozen=True)
class NetPolicy:
    """Which addresses a guarded session may connect to, beyond public Internet addresses.

    - `allow_private`: any address at all (the operator's explicit choice for a
      trusted internal source: OPPNADATA_ALLOW_PRIVATE_HOSTS);
    - `allow_loopback`: 127.0.0.0/8 and ::1 only, in their plain forms (tests'
      fixture servers; nothing in production sets it);
    - `trusted_origins`: exact scheme/host/port triples connected to whatever
      they resolve to (the portal named by CKAN_URL, which may well be on
      loopback); a redirect away from one is judged like any other URL.
    - `ca_bundle`: a CA file to verify TLS against instead of the default one.
    """

    allow_private: bool = False
    allow_loopback: bool = False
    trusted_origins: frozenset[Origin] = frozenset()
    ca_bundle: str | None = None

    @classmethod
    def trusting(cls, *urls: str, **kwargs) -> "NetPolicy":
        """A policy that trusts the origins of `urls` (e.g. the portal) and nothing else but public addresses."""
        return cls(trusted_origins=frozenset(origin_of(u) for u in urls), **kwargs)

    def trusts(self, target: Origin) -> bool:
        return target in self.trusted_origins
