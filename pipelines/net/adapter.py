r"""The requests transport adapter every outgoing request goes through, and the session built on it.

For each request (and so for each redirect hop, retry and page):
1. the scheme, host and port are read from the prepared request's URL, once;
2. `resolve_checked` resolves that host and judges every address against the
   policy (or raises `Refused`; no socket is opened);
3. the connection pool for exactly that (host, port, checked addresses) opens
   its sockets to those addresses only (`pinned.py`), with the host name kept
   for the Host header, TLS SNI and certificate verification.
Because the pool is built from the same parse that was checked, no second
URL parser can send the request elsewhere. A URL that the two parsers in
play read differently (the standard library's `urlsplit`, which requests
uses, and urllib3's WHATWG-like `parse_url`: `http://127.0.0.1:9\@1.1.1.1/`
is 1.1.1.1 to one and 127.0.0.1 to the other) is refused outright: requests
follows a redirect's Location without re-parsing it, so such a URL can reach
the adapter, and no honest server needs one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable
from urllib.parse import unquote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import LocationParseError
from urllib3.poolmanager import SSL_KEYWORDS
from urllib3.util import parse_url

from .pinned import PinnedHTTPConnectionPool, PinnedHTTPSConnectionPool
from .policy import NetPolicy
from .refusal import BadRedirect, Refused, RefusalKind
from .resolution import Endpoint, resolve_checked

MAX_REDIRECTS = 5
_POOLS_KEPT = 32


class PinnedAdapter(HTTPAdapter):
    """An HTTPAdapter that connects only where `policy` allows, to the addresses it checked."""

    def __init__(self, policy: NetPolicy, **kwargs: Any) -> None:
        self.policy = policy
        # called once a request's target has passed the checks, before it is sent (e.g. a rate limiter):
        # a refused request never waits for, or uses up, a slot
        self.before_send: Callable[[], object] | None = None
        self._pools: OrderedDict[tuple, HTTPConnectionPool] = OrderedDict()
        self._pools_lock = threading.Lock()
        super().__init__(**kwargs)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None) -> HTTPConnectionPool:
        if select_proxy(request.url, proxies):
            raise Refused(RefusalKind.INVALID_TARGET, "requests through a proxy are not allowed")
        try:
            parts = urlsplit(request.url)
            scheme, host, port = parts.scheme, parts.hostname, parts.port
        except ValueError:  # a port out of range or not a number, an unclosed '['
            raise Refused(RefusalKind.INVALID_TARGET, "the URL has an invalid host or port") from None
        if not _read_alike(request.url, host, port):
            raise Refused(RefusalKind.INVALID_TARGET,
                          "the URL names a different host to different URL parsers (a backslash or '@' in it?)")
        endpoint = resolve_checked(scheme, host, port, self.policy)
        if self.before_send is not None:
            self.before_send()
        _host_params, tls = self.build_connection_pool_key_attributes(request, verify, cert)
        return self._pool(endpoint, tls)

    def _pool(self, endpoint: Endpoint, tls: dict[str, Any]) -> HTTPConnectionPool:
        scheme, host, port = endpoint.origin
        key = (endpoint.origin, endpoint.addresses, tuple(sorted(tls.items())))
        with self._pools_lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            kwargs = {"maxsize": self._pool_maxsize, "block": self._pool_block, "pinned": endpoint.addresses}
            if scheme == "https":
                pool = PinnedHTTPSConnectionPool(host, port, **kwargs, **tls)
            else:
                pool = PinnedHTTPConnectionPool(host, port, **kwargs,
                                                **{k: v for k, v in tls.items() if k not in SSL_KEYWORDS})
            self._pools[key] = pool
            while len(self._pools) > _POOLS_KEPT:
                _old, evicted = self._pools.popitem(last=False)
                evicted.close()
            return pool

    def close(self) -> None:
        with self._pools_lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()
        super().close()


def _same_host(a: str | None, b: str | None) -> bool:
    def norm(h: str | None) -> str:
        h = unquote(h or "").strip("[]").lower()
        try:
            return h if h.isascii() else h.encode("idna").decode("ascii")
        except UnicodeError:
            return h
    return norm(a) == norm(b)


def _read_alike(url: str, host: str | None, port: int | None) -> bool:
    """Does urllib3's parser find the same host and port in `url` as urlsplit did?"""
    try:
        other = parse_url(url)
    except LocationParseError:
        return False
    return _same_host(host, other.host) and port == other.port


class GuardedSession(requests.Session):
    """A Session whose redirects are read like first requests: joined, then parsed by urllib3 (`prepare_url`).

    Why: requests takes a redirect's Location as it comes and only re-quotes
    it, so `http://localhost:9\\@8.8.8.8/` became `http://localhost:9%5C@8.8.8.8/`,
    a URL whose host is 8.8.8.8 to every parser, while the same text in a
    first request (or in `fetch`, which follows redirects itself) means
    localhost. Preparing the Location the way a first request is prepared
    makes a URL mean one thing wherever it appears.
    """

    def get_redirect_target(self, resp):
        location = super().get_redirect_target(resp)
        if location is None:
            return None
        prepared = requests.PreparedRequest()
        try:
            prepared.prepare_url(urljoin(resp.url, location), None)
        except (requests.RequestException, ValueError, UnicodeError):
            raise BadRedirect("a redirect's Location is not a valid http(s) URL") from None
        return prepared.url


def guarded_session(policy: NetPolicy | None = None) -> requests.Session:
    """A requests Session whose every request, redirect hop included, goes through a `PinnedAdapter`.

    It ignores the environment (no proxies, no .netrc) and follows at most
    MAX_REDIRECTS redirects when a caller lets requests follow them.
    """
    policy = policy or NetPolicy()
    session = GuardedSession()
    session.trust_env = False
    session.max_redirects = MAX_REDIRECTS
    if policy.ca_bundle:
        session.verify = policy.ca_bundle
    session.adapters.clear()
    adapter = PinnedAdapter(policy)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
