"""CSV files of any supported encoding and separator → the canonical CSV.

The encoding is decided by proof over the whole file (`encoding`), the
separator by how consistently it splits the first lines (`detect_delimiter`);
a declared `encoding` or `delimiter` is checked, never ignored. Quoting and
line ends are checked strictly (`strict_csv`) before any cell is read.

Two engines, one name each (`NormalizeEngine`): large well-formed files go
through `polars` (native, parallel, streaming: `polars_csv`); everything else,
and any file that engine declines, through `csv`, the row-by-row engine here,
which is the reference (tests compare their output byte for byte) and names
the line of every structural error.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any, Mapping

from ..errors import SourceError, SourceErrorKind
from .encoding import EncodingError, detect_encoding, label
from .strict_csv import StrictCsv
from .values import KINDS, SIMPLE, field_converters
from .writer import CanonicalWriter, NeedsExactLines, NormalizeEngine, NormalizeResult

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

DELIMITERS = (";", ",", "\t")
_SAMPLE_CHARS = 64 * 1024
FAST_ENGINE_MIN_BYTES = 8 * 1024 * 1024  # below this, starting polars costs more than it saves
FAST_ENGINE_ENCODINGS = ("utf-8", "cp1252")  # ASCII-compatible: its byte-level line-end checks hold


def _open_text(src: Path, encoding: str, offset: int) -> io.TextIOWrapper:
    raw = open(src, "rb", buffering=1 << 20)
    raw.seek(offset)
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")


def detect_delimiter(sample: str) -> str:
    """The candidate (';', ',', tab) that splits the first lines most consistently.

    Score: share of sample rows with the header's field count, then the header's
    field count. A file with one column gets ','.
    """
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut > 0:
        sample = sample[:cut]
    best, best_score = ",", (0.0, 1)
    for d in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d) if r][:50]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = d, score
    return best


def normalize_csv(
    src: Path,
    dest: Path,
    schema: Mapping[str, Any],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    source: str | None = None,
    engine: NormalizeEngine | str = NormalizeEngine.AUTO,
    allow_empty: bool = False,
) -> NormalizeResult:
    """Normalize a CSV file of any supported encoding and separator to the canonical form.

    `engine`: `auto` (polars for files ≥ FAST_ENGINE_MIN_BYTES), `polars` (try it
    whatever the size; the csv engine takes what it declines) or `csv` (the
    reference engine only). `allow_empty`: a header without data rows is written
    (for drafting a schema), not refused.
    """
    name = source or src.name
    try:
        detected = detect_encoding(src, encoding)
    except EncodingError as exc:
        raise SourceError(SourceErrorKind.DECODE_ERROR, f"{name}: {exc}".replace(f"{src.name}: ", "", 1)) from None
    if delimiter is None:
        with _open_text(src, detected.encoding, detected.offset) as fh:
            delimiter = detect_delimiter(fh.read(_SAMPLE_CHARS))
    elif delimiter not in DELIMITERS:
        raise SourceError(SourceErrorKind.CONFIG, f"{name}: delimiter {delimiter!r} is not one of ';', ',' or tab")
    try:
        engine = NormalizeEngine(engine)
    except ValueError:
        raise ValueError(f"engine must be one of {', '.join(NormalizeEngine)}, not {engine!r}") from None
    if detected.encoding in FAST_ENGINE_ENCODINGS and (engine == NormalizeEngine.POLARS or (
        engine == NormalizeEngine.AUTO and src.stat().st_size >= FAST_ENGINE_MIN_BYTES
    )):
        from .polars_csv import normalize_csv_fast

        rows = normalize_csv_fast(src, dest, field_converters(schema), KINDS, SIMPLE, detected=detected, delimiter=delimiter)
        if rows is not None:
            return NormalizeResult(
                dest, rows, encoding=label(detected.encoding), delimiter=delimiter, engine=NormalizeEngine.POLARS
            )

    def run(exact: bool) -> int:
        with _open_text(src, detected.encoding, detected.offset) as fh, \
                CanonicalWriter(dest, schema, source=name, allow_empty=allow_empty) as out:
            reader = csv.reader(StrictCsv(delimiter, name).lines(fh), delimiter=delimiter, strict=True)
            try:
                header = next(reader, None)
                if header is None:
                    raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{name}: the file is empty; it needs at least a header row")
                out.header(header, line=reader.line_num)
                if exact:
                    out.rows_from(reader, lambda: reader.line_num)
                else:
                    out.batches_from(reader)
            except csv.Error as exc:
                raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{name}: line {reader.line_num}: {exc}") from None
            except UnicodeDecodeError:  # only possible if the file changed under us
                raise SourceError(SourceErrorKind.DECODE_ERROR, f"{name}: changed while being read; try again") from None
        return out.rows

    try:
        rows = run(exact=False)
    except NeedsExactLines:
        rows = run(exact=True)  # raises the error with its line
    return NormalizeResult(dest, rows, encoding=label(detected.encoding), delimiter=delimiter)
