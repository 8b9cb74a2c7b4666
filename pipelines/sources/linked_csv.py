"""A CSV file another catalog links to (a harvested distribution), collected like any `http` source.

Why a schema may be missing: a harvested dataset that names a national
specification is validated against it; one that names none comes with no
types at all. Then every column is taken as text (`text_schema`), under the
source's own names: validation still checks the file's structure (header,
row widths, encoding), and no value is given a type the source never stated.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Mapping

from ..errors import SourceError, SourceErrorKind
from ..model import frozen_mapping
from ..normalize import EncodingError, detect_delimiter, detect_encoding
from .base import Collected, HttpSettings, SourceValidators
from .fetch import fetch
from .tabular import canonical_files


def text_schema(header: list[str]) -> dict[str, Any]:
    """Every column as text, named and documented as the source named it."""
    return {"fields": [
        {"name": name, "type": "string", "title": name,
         "description": f"Kolumnen {name} i källans CSV-fil. Källan anger ingen typ, så värdena publiceras som text."}
        for name in header
    ]}


def csv_header(path: Path, source: str) -> list[str]:
    try:
        detected = detect_encoding(path)
    except EncodingError as exc:
        raise SourceError(SourceErrorKind.DECODE_ERROR, f"{source}: {exc}") from None
    with path.open(encoding=detected.encoding, newline="") as fh:
        if detected.bom:
            fh.read(1)
        sample = fh.read(64 * 1024)
    header = next(csv.reader(sample.splitlines(), delimiter=detect_delimiter(sample)), [])
    if not header:
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: the CSV file is empty")
    return header


def collect_linked_csv(dataset_id: str, url: str, workdir: Path, http: HttpSettings, *,
                       schema: Mapping[str, Any] | None = None,
                       previous: SourceValidators | None = None) -> tuple[Collected, dict[str, Any] | None]:
    """(the canonical CSV, the schema it is validated against); not modified → no files and schema as given."""
    workdir.mkdir(parents=True, exist_ok=True)
    raw_dir = Path(tempfile.mkdtemp(prefix=".raw-", dir=workdir))
    try:
        started = time.monotonic()
        got = fetch(url, raw_dir / "source.csv", http, previous=previous, expect="CSV data")
        fetched = time.monotonic()
        if got.not_modified:
            return Collected(dataset_id, (), validators=got.validators, not_modified=True,
                             timings=frozen_mapping({"fetch": fetched - started})), dict(schema) if schema else None
        used = dict(schema) if schema is not None else text_schema(csv_header(got.path, got.url))
        files = canonical_files(got.path, "csv", workdir, dataset_id, used, {}, source=got.url)
        return Collected(dataset_id, files, validators=got.validators,
                         timings=frozen_mapping({"fetch": fetched - started, "normalize": time.monotonic() - fetched})), used
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
