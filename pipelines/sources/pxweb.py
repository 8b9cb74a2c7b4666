"""Source type `pxweb`: SCB's PxWeb API (v1 POST, v2 GET), answered in JSON-stat 2.0, as a tidy CSV.

Options: `url` (required: the v1 table URL, e.g.
https://api.scb.se/OV0104/v1/doris/sv/ssd/BE/BE0101/BE0101A/BefolkningNy, or the
v2 API base, e.g. https://api.scb.se/OV0104/v2beta/api/v2), `api_version` 1|2
(default 1), `table` (v2 table id, e.g. TAB638), `query` (v1: list of
{code, selection: {filter, values}}), `value_codes` (v2: mapping dimension ->
list of codes), `language` sv|en (default sv; v2 sends it as `lang`, v1 takes
the language from the URL, so a v1 URL whose language segment differs is an error).

Requests: v1 POSTs {"query": query, "response": {"format": "json-stat2"}} to
the table URL; v2 GETs `<url>/tables/<table>/data?lang=..&outputFormat=json-stat2
&valueCodes[<dim>]=a,b`. Calls to one host share a limiter of 10 calls per 10
seconds (SCB's published limit for v1; kept for v2 too). One call per dataset:
a query over SCB's cell limit (150 000 cells for v1) fails with SCB's 4xx and
must be narrowed in catalog.yaml.

Output `<id>.csv` columns (tidy, long): for every dimension of the answer, in
its order, `<dimension code lowercased>_kod` and `<dimension code lowercased>`
(the label), then `varde`. Example for BefolkningNy with Region, Kon,
ContentsCode, Tid: `region_kod, region, kon_kod, kon, contentscode_kod,
contentscode, tid_kod, tid, varde`. A missing value (SCB "..") is an empty `varde`.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import SourceError, SourceErrorKind
from ..model import Dataset, frozen_mapping
from ..normalize import normalize_rows
from .artifacts import describe
from .base import Collected, CollectContext
from .fetch import fetch
from .geojson import load_json
from .jsonstat import tidy_rows
from .options import check_options, where
from .ratelimit import limiter_for

OPTIONS = ("url", "api_version", "table", "query", "value_codes", "language")
RATE_CALLS, RATE_PERIOD = 10, 10.0


def v1_request(dataset: Dataset, opts: dict) -> tuple[str, str, dict | None, dict | None]:
    url = opts["url"]
    query = opts.get("query") or []
    if not isinstance(query, list) or not all(
        isinstance(q, dict) and isinstance(q.get("code"), str) and isinstance(q.get("selection"), dict)
        and isinstance(q["selection"].get("filter"), str) and isinstance(q["selection"].get("values"), list)
        for q in query
    ):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: pxweb v1 `query` must be a list of {{code, selection: {{filter, values}}}}")
    lang = opts.get("language")
    segments = urlsplit(url).path.split("/")
    if lang and lang not in segments and any(s in ("sv", "en") for s in segments):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: language {lang!r} does not match the language in the v1 URL {url}")
    body = {"query": [dict(q) for q in query], "response": {"format": "json-stat2"}}
    return "POST", url, None, body


def v2_request(dataset: Dataset, opts: dict) -> tuple[str, str, dict | None, dict | None]:
    table = opts.get("table")
    if not table or not str(table).replace("_", "").isalnum():
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: pxweb v2 needs `table`, the table id (e.g. TAB638)")
    codes = opts.get("value_codes") or {}
    if not isinstance(codes, dict) or not all(isinstance(v, list) and v for v in codes.values()):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: pxweb v2 `value_codes` must map each dimension to a list of codes")
    params: dict[str, Any] = {"lang": opts.get("language") or "sv", "outputFormat": "json-stat2"}
    for dim, values in codes.items():
        params[f"valueCodes[{dim}]"] = ",".join(str(v) for v in values)
    return "GET", f"{opts['url'].rstrip('/')}/tables/{table}/data", params, None


def collect(dataset: Dataset, workdir: Path, context: CollectContext) -> Collected:
    opts = check_options(dataset, allowed=OPTIONS, required=("url",))
    version = opts.get("api_version", 1)
    if version not in (1, 2, "1", "2"):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: api_version must be 1 or 2, not {version!r}")
    if opts.get("language") not in (None, "sv", "en"):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: language must be 'sv' or 'en'")
    method, url, params, body = (v1_request if int(version) == 1 else v2_request)(dataset, opts)
    host = urlsplit(url).hostname or ""
    raw_dir = Path(tempfile.mkdtemp(prefix=".raw-", dir=workdir))
    try:
        started = time.monotonic()
        got = fetch(url, raw_dir / "answer.json", context.http, method=method, params=params, json_body=body,
                    expect="JSON-stat data", limiter=limiter_for(host, RATE_CALLS, RATE_PERIOD))
        fetched = time.monotonic()
        doc = load_json(got.path, got.url)
        dest = workdir / f"{dataset.id}.csv"
        result = normalize_rows(tidy_rows(doc, got.url), dest, context.schema, source=got.url)
        return Collected(
            dataset.id, (describe(dest, "data", result.rows),), validators=got.validators,
            timings=frozen_mapping({"fetch": fetched - started, "normalize": time.monotonic() - fetched}),
        )
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
