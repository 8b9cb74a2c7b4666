"""One harvest source, start to finish: read its catalog, mirror every record, collect the CSVs it asks for.

The decisions, in the order they are made:
- the catalog cannot be read (unreachable, not RDF, paging broken): the
  source fails as a whole and nothing is changed or withdrawn, because a
  catalog read half-way says nothing about which records are gone;
- each record is mirrored on its own (`ckan.Mirror`): one broken record is
  reported with its reason and never stops the rest;
- a record the catalog no longer lists is withdrawn, one it lists but
  cannot be read is not (its last good version stays, marked failed);
- with `collect: [csv]`, a record's CSV distribution is collected,
  normalized, validated (against the national specification the record
  names in dct:conformsTo, when this project has it; otherwise as text) and
  loaded into the DataStore like any other dataset's data. Invalid or
  unreachable data keeps the last good data and fails the record; its
  metadata and links are mirrored all the same.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, Mapping

from ..catalog import known_specifications, load_schema
from ..ckan import CountingCKAN, Mirror, Publisher, describe_error
from ..config import Settings
from ..errors import SourceError
from ..model import Catalog, HarvestSource
from ..outcome import HarvestOutcome, RecordOutcome, RecordStatus, Status
from ..sources import HttpSettings, collect_linked_csv, read_dcat_catalog
from ..validation import validate_table

def harvest_cache_dir(settings: Settings, harvest: HarvestSource) -> Path:
    """Where the catalog pages of the last read are kept for conditional GET."""
    return settings.state_dir / "harvest" / harvest.id


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", name)[:120]


class _Specifications:
    """The project's specification schemas by URI, read once per harvest."""

    def __init__(self, root: Path):
        self.root = root
        self.by_uri = {spec.uri: spec for spec in known_specifications(root).values()}

    def schema_for(self, uris: tuple[str, ...]) -> dict[str, Any] | None:
        for uri in uris:
            spec = self.by_uri.get(uri)
            if spec is not None:
                return load_schema(self.root, spec.relpath)
        return None


def _collect_csv(mirror: Mirror, record, pkg: Mapping[str, Any], outcome: RecordOutcome, workdir: Path,
                 http: HttpSettings, specs: _Specifications) -> RecordOutcome:
    """The record's first CSV distribution into the DataStore; the record's outcome with what that did."""
    csv = [d for d in record.distributions if d.is_csv]
    if not csv:
        return outcome
    dist = csv[0]
    url = dist.download_url or dist.access_url
    name = pkg["name"]
    schema = specs.schema_for(record.conforms_to + dist.conforms_to)
    writes = outcome.write_calls
    try:
        collected, used = collect_linked_csv(name, url, workdir / _safe(name), http, schema=schema,
                                             previous=Mirror.previous_validators(pkg))
    except (SourceError, OSError) as exc:
        kind = getattr(exc, "kind", "disk")
        message = f"CSV {url}: {kind}: {exc}"
        writes += mirror.data_failure(pkg, Status.SOURCE_ERROR, message)
        return RecordOutcome(record.uri, RecordStatus.FAILED, name, f"metadata {outcome.status}; {message}", writes)
    report = validate_table(collected.data.path, used) if collected.data is not None else None
    if report is not None and not report.valid:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(report.error_counts.items()))
        message = f"CSV {url}: invalid: {counts} in {report.rows} rows"
        writes += mirror.data_failure(pkg, Status.INVALID, message, report)
        return RecordOutcome(record.uri, RecordStatus.FAILED, name, f"metadata {outcome.status}; {message}", writes)
    changes, data_writes = mirror.publish_data(pkg, collected, report, used)
    writes += data_writes
    if not changes.published:
        return RecordOutcome(record.uri, outcome.status, name, outcome.message, writes)
    status = RecordStatus.CHANGED if outcome.status == RecordStatus.UNCHANGED else outcome.status
    said = outcome.message if outcome.status != RecordStatus.UNCHANGED else ""
    return RecordOutcome(record.uri, status, name, ", ".join(p for p in (said, changes.message()) if p), writes)


def harvest_source(harvest: HarvestSource, settings: Settings, catalog: Catalog, client: CountingCKAN,
                   publisher: Publisher, workdir: Path, http: HttpSettings) -> HarvestOutcome:
    """Harvest one source; never raises for a source, record or CKAN problem (the outcome says it)."""
    started = time.monotonic()
    url = str(harvest.source.option("url"))
    base = dict(source_id=harvest.id, organization=harvest.organization, url=url)
    collect = tuple(harvest.source.option("collect") or ())
    try:
        read = read_dcat_catalog(url, http, workdir, harvest_cache_dir(settings, harvest),
                            declared_format=harvest.source.option("format"))
    except SourceError as exc:
        return HarvestOutcome(**base, error=f"{exc.kind}: {exc}", error_kind=exc.kind,
                              seconds=round(time.monotonic() - started, 3))
    mirror = Mirror(client, catalog, publisher, harvest)
    try:
        existing = mirror.existing()
    except Exception as exc:  # CKAN unreachable: nothing can be decided
        return HarvestOutcome(**base, error=f"the portal could not list the mirrored datasets: {describe_error(exc)}",
                              pages=read.pages, seconds=round(time.monotonic() - started, 3))
    specs = _Specifications(settings.project_root)
    outcomes: list[RecordOutcome] = []
    for record in read.records:
        current = existing.get(record.uri)
        try:
            outcome, pkg = mirror.mirror(record, current)
            if pkg is not None and outcome.status != RecordStatus.FAILED and "csv" in collect:
                outcome = _collect_csv(mirror, record, pkg, outcome, workdir, http, specs)
        except Exception as exc:  # one record never stops the rest
            outcome = RecordOutcome(record.uri, RecordStatus.FAILED, (current or {}).get("name"),
                                    f"could not be mirrored: {describe_error(exc)}")
        outcomes.append(outcome)
    for broken in read.broken:
        try:
            outcomes.append(mirror.broken(broken, existing.get(broken.uri)))
        except Exception as exc:
            outcomes.append(RecordOutcome(broken.uri, RecordStatus.FAILED, None, f"{broken.reason}; {describe_error(exc)}"))
    present = {r.uri for r in read.records} | {b.uri for b in read.broken}
    try:
        outcomes += mirror.withdraw_missing(present, existing)
    except Exception as exc:
        return HarvestOutcome(**base, records=tuple(outcomes), pages=read.pages, not_modified_pages=read.not_modified,
                              error=f"withdrawing records gone from the catalog failed: {describe_error(exc)}",
                              seconds=round(time.monotonic() - started, 3))
    return HarvestOutcome(**base, records=tuple(outcomes), pages=read.pages, not_modified_pages=read.not_modified,
                          seconds=round(time.monotonic() - started, 3))
