"""What happened to one dataset in one run: the unit of every run report.

The flow, the `run` command's summary table, the Prefect artifacts and the
JSON run report are all built from a list of `DatasetOutcome`, plus one
`HarvestOutcome` per harvest source (a `RecordOutcome` per record of its
catalog: one harvest source stands for many datasets).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from enum import StrEnum


class Status(StrEnum):
    """What happened to a dataset, in the order a reader cares about it (also the value CKAN records)."""

    PUBLISHED = "published"  # new content or metadata written to CKAN
    UNCHANGED = "unchanged"  # nothing to write: source and metadata as published
    INVALID = "invalid"  # collected, but failed validation: last good version kept
    SOURCE_ERROR = "source_error"  # could not be collected: last good version kept
    PUBLISH_ERROR = "publish_error"  # valid, but CKAN refused or failed
    WITHDRAWN = "withdrawn"  # removed from the catalog or marked withdrawn

    @property
    def ok(self) -> bool:
        return self in SUCCESS_STATUSES

    @property
    def label(self) -> str:
        """How people read it: "source error", not "source_error"."""
        return self.value.replace("_", " ")


SUCCESS_STATUSES = frozenset({Status.PUBLISHED, Status.UNCHANGED, Status.WITHDRAWN})
FAILURE_STATUSES = frozenset({Status.INVALID, Status.SOURCE_ERROR, Status.PUBLISH_ERROR})


@dataclass(frozen=True)
class DatasetOutcome:
    dataset_id: str
    organization: str
    status: Status
    rows: int | None = None
    seconds: float = 0.0
    dataset_url: str | None = None  # the dataset's page on the portal
    report_url: str | None = None  # the validation report resource, when there is one
    message: str = ""  # one line: what changed, or why it failed (never a secret)
    write_calls: int = 0  # CKAN write calls made for this dataset
    error_kind: str = ""  # the SourceErrorKind of a source error ("unreachable", ...); "" otherwise
    # As CKAN holds them after the attempt (None when the portal has no such dataset): what the stewards were
    # last mailed about it, and when its published content last changed (for the notifications).
    notified: str | None = None
    content_changed: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "status", Status(self.status))  # a report read back holds plain strings
        except ValueError:
            raise ValueError(f"unknown status {self.status!r}") from None

    @property
    def ok(self) -> bool:
        return self.status.ok

    def to_dict(self) -> dict:
        return {**asdict(self), "status": self.status.value}


class RecordStatus(StrEnum):
    """What happened to one record of a harvested catalog (the columns of a harvest report)."""

    NEW = "new"  # mirrored for the first time
    CHANGED = "changed"  # its metadata, links or data changed at the source and were written
    UNCHANGED = "unchanged"  # as mirrored: nothing written
    WITHDRAWN = "withdrawn"  # gone from the source's catalog: made private (or deleted), never left stale
    FAILED = "failed"  # could not be read or mirrored: the reason says why; a last good version stays


@dataclass(frozen=True)
class RecordOutcome:
    uri: str  # the record's IRI at the source
    status: RecordStatus
    dataset_id: str | None = None  # its name in the portal, once it has one
    message: str = ""
    write_calls: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", RecordStatus(self.status))

    def to_dict(self) -> dict:
        return {**asdict(self), "status": self.status.value}


@dataclass(frozen=True)
class HarvestOutcome:
    """One harvest source in one run: every record's outcome, or why the catalog could not be read at all."""

    source_id: str
    organization: str
    url: str
    records: tuple[RecordOutcome, ...] = ()
    error: str = ""  # the catalog could not be read: nothing was changed or withdrawn
    error_kind: str = ""  # a SourceErrorKind value when the source itself failed
    pages: int = 0
    not_modified_pages: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "records", tuple(
            r if isinstance(r, RecordOutcome) else RecordOutcome(**r) for r in self.records))

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(r.status for r in self.records)
        return {status.value: found.get(status, 0) for status in RecordStatus}

    @property
    def failed(self) -> tuple[RecordOutcome, ...]:
        return tuple(r for r in self.records if r.status == RecordStatus.FAILED)

    @property
    def write_calls(self) -> int:
        return sum(r.write_calls for r in self.records)

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed

    def line(self) -> str:
        """One line: the counts, or why the source failed."""
        if self.error:
            return f"{self.source_id}: not harvested ({self.error})"
        parts = ", ".join(f"{n} {status}" for status, n in self.counts.items() if n) or "no records"
        return f"{self.source_id}: {parts}"

    def to_dict(self) -> dict:
        return {**asdict(self), "records": [r.to_dict() for r in self.records]}
