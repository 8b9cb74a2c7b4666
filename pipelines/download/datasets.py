"""Fetch published datasets from the portal's public API, verified, for developers.

WHY no token: a download is what any member of the public can do, so it runs
against the anonymous CKAN API; a private or withdrawn dataset is reported as
not found, exactly as the public sees it. Each file is checked against the
SHA-256 the publisher recorded on the resource (docs/ckan-mapping.md), and
`download_all` writes a Frictionless data package so the files arrive with their
Table Schema and licence.

Formats: `csv` is the `data` resource, `geojson` the `geojson` resource, and
`json` the DataStore's JSON dump of the data resource (generated on request, so it
has no recorded hash: it is checked against the recorded row count instead).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import requests

from .transfer import ProgressHook, TransferError, fetch

FORMATS = ("csv", "geojson", "json")
_ROLE_BY_FORMAT = {"csv": "data", "geojson": "geojson", "json": "data"}


class DownloadError(Exception):
    """A download cannot be done; the message says what, where and what to do."""


@dataclass(frozen=True)
class Downloaded:
    dataset_id: str
    format: str
    path: Path
    bytes: int
    sha256: str
    verified: str  # how the file was verified, e.g. "sha256" or "rows=12"
    resumed_from: int = 0
    restarted: bool = False


@dataclass
class PackageResult:
    directory: Path
    datapackage: Path | None
    downloaded: list[Downloaded] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "<id>: <reason>"


class PublicPortal:
    """The anonymous CKAN action API (no token is ever sent)."""

    def __init__(self, base_url: str, session: requests.Session | None = None, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def action(self, name: str, **params: Any) -> Any:
        url = f"{self.base_url}/api/3/action/{name}"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            raise DownloadError(
                f"cannot reach the portal at {self.base_url} ({type(exc).__name__}). "
                "Start it (`make portal-up`) or set CKAN_URL to the portal's address."
            ) from None
        try:
            body = response.json()
        except ValueError:
            raise DownloadError(
                f"{url} answered HTTP {response.status_code} with something that is not the CKAN "
                "API; check that CKAN_URL points at a CKAN portal."
            ) from None
        if not body.get("success"):
            error = body.get("error") or {}
            if response.status_code == 404 or error.get("__type") == "Not Found Error":
                raise LookupError(error.get("message") or "not found")
            raise DownloadError(f"{name} failed on {self.base_url}: {error}")
        return body["result"]

    def dataset(self, dataset_id: str) -> dict:
        try:
            return self.action("package_show", id=dataset_id)
        except LookupError:
            raise DownloadError(
                f"no public dataset {dataset_id!r} on {self.base_url}. Check the id "
                f"(list them with: curl '{self.base_url}/api/3/action/package_list')."
            ) from None

    def dataset_names(self) -> list[str]:
        names: list[str] = []
        rows = 1000
        while True:
            page = self.action("package_search", rows=rows, start=len(names), sort="name asc")
            names.extend(p["name"] for p in page["results"])
            if not page["results"] or len(names) >= page["count"]:
                return names


def _role(package: dict, role: str) -> dict | None:
    for res in package.get("resources", []):
        if res.get("kalmar_role") == role:
            return res
    return None


def available_formats(package: dict) -> list[str]:
    """The formats `download` can fetch for this dataset."""
    out = []
    data = _role(package, "data")
    if data:
        out.append("csv")
    if _role(package, "geojson"):
        out.append("geojson")
    if data and data.get("datastore_active"):
        out.append("json")
    return out


def _safe_name(url: str, fallback: str) -> str:
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    return name if re.fullmatch(r"[A-Za-z0-9._-]+", name or "") else fallback


def download_dataset(
    portal: PublicPortal,
    dataset_id: str,
    to: Path,
    fmt: str = "csv",
    progress: Callable[[str], ProgressHook] | None = None,
    package: dict | None = None,
) -> Downloaded:
    """Download one dataset's file in `fmt` into `to` and verify it."""
    if fmt not in FORMATS:
        raise DownloadError(f"no such format {fmt!r}: choose one of {', '.join(FORMATS)}")
    package = package or portal.dataset(dataset_id)
    formats = available_formats(package)
    if fmt not in formats:
        have = ", ".join(formats) or "none"
        raise DownloadError(
            f"dataset {dataset_id!r} has no {fmt} download (available: {have}); "
            f"choose one of those with --format."
        )
    res = _role(package, _ROLE_BY_FORMAT[fmt])
    assert res is not None  # available_formats checked it
    if fmt == "json":
        url = f"{portal.base_url}/datastore/dump/{res['id']}?format=json"
        dest = to / f"{dataset_id}.json"
        expected = None
    else:
        url = res.get("url") or ""
        if not url:
            raise DownloadError(f"dataset {dataset_id!r}: its {fmt} resource has no URL")
        expected = res.get("sha256")
        if not expected:
            raise DownloadError(
                f"dataset {dataset_id!r}: the {fmt} resource {res['id']} records no sha256, "
                "so the file cannot be verified. Ask the publisher to republish it."
            )
        dest = to / _safe_name(url, f"{dataset_id}.{fmt}")
    hook = progress(f"{dataset_id}.{fmt}") if progress else None
    try:
        result = fetch(url, dest, expected, session=portal.session, progress=hook)
    except TransferError as exc:
        raise DownloadError(f"dataset {dataset_id!r}: {exc}") from None
    verified = "sha256"
    if fmt == "json":
        verified = _verify_json_rows(dest, res, dataset_id)
    return Downloaded(dataset_id, fmt, dest, result.bytes, result.sha256, verified,
                      result.resumed_from, result.restarted)


