"""One published dataset's file from the public portal, verified (`oppnadata download ID`).

Each file is checked against the SHA-256 the publisher recorded on the
resource (docs/ckan-mapping.md); the resource is found by its `kalmar_role`.

Formats: `csv` is the `data` resource, `geojson` the `geojson` resource, and
`json` the DataStore's JSON dump of the data resource (generated on request, so it
has no recorded hash: it is checked against the recorded row count instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from .portal import DownloadError, PublicPortal
from .safe_names import name_problem, safe_child
from .transfer import ProgressHook, TransferError, fetch

FORMATS = ("csv", "geojson", "json")
_ROLE_BY_FORMAT = {"csv": "data", "geojson": "geojson", "json": "data"}


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


def find_role(package: dict, role: str) -> dict | None:
    """The package's resource of `role` (the publisher's `kalmar_role`), or None."""
    for res in package.get("resources", []):
        if res.get("kalmar_role") == role:
            return res
    return None


def available_formats(package: dict) -> list[str]:
    """The formats `download` can fetch for this dataset."""
    out = []
    data = find_role(package, "data")
    if data:
        out.append("csv")
    if find_role(package, "geojson"):
        out.append("geojson")
    if data and data.get("datastore_active"):
        out.append("json")
    return out


def _file_name(url: str, fallback: str) -> str:
    """The URL's last path segment, decoded, when it is a safe file name; else `fallback` (the dataset id)."""
    tail = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return tail if name_problem(tail) is None else fallback


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
    res = find_role(package, _ROLE_BY_FORMAT[fmt])
    assert res is not None  # available_formats checked it
    if fmt == "json":
        url = f"{portal.base_url}/datastore/dump/{res['id']}?format=json"
        dest = safe_child(to, f"{dataset_id}.json", dataset_id, "the file name")
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
        dest = safe_child(to, _file_name(url, f"{dataset_id}.{fmt}"), dataset_id, "the file name")
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


