"""Source type `http`: one file downloaded from a URL (CSV, XLSX, JSON records or GeoJSON).

Options: `url` (required), `format` csv|xlsx|json|geojson (required), `sheet`,
`header_row` (1-based), `records_path` (dot path to the records array in a JSON
document), `encoding`, `delimiter`, `api_key_env` (NAME of an environment
variable, always OPPNADATA_SOURCE_KEY_<something>) with `api_key_header`
(header name) or `api_key_param` (query parameter name); a keyed source must
be an https:// URL.

All network behaviour (timeouts, retries, conditional GET, size limit, host
checks, redaction of the key) is `pipelines.sources.fetch`. A 304 answer gives
`Collected(not_modified=True, files=())`.

Output: `<id>.csv` with the source's own column names (JSON: the record keys in
first-seen order; nested values as JSON text; GeoJSON: the properties, then
`lat`, `lon` for points) and `<id>.geojson` for GeoJSON sources.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Mapping

from ..config import SOURCE_KEY_NAME, SOURCE_KEY_PREFIX
from ..errors import SourceError, SourceErrorKind
from ..model import Dataset, frozen_mapping
from .base import Collected, CollectContext
from .fetch import fetch
from .options import check_format, check_options, where
from .tabular import canonical_files

OPTIONS = (
    "url", "format", "sheet", "header_row", "records_path", "encoding", "delimiter",
    "api_key_env", "api_key_header", "api_key_param",
)


def api_key(dataset: Dataset, opts: Mapping[str, Any], env: Mapping[str, str]) -> tuple[dict, dict, tuple[str, ...]]:
    """(headers, params, secrets) carrying the entry's API key, read from the source keys in `env`.

    Checked here as well as by `check`, so an entry that never went through
    the catalog's checks still cannot name another variable or send its key
    over plain http.
    """
    name = opts.get("api_key_env")
    header, param = opts.get("api_key_header"), opts.get("api_key_param")
    if not name:
        if header or param:
            raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: api_key_header/api_key_param need api_key_env (the variable's name)")
        return {}, {}, ()
    if bool(header) == bool(param):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: with api_key_env set exactly one of api_key_header or api_key_param")
    if not isinstance(name, str) or not SOURCE_KEY_NAME.fullmatch(name):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: api_key_env must name a variable {SOURCE_KEY_PREFIX}<NAME>; "
                                                  "no other environment variable is reachable from catalog.yaml")
    if not str(opts.get("url", "")).lower().startswith("https://"):
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: a source with api_key_env must use an https:// URL; "
                                                  "an API key is never sent over plain http")
    value = env.get(name, "")
    if not value:
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: environment variable {name} (api_key_env) is not set")
    return ({header: value}, {}, (value,)) if header else ({}, {param: value}, (value,))


def collect(dataset: Dataset, workdir: Path, context: CollectContext) -> Collected:
    opts = check_options(dataset, allowed=OPTIONS, required=("url", "format"))
    fmt = check_format(dataset, opts["format"])
    headers, params, secrets = api_key(dataset, opts, context.env)
    raw_dir = Path(tempfile.mkdtemp(prefix=".raw-", dir=workdir))
    try:
        started = time.monotonic()
        got = fetch(
            opts["url"], raw_dir / f"source.{fmt}", context.http,
            params=params, headers=headers, previous=context.previous, secrets=secrets, expect=f"{fmt.upper()} data",
        )
        fetched = time.monotonic()
        if got.not_modified:
            return Collected(
                dataset.id, (), validators=got.validators, not_modified=True,
                timings=frozen_mapping({"fetch": fetched - started}),
            )
        files = canonical_files(got.path, fmt, workdir, dataset.id, context.schema, opts, source=got.url)
        return Collected(
            dataset.id, files, validators=got.validators,
            timings=frozen_mapping({"fetch": fetched - started, "normalize": time.monotonic() - fetched}),
        )
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
