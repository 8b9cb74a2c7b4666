"""Source type `wfs`: WFS 2.0 GetFeature as GeoJSON, kept (in WGS84) and tabulated as CSV.

Options: `url` (required, the service endpoint), `type_name` (required, e.g.
`kalmar:badplatser`), `source_crs` (the CRS the server delivers, e.g. EPSG:3006;
default EPSG:4326), `cql_filter` (GeoServer CQL_FILTER), `bbox` (list or
"minx,miny,maxx,maxy[,crs]"), `max_features` (WFS `count`).

Request: GET `<url>?service=WFS&version=2.0.0&request=GetFeature&typeNames=..
&outputFormat=application/json` (+ `srsName` when source_crs is set, `count`,
`CQL_FILTER`, `bbox`), with conditional GET. An OWS ExceptionReport (XML) is
`wrong_content` with the server's exception text. If the server reports more
matching features than it returned (`numberMatched` > `numberReturned`) without
`max_features` having asked for that, the collect fails rather than publish a
silently cut list.

Outputs:
- `<id>.geojson`: RFC 7946 GeoJSON, reprojected to WGS84 lon/lat when the data
  is in another CRS (the `crs` member, or `source_crs`), 7 decimals;
- `<id>.csv`: the feature properties as they are (first-seen order), then
  `lat`, `lon` (WGS84) for Point features, empty for other geometries.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import SourceError, SourceErrorKind
from ..model import Dataset, frozen_mapping
from .base import Collected, CollectContext
from .fetch import fetch
from .geojson import crs_code
from .options import check_options, positive_int, where
from .tabular import canonical_files

OPTIONS = ("url", "type_name", "source_crs", "cql_filter", "bbox", "max_features")
_EXCEPTION_TEXT = re.compile(rb"<(?:\w+:)?ExceptionText>(.*?)</(?:\w+:)?ExceptionText>", re.DOTALL)


def request_params(dataset: Dataset, opts: dict) -> dict[str, str]:
    params = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": str(opts["type_name"]),
        "outputFormat": "application/json",
    }
    if opts.get("source_crs"):
        params["srsName"] = crs_code(str(opts["source_crs"]))
    if opts.get("max_features") is not None:
        params["count"] = str(positive_int(dataset, "max_features", opts["max_features"]))
    if opts.get("cql_filter"):
        params["CQL_FILTER"] = str(opts["cql_filter"])
    bbox = opts.get("bbox")
    if bbox:
        if isinstance(bbox, (list, tuple)):
            if len(bbox) not in (4, 5):
                raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: bbox needs 4 numbers (and optionally a CRS)")
            bbox = ",".join(str(v) for v in bbox)
        params["bbox"] = str(bbox)
    return params


def _check_exception_report(path: Path, shown: str) -> None:
    """WFS servers answer errors with HTTP 200 and an XML ExceptionReport; say what the server said."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.lstrip().startswith(b"<"):
        m = _EXCEPTION_TEXT.search(head)
        text = " ".join(m.group(1).decode("utf-8", "replace").split())[:300] if m else "an XML document"
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{shown}: the WFS answered with an exception instead of GeoJSON: {text}")


def _check_complete(path: Path, opts: dict, shown: str) -> None:
    with path.open("rb") as fh:
        try:
            doc = json.load(fh)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return  # canonical_files reports broken JSON with its position
    if not isinstance(doc, dict):
        return
    matched, returned = doc.get("numberMatched"), doc.get("numberReturned")
    if isinstance(matched, int) and isinstance(returned, int) and matched > returned and opts.get("max_features") is None:
        raise SourceError(
            SourceErrorKind.WRONG_CONTENT,
            f"{shown}: the server returned {returned} of {matched} features (its own limit); "
            "narrow the request (cql_filter/bbox) or set max_features deliberately",
        )


def collect(dataset: Dataset, workdir: Path, context: CollectContext) -> Collected:
    opts = check_options(dataset, allowed=OPTIONS, required=("url", "type_name"))
    params = request_params(dataset, opts)
    raw_dir = Path(tempfile.mkdtemp(prefix=".raw-", dir=workdir))
    try:
        started = time.monotonic()
        got = fetch(opts["url"], raw_dir / "features.json", context.http, params=params,
                    previous=context.previous, expect="GeoJSON")
        fetched = time.monotonic()
        if got.not_modified:
            return Collected(dataset.id, (), validators=got.validators, not_modified=True,
                             timings=frozen_mapping({"fetch": fetched - started}))
        _check_exception_report(got.path, got.url)
        _check_complete(got.path, opts, got.url)
        files = canonical_files(got.path, "geojson", workdir, dataset.id, context.schema, opts, source=got.url,
                                source_crs=opts.get("source_crs"))
        return Collected(dataset.id, files, validators=got.validators,
                         timings=frozen_mapping({"fetch": fetched - started, "normalize": time.monotonic() - fetched}))
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
