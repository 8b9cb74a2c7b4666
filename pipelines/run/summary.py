"""The summary of one nightly run, built from its list of `DatasetOutcome`, and its JSON file.

Everything people look at after a run (the Prefect artifacts, the `run`
command's table, `<state>/reports/<run>.json`) is rendered from this one object,
so the three can never disagree. One JSON file per run: the name starts with the
UTC start time, so `ls` sorts them by date.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import SourceErrorKind
from ..files import atomic_write
from ..outcome import DatasetOutcome, HarvestOutcome, RecordStatus, Status
from .notify import MailReport

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RunSummary:
    run_id: str  # the Prefect flow run id, or a local id when run without Prefect
    run_name: str
    started: str  # ISO 8601, UTC
    finished: str
    seconds: float
    portal_url: str
    outcomes: tuple[DatasetOutcome, ...] = field(default_factory=tuple)
    write_calls: int = 0  # CKAN write calls of the whole run (organizations included)
    run_errors: tuple[str, ...] = ()  # problems outside any one dataset (organization sync, withdrawal)
    notifications: tuple[MailReport, ...] = ()  # the stewards' digests; a failed mail never fails the run
    harvests: tuple[HarvestOutcome, ...] = ()  # one harvest report per harvest source
    remote_sources: int = 0  # datasets and harvest sources of this run that fetch over the internet

    @classmethod
    def build(cls, outcomes: Iterable[DatasetOutcome], **fields: Any) -> "RunSummary":
        return cls(outcomes=tuple(sorted(outcomes, key=lambda o: (o.organization, o.dataset_id))), **fields)

    @property
    def counts(self) -> dict[str, int]:
        """Datasets per status, every status present (0 when none), in `Status` order."""
        found = Counter(o.status for o in self.outcomes)
        return {status.value: found.get(status, 0) for status in Status}

    @property
    def failed(self) -> tuple[DatasetOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.ok)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.run_errors and all(h.ok for h in self.harvests)

    @property
    def unreachable(self) -> int:
        """Remote sources (datasets and harvest sources) that could not be reached at all."""
        kind = SourceErrorKind.UNREACHABLE.value
        return sum(o.error_kind == kind for o in self.outcomes) + sum(h.error_kind == kind for h in self.harvests)

    def network_line(self) -> str | None:
        """Said plainly when sources were unreachable: every remote one means no network, not broken sources."""
        if not self.unreachable:
            return None
        if self.unreachable >= self.remote_sources:
            return f"no network: {self.unreachable} remote sources unreachable"
        return f"{self.unreachable} of {self.remote_sources} remote sources unreachable"

    def harvest_counts(self) -> dict[str, int]:
        """Records per status over every harvest source, plus the sources that could not be read."""
        counts = {status.value: sum(h.counts[status.value] for h in self.harvests) for status in RecordStatus}
        counts["sources_failed"] = sum(1 for h in self.harvests if h.error)
        return counts

    def headline(self) -> str:
        """One line for logs and the flow's final state message."""
        parts = [f"{n} {Status(status).label}" for status, n in self.counts.items() if n]
        failed_harvests = [h for h in self.harvests if not h.ok]
        if self.failed:
            verdict = f"{len(self.failed)} of {len(self.outcomes)} datasets failed"
        elif failed_harvests:
            verdict = f"{len(failed_harvests)} of {len(self.harvests)} harvest sources had failures"
        elif self.run_errors:
            verdict = f"{len(self.run_errors)} run error(s)"
        else:
            verdict = "all datasets ok"
        harvested = ""
        if self.harvests:
            counts = self.harvest_counts()
            said = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items() if n) or "no records"
            harvested = f"; harvested records: {said}"
        return f"{verdict} ({', '.join(parts) or 'no datasets'}{harvested}) in {self.seconds:.1f} s"

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "run_id": self.run_id,
            "run_name": self.run_name,
            "started": self.started,
            "finished": self.finished,
            "seconds": self.seconds,
            "portal_url": self.portal_url,
            "ok": self.ok,
            "counts": self.counts,
            "write_calls": self.write_calls,
            "run_errors": list(self.run_errors),
            "notifications": [m.to_dict() for m in self.notifications],
            "remote_sources": self.remote_sources,
            "unreachable": self.unreachable,
            "datasets": [o.to_dict() for o in self.outcomes],
            "harvests": [h.to_dict() for h in self.harvests],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunSummary":
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"unsupported run report schema_version {data.get('schema_version')!r}")
        return cls(
            run_id=data["run_id"],
            run_name=data["run_name"],
            started=data["started"],
            finished=data["finished"],
            seconds=data["seconds"],
            portal_url=data["portal_url"],
            write_calls=data.get("write_calls", 0),
            run_errors=tuple(data.get("run_errors", ())),
            notifications=tuple(MailReport.from_dict(m) for m in data.get("notifications", ())),
            outcomes=tuple(DatasetOutcome(**o) for o in data["datasets"]),
            harvests=tuple(HarvestOutcome(**h) for h in data.get("harvests", ())),
            remote_sources=data.get("remote_sources", 0),
        )

    def file_name(self) -> str:
        stamp = re.sub(r"[^0-9TZ]", "", self.started.replace("+00:00", "Z"))
        safe_name = re.sub(r"[^A-Za-z0-9_.-]", "-", self.run_name)
        return f"{stamp}-{safe_name}.json"


def write_summary(summary: RunSummary, reports_dir: Path) -> Path:
    """Write `<reports_dir>/<start>-<run name>.json` atomically (`pipelines.files.atomic_write`)."""
    path = reports_dir / summary.file_name()
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    return path


def read_summary(path: Path) -> RunSummary:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read run report {path}: {exc}") from None
    return RunSummary.from_dict(data)


def latest_summary(reports_dir: Path) -> Path | None:
    """The newest run report, by file name (they start with the UTC start time)."""
    files = sorted(reports_dir.glob("*.json"))
    return files[-1] if files else None
