"""The pipeline's one retry layer: which failed request is tried again, how often, and after how long.

Why here and only here: a collect used to be retried by the HTTP layer and
again, as a whole, by Prefect's task retries (4 × 3 = 12 requests per source).
Now `fetch` retries each request and nothing above it does, so the numbers in
`HttpSettings` are the whole story.

The policy is a urllib3 `Retry`: it counts failures per class, knows when
the attempts are spent, computes the backoff (none before the first retry,
then `backoff_base`·2^(n-1) plus up to `backoff_base` of jitter, at most
`backoff_max`) and reads Retry-After. `fetch` drives it itself rather than
mounting it on the session's adapter, because one attempt there is the request
*and* its streamed body (a truncated body is retried too), and every attempt
must pass the host guard and the per-host rate limiter, which an adapter's
internal retries would skip.

Not retried at all: a host that does not resolve (refused by `netguard`
before any attempt) and a host that refuses the connection (`Failure.REFUSED`):
nothing listens there, and a retry a few seconds later cannot change that
within a run; on a machine without network every remote source fails at once
instead of waiting out its backoff.

The classes, one counter each:
- connect: no connection was made (connect timeout, TLS handshake);
- read: the connection broke or went silent (reset, read timeout, a body
  shorter than announced);
- status: a 5xx or 429 answer (`TRANSIENT_STATUSES`).
Anything else (other 4xx, wrong content, too large, a broken redirect) is a
verdict and is never retried.
"""

from __future__ import annotations

from enum import StrEnum

from urllib3.exceptions import InvalidHeader, MaxRetryError, NewConnectionError, ProtocolError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from ..errors import TRANSIENT_STATUSES
from .base import HttpSettings


class Failure(StrEnum):
    """What an attempt that got no answer counts as (an answer with a transient status counts as `status`)."""

    REFUSED = "refused"  # the host answered that nothing listens: never retried
    CONNECT = "connect"  # no connection was made (timeout, TLS handshake)
    READ = "read"  # the connection broke or went silent


def retry_policy(settings: HttpSettings) -> Retry:
    """A fresh policy for one fetch: `max_attempts` tries in all, of any class."""
    retries = max(settings.max_attempts - 1, 0)
    return Retry(
        total=retries,
        connect=retries,  # connect timeouts and broken handshakes; a refusal never gets here (count_failure)
        read=retries,
        status=retries,
        other=0,  # nothing else is worth another attempt
        redirect=False,  # redirects are followed (and limited) by fetch, hop by hop
        allowed_methods=None,  # POST too: PxWeb v1 queries are POSTs that change nothing
        status_forcelist=TRANSIENT_STATUSES,
        backoff_factor=settings.backoff_base,
        backoff_jitter=settings.backoff_base,
        backoff_max=settings.backoff_max,
    )


def count_failure(policy: Retry, method: str, url: str, *, failure: Failure | None = None,
                  response: BaseHTTPResponse | None = None, message: str = "") -> Retry:
    """The policy after one more failed attempt; raises urllib3's MaxRetryError when the attempts are spent.

    `failure` for an attempt without an answer; `response` (urllib3's, i.e.
    `requests.Response.raw`) for an answer with a transient status. The
    urllib3 error handed to the policy only names the class it counts in.
    """
    if response is not None:
        return policy.increment(method, url, response=response)
    if failure is None:
        raise ValueError("count_failure needs a failure class or a response")
    if failure == Failure.REFUSED:
        raise MaxRetryError(None, url, NewConnectionError(None, message))
    error = NewConnectionError(None, message) if failure == Failure.CONNECT else ProtocolError(message)
    return policy.increment(method, url, error=error)


def attempts_made(policy: Retry) -> int:
    """How many attempts the policy has seen fail, plus the one in hand."""
    return len(policy.history) + 1


def retry_after(policy: Retry, value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delay-seconds or an HTTP date), or None when absent or unreadable."""
    if not value:
        return None
    try:
        return float(policy.parse_retry_after(value))
    except InvalidHeader:
        return None

