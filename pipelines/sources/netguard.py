"""The sources' side of the one network path (`pipelines.net`): their policy, and refusals as SourceErrors.

Why this module: `HttpSettings` states what a run allows (private hosts when
the operator says so, loopback for tests, a test server's exact origin), and
`fetch` must report a refusal as the typed `SourceError` a steward reads,
with the hint of what to do. The checking itself (resolve once, judge every
address, connect only to those) is `pipelines.net`, shared with `register`,
the MQA checks and `download`.
"""

from __future__ import annotations

from ..errors import SourceError, SourceErrorKind
from ..net import NetPolicy, Refused, RefusalKind, origin_of
from .base import HttpSettings


def net_policy(settings: HttpSettings) -> NetPolicy:
    return NetPolicy(
        allow_private=settings.allow_private_hosts,
        allow_loopback=settings.allow_loopback,
        trusted_origins=frozenset(origin_of(u) for u in settings.allowed_origins),
        ca_bundle=settings.ca_bundle,
    )


def refusal_error(refused: Refused, shown: str) -> SourceError:
    """The SourceError a steward reads for a refused request to `shown` (the redacted URL)."""
    if refused.kind == RefusalKind.FORBIDDEN_ADDRESS:
        return SourceError(
            SourceErrorKind.FORBIDDEN_HOST,
            f"{refused}; sources must be public hosts "
            f"(set OPPNADATA_ALLOW_PRIVATE_HOSTS=true only for a trusted internal source): {shown}",
            url=shown,
        )
    if refused.kind == RefusalKind.UNRESOLVABLE:
        return SourceError(SourceErrorKind.UNREACHABLE, f"{refused}: {shown}", url=shown)
    return SourceError(SourceErrorKind.CONFIG, f"{refused}: {shown}", url=shown)


def require_http(url: str, shown: str) -> None:
    """Only http and https: `file:`, `ftp:` and the like are refused before anything is opened."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        raise SourceError(
            SourceErrorKind.FORBIDDEN_HOST, f"only http and https URLs are allowed, not {scheme or 'no scheme'!r}: {shown}",
            url=shown,
        )
