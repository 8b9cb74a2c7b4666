"""GeoJSON handling shared by `http` (format geojson) and `wfs`: check, reproject, tabulate.

Why: the portal publishes the GeoJSON as-is for maps and a CSV of the
attributes for the DataStore; both must come from the same features. RFC 7946
GeoJSON is WGS84 lon/lat only, so sources in SWEREF 99 TM (EPSG:3006, what
Swedish municipalities' GeoServers usually serve) are reprojected here.

The CSV has the feature properties as they are (first-seen order over all
features), then `lat` and `lon` (WGS84, 7 decimals) for Point features; both
are empty for other geometry types.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

from ..errors import SourceError, SourceErrorKind
from ..files import atomic_write
from ..normalize import parse_json

WGS84 = "EPSG:4326"
_EPSG = re.compile(r"EPSG:{1,2}(?:[\d.]*:)?(\d+)$", re.IGNORECASE)


def load_json(path: Path, source: str) -> Any:
    """Parse a JSON file (UTF-8, BOM tolerated); errors say line and column."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(SourceErrorKind.DECODE_ERROR, f"{source}: JSON is not UTF-8 (byte offset {exc.start})") from None
    return parse_json(text, source)


def crs_code(name: str) -> str:
    """'urn:ogc:def:crs:EPSG::3006' / 'EPSG:3006' / CRS84 → 'EPSG:3006' / 'EPSG:4326'."""
    if name.upper().endswith("CRS84"):
        return WGS84
    m = _EPSG.search(name.strip())
    if not m:
        raise SourceError(SourceErrorKind.CONFIG, f"unsupported CRS name {name!r}; use the form EPSG:3006")
    return f"EPSG:{m.group(1)}"


def declared_crs(doc: dict) -> str | None:
    """The legacy `crs` member GeoServer adds for non-WGS84 output, if any."""
    crs = doc.get("crs")
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        if isinstance(name, str):
            return crs_code(name)
    return None


def check_collection(doc: Any, source: str) -> dict:
    """The document if it is a FeatureCollection whose features, properties and coordinates have GeoJSON's shapes.

    Why check every feature up front: the reprojection and the tabulation below
    walk the structures blindly, so a server's malformed feature (a string as
    coordinates, a one-number position) would otherwise end the run with a
    RecursionError or IndexError instead of a report naming the feature.
    """
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: expected a GeoJSON FeatureCollection, found {found!r}")
    for i, feature in enumerate(doc["features"], start=1):
        problem = _feature_problem(feature)
        if problem:
            raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: feature {i} is not valid GeoJSON: {problem}")
    return doc


def _feature_problem(feature: Any) -> str | None:
    if not isinstance(feature, dict):
        return f"a {type(feature).__name__}, not an object"
    if not isinstance(feature.get("properties") or {}, dict):
        return "`properties` is not an object"
    geometry = feature.get("geometry")
    if geometry is not None and not isinstance(geometry, dict):
        return "`geometry` is not an object"
    for g in _geometries(geometry):
        if not isinstance(g, dict):
            return "a member of a GeometryCollection is not an object"
        if "coordinates" in g and not _coords_ok(g["coordinates"]):
            return f"{g.get('type')} coordinates are not positions of two or more numbers"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _coords_ok(coords: Any, depth: int = 0) -> bool:
    """A position ([x, y, ...] numbers) or lists of positions nested at most 3 deep (MultiPolygon)."""
    if not isinstance(coords, list):
        return False
    if coords and _is_number(coords[0]):
        return len(coords) >= 2 and all(_is_number(c) for c in coords)
    return depth < 3 and all(_coords_ok(c, depth + 1) for c in coords)


def _map_coords(coords: Any, fn) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return fn(coords)
    return [_map_coords(c, fn) for c in coords]


def _geometries(geom: dict | None) -> Iterator[dict]:
    if not geom:
        return
    if geom.get("type") == "GeometryCollection":
        for g in geom.get("geometries") or []:
            yield from _geometries(g) if isinstance(g, dict) else (g,)
    else:
        yield geom


def to_wgs84(doc: dict, source_crs: str, source: str) -> dict:
    """Reproject every coordinate to WGS84 lon/lat (7 decimals ≈ 1 cm) and drop the `crs` member."""
    doc = dict(doc)
    doc.pop("crs", None)
    doc.pop("bbox", None)
    if source_crs != WGS84:
        from pyproj import Transformer
        from pyproj.exceptions import CRSError

        try:
            tf = Transformer.from_crs(source_crs, WGS84, always_xy=True)
        except CRSError:
            raise SourceError(SourceErrorKind.CONFIG, f"{source}: unknown CRS {source_crs!r}") from None

        def project(pt: list) -> list:
            x, y = tf.transform(pt[0], pt[1])
            return [round(x, 7), round(y, 7), *pt[2:]]

        for feature in doc["features"]:
            for g in _geometries(feature.get("geometry")):
                if "coordinates" in g:
                    g["coordinates"] = _map_coords(g["coordinates"], project)
    for i, feature in enumerate(doc["features"], start=1):
        for g in _geometries(feature.get("geometry")):
            bad = _first_out_of_range(g.get("coordinates"))
            if bad is not None:
                raise SourceError(
                    SourceErrorKind.WRONG_CONTENT,
                    f"{source}: feature {i} has coordinates {bad[:2]} outside WGS84 longitude/latitude; "
                    f"the data is probably in a projected CRS — set `source_crs` (e.g. EPSG:3006) in catalog.yaml",
                )
    return doc


def _first_out_of_range(coords: Any) -> list | None:
    if not coords:
        return None
    if isinstance(coords[0], (int, float)):
        return None if (-180 <= coords[0] <= 180 and -90 <= coords[1] <= 90) else coords
    for c in coords:
        bad = _first_out_of_range(c)
        if bad is not None:
            return bad
    return None


def write_geojson(doc: dict, dest: Path) -> None:
    try:
        with atomic_write(dest, "w", encoding="utf-8", newline="\n") as fh:
            json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
            fh.write("\n")
    except OSError as exc:
        raise SourceError(SourceErrorKind.DISK, f"cannot write {dest.name}: {exc.strerror}") from None


def attribute_rows(doc: dict, source: str) -> Iterator[list[Any]]:
    """Header (properties + lat, lon), then one row per feature."""
    columns: dict[str, None] = {}
    for feature in doc["features"]:
        for k in (feature.get("properties") or {}):
            columns.setdefault(str(k), None)
    clash = [c for c in ("lat", "lon") if c in columns]
    if clash:
        raise SourceError(
            SourceErrorKind.WRONG_CONTENT, f"{source}: feature properties already have {clash}, which the CSV uses for point coordinates"
        )
    names = list(columns)
    yield [*names, "lat", "lon"]
    for feature in doc["features"]:
        props = feature.get("properties") or {}
        geom = feature.get("geometry") or {}
        lat = lon = None
        if geom.get("type") == "Point" and geom.get("coordinates"):
            lon, lat = geom["coordinates"][0], geom["coordinates"][1]
        yield [*(props.get(n) for n in names), lat, lon]
