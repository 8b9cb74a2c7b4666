"""From a raw file in a known format (csv, xlsx, json, geojson) to the canonical output files.

Why: `file` and `http` sources differ only in how the raw bytes arrive; turning
them into the canonical CSV (and the GeoJSON for geojson sources) is the same
step, so it lives here once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..errors import SourceError, SourceErrorKind
from ..normalize import normalize_csv, normalize_records, normalize_rows, normalize_xlsx
from . import geojson
from .artifacts import describe
from .base import CollectedFile


def records_at(doc: Any, records_path: str | None, source: str) -> list:
    """The records array, at `records_path` (dot path; numbers index lists) or the document itself."""
    node = doc
    walked = []
    for part in (records_path.split(".") if records_path else []):
        walked.append(part)
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            keys = sorted(node)[:20] if isinstance(node, dict) else type(node).__name__
            raise SourceError(
                SourceErrorKind.WRONG_CONTENT,
                f"{source}: records_path {records_path!r} not found at {'.'.join(walked)!r}; available there: {keys}",
            )
    if not isinstance(node, list):
        hint = f" (keys: {sorted(node)[:20]})" if isinstance(node, dict) else ""
        raise SourceError(
            SourceErrorKind.WRONG_CONTENT,
            f"{source}: expected an array of records{f' at {records_path!r}' if records_path else ''}, "
            f"found a {type(node).__name__}{hint}; set `records_path` to the records array",
        )
    return node


def canonical_files(
    raw: Path,
    fmt: str,
    workdir: Path,
    dataset_id: str,
    schema: Mapping[str, Any],
    options: Mapping[str, Any],
    *,
    source: str,
    source_crs: str | None = None,
) -> tuple[CollectedFile, ...]:
    """Write `<id>.csv` (and `<id>.geojson`) into workdir from `raw`; return their descriptions."""
    dest = workdir / f"{dataset_id}.csv"
    if fmt == "csv":
        result = normalize_csv(
            raw, dest, schema, encoding=options.get("encoding"), delimiter=options.get("delimiter"), source=source
        )
        return (describe(dest, "data", result.rows),)
    if fmt == "xlsx":
        result = normalize_xlsx(
            raw, dest, dict(schema), sheet=options.get("sheet"), header_row=options.get("header_row") or 1, source=source
        )
        return (describe(dest, "data", result.rows),)
    if fmt == "json":
        records = records_at(geojson.load_json(raw, source), options.get("records_path"), source)
        result = normalize_records(records, dest, schema, source=source)
        return (describe(dest, "data", result.rows),)
    if fmt == "geojson":
        doc = geojson.check_collection(geojson.load_json(raw, source), source)
        declared = geojson.declared_crs(doc)
        wanted = geojson.crs_code(source_crs) if source_crs else None
        if declared and wanted and declared != wanted:
            raise SourceError(
                SourceErrorKind.CONFIG,
                f"{source}: the data says its CRS is {declared}, but source_crs in catalog.yaml says {wanted}; fix source_crs",
            )
        doc = geojson.to_wgs84(doc, declared or wanted or geojson.WGS84, source)
        geo_dest = workdir / f"{dataset_id}.geojson"
        result = normalize_rows(geojson.attribute_rows(doc, source), dest, schema, source=source)
        geojson.write_geojson(doc, geo_dest)
        return (describe(dest, "data", result.rows), describe(geo_dest, "geojson"))
    raise SourceError(SourceErrorKind.CONFIG, f"{source}: unsupported format {fmt!r}")
