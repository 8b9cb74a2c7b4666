"""Publish one dataset to CKAN: idempotent, change-aware, last good version kept.

CKAN is the state of record: the content hash, the source's validators and the
hash of what the DataStore holds are stored on the resources, the metadata hash
and the last attempt's status on the package (docs/ckan-mapping.md). So:

- nothing changed → zero write calls;
- metadata changed → one package_patch;
- content changed → upload, DataStore load, then mark the load done;
- a run that died between upload and DataStore load is seen next time as
  `datastore_sha256 != sha256` and repaired;
- a new dataset stays private until its data is in place, so no half-published
  dataset is ever visible as current;
- a failure never touches the published resources: it only records when the
  dataset was last checked, that the attempt failed, and the report.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

import ckanapi

from ..config import Settings
from ..redaction import Redactor
from ..model import Catalog, Dataset
from ..outcome import FAILURE_STATUSES, DatasetOutcome, Status
from ..sources import Collected, SourceValidators
from ..validation import ValidationReport
from . import datastore, mapping, notified, previews, quality_record, resources
from .client import CountingCKAN, describe_error


# Not a publication: the content is identical, only the source's ETag/Last-Modified changed.
VALIDATORS_REFRESHED = "source validators refreshed (content identical)"


@dataclass
class Changes:
    """What one publication changed, in the order it happened.

    Storing a source's new validators for identical content is one write but
    not a publication, so it is kept apart: it never makes a dataset
    "published", and it is said last in the message.
    """

    made: list[str] = field(default_factory=list)
    validators_refreshed: bool = False

    def append(self, change: str | None) -> None:
        if change:
            self.made.append(change)

    def extend(self, other: "Changes") -> None:
        self.made.extend(other.made)
        self.validators_refreshed = self.validators_refreshed or other.validators_refreshed

    def __contains__(self, change: str) -> bool:
        return change in self.made

    @property
    def published(self) -> bool:
        return bool(self.made)

    def message(self) -> str:
        said = self.made + ([VALIDATORS_REFRESHED] if self.validators_refreshed else [])
        return ", ".join(said) if said else "nothing changed"


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class PublishError(Exception):
    """CKAN refused or failed; the message is one line, names the organization, never a secret."""


class WriteCounter:
    """Counts the write calls made for one dataset (the shared client counts all of them)."""

    def __init__(self, client: CountingCKAN):
        self.client = client
        self.count = 0

    def call(self, action: str, data: Mapping[str, Any], **kw: Any) -> Any:
        self.count += 1
        return self.client.call(action, data, **kw)


class Publisher:
    def __init__(self, client: CountingCKAN, catalog: Catalog, settings: Settings, *, clock: Callable[[], str] = utc_now):
        self.client = client
        self.catalog = catalog
        self.settings = settings
        self.clock = clock
        # every failure text passes through this before CKAN, the outcome and the reports see it
        self.redact = Redactor(settings.secret_values())
        # package_show answers by dataset id. One Publisher serves every worker
        # thread of a Prefect run (and a timed-out dataset's thread may still be
        # running while the flow records its failure), so the cache is locked;
        # the lock is never held across an HTTP call.
        self._packages: dict[str, dict[str, Any] | None] = {}
        self._packages_lock = threading.Lock()

    # ---- reads -------------------------------------------------------------

    def package(self, dataset_id: str, *, fresh: bool = False) -> dict[str, Any] | None:
        """The dataset as CKAN last showed it (None when it does not exist); `fresh` asks again."""
        if not fresh:
            with self._packages_lock:
                if dataset_id in self._packages:
                    return self._packages[dataset_id]
        try:
            pkg = self.client.call("package_show", {"id": dataset_id})
        except ckanapi.NotFound:
            pkg = None
        return self._remember(dataset_id, pkg)

    def _remember(self, dataset_id: str, pkg: dict[str, Any] | None) -> dict[str, Any] | None:
        """Cache what a read or write call returned as the dataset's current state."""
        with self._packages_lock:
            self._packages[dataset_id] = pkg
        return pkg

    def _forget(self, dataset_id: str) -> None:
        with self._packages_lock:
            self._packages.pop(dataset_id, None)

    def previous_validators(self, dataset: Dataset) -> SourceValidators | None:
        """Validators for a conditional GET, only when the published state is consistent.

        When the DataStore does not hold what the file store holds (a run died
        half-way), we return None so the source is downloaded again and the
        repair has the file it needs.
        """
        return stored_validators(self.package(dataset.id))

    def dataset_url(self, dataset_id: str) -> str:
        return f"{self.client.url}/dataset/{dataset_id}"

    # ---- organizations -----------------------------------------------------

    def sync_organizations(self) -> int:
        """Create or update the catalog's organizations; returns write calls made."""
        writes = WriteCounter(self.client)
        for org in self.catalog.organizations:
            desired = mapping.organization_dict(org)
            try:
                current = self.client.call("organization_show", {"id": org.id, "include_datasets": False})
            except ckanapi.NotFound:
                current = None
            try:
                if current is None:
                    writes.call("organization_create", desired)
                elif current.get("state") != "active" or mapping.organization_differs(current, desired):
                    writes.call("organization_patch", {"id": org.id, "state": "active", **desired})
            except ckanapi.CKANAPIError as exc:
                raise PublishError(f"organization {org.id}: {describe_error(exc)}") from None
        return writes.count

    # ---- publish -----------------------------------------------------------

    def publish(self, dataset: Dataset, collected: Collected, report: ValidationReport | None,
                schema: Mapping[str, Any] | None = None) -> DatasetOutcome:
        """Bring CKAN to the collected, validated state; returns published or unchanged."""
        started = time.monotonic()
        writes = WriteCounter(self.client)
        try:
            changes = self._publish(dataset, collected, report, schema, writes)
        except ckanapi.NotAuthorized as exc:
            raise PublishError(
                f"CKAN refused to change dataset {dataset.id!r} of organization {dataset.organization!r}: "
                f"the publishing user is not an editor of that organization ({describe_error(exc)})"
            ) from None
        except ckanapi.CKANAPIError as exc:
            raise PublishError(f"dataset {dataset.id!r} ({dataset.organization}): {describe_error(exc)}") from None
        pkg = self.package(dataset.id)
        report_res = resources.find(pkg, "report")
        data_res = resources.find(pkg, "data")
        rows = int(data_res["rows"]) if data_res and data_res.get("rows") else None
        return DatasetOutcome(
            dataset_id=dataset.id,
            organization=dataset.organization,
            status=Status.PUBLISHED if changes.published else Status.UNCHANGED,
            rows=rows,
            seconds=round(time.monotonic() - started, 3),
            dataset_url=self.dataset_url(dataset.id),
            report_url=report_res.get("url") if report_res else None,
            message=changes.message(),
            write_calls=writes.count,
        )

    def _publish(self, dataset, collected, report, schema, writes: WriteCounter) -> Changes:
        desired = mapping.package_dict(self.catalog, dataset)
        meta_hash = mapping.metadata_hash(desired)
        pkg = self.package(dataset.id)
        changes = Changes()
        if pkg is None:
            # Private until its data is in place: never visible half-published.
            pkg = self._remember(dataset.id, writes.call("package_create", {**desired, "private": True}))
            changes.append("created")

        content_changes = self.sync_resources(pkg, dataset.id, collected, report, schema, writes)
        changes.extend(content_changes)
        if content_changes.published or content_changes.validators_refreshed:
            pkg = self.package(dataset.id, fresh=True)

        state = mapping.extras_dict(pkg.get("extras", []))
        metadata_changed = (
            state.get("kalmar_metadata_sha256") != meta_hash
            or pkg.get("private") is not False
            or pkg.get("state") != "active"
        )
        recovering = state.get("kalmar_last_status") not in (Status.PUBLISHED, Status.UNCHANGED)
        if metadata_changed and "created" not in changes:
            changes.append("metadata updated")
        if changes.published or metadata_changed or recovering:
            extras = {
                **mapping.extras_dict(desired["extras"]),
                "kalmar_metadata_sha256": meta_hash,
                "kalmar_last_checked": self.clock(),
                "kalmar_last_status": Status.PUBLISHED.value,
                "kalmar_last_error": "",
            }
            for kept in ("kalmar_mqa_score", notified.NOTIFIED_EXTRA):  # state of its own, not from the catalog
                if state.get(kept):
                    extras[kept] = state[kept]
            patch = {**desired, "id": pkg["id"], "state": "active", "extras": mapping.extras_list(extras)}
            self._remember(dataset.id, writes.call("package_patch", patch))
            if not changes.published:
                changes.append("recovered from the last failure")
            changes.append(self._record_quality(dataset, writes))
        for created in previews.ensure(self.client, writes, self.package(dataset.id)):
            changes.append(created)
        return changes

    def _record_quality(self, dataset: Dataset, writes: WriteCounter) -> str:
        """Measure the MQA score as a harvester sees it and record it on the dataset."""
        pkg = self.package(dataset.id, fresh=True)
        try:
            score = quality_record.measure(self.client, dataset, self.catalog.organization(dataset.organization), pkg)
        except Exception as exc:  # the data is published; a scoring failure is reported, not fatal
            return f"MQA not measured ({describe_error(exc)})"
        extras = mapping.extras_dict(pkg.get("extras", []))
        if extras.get("kalmar_mqa_score") != str(score.points):
            extras["kalmar_mqa_score"] = str(score.points)
            self._remember(dataset.id, writes.call("package_patch", {"id": pkg["id"], "extras": mapping.extras_list(extras)}))
        return f"MQA {score.points}/{score.max_points} {score.rating}"

    def sync_resources(self, pkg, dataset_id: str, collected: Collected, report: ValidationReport | None, schema,
                       writes: WriteCounter) -> Changes:
        """Bring the data, GeoJSON, schema and report resources of `pkg` to the collected state (also for harvests)."""
        changes = Changes()
        data_res = resources.find(pkg, "data")
        data = collected.data
        if data is not None:
            fields = {
                "sha256": data.sha256,
                "size": data.bytes,
                "rows": data.rows if data.rows is not None else "",
                "source_etag": collected.validators.etag or "",
                "source_last_modified": collected.validators.last_modified or "",
            }
            if data_res is None or data_res.get("sha256") != data.sha256:
                pending = {**fields, "datastore_sha256": (data_res or {}).get("datastore_sha256", "")}
                data_res = resources.upload(writes, pkg["id"], "data", data.path, pending, data_res)
                changes.append("data uploaded")
            elif any(str(data_res.get(k, "")) != str(v) for k, v in fields.items() if k.startswith("source_")):
                # Same content, new ETag/Last-Modified: store them so the next night can ask
                # "not modified?" instead of downloading again. One write, reported as such.
                resources.patch_fields(writes, data_res["id"], {k: v for k, v in fields.items() if k.startswith("source_")})
                changes.validators_refreshed = True
        elif data_res is None:
            raise PublishError(f"dataset {dataset_id!r}: the source was not modified but nothing is published yet")

        for extra in collected.files:
            if extra.role == "data":
                continue
            existing = resources.find(pkg, extra.role)
            if existing is None or existing.get("sha256") != extra.sha256:
                resources.upload(writes, pkg["id"], extra.role, extra.path, {"sha256": extra.sha256, "size": extra.bytes}, existing)
                changes.append(f"{extra.role} uploaded")

        if schema is not None:
            changes.append(self.upload_json(pkg, "schema", dataset_id, schema, {}, writes))
        # After the schema upload: the portal's DataStore load reads the column types from it.
        if data is not None and data_res.get("datastore_sha256") != data.sha256:
            if schema is None:
                raise PublishError(f"dataset {dataset_id!r}: no Table Schema given for the DataStore load")
            datastore.load(writes, data_res["id"], data.sha256)
            resources.patch_fields(writes, data_res["id"], {"datastore_sha256": data.sha256})
            if "data uploaded" not in changes:
                changes.append("DataStore reloaded")
        if report is not None:
            body = report_body(report)
            changes.append(self.upload_json(pkg, "report", dataset_id, body, {"valid": str(bool(body.get("valid"))).lower()}, writes))
        return changes

    def upload_json(self, pkg, role: str, dataset_id: str, value: Any, fields: Mapping[str, str], writes: WriteCounter) -> str | None:
        """Upload `value` as the resource of `role` unless it holds the same JSON; the change made, or None."""
        body = resources.canonical_json(value)
        sha = resources.sha256_bytes(body)
        existing = resources.find(pkg, role)
        if existing is not None and existing.get("sha256") == sha:
            return None
        with tempfile.TemporaryDirectory(prefix="oppnadata-") as tmp:
            path = Path(tmp) / f"{dataset_id}-{role}.json"
            path.write_bytes(body)
            resources.upload(writes, pkg["id"], role, path, {"sha256": sha, **fields}, existing)
        return f"{role} uploaded"

    # ---- failures and withdrawal ---------------------------------------------

    def record_failure(self, dataset: Dataset, status: Status, message: str,
                       report: ValidationReport | None = None) -> DatasetOutcome:
        """Record a failed attempt without touching the published data.

        `message` is redacted first: an error text may quote a token or a
        source key (an HTTP library echoing a header, a server echoing a
        query), and it is stored in CKAN and in every report from here.
        """
        if status not in FAILURE_STATUSES:
            raise ValueError(f"not a failure status: {status}")
        message = self.redact(message)
        started = time.monotonic()
        writes = WriteCounter(self.client)
        note = message
        report_url = None
        try:
            pkg = self.package(dataset.id, fresh=True)
            if pkg is None:
                note = f"{message} (never published: nothing to keep online)"
            else:
                if report is not None:
                    body = report_body(report)
                    self.upload_json(pkg, "report", dataset.id, body, {"valid": "false"}, writes)
                    pkg = self.package(dataset.id, fresh=True)
                extras = mapping.extras_dict(pkg.get("extras", []))
                extras.update(
                    kalmar_last_checked=self.clock(),
                    kalmar_last_status=Status(status).value,
                    kalmar_last_error=message[:500],
                )
                patched = self._remember(dataset.id, writes.call(
                    "package_patch", {"id": pkg["id"], "extras": mapping.extras_list(extras)}
                ))
                report_res = resources.find(patched, "report")
                report_url = report_res.get("url") if report_res else None
                note = f"{message} (last good version kept)"
        except (ckanapi.CKANAPIError, OSError) as exc:
            note = f"{message}; recording the failure in CKAN also failed: {self.redact(describe_error(exc))}"
        except Exception as exc:  # requests errors: CKAN down
            note = f"{message}; recording the failure in CKAN also failed: {self.redact(describe_error(exc))}"
        return DatasetOutcome(
            dataset_id=dataset.id,
            organization=dataset.organization,
            status=status,
            seconds=round(time.monotonic() - started, 3),
            dataset_url=self.dataset_url(dataset.id),
            report_url=report_url,
            message=note,
            write_calls=writes.count,
        )

    def withdraw(self, dataset_id: str, organization: str, reason: str) -> DatasetOutcome:
        """Make a dataset private (default) or delete it; never purge."""
        writes = WriteCounter(self.client)
        pkg = self.package(dataset_id, fresh=True)
        message = "not published: nothing to withdraw"
        if pkg is not None and pkg.get("state") == "active":
            if self.settings.withdrawal == "delete":
                writes.call("package_delete", {"id": pkg["id"]})
                message = f"deleted ({reason}); can be restored by a sysadmin, never purged"
            elif not pkg.get("private"):
                extras = mapping.extras_dict(pkg.get("extras", []))
                extras.update(kalmar_last_checked=self.clock(), kalmar_last_status=Status.WITHDRAWN.value, kalmar_last_error="")
                writes.call("package_patch", {"id": pkg["id"], "private": True, "extras": mapping.extras_list(extras)})
                message = f"made private ({reason})"
            else:
                message = f"already private ({reason})"
        elif pkg is not None:
            message = "already deleted"
        self._forget(dataset_id)
        return DatasetOutcome(
            dataset_id=dataset_id, organization=organization, status=Status.WITHDRAWN,
            dataset_url=self.dataset_url(dataset_id), message=message, write_calls=writes.count,
        )

    def withdraw_removed(self) -> list[DatasetOutcome]:
        """Withdraw datasets this pipeline published that catalog.yaml no longer lists.

        Only datasets carrying our `kalmar_source_type` extra are ours: a dataset an
        editor made by hand in the portal is never touched.
        """
        listed = {d.id for d in self.catalog.datasets}
        harvested = {h.id for h in self.catalog.harvest}  # their records come and go with the harvest itself
        outcomes = []
        for org in self.catalog.organizations:
            for pkg in self.organization_packages(org.id):
                extras = mapping.extras_dict(pkg.get("extras", []))
                managed = "kalmar_source_type" in extras
                if extras.get("kalmar_harvest_source") in harvested:
                    continue
                if managed and pkg["name"] not in listed and pkg.get("state") == "active":
                    reason = ("its harvest source was removed from catalog.yaml" if extras.get("kalmar_harvest_source")
                              else "removed from catalog.yaml")
                    outcomes.append(self.withdraw(pkg["name"], org.id, reason))
        return outcomes

    def organization_packages(self, org_id: str) -> list[dict[str, Any]]:
        """Every dataset of the organization, private ones included (one package_search per 1000)."""
        found, start = [], 0
        while True:
            page = self.client.call(
                "package_search",
                {"fq": f"organization:{org_id}", "include_private": True, "rows": 1000, "start": start},
            )
            found += page["results"]
            start += len(page["results"])
            if not page["results"] or start >= page["count"]:
                return found


def stored_validators(pkg: Mapping[str, Any] | None) -> SourceValidators | None:
    """The data resource's source validators, when the DataStore holds what the file store holds."""
    res = resources.find(pkg, "data")
    if not res or not res.get("sha256") or res.get("datastore_sha256") != res.get("sha256"):
        return None
    etag, modified = res.get("source_etag") or None, res.get("source_last_modified") or None
    return SourceValidators(etag=etag, last_modified=modified) if (etag or modified) else None


def report_body(report: ValidationReport) -> dict[str, Any]:
    """The report as stored: without timings, so an identical result hashes identically."""
    body = json.loads(json.dumps(report.to_dict()))
    body.pop("seconds", None)
    return body
