"""The one way any source fetches anything over HTTP.

Why one module: timeouts, retries, redirects, size limits, conditional GET,
host checks and secret redaction must behave the same for every remote source
type; implementing them once keeps them tested once.

Behaviour:
- connect/read timeouts from HttpSettings;
- the pipeline's only retries (`retry`: a urllib3 Retry policy): with
  exponential backoff and jitter on connection errors, timeouts, truncated
  bodies, 5xx and 429 (honouring Retry-After on 429 and 503 up to
  `backoff_max`; a server asking for a longer wait fails at once rather than
  being hammered), never on other 4xx;
- every request, each redirect hop and retry included, goes through the one
  network path (`pipelines.net`): the host resolved once, every address
  judged, the connection pinned to those addresses (`netguard` states the
  sources' policy); redirects are followed here, not by `requests`;
- an API key goes only to the entry's own host over https (`key_safety`):
  a header key is dropped on a redirect elsewhere, a URL that would carry the
  key elsewhere or over plain http is refused;
- conditional GET (If-None-Match / If-Modified-Since) from the previous
  validators; a 304 returns `Fetched(path=None, not_modified=True)`;
- Content-Length above `max_bytes` is refused before reading; a body that
  grows past it is cut off and refused;
- the body streams through `pipelines.files.atomic_write`: it appears under
  `dest` only when complete (with `sample_bytes`, only its first bytes);
- an HTML page where data was expected is `wrong_content`;
- secret values (API keys) are replaced by '***' in every log line and message.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urljoin

import requests
from urllib3.exceptions import MaxRetryError, ProtocolError, ReadTimeoutError

from ..errors import TRANSIENT_STATUSES, SourceError, SourceErrorKind
from ..files import atomic_write
from ..net import Refused, guarded_session
from ..redaction import Redactor
from .base import HttpSettings, SourceValidators
from .key_safety import check_key_destination, headers_for
from .netguard import net_policy, refusal_error, require_http
from .ratelimit import RateLimiter
from .retry import Failure, attempts_made, count_failure, retry_after, retry_policy

log = logging.getLogger(__name__)

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    path: Path | None  # None when the source answered 304
    status: int
    url: str  # the final URL, redacted
    content_type: str
    bytes: int
    validators: SourceValidators
    requests: int  # HTTP requests made, retries and redirects included
    seconds: float

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _ScrubLogs(logging.Filter):
    """Removes the secrets of fetches in progress from urllib3's own DEBUG lines (they hold full URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.active: dict[int, Redactor] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if self.active:
            text = record.getMessage()
            for redact in list(self.active.values()):
                text = redact(text)
            record.msg, record.args = text, None
        return True


