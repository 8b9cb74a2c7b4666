"""Describe finished output files: size and SHA-256, computed in one streaming pass.

Why: later stages decide "changed?" by hash, so every collected file gets one,
computed the same way everywhere.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .base import CollectedFile

MEDIA_TYPES = {"data": "text/csv", "geojson": "application/geo+json"}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def describe(path: Path, role: str, rows: int | None = None) -> CollectedFile:
    return CollectedFile(
        path=path,
        sha256=sha256_of(path),
        media_type=MEDIA_TYPES[role],
        role=role,
        bytes=path.stat().st_size,
        rows=rows,
    )
