"""Every public dataset of the portal as one Frictionless data package (`oppnadata download --all`).

Each dataset's CSV (and GeoJSON) comes with its Table Schema and licence, and
the descriptor is written by frictionless' own `Package`, which checks it, so
`frictionless validate datapackage.json` accepts what we write. A dataset that
fails (no CSV, checksum mismatch, a schema frictionless refuses) is left out
and listed, and the others are still written: one bad file never costs the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from frictionless import FrictionlessException, Package, Resource

from .datasets import Downloaded, available_formats, download_dataset, find_role
from .portal import DownloadError, PublicPortal
from .safe_names import safe_child
from .transfer import ProgressHook, TransferError, fetch


@dataclass
class PackageResult:
    directory: Path
    datapackage: Path | None
    downloaded: list[Downloaded] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "<id>: <reason>"


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
    res = find_role(package, "schema")
    if res is None or not res.get("url"):
        raise DownloadError(f"dataset {package['name']!r} has no schema resource; cannot describe its columns")
    dest = safe_child(to, f"{package['name']}.schema.json", package["name"], "the schema file name")
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
    """Every public dataset's CSV (and GeoJSON) plus schema into a Frictionless data package."""
    to.mkdir(parents=True, exist_ok=True)
    result = PackageResult(directory=to, datapackage=None)
    resources: list[Resource] = []
    for name in portal.dataset_names():
        try:
            safe_child(to, name, name, "the dataset name")  # before asking the portal anything more about it
            package = portal.dataset(name)
            if "csv" not in available_formats(package):
                raise DownloadError("no csv data resource")
            folder = safe_child(to, name, name, "the dataset name")
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
            downloaded = [csv]
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
                downloaded.insert(0, geo)
            described = [_resource(entry, to, name) for entry in entries]
            result.downloaded.extend(downloaded)
            resources.extend(described)
        except DownloadError as exc:
            message = str(exc)
            prefix = f"dataset {name!r}: "
            result.failures.append(f"{name}: {message.removeprefix(prefix)}")
    path = to / "datapackage.json"
    Package(name="oppnadata-kalmar-lan", title=catalog_title, homepage=portal.base_url, resources=resources,
            basepath=str(to)).to_json(str(path))
    result.datapackage = path
    return result


def _resource(entry: dict, to: Path, dataset_id: str) -> Resource:
    try:
        return Resource.from_descriptor(entry, basepath=str(to))
    except FrictionlessException as exc:
        raise DownloadError(f"dataset {dataset_id!r}: frictionless refuses its description ({exc.error.message})") from None
