"""Source type `union`: one county-wide table of every municipal dataset that follows a specification.

Option: `specification` (the `<name>-<version>` of schemas/specifications/).

Why read the portal and not the members' sources: a member that failed
tonight keeps its last good version online, and that version is exactly what
the union must keep for it; the portal is where it is. So the members are the
portal's public datasets whose dct:conformsTo holds the specification's URI
(catalog entries and harvested datasets alike), each read from its published
canonical CSV. A member whose last attempt failed is named in the notes; its
rows are still its last good ones.

Each row gets the member's municipality code and name first and its
provenance last (`kalla`: the member's public page on the portal, `kalla_version`:
the SHA-256 of the file the rows come from), so the union changes exactly
when a member's published content changes. Only municipalities (4-digit
codes) are members; anything else conforming is named and left out.

The portal is the operator's own service (CKAN_URL), not a URL a steward
wrote, so its loopback or private address is allowed here; every request
still goes through `fetch`, and a member's file is only read from the portal
itself.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..errors import SourceError, SourceErrorKind
from ..files import sha256_file
from ..model import Dataset, frozen_mapping
from ..normalize import normalize_rows
from .artifacts import describe
from .base import Collected, CollectContext, HttpSettings
from .fetch import fetch
from .options import check_options, where

OPTIONS = ("specification",)
FAILED_STATUSES = ("invalid", "source_error", "publish_error")
PAGE_ROWS = 1000

LEADING_FIELDS = (
    {"name": "kommunkod", "type": "string", "title": "Kommunkod",
     "description": "SCB:s kod för kommunen som publicerar raden, med inledande nolla.",
     "constraints": {"required": True, "pattern": "^\\d{4}$"}},
    {"name": "kommun", "type": "string", "title": "Kommun",
     "description": "Namnet på kommunen som publicerar raden.", "constraints": {"required": True}},
)
TRAILING_FIELDS = (
    {"name": "kalla", "type": "string", "format": "uri", "title": "Källa",
     "description": "Sidan i portalen för kommunens datamängd som raden kommer från.", "constraints": {"required": True}},
    {"name": "kalla_version", "type": "string", "title": "Källans version",
     "description": "SHA-256 för kommunens publicerade fil som raden kommer från.",
     "constraints": {"required": True, "pattern": "^[0-9a-f]{64}$"}},
)
PROVENANCE = tuple(f["name"] for f in LEADING_FIELDS + TRAILING_FIELDS)


def union_schema(specification: Mapping[str, Any]) -> dict[str, Any]:
    """The specification's Table Schema with the municipality and provenance columns added.

    Uniqueness holds per municipality (each publishes its own ids), so the
    key is (kommunkod, the specification's key).
    """
    spec = copy.deepcopy(dict(specification))
    fields = []
    for field in spec.get("fields", []):
        constraints = {k: v for k, v in (field.get("constraints") or {}).items() if k != "unique"}
        fields.append({**field, "constraints": constraints} if constraints else
                      {k: v for k, v in field.items() if k != "constraints"})
    clash = sorted({f["name"] for f in fields} & set(PROVENANCE))
    if clash:
        raise ValueError(f"the specification already has column(s) {clash} that a union adds")
    key = spec.get("primaryKey") or []
    schema = {**spec, "fields": [*copy.deepcopy(LEADING_FIELDS), *fields, *copy.deepcopy(TRAILING_FIELDS)]}
    schema["primaryKey"] = ["kommunkod", *([key] if isinstance(key, str) else key)]
    return schema


@dataclass(frozen=True)
class Member:
    name: str
    title: str
    page: str  # the dataset's page on the portal
    code: str
    municipality: str
    data_url: str
    sha256: str
    last_status: str
    last_error: str


class _Portal:
    """Read-only calls to the portal's action API, through `fetch`."""

    def __init__(self, url: str, http: HttpSettings, workdir: Path):
        self.url = url.rstrip("/")
        self.http = http
        self.workdir = workdir
        self.calls = 0

    def action(self, name: str, params: Mapping[str, Any]) -> Any:
        self.calls += 1
        got = fetch(f"{self.url}/api/3/action/{name}", self.workdir / f"{name}-{self.calls}.json", self.http,
                    params=params, expect="JSON")
        body = json.loads(got.path.read_text(encoding="utf-8"))
        if not body.get("success"):
            raise SourceError(SourceErrorKind.WRONG_CONTENT, f"the portal refused {name}: {body.get('error')}", url=got.url)
        return body["result"]

    def packages(self) -> Iterator[dict[str, Any]]:
        start = 0
        while True:
            page = self.action("package_search", {"q": "", "rows": PAGE_ROWS, "start": start})
            yield from page["results"]
            start += len(page["results"])
            if not page["results"] or start >= page["count"]:
                return


def _extras(entity: Mapping[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in entity.get("extras", []) if "key" in e}


def _conforms(extras: Mapping[str, str], uri: str) -> bool:
    try:
        listed = json.loads(extras.get("conforms_to") or "[]")
    except ValueError:
        return False
    return uri in (listed if isinstance(listed, list) else [listed])


def _on_portal(url: str, site: str, portal: str) -> str:
    """The file's address as this run reaches the portal (uploads are named under the public site URL)."""
    for base in (site, portal):
        if url.startswith(base + "/"):
            return portal + url[len(base):]
    return url  # refused by `collect`: a member's data is only read from the portal itself


def find_members(portal: _Portal, uri: str, own_id: str) -> tuple[list[Member], list[str]]:
    """(the municipal members, notes about what was found but left out)."""
    members, notes, orgs = [], [], {}
    # `kalla` is published: the portal's public address (ckan.site_url), not the one this run talks to
    site = str(portal.action("status_show", {}).get("site_url") or portal.url).rstrip("/")
    for pkg in portal.packages():
        extras = _extras(pkg)
        if pkg.get("name") == own_id or not _conforms(extras, uri):
            continue
        data = next((r for r in pkg.get("resources", []) if r.get("kalmar_role") == "data"), None)
        if data is None or not data.get("url") or not data.get("sha256"):
            notes.append(f"{pkg['name']} follows the specification but has no published data yet: left out")
            continue
        org_id = (pkg.get("organization") or {}).get("name")
        if org_id and org_id not in orgs:
            orgs[org_id] = portal.action("organization_show", {"id": org_id, "include_datasets": False})
        org = orgs.get(org_id) or {}
        code = _extras(org).get("code", "")
        if len(code) != 4:
            notes.append(f"{pkg['name']} is published by {org_id or 'no organization'}, not a municipality: left out")
            continue
        members.append(Member(
            name=pkg["name"], title=pkg.get("title") or pkg["name"], page=f"{site}/dataset/{pkg['name']}",
            code=code, municipality=org.get("title") or org_id, data_url=_on_portal(data["url"], site, portal.url),
            sha256=data["sha256"],
            last_status=extras.get("kalmar_last_status", ""), last_error=extras.get("kalmar_last_error", ""),
        ))
    members.sort(key=lambda m: (m.code, m.name))
    return members, notes


def _member_rows(member: Member, path: Path, spec_fields: list[str]) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [f for f in spec_fields if f not in (reader.fieldnames or [])]
        if missing:
            raise SourceError(SourceErrorKind.WRONG_CONTENT,
                              f"{member.page}: the published file lacks the specification's column(s) {missing}")
        for row in reader:
            yield [member.code, member.municipality, *(row.get(f) or "" for f in spec_fields), member.page, member.sha256]


def collect(dataset: Dataset, workdir: Path, context: CollectContext) -> Collected:
    check_options(dataset, allowed=OPTIONS, required=("specification",))
    spec = context.schema.get("specification") or {}
    if not spec.get("uri"):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: the union's schema does not name its specification's URI")
    if not context.portal_url:
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: a union reads its members from the portal; no portal URL is set")
    started = time.monotonic()
    portal_http = replace(context.http, allow_private_hosts=True)
    raw_dir = Path(tempfile.mkdtemp(prefix=".raw-", dir=workdir))
    try:
        portal = _Portal(context.portal_url, portal_http, raw_dir)
        members, notes = find_members(portal, spec["uri"], dataset.id)
        if not members:
            raise SourceError(SourceErrorKind.NOT_FOUND,
                              f"{where(dataset)}: no municipality publishes a dataset that follows {spec['uri']} yet")
        spec_fields = [f["name"] for f in context.schema["fields"] if f["name"] not in PROVENANCE]
        header = [f["name"] for f in context.schema["fields"]]
        files = []
        for member in members:
            if not member.data_url.startswith(portal.url + "/"):
                raise SourceError(SourceErrorKind.WRONG_CONTENT,
                                  f"{member.page}: its data resource is not a file on the portal ({member.data_url})")
            got = fetch(member.data_url, raw_dir / f"{member.name}.csv", portal_http, expect="CSV")
            if sha256_file(got.path) != member.sha256:
                raise SourceError(SourceErrorKind.WRONG_CONTENT,
                                  f"{member.page}: the file the portal serves is not the one it recorded (SHA-256 differs)")
            files.append((member, got.path))
            if member.last_status in FAILED_STATUSES:
                notes.append(f"member {member.name} failed its last attempt ({member.last_status}: "
                             f"{member.last_error[:160]}); its last good rows are kept")

        def rows() -> Iterator[list[str]]:
            yield header
            for member, path in files:
                yield from _member_rows(member, path, spec_fields)

        fetched = time.monotonic()
        dest = workdir / f"{dataset.id}.csv"
        result = normalize_rows(rows(), dest, context.schema, source=f"union of {spec['uri']}")
        summary = f"{len(members)} members: " + ", ".join(f"{m.name} ({m.code})" for m in members)
        return Collected(dataset.id, (describe(dest, "data", result.rows),),
                         timings=frozen_mapping({"fetch": fetched - started, "normalize": time.monotonic() - fetched}),
                         notes=(summary, *notes))
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
