"""The contract every source type fulfils: `collect(dataset, workdir, context) -> Collected`.

A source either returns a `Collected` (canonical files, each with its SHA-256,
ready for validation) or raises a `pipelines.errors.SourceError` whose `kind`
says what went wrong, so that later stages can report it per dataset. Nothing
half-written is ever left in the work directory looking complete: files are
written with `pipelines.files.atomic_write`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..model import frozen_mapping


@dataclass(frozen=True)
class HttpSettings:
    """Limits for every remote fetch (the retries are the pipeline's only ones: see `retry`)."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 4  # tries of one request in all, the first included
    backoff_base: float = 1.0  # seconds; doubled each retry after the first, plus jitter
    backoff_max: float = 30.0  # the longest wait between tries, and the longest Retry-After honoured
    max_bytes: int = 2 * 1024**3
    allow_private_hosts: bool = False  # private, loopback and link-local addresses all allowed
    allow_loopback: bool = False  # only 127.0.0.0/8 and ::1 (tests: the fixture server, nothing else)
    allowed_origins: tuple[str, ...] = ()  # exact scheme://host:port allowed whatever they resolve to (a test server)
    ca_bundle: str | None = None  # a CA file to verify TLS against (a test CA, an internal one); None: the default
    user_agent: str = "oppnadata-kalmar/0.1 (+https://www.regionkalmar.se)"


@dataclass(frozen=True)
class SourceValidators:
    """What the source told us about its content, for conditional GET next time."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class CollectContext:
    """Everything `collect` needs besides the dataset itself."""

    project_root: Path  # holds datasets/ and schemas/
    schema: Mapping[str, Any]  # the dataset's Frictionless Table Schema (as a dict)
    http: HttpSettings = field(default_factory=HttpSettings)
    previous: SourceValidators | None = None  # from the last published version, if any
    env: Mapping[str, str] = field(default_factory=frozen_mapping)  # where api_key_env is looked up
    portal_url: str | None = None  # the operator's own portal (CKAN_URL), read by `union` sources


@dataclass(frozen=True)
class CollectedFile:
    path: Path
    sha256: str
    media_type: str  # "text/csv", "application/geo+json", ...
    role: str  # "data" (the canonical CSV) or "geojson"
    bytes: int
    rows: int | None = None  # data rows, for tables


@dataclass(frozen=True)
class Collected:
    dataset_id: str
    files: tuple[CollectedFile, ...]
    validators: SourceValidators = field(default_factory=SourceValidators)
    not_modified: bool = False  # the source answered 304: nothing new was downloaded
    timings: Mapping[str, float] = field(default_factory=frozen_mapping)  # stage -> seconds
    notes: tuple[str, ...] = ()  # what the run report should say besides the outcome (e.g. a union's failing member)

    @property
    def data(self) -> CollectedFile | None:
        """The canonical CSV (None when the source was not modified)."""
        for f in self.files:
            if f.role == "data":
                return f
        return None