def _verify_json_rows(path: Path, res: dict, dataset_id: str) -> str:
    try:
        records = json.loads(path.read_text(encoding="utf-8")).get("records", [])
    except ValueError as exc:
        raise DownloadError(f"dataset {dataset_id!r}: the JSON dump {path} is not valid JSON ({exc})") from None
    expected = res.get("rows")
    if expected in (None, ""):
        return f"rows={len(records)} (no row count recorded to compare)"
    if int(expected) != len(records):
        raise DownloadError(
            f"dataset {dataset_id!r}: the JSON dump has {len(records)} records but the resource "
            f"records rows={expected}; the DataStore is out of step with the file. Report it."
        )
    return f"rows={len(records)}"


def _licenses(package: dict) -> list[dict]:
    extras = {e["key"]: e["value"] for e in package.get("extras", [])}
    path = extras.get("license_uri") or package.get("license_url")
    if not (package.get("license_id") or path):
        return []
    lic = {"name": package.get("license_id") or "unknown", "title": package.get("license_title") or ""}
    if path:
        lic["path"] = path
    return [lic]


def _schema(portal: PublicPortal, package: dict, to: Path) -> dict:
    res = _role(package, "schema")
    if res is None or not res.get("url"):
        raise DownloadError(f"dataset {package['name']!r} has no schema resource; cannot describe its columns")
    dest = to / f"{package['name']}.schema.json"
    try:
        fetch(res["url"], dest, res.get("sha256"), session=portal.session)
    except TransferError as exc:
        raise DownloadError(f"dataset {package['name']!r}: schema: {exc}") from None
    try:
        return json.loads(dest.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise DownloadError(f"dataset {package['name']!r}: schema {dest} is not JSON ({exc})") from None


def download_all(
    portal: PublicPortal,
    to: Path,
    progress: Callable[[str], ProgressHook] | None = None,
    catalog_title: str = "Öppna data Kalmar län",
) -> PackageResult:
    """Every public dataset's CSV (and GeoJSON) plus schema into a Frictionless data package.

    A dataset that fails (no CSV, checksum mismatch, …) is left out of the package
    and listed in `failures`; the others are still written, so one bad file never
    costs the rest.
    """
    to.mkdir(parents=True, exist_ok=True)
    result = PackageResult(directory=to, datapackage=None)
    resources: list[dict] = []
    for name in portal.dataset_names():
        try:
            package = portal.dataset(name)
            if "csv" not in available_formats(package):
                raise DownloadError("no csv data resource")
            folder = to / name
            csv = download_dataset(portal, name, folder, "csv", progress, package=package)
            schema = _schema(portal, package, folder)
            entries = [{
                "name": name,
                "title": package.get("title") or name,
                "path": csv.path.relative_to(to).as_posix(),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": csv.bytes,
                "hash": f"sha256:{csv.sha256}",
                "schema": schema,
                "licenses": _licenses(package),
            }]
            if "geojson" in available_formats(package):
                geo = download_dataset(portal, name, folder, "geojson", progress, package=package)
                entries.append({
                    "name": f"{name}-geojson",
                    "path": geo.path.relative_to(to).as_posix(),
                    "format": "geojson",
                    "mediatype": "application/geo+json",
                    "bytes": geo.bytes,
                    "hash": f"sha256:{geo.sha256}",
                    "licenses": _licenses(package),
                })
                result.downloaded.append(geo)
            result.downloaded.append(csv)
            resources.extend(entries)
        except DownloadError as exc:
            message = str(exc)
            prefix = f"dataset {name!r}: "
            result.failures.append(f"{name}: {message.removeprefix(prefix)}")
    descriptor = {
        "name": "oppnadata-kalmar-lan",
        "title": catalog_title,
        "homepage": portal.base_url,
        "resources": resources,
    }
    path = to / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    result.datapackage = path
    return result
