"""The error every collecting stage raises: a `SourceError` with a `SourceErrorKind`.

Why on the ground floor and not in `pipelines.sources`: reading a source is
shared work. The sources download, but normalize finds the undecodable byte
or the header without a name, and the catalog's steward-file check meets the
same problems before a run; all of them must report the same typed error
without importing the stage above them.

The kind says what went wrong (and so what a steward or operator does about
it); the message says where, in words, and never holds a secret.
"""

from __future__ import annotations

from enum import StrEnum

# HTTP statuses worth another attempt: the server is busy or failing, not refusing the request.
TRANSIENT_STATUSES = frozenset({429, *range(500, 600)})


class SourceErrorKind(StrEnum):
    CONFIG = "config"  # the catalog entry's source options are wrong
    UNREACHABLE = "unreachable"  # DNS, refused connection, reset, truncated body
    TIMEOUT = "timeout"
    HTTP_STATUS = "http_status"  # a non-retryable or exhausted HTTP status
    TOO_LARGE = "too_large"
    WRONG_CONTENT = "wrong_content"  # e.g. an HTML page where data was expected
    DECODE_ERROR = "decode_error"  # bytes that are not text in a supported encoding, broken XLSX/JSON
    CSV_SYNTAX = "csv_syntax"  # quoting or line ends that would change the values (an unclosed quote, a stray CR)
    FORBIDDEN_HOST = "forbidden_host"  # private/loopback/link-local address, or not http(s)
    NOT_FOUND = "not_found"  # a steward file that does not exist
    DISK = "disk"  # the work directory could not be written (e.g. full disk)


class SourceError(Exception):
    """A typed collection failure; the message never holds a secret."""

    def __init__(
        self, kind: SourceErrorKind | str, message: str, *, url: str | None = None, status: int | None = None
    ):
        try:
            kind = SourceErrorKind(kind)
        except ValueError:
            raise ValueError(f"unknown SourceError kind {kind!r}") from None
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.status = status

    @property
    def transient(self) -> bool:
        """A failure a later attempt may not meet (the network, a busy or failing server)."""
        return self.kind in (SourceErrorKind.UNREACHABLE, SourceErrorKind.TIMEOUT) or (
            self.kind == SourceErrorKind.HTTP_STATUS and self.status in TRANSIENT_STATUSES
        )
