"""Finding and writing a dataset's resources by their role.

Resources are found again by `kalmar_role`, never by name or position, so a
rerun (or a run after a crash) updates the same resource instead of adding a
duplicate. A file is uploaded to CKAN's file store under a stable name.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Mapping

from .client import CountingCKAN

ROLE_ORDER = ("data", "geojson", "schema", "report")
ROLE_NAMES = {
    "data": ("Data (CSV)", "CSV", "text/csv"),
    "geojson": ("Geodata (GeoJSON)", "GeoJSON", "application/geo+json"),
    "schema": ("Tabellschema (Frictionless Table Schema, JSON)", "JSON", "application/json"),
    "report": ("Valideringsrapport (JSON)", "JSON", "application/json"),
}
ROLE_DESCRIPTIONS = {
    "data": "Validerad mot tabellschemat; finns också i DataStore (datastore_search).",
    "geojson": "Geometrier i WGS 84 (EPSG:4326).",
    "schema": "Beskriver varje kolumn: typ, titel, beskrivning och villkor.",
    "report": "Resultatet av den senaste valideringen, även när den misslyckades.",
}


def find(package: Mapping[str, Any] | None, role: str) -> dict[str, Any] | None:
    if not package:
        return None
    for res in package.get("resources", []):
        if res.get("kalmar_role") == role:
            return res
    return None


def sha256_bytes(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON, so identical content always hashes the same."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2).encode("utf-8")


def upload(
    client: CountingCKAN,
    package_id: str,
    role: str,
    path: Path,
    fields: Mapping[str, str],
    existing: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Create or replace the resource of `role` with the file at `path`."""
    name, fmt, mimetype = ROLE_NAMES[role]
    data = {
        "name": name,
        "description": ROLE_DESCRIPTIONS[role],
        "format": fmt,
        "mimetype": mimetype,
        "kalmar_role": role,
        **{k: str(v) for k, v in fields.items()},
    }
    with open(path, "rb") as fh:
        if existing:
            return client.call("resource_patch", {"id": existing["id"], **data}, files={"upload": fh})
        return client.call("resource_create", {"package_id": package_id, **data}, files={"upload": fh})


def patch_fields(client: CountingCKAN, resource_id: str, fields: Mapping[str, str]) -> dict[str, Any]:
    return client.call("resource_patch", {"id": resource_id, **{k: str(v) for k, v in fields.items()}})
