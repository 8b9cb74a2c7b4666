"""Describe finished output files: size and SHA-256 (`pipelines.files.sha256_file`).

Why: later stages decide "changed?" by hash, so every collected file gets one,
computed the same way everywhere.
"""

from __future__ import annotations

from pathlib import Path

from ..files import sha256_file
from .base import CollectedFile

MEDIA_TYPES = {"data": "text/csv", "geojson": "application/geo+json"}


def describe(path: Path, role: str, rows: int | None = None) -> CollectedFile:
    return CollectedFile(
        path=path,
        sha256=sha256_file(path),
        media_type=MEDIA_TYPES[role],
        role=role,
        bytes=path.stat().st_size,
        rows=rows,
    )