_scrub = _ScrubLogs()
for _name in ("urllib3.connectionpool", "urllib3.connection", "urllib3.response", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(_scrub)


def _prepared_url(
    url: str, params: Mapping[str, Any] | None, redact: Redactor, *, kind: str, what: str, base: str | None = None
) -> str:
    """`url` (relative to `base`, if given) with `params` encoded, or a typed SourceError when it is not a valid URL.

    Why: requests raises its own exceptions (MissingSchema, InvalidURL) or a
    UnicodeError for a URL without a scheme or with a broken host — a typo in
    catalog.yaml or a server's bad Location header must be reported per
    dataset, not end the run with a traceback. The message is redacted: the
    URL may already carry an API key as a query parameter.
    """
    try:
        if base is not None:
            url = urljoin(base, url)
        prepared = requests.Request("GET", url, params=params).prepare().url or url
    except (requests.RequestException, ValueError, UnicodeError) as exc:
        shown = redact(url)
        raise SourceError(kind, f"{what} is not a valid http(s) URL ({redact(str(exc))}): {shown}", url=shown) from None
    return prepared


_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def looks_like_html(content_type: str, head: bytes) -> bool:
    head = head.lstrip(b"\xef\xbb\xbf")
    return "html" in content_type.lower() or bool(_HTML_START.match(head))


def html_title(head: bytes) -> str:
    m = _TITLE.search(head)
    if not m:
        return ""
    return " ".join(m.group(1).decode("utf-8", "replace").split())[:120]


def fetch(
    url: str,
    dest: Path,
    settings: HttpSettings,
    *,
    method: str = "GET",
    params: Mapping[str, Any] | None = None,
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
    previous: SourceValidators | None = None,
    secrets: Iterable[str] = (),
    expect: str = "data",
    limiter: RateLimiter | None = None,
    sample_bytes: int | None = None,
) -> Fetched:
    """Download `url` to `dest` (atomically). Raise SourceError on any failure.

    `expect` names what the body should be ("CSV", "JSON", ...) for messages;
    an HTML body is refused unless `expect == "html"`. With `sample_bytes`, only
    the body's first bytes are kept (at least that many, unless it is shorter):
    a sample, not the file, so a larger body is not refused.
    """
    secrets = tuple(s for s in secrets if s)
    redact = Redactor(secrets)
    if not secrets:
        return _fetch(url, dest, settings, method, params, json_body, headers, previous, secrets, redact, expect, limiter,
                      sample_bytes)
    token = id(redact)
    _scrub.active[token] = redact
    try:
        return _fetch(url, dest, settings, method, params, json_body, headers, previous, secrets, redact, expect, limiter,
                      sample_bytes)
    finally:
        _scrub.active.pop(token, None)


def _fetch(url, dest, settings, method, params, json_body, headers, previous, secrets, redact, expect, limiter,
           sample_bytes) -> Fetched:
    started = time.monotonic()
    current = _prepared_url(url, params, redact, kind=SourceErrorKind.CONFIG, what="the source URL")
    shown = redact(current)
    base_headers = {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"}
    base_headers.update(headers or {})
    if previous and previous.etag:
        base_headers["If-None-Match"] = previous.etag
    if previous and previous.last_modified:
        base_headers["If-Modified-Since"] = previous.last_modified
    first = current
    requests_made = 0
    hops = 0
    body = json_body
    policy = retry_policy(settings)
    with guarded_session(net_policy(settings)) as session:
        if limiter is not None:  # taken once the host has passed the checks: a refused request waits for nothing
            session.get_adapter("https://").before_send = limiter.acquire  # the one adapter, for http too
        while True:
            require_http(current, shown)
            check_key_destination(current, first, secrets, shown)
            hdrs = headers_for(session, base_headers, secrets, first, current)
            requests_made += 1
            log.info("%s %s (attempt %d)", method, shown, attempts_made(policy))
            failure: SourceError | None = None
            failed: Failure | None = None  # how the retry policy counts a failure without an answer
            answer = None  # the answer whose status failed, for the retry policy
            wait: float | None = None
            try:
                resp = session.request(
                    method,
                    current,
                    json=body,
                    headers=hdrs,
                    timeout=(settings.connect_timeout, settings.read_timeout),
                    stream=True,
                    allow_redirects=False,
                )
            except ValueError:
                # requests parses a redirect's Location even with allow_redirects=False
                # (e.g. an unclosed IPv6 '['); the server's answer is broken, retrying will not help
                raise SourceError(
                    SourceErrorKind.HTTP_STATUS, f"the redirect from {shown} is not a valid URL (malformed Location header)", url=shown
                ) from None
            except Refused as refused:  # no connection was opened (a name that does not resolve too): never retried
                raise refusal_error(refused, shown) from None
            except requests.Timeout as exc:
                failure = SourceError(SourceErrorKind.TIMEOUT, f"no answer within the time limit from {shown}", url=shown)
                failed = Failure.CONNECT if isinstance(exc, requests.ConnectTimeout) else Failure.READ
            except requests.RequestException as exc:
                if _refused(exc):
                    failure, failed = SourceError(SourceErrorKind.UNREACHABLE, f"cannot connect to {shown} (connection refused)",
                                                  url=shown), Failure.REFUSED
                else:
                    failure = SourceError(SourceErrorKind.UNREACHABLE, f"cannot connect to {shown} ({type(exc).__name__})", url=shown)
                    failed = Failure.READ if _broke_after_connecting(exc) else Failure.CONNECT
            else:
                with resp:
                    status = resp.status_code
                    if status in REDIRECTS:
                        location = resp.headers.get("Location")
                        hops += 1
                        if not location or hops > MAX_REDIRECTS:
                            raise SourceError(SourceErrorKind.HTTP_STATUS, f"too many or broken redirects from {shown}", url=shown, status=status)
                        current = _prepared_url(
                            location, None, redact, kind=SourceErrorKind.HTTP_STATUS, what=f"the redirect from {shown}", base=current
                        )
                        shown = redact(current)
                        log.info("redirect %d to %s", status, shown)
                        if status == 303 or (status in (301, 302) and method == "POST"):
                            method, body = "GET", None
                        continue
                    validators = SourceValidators(
                        etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified")
                    )
                    if status == 304:
                        log.info("not modified: %s", shown)
                        return Fetched(None, 304, shown, "", 0, previous or validators, requests_made, time.monotonic() - started)
                    if status in TRANSIENT_STATUSES:
                        failure = SourceError(SourceErrorKind.HTTP_STATUS, f"HTTP {status} from {shown}", url=shown, status=status)
                        answer = resp.raw
                        # RFC 9110 §10.2.3: Retry-After comes with 429 and with 503 (planned downtime)
                        asked = retry_after(policy, resp.headers.get("Retry-After")) if status in (429, 503) else None
                        if asked is not None:
                            if asked > settings.backoff_max:
                                raise SourceError(
                                    SourceErrorKind.HTTP_STATUS,
                                    f"HTTP {status} from {shown}: the server asks to wait {asked:.0f} s, "
                                    f"longer than the {settings.backoff_max:.0f} s we wait; try again later",
                                    url=shown,
                                    status=status,
                                )
                            wait = asked
                    elif status >= 400:
                        raise SourceError(SourceErrorKind.HTTP_STATUS, f"HTTP {status} from {shown}", url=shown, status=status)
                    elif status != 200 and status != 203:
                        raise SourceError(SourceErrorKind.HTTP_STATUS, f"unexpected HTTP {status} from {shown}", url=shown, status=status)
                    else:
                        content_type = resp.headers.get("Content-Type", "")
                        try:
                            size = _stream_to(resp, dest, settings, shown, expect, content_type, sample_bytes)
                        except SourceError as err:
                            if not err.transient:
                                raise
                            failure, failed = err, Failure.READ  # the body broke off or stopped arriving
                        else:
                            seconds = time.monotonic() - started
                            log.info("fetched %s: %d bytes in %.2f s", shown, size, seconds)
                            return Fetched(dest, status, shown, content_type, size, validators, requests_made, seconds)
            attempts = attempts_made(policy)
            if failed != Failure.REFUSED:
                log.warning("%s (attempt %d of %d)", redact(str(failure)), attempts, settings.max_attempts)
            try:
                policy = count_failure(policy, method, shown, failure=failed, response=answer, message=redact(str(failure)))
            except MaxRetryError:
                if failed == Failure.REFUSED:
                    raise SourceError(failure.kind, f"{redact(str(failure))}; not retried", url=shown) from None
                raise SourceError(
                    failure.kind,
                    f"{redact(str(failure))}; gave up after {attempts} attempts",
                    url=shown,
                    status=failure.status,
                ) from None
            time.sleep(wait if wait is not None else policy.get_backoff_time())


def _refused(exc: BaseException) -> bool:
    """Did the host refuse the connection (nothing listens on that port)? Walks the chain of causes."""
    seen = 0
    node: BaseException | None = exc
    while node is not None and seen < 10:
        if isinstance(node, ConnectionRefusedError):
            return True
        reason = getattr(node, "reason", None)
        nxt = reason if isinstance(reason, BaseException) else None
        if nxt is None and node.args and isinstance(node.args[0], BaseException):
            nxt = node.args[0]
        node = nxt or node.__cause__ or node.__context__
        seen += 1
    return False


def _broke_after_connecting(exc: requests.RequestException) -> bool:
    """Did the server accept the connection and then break it (reset, closed without an answer)?"""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, (ProtocolError, ReadTimeoutError))


def _html_error(head: bytes, shown: str, expect: str, status: int) -> SourceError:
    title = html_title(head)
    return SourceError(
        SourceErrorKind.WRONG_CONTENT,
        f"{shown} returned an HTML page{f' ({title!r})' if title else ''} where {expect} was expected; "
        "check the URL in catalog.yaml",
        url=shown,
        status=status,
    )


def _stream_to(resp: requests.Response, dest: Path, settings: HttpSettings, shown: str, expect: str, content_type: str,
               sample_bytes: int | None = None) -> int:
    """Write the body to dest (atomically: nothing under `dest` unless complete); return its size."""
    declared = resp.headers.get("Content-Length")
    encoded = bool(resp.headers.get("Content-Encoding"))
    if sample_bytes is None and declared and declared.isdigit() and int(declared) > settings.max_bytes and not encoded:
        raise SourceError(
            SourceErrorKind.TOO_LARGE,
            f"{shown} announces {int(declared)} bytes, more than the limit of {settings.max_bytes} bytes",
            url=shown,
        )
    size = 0
    head = b""
    sampled = False
    try:
        with atomic_write(dest) as fh:
            try:
                for chunk in resp.iter_content(CHUNK):
                    if len(head) < 2048:
                        head += chunk[: 2048 - len(head)]
                        if expect != "html" and looks_like_html(content_type, head) and (len(head) >= 64 or "html" in content_type.lower()):
                            raise _html_error(head, shown, expect, resp.status_code)
                    size += len(chunk)
                    if size > settings.max_bytes:
                        raise SourceError(
                            SourceErrorKind.TOO_LARGE, f"{shown} sent more than the limit of {settings.max_bytes} bytes", url=shown
                        )
                    fh.write(chunk)
                    if sample_bytes is not None and size >= sample_bytes:
                        sampled = True  # enough for a sample: the rest is never read
                        break
            except requests.exceptions.ConnectionError as exc:
                if "timed out" in str(exc).lower():
                    raise SourceError(SourceErrorKind.TIMEOUT, f"the body from {shown} stopped arriving (read timeout)", url=shown) from None
                raise SourceError(
                    SourceErrorKind.UNREACHABLE, f"the connection to {shown} broke after {size} bytes (truncated body)", url=shown
                ) from None
            except requests.exceptions.ContentDecodingError:
                raise SourceError(
                    SourceErrorKind.DECODE_ERROR,
                    f"the body from {shown} does not decompress as its Content-Encoding says "
                    f"({resp.headers.get('Content-Encoding')}); the server sends a broken file",
                    url=shown,
                ) from None
            except requests.RequestException:
                of = f" of {declared}" if declared else ""
                raise SourceError(
                    SourceErrorKind.UNREACHABLE,
                    f"the body from {shown} was cut off (truncated body: {size}{of} bytes written before the break)",
                    url=shown,
                ) from None
            if head and expect != "html" and looks_like_html(content_type, head):
                raise _html_error(head, shown, expect, resp.status_code)
            if declared and declared.isdigit() and not encoded and not sampled and size != int(declared):
                raise SourceError(
                    SourceErrorKind.UNREACHABLE, f"the body from {shown} was cut off: {size} of {declared} bytes (truncated body)", url=shown
                )
    except OSError as exc:
        raise SourceError(SourceErrorKind.DISK, f"cannot write the download of {shown}: {exc.strerror}") from None
    return size
