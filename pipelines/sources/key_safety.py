"""Where a source's API key may go: only to the entry's own host, only over https.

Why here and not left to `requests`: requests strips an Authorization header
on a redirect to another host, but an API key in a custom header or in the
query string is ours to guard. The rules, checked before every request:
- a URL that carries the key (in any encoding) must be https and on the
  entry's own host and port, so a redirect whose Location repeats the key
  towards another host, or down to plain http, is refused before it is sent;
- a header that carries the key is only sent where requests' own
  `should_strip_auth` would keep credentials (the same host, the same scheme
  and port or an http → https upgrade), and never over plain http.
"""

from __future__ import annotations

from typing import Mapping
from urllib.parse import urlsplit

import requests

from ..errors import SourceError, SourceErrorKind
from ..redaction import Redactor


def _host_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))


def carries(text: str, secrets: tuple[str, ...]) -> bool:
    """Does `text` hold any secret, in any of the forms the redactor masks?"""
    return bool(secrets) and Redactor(secrets)(text) != text


def check_key_destination(url: str, entry_url: str, secrets: tuple[str, ...], shown: str) -> None:
    """Refuse to request `url` when it carries a key anywhere but over https to the entry's own host."""
    if not carries(url, secrets):
        return
    if urlsplit(url).scheme != "https":
        raise SourceError(
            SourceErrorKind.CONFIG,
            f"an API key is never sent over plain http; use the source's https:// address: {shown}",
            url=shown,
        )
    if _host_port(url) != _host_port(entry_url):
        raise SourceError(
            SourceErrorKind.FORBIDDEN_HOST,
            f"the redirect would carry the API key to another host than the entry's own; not followed: {shown}",
            url=shown,
        )


def headers_for(session: requests.Session, headers: Mapping[str, str], secrets: tuple[str, ...],
                entry_url: str, url: str) -> dict[str, str]:
    """`headers` for a request to `url`, without any header that carries a key where it must not go."""
    out = dict(headers)
    if secrets and (urlsplit(url).scheme != "https" or session.should_strip_auth(entry_url, url)):
        out = {k: v for k, v in out.items() if not carries(v, secrets)}
    return out
