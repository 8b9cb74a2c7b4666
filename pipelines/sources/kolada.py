"""Source type `kolada`: key figures from the Kolada API v3 (RKA), by KPI, municipality and year.

Options: `kpis` (list of KPI ids, e.g. N00945; required), `municipalities`
(list of 4-digit codes, e.g. "0880"; required), `years` (list of ints;
required), `base_url` (default https://api.kolada.se/v3).

Requests: `<base_url>/municipality?per_page=5000` (names, following
`next_page`), then `<base_url>/data/kpi/<k1,k2>/municipality/<m1,m2>/year/<y1,y2>
?per_page=5000`, following `next_page` until it is empty (at most 1000 pages; a
page that links to an already-fetched page is an error, not a loop).

Output `<id>.csv` columns, one row per value: `kpi, kommunkod, kommun, period,
kon, varde, status` — `kon` is Kolada's gender: T (total), K (kvinnor), M (män);
`varde` is empty when Kolada has no value; `status` is Kolada's status text
(often empty). Values Kolada flags `isdeleted` are left out (they are retracted).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urljoin

from ..errors import SourceError, SourceErrorKind
from ..model import Dataset, frozen_mapping
from ..normalize import normalize_rows
from .artifacts import describe
from .base import Collected, CollectContext
from .fetch import fetch
from .geojson import load_json
from .options import check_options, where

OPTIONS = ("kpis", "municipalities", "years", "base_url")
DEFAULT_BASE = "https://api.kolada.se/v3"
PER_PAGE = 5000
MAX_PAGES = 1000
COLUMNS = ["kpi", "kommunkod", "kommun", "period", "kon", "varde", "status"]
_KPI = re.compile(r"[A-Z]\d{5}")
_MUNI = re.compile(r"\d{4}")


def _checked_list(dataset: Dataset, opts: dict, name: str, ok) -> list:
    value = opts.get(name)
    if not isinstance(value, list) or not value or not all(ok(v) for v in value):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: kolada option {name} must be a non-empty list of valid values, got {value!r}")
    return value


class _Pages:
    """Fetches a paged Kolada listing, one file per page, yielding each page's `values`."""

    def __init__(self, context: CollectContext, raw_dir: Path):
        self.context = context
        self.raw_dir = raw_dir
        self.requests = 0  # also numbers the page files

    def values(self, url: str, params: dict | None) -> Iterator[dict]:
        seen: set[str] = set()
        n = 0
        while url:
            n += 1
            if n > MAX_PAGES:
                raise SourceError(SourceErrorKind.WRONG_CONTENT, f"Kolada: more than {MAX_PAGES} pages from {url}")
            got = fetch(url, self.raw_dir / f"page-{self.requests}.json", self.context.http, params=params, expect="Kolada JSON")
            self.requests += 1
            if got.url in seen:
                raise SourceError(SourceErrorKind.WRONG_CONTENT, f"Kolada: next_page points back to {got.url}")
            seen.add(got.url)
            doc = load_json(got.path, got.url)
            got.path.unlink()
            if not isinstance(doc, dict) or not isinstance(doc.get("values"), list):
                raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{got.url}: not a Kolada v3 answer (no `values` list)")
            yield from doc["values"]
            next_page = doc.get("next_page") or ""
            if not isinstance(next_page, str):
                raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{got.url}: next_page is not a link: {next_page!r}")
            # resolved against the page itself, so a relative link works too (fetch re-checks the host)
            url, params = (urljoin(got.url, next_page) if next_page else ""), None


def _rows(entries: Iterator[dict], names: dict[str, str], source: str) -> Iterator[list[Any]]:
    yield COLUMNS
    for entry in entries:
        code = str(entry.get("municipality", ""))
        if code not in names:
            raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: municipality {code!r} is not in Kolada's municipality list")
        for v in entry.get("values") or []:
            if v.get("isdeleted"):
                continue
            gender = v.get("gender")
            if gender not in ("T", "K", "M"):
                raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: unexpected gender {gender!r} for {entry.get('kpi')} {code}")
            yield [entry.get("kpi"), code, names[code], entry.get("period"), gender, v.get("value"), v.get("status") or ""]


def collect(dataset: Dataset, workdir: Path, context: CollectContext) -> Collected:
    opts = check_options(dataset, allowed=OPTIONS, required=("kpis", "municipalities", "years"))
    kpis = _checked_list(dataset, opts, "kpis", lambda v: isinstance(v, str) and _KPI.fullmatch(v))
    munis = _checked_list(dataset, opts, "municipalities", lambda v: isinstance(v, str) and _MUNI.fullmatch(v))
    years = _checked_list(dataset, opts, "years", lambda v: isinstance(v, int) and not isinstance(v, bool) and 1900 < v < 2200)
    base = str(opts.get("base_url") or DEFAULT_BASE).rstrip("/")
    raw_dir = Path(tempfile.mkdtemp(prefix=".raw-", dir=workdir))
    try:
        started = time.monotonic()
        pages = _Pages(context, raw_dir)
        names = {str(m.get("id")): str(m.get("title")) for m in pages.values(f"{base}/municipality", {"per_page": PER_PAGE})}
        data_url = (f"{base}/data/kpi/{','.join(kpis)}/municipality/{','.join(munis)}"
                    f"/year/{','.join(str(y) for y in years)}")
        dest = workdir / f"{dataset.id}.csv"
        result = normalize_rows(_rows(pages.values(data_url, {"per_page": PER_PAGE}), names, data_url),
                                dest, context.schema, source=f"Kolada {data_url}")
        return Collected(
            dataset.id, (describe(dest, "data", result.rows),),
            timings=frozen_mapping({"fetch_and_normalize": time.monotonic() - started}),
        )
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
