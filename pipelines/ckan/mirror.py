"""Mirror a harvested catalog's records into CKAN: create, update, leave alone or withdraw, one record at a time.

Why its own publisher: a harvest source is one catalog entry that becomes
many datasets, found again by the record's IRI (the `uri` extra) among the
datasets the source made (`kalmar_harvest_source`), never by name, so a
retitled record updates its dataset instead of adding one.

The same promises as `Publisher`: CKAN is the state of record; the hash of
the mapped package (links included) decides "changed?", so an unchanged
record makes no write call; a record that cannot be mirrored leaves its last
good version online and records why; a record gone from the source's catalog
is withdrawn (private by default, `OPPNADATA_WITHDRAWAL`), never left stale,
and comes back when the source lists it again. The CSV a record links to
(`collect: [csv]`) goes through `Publisher.sync_resources`, the same code that
loads every other dataset's data into the DataStore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

import ckanapi

from ..model import Catalog, HarvestSource
from ..outcome import FAILURE_STATUSES, RecordOutcome, RecordStatus, Status
from . import mapping, previews
from .client import CountingCKAN, describe_error
from .harvest_mapping import LINK_ROLE, MappingError, harvested_name, record_package
from .publisher import Changes, Publisher, WriteCounter, report_body, stored_validators, utc_now

if TYPE_CHECKING:
    from ..sources import BrokenRecord, Collected, HarvestRecord, SourceValidators
    from ..validation import ValidationReport


class Mirror:
    def __init__(self, client: CountingCKAN, catalog: Catalog, publisher: Publisher, harvest: HarvestSource, *,
                 clock: Callable[[], str] = utc_now):
        self.client = client
        self.catalog = catalog
        self.publisher = publisher
        self.harvest = harvest
        self.organization = catalog.organization(harvest.organization)
        self.clock = clock

    # ---- reads -------------------------------------------------------------

    def existing(self) -> dict[str, dict[str, Any]]:
        """The datasets this source made, by record IRI (private and withdrawn ones included)."""
        found = {}
        for pkg in self.publisher.organization_packages(self.organization.id):
            extras = mapping.extras_dict(pkg.get("extras", []))
            if extras.get("kalmar_harvest_source") == self.harvest.id and extras.get("uri"):
                found[extras["uri"]] = pkg
        return found

    @staticmethod
    def previous_validators(pkg: Mapping[str, Any] | None) -> SourceValidators | None:
        """The linked CSV's validators for a conditional GET, when what the DataStore holds is complete."""
        return stored_validators(pkg)

    # ---- one record --------------------------------------------------------

    def mirror(self, record: HarvestRecord, current: dict[str, Any] | None) -> tuple[RecordOutcome, dict[str, Any] | None]:
        """Bring the record's metadata and links to CKAN; (its outcome, the package as CKAN now has it)."""
        name = current["name"] if current else harvested_name(self.harvest, record)
        if current is None:
            # A dataset search does not list: deleted by the `delete` withdrawal policy, say. Take it back.
            try:
                found = self.client.call("package_show", {"id": name})
            except ckanapi.NotFound:
                found = None
            if found is not None and mapping.extras_dict(found.get("extras", [])).get("uri") != record.uri:
                return RecordOutcome(record.uri, RecordStatus.FAILED, None,
                                     f"the name {name} is taken by another dataset: not mirrored"), None
            current = found
        try:
            desired = record_package(record, self.harvest, self.organization, name)
        except MappingError as exc:
            return self.fail(record.uri, current, str(exc)), current
        digest = mapping.metadata_hash(desired)
        state = mapping.extras_dict(current.get("extras", [])) if current else {}
        back = bool(current) and (current.get("private") is not False or current.get("state") != "active")
        if current and state.get("kalmar_metadata_sha256") == digest and not back:
            return RecordOutcome(record.uri, RecordStatus.UNCHANGED, name), current
        writes = WriteCounter(self.client)
        package = self._package(desired, digest, current)
        try:
            if current is None:
                saved = writes.call("package_create", package)
                status, message = RecordStatus.NEW, "mirrored"
            else:
                saved = writes.call("package_update", {**package, "id": current["id"]})
                status = RecordStatus.CHANGED
                message = "listed again by the source: public again" if back else (
                    "recovered from the last failure" if not state.get("kalmar_metadata_sha256") else "metadata or links changed")
        except ckanapi.CKANAPIError as exc:
            return RecordOutcome(record.uri, RecordStatus.FAILED, name, f"CKAN refused the dataset: {describe_error(exc)}",
                                 writes.count), current
        return RecordOutcome(record.uri, status, saved["name"], message, writes.count), saved

    def _package(self, desired: Mapping[str, Any], digest: str, current: Mapping[str, Any] | None) -> dict[str, Any]:
        """The full package to write: desired metadata and links, the state extras, and the data resources kept."""
        extras = {
            **mapping.extras_dict(desired["extras"]),
            "kalmar_metadata_sha256": digest,
            "kalmar_last_checked": self.clock(),
            "kalmar_last_status": Status.PUBLISHED.value,
            "kalmar_last_error": "",
        }
        old = mapping.extras_dict(current.get("extras", [])) if current else {}
        if old.get("kalmar_mqa_score"):
            extras["kalmar_mqa_score"] = old["kalmar_mqa_score"]
        links, kept = [], []
        old_links = [r for r in (current or {}).get("resources", []) if r.get("kalmar_role") == LINK_ROLE]
        for res in desired["resources"]:
            same = next((o for o in old_links if (res["uri"] and o.get("uri") == res["uri"]) or
                         (not res["uri"] and o.get("url") == res["url"])), None)
            links.append({**res, "id": same["id"]} if same else dict(res))
        for res in (current or {}).get("resources", []):
            if res.get("kalmar_role") != LINK_ROLE:
                kept.append(res)  # data, schema and report resources: sync_resources manages them
        return {**desired, "state": "active", "extras": mapping.extras_list(extras), "resources": links + kept}

    def fail(self, uri: str, current: Mapping[str, Any] | None, reason: str) -> RecordOutcome:
        """A record that cannot be mirrored: its last good version (if any) stays online and says why."""
        if current is None:
            return RecordOutcome(uri, RecordStatus.FAILED, None, reason)
        writes = WriteCounter(self.client)
        extras = mapping.extras_dict(current.get("extras", []))
        note = reason
        if extras.get("kalmar_last_status") != Status.SOURCE_ERROR.value or extras.get("kalmar_last_error") != reason[:500]:
            # No metadata hash while the record cannot be mirrored: once it can again, it is written again.
            extras.update(kalmar_last_checked=self.clock(), kalmar_last_status=Status.SOURCE_ERROR.value,
                          kalmar_last_error=reason[:500], kalmar_metadata_sha256="")
            try:
                writes.call("package_patch", {"id": current["id"], "extras": mapping.extras_list(extras)})
            except ckanapi.CKANAPIError as exc:
                note = f"{reason}; recording it in CKAN also failed: {describe_error(exc)}"
        return RecordOutcome(uri, RecordStatus.FAILED, current["name"], f"{note} (last good version kept)", writes.count)

    def broken(self, record: BrokenRecord, current: Mapping[str, Any] | None) -> RecordOutcome:
        return self.fail(record.uri, current, record.reason)

    # ---- the linked CSV ----------------------------------------------------

    def publish_data(self, pkg: Mapping[str, Any], collected: Collected, report: ValidationReport | None,
                     schema: Mapping[str, Any] | None) -> tuple[Changes, int]:
        """Load the record's CSV like any dataset's data; (what changed, write calls)."""
        writes = WriteCounter(self.client)
        changes = self.publisher.sync_resources(pkg, pkg["name"], collected, report, schema, writes)
        fresh = self.client.call("package_show", {"id": pkg["id"]}) if writes.count else pkg
        state = mapping.extras_dict(fresh.get("extras", []))
        if changes.published or state.get("kalmar_last_status") in FAILURE_STATUSES:
            state.update(kalmar_last_checked=self.clock(), kalmar_last_status=Status.PUBLISHED.value, kalmar_last_error="")
            fresh = writes.call("package_patch", {"id": pkg["id"], "extras": mapping.extras_list(state)})
            if not changes.published:
                changes.append("recovered from the last failure")
        for created in previews.ensure(self.client, writes, fresh):
            changes.append(created)
        return changes, writes.count

    def data_failure(self, pkg: Mapping[str, Any], status: Status, message: str,
                     report: ValidationReport | None = None) -> int:
        """Record that the linked CSV failed (the report uploaded when there is one); returns write calls."""
        writes = WriteCounter(self.client)
        if report is not None:
            self.publisher.upload_json(pkg, "report", pkg["name"], report_body(report), {"valid": "false"}, writes)
        extras = mapping.extras_dict(pkg.get("extras", []))
        if extras.get("kalmar_last_status") != status.value or extras.get("kalmar_last_error") != message[:500]:
            extras.update(kalmar_last_checked=self.clock(), kalmar_last_status=status.value, kalmar_last_error=message[:500])
            writes.call("package_patch", {"id": pkg["id"], "extras": mapping.extras_list(extras)})
        return writes.count

    # ---- gone from the source ------------------------------------------------

    def withdraw_missing(self, present: set[str], existing: Mapping[str, Mapping[str, Any]]) -> list[RecordOutcome]:
        """Withdraw every dataset whose record the source no longer lists (already private ones are left alone)."""
        outcomes = []
        for uri, pkg in sorted(existing.items()):
            if uri in present or pkg.get("private") or pkg.get("state") != "active":
                continue
            done = self.publisher.withdraw(pkg["name"], self.organization.id,
                                           f"no longer in the catalog of harvest source {self.harvest.id}")
            outcomes.append(RecordOutcome(uri, RecordStatus.WITHDRAWN, pkg["name"], done.message, done.write_calls))
        return outcomes

