"""What happened to one dataset in one run: the unit of every run report.

The flow, the `run` command's summary table, the Prefect artifacts and the
JSON run report are all built from a list of `DatasetOutcome`.
"""

from __future__ import annotations

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
