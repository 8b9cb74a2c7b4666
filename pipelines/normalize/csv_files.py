"""Turn Swedish CSV, Excel and JSON records into one canonical CSV.

Canonical form (what validation, the DataStore and the published file see):
UTF-8 without BOM, ',' as separator, LF line ends, '.' as decimal mark in the
schema's `number` fields, ISO 8601 dates in its `date` fields, header names
trimmed, every row exactly as wide as the header.

Structural rules (the same in both engines):
- rows whose cells are all empty are dropped (they hold no data; exports and
  Excel pad with them);
- a row shorter than the header is padded with empty cells (exporters omit
  trailing empty cells), so validation judges the values, not the padding;
- a row longer than the header loses its extra cells only if they are empty;
  a value beyond the last named column is an error naming the line.

Two engines: large well-formed files go through `normalize_polars` (native,
parallel, streaming); everything else, and any file that engine declines,
through the csv-module engine here, which is the reference (tests compare
their output byte for byte).

Why here and not in Frictionless: municipal exports come as Windows-1252, ';'
separated, with decimal commas, BOMs and Excel title rows. Validating those
directly yields a wall of type errors that say nothing about the real cause;
normalizing first makes the validation report about the data itself.

What this module never does: guess silently. A value it cannot convert is
written unchanged, so validation reports it with its row; a structural problem
(an unnamed header column, an undecodable byte) raises a SourceError that says
where and what to do. Files are streamed row by row (bounded memory) and
written under a temporary name, renamed only when complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import sys
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .encoding import EncodingError, detect_encoding, label
from .sources.base import SourceError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

DELIMITERS = (";", ",", "\t")
_SAMPLE_CHARS = 64 * 1024
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|nan|INF|NaN|Inf)")
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class NormalizeResult:
    path: Path
    rows: int  # data rows written (header excluded)
    encoding: str | None = None  # detected source encoding (text sources)
    delimiter: str | None = None  # detected source delimiter (CSV)
    engine: str = "csv"  # "polars" when the fast engine wrote the file


# --- value conversions -------------------------------------------------------


def decimal_point(value: str) -> str:
    """'1 234,5' → '1234.5'. Unconvertible values come back unchanged (validation reports them)."""
    # fast path, the common case in Swedish exports: '-12,5' / '12,5' / '12.5' / '12'
    c = value.replace(",", ".")
    digits = c[1:] if c[:1] == "-" else c
    if digits.count(".") <= 1 and digits.replace(".", "").isdigit() and digits.isascii() and value.count(",") <= 1:
        return c if "," in value else value
    return _decimal_point_slow(value)


def _decimal_point_slow(value: str) -> str:
    v = value.strip()
    if not v:
        return v
    if "," in v or " " in v or "\u00a0" in v or "\u202f" in v or "\u2212" in v or "\u2009" in v:
        c = v.translate(_SPACES).replace("\u2212", "-")
        commas = c.count(",")
        if commas == 1:
            dot = c.find(".")
            comma = c.find(",")
            if dot == -1:
                c = c.replace(",", ".")
            elif dot < comma:  # '1.234,5': dots group thousands
                c = c.replace(".", "").replace(",", ".")
            else:  # '1,234.5' is not a Swedish form: leave it for validation to flag
                return value
        elif commas > 1:
            return value
        return c if _NUMBER.fullmatch(c) else value
    return v


def integer_digits(value: str) -> str:
    """'12 345' → '12345' (space as thousands separator); anything else unchanged."""
    if value.isdigit():
        return value
    v = value.strip()
    if " " in v or "\u00a0" in v or "\u202f" in v or "\u2212" in v or "\u2009" in v:
        c = v.translate(_SPACES).replace("\u2212", "-")
        return c if _INTEGER.fullmatch(c) else value
    return v


_DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "ymd"),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T]00:00(?::00(?:\.0+)?)?"), "ymd"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "ymd"),
    (re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})"), "dmy"),
)


def iso_date(value: str) -> str:
    """'20240501', '2024/5/1', '1/5/2024', '01.05.2024' → '2024-05-01' (Swedish day-first order)."""
    n = len(value)
    if n == 10 and value[4] == "-" and value[7] == "-":
        return value  # already ISO (validation checks it is a real date)
    if n == 19 and value.endswith(" 00:00:00") and value[4] == "-" and value[7] == "-":
        return value[:10]  # Excel's midnight timestamp for a date
    v = value.strip()
    for pattern, order in _DATE_FORMS:
        m = pattern.fullmatch(v)
        if m:
            a, b, c = (int(x) for x in m.groups()[:3])
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return dt.date(y, mo, d).isoformat()
            except ValueError:
                return value
    return value


def field_converters(schema: Mapping[str, Any]) -> dict[str, Callable[[str], str]]:
    """Which columns need which conversion, from the Table Schema's field types.

    Fields with an explicit non-default `format` or custom decimal/group chars are
    left alone: the schema then describes the source form and Frictionless parses it.
    """
    out: dict[str, Callable[[str], str]] = {}
    for f in schema.get("fields", []) or []:
        name, ftype = f.get("name"), f.get("type", "string")
        if not name:
            continue
        if ftype == "number" and "decimalChar" not in f and "groupChar" not in f:
            out[name] = decimal_point
        elif ftype == "integer" and "groupChar" not in f:
            out[name] = integer_digits
        elif ftype == "date" and f.get("format", "default") == "default":
            out[name] = iso_date
    return out


# Column-at-a-time versions: one regex check over a whole batch of a column
# (joined with NUL) proves every value is in the common simple form, so the
# conversion runs at C speed; otherwise each value goes through the scalar
# function. Results are identical either way (tests check both paths).
_SEP = "\x00"
SIMPLE = {  # one value in the common form, per conversion (also used by the polars engine)
    "number": r"-?[0-9]+(?:[.,][0-9]+)?",
    "integer": r"-?[0-9]+",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: 00:00:00)?",
}
_SIMPLE_DECIMALS = re.compile(f"(?:{SIMPLE['number']})?(?:\\x00(?:{SIMPLE['number']})?)*")
_SIMPLE_INTEGERS = re.compile(f"(?:{SIMPLE['integer']})?(?:\\x00(?:{SIMPLE['integer']})?)*")
_SIMPLE_DATES = re.compile(f"(?:{SIMPLE['date']})?(?:\\x00(?:{SIMPLE['date']})?)*")


def decimal_points(values: Sequence[str]) -> Sequence[str]:
    joined = _SEP.join(values)
    if _SIMPLE_DECIMALS.fullmatch(joined):
        return joined.replace(",", ".").split(_SEP) if "," in joined else values
    return [decimal_point(v) for v in values]


def integers(values: Sequence[str]) -> Sequence[str]:
    if _SIMPLE_INTEGERS.fullmatch(_SEP.join(values)):
        return values
    return [integer_digits(v) for v in values]


def iso_dates(values: Sequence[str]) -> Sequence[str]:
    joined = _SEP.join(values)
    if _SIMPLE_DATES.fullmatch(joined):
        return joined.replace(" 00:00:00", "").split(_SEP) if " " in joined else values
    return [iso_date(v) for v in values]


BATCH_CONVERTERS: dict[Callable[[str], str], Callable[[Sequence[str]], Sequence[str]]] = {
    decimal_point: decimal_points,
    integer_digits: integers,
    iso_date: iso_dates,
}
BATCH_ROWS = 4096
KINDS = {decimal_point: "number", integer_digits: "integer", iso_date: "date"}
FAST_ENGINE_MIN_BYTES = 8 * 1024 * 1024  # below this, starting polars costs more than it saves


# --- the canonical writer ----------------------------------------------------


def _quoted(cell: str) -> str:
    if any(ch in cell for ch in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


class _NeedsExactLines(Exception):
    """Internal: the fast path met an error whose line it cannot name."""


class CanonicalWriter:
    """Writes the canonical CSV row by row; the file appears under `dest` only on success.

    Why a class: CSV, Excel and JSON sources all end here, so trimming, header
    checks and per-field conversion are done once, the same way for every source.
    """

    def __init__(self, dest: Path, schema: Mapping[str, Any], *, source: str):
        self.dest = dest
        self.source = source  # what to call the input in error messages
        self.converters = field_converters(schema)
        self.rows = 0
        self._width = 0
        self._plan: list[tuple[int, Callable[[str], str]]] = []
        self._tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
        self._fh: io.TextIOWrapper | None = None
        self._writer: Any = None

    def __enter__(self) -> "CanonicalWriter":
        try:
            self.dest.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self._tmp, "w", encoding="utf-8", newline="", buffering=1 << 20)
        except OSError as exc:
            raise SourceError("disk", f"cannot write {self._tmp.name}: {exc.strerror}") from None
        self._writer = csv.writer(self._fh, lineterminator="\n")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._fh is not None
        try:
            self._fh.close()
            if exc_type is None:
                os.replace(self._tmp, self.dest)
        except OSError as err:
            self._tmp.unlink(missing_ok=True)
            raise SourceError("disk", f"cannot write {self.dest.name}: {err.strerror}") from None
        finally:
            if exc_type is not None:
                self._tmp.unlink(missing_ok=True)

    def header(self, cells: Sequence[str], *, line: int) -> None:
        names = [c.strip() for c in cells]
        while names and not names[-1]:
            names.pop()  # trailing unnamed columns: Excel's "used range" noise
        if not names:
            raise SourceError(
                "wrong_content",
                f"{self.source}: the header row (line {line}) is empty; "
                "set `header_row` to the row that holds the column names",
            )
        for i, n in enumerate(names):
            if not n:
                raise SourceError(
                    "wrong_content",
                    f"{self.source}: header row (line {line}) has no name in column {i + 1} "
                    f"(between {names[i - 1]!r} and the next named column); name the column, "
                    "or set `header_row` if the sheet starts with a title row",
                )
        self._width = len(names)
        self._plan = [(i, self.converters[n]) for i, n in enumerate(names) if n in self.converters]
        self._writer.writerow(names)

    def rows_from(self, rows: Iterable[list[str]], line: Callable[[], int]) -> None:
        """Write many rows; `line()` gives the source line of the current row (for messages).

        Rows are converted and written in batches, column by column, because
        this runs once per row of files with tens of millions of rows.
        """
        width = self._width
        batch: list[list[str]] = []
        try:
            for cells in rows:
                n = len(cells)
                if n > width:
                    self._drop_empty_tail(cells, line())
                    n = width
                if not "".join(cells).strip():
                    continue  # blank rows hold no data: dropped (Excel/export padding)
                if n < width:
                    cells.extend([""] * (width - n))  # exporters omit trailing empty cells
                batch.append(cells)
                if len(batch) >= BATCH_ROWS:
                    self._flush(batch)
                    batch = []
        finally:
            if batch:
                self._flush(batch)

    def batches_from(self, rows: Iterator[list[str]]) -> None:
        """The fast path for CSV: whole batches of well-formed rows are converted column by column.

        A batch that holds blank, short or long rows goes through `rows_from`; if that
        finds an error it raises `_NeedsExactLines`, and the caller reruns the file
        row by row to report the exact line (errors are rare; speed is not).
        """
        width = self._width
        plan = [(i, BATCH_CONVERTERS.get(fn) or (lambda vs, fn=fn: [fn(v) for v in vs])) for i, fn in self._plan]
        while True:
            batch = list(islice(rows, BATCH_ROWS))
            if not batch:
                return
            if (
                len(batch[0]) == width
                and len(set(map(len, batch))) == 1
                and "" not in map(str.strip, map("".join, batch))
            ):
                cols = list(zip(*batch))
                for i, convert in plan:
                    cols[i] = convert(cols[i])
                self._write(list(zip(*cols)))
            else:
                self.rows_from(batch, lambda: None)

    def _flush(self, batch: list[list[str]]) -> None:
        """Convert (column by column) and write rows that all have the header's width."""
        for i, fn in self._plan:
            converted = BATCH_CONVERTERS.get(fn, lambda vs, fn=fn: [fn(v) for v in vs])([r[i] for r in batch])
            for cells, value in zip(batch, converted):
                cells[i] = value
        self._write(batch)

    def _write(self, rows: Sequence[Sequence[str]]) -> None:
        """Write rows; a field holding a bare carriage return is quoted too.

        Python 3.11's csv writer quotes only the characters of its line
        terminator ("\n" here), so "a\rb" would be written raw and split the
        row for any reader. Such fields are rare: the batch is checked at once.
        """
        if "\r" not in "\x00".join(map("\x00".join, rows)):
            self._writer.writerows(rows)
        else:
            assert self._fh is not None
            for row in rows:
                if any("\r" in c for c in row):
                    self._fh.write(",".join(_quoted(c) for c in row) + "\n")
                else:
                    self._writer.writerow(row)
        self.rows += len(rows)

    def _drop_empty_tail(self, cells: list[str], line: int | None) -> None:
        width = self._width
        extra = cells[width:]
        if any(c.strip() for c in extra):
            if line is None:
                raise _NeedsExactLines()
            col = width + next(i for i, c in enumerate(extra) if c.strip()) + 1
            raise SourceError(
                "wrong_content",
                f"{self.source}: line {line} has a value in column {col}, but the header has only "
                f"{width} named columns; add the missing column name, or set `header_row` "
                "if the header is not on the first row",
            )
        del cells[width:]


# --- CSV ---------------------------------------------------------------------


def _open_text(src: Path, encoding: str, bom: bool) -> io.TextIOWrapper:
    raw = open(src, "rb", buffering=1 << 20)
    if bom:
        raw.seek(3)
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
    engine: str = "auto",
) -> NormalizeResult:
    """Normalize a CSV file of any supported encoding and separator to the canonical form.

    `engine`: "auto" (polars for files ≥ FAST_ENGINE_MIN_BYTES), "fast" (try polars
    whatever the size) or "reference" (the csv-module engine only).
    """
    name = source or src.name
    try:
        detected = detect_encoding(src, encoding)
    except EncodingError as exc:
        raise SourceError("decode_error", f"{name}: {exc}".replace(f"{src.name}: ", "", 1)) from None
    if delimiter is None:
        with _open_text(src, detected.encoding, detected.bom) as fh:
            delimiter = detect_delimiter(fh.read(_SAMPLE_CHARS))
    elif delimiter not in DELIMITERS:
        raise SourceError("config", f"{name}: delimiter {delimiter!r} is not one of ';', ',' or tab")
    if engine not in ("auto", "fast", "reference"):
        raise ValueError(f"engine must be auto, fast or reference, not {engine!r}")
    if engine == "fast" or (engine == "auto" and src.stat().st_size >= FAST_ENGINE_MIN_BYTES):
        from .normalize_polars import normalize_csv_fast

        rows = normalize_csv_fast(src, dest, field_converters(schema), KINDS, SIMPLE, detected=detected, delimiter=delimiter)
        if rows is not None:
            return NormalizeResult(dest, rows, encoding=label(detected.encoding), delimiter=delimiter, engine="polars")

    def run(exact: bool) -> int:
        with _open_text(src, detected.encoding, detected.bom) as fh, CanonicalWriter(dest, schema, source=name) as out:
            reader = csv.reader(fh, delimiter=delimiter, strict=False)
            try:
                header = next(reader, None)
                if header is None:
                    raise SourceError("wrong_content", f"{name}: the file is empty; it needs at least a header row")
                out.header(header, line=reader.line_num)
                if exact:
                    out.rows_from(reader, lambda: reader.line_num)
                else:
                    out.batches_from(reader)
            except csv.Error as exc:
                raise SourceError("wrong_content", f"{name}: line {reader.line_num}: {exc}") from None
            except UnicodeDecodeError:  # only possible if the file changed under us
                raise SourceError("decode_error", f"{name}: changed while being read; try again") from None
        return out.rows

    try:
        rows = run(exact=False)
    except _NeedsExactLines:
        rows = run(exact=True)  # raises the error with its line
    return NormalizeResult(dest, rows, encoding=label(detected.encoding), delimiter=delimiter)


# --- Excel and JSON records --------------------------------------------------


def cell_text(value: Any) -> str:
    """One Excel/JSON cell as canonical text (no locale: '.' decimals, ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def normalize_rows(
    rows: Iterable[Sequence[Any]],
    dest: Path,
    schema: Mapping[str, Any],
    *,
    source: str,
    first_line: int = 1,
) -> NormalizeResult:
    """Normalize an iterable whose first item is the header (Excel sheets, decoded tables)."""
    it: Iterator[Sequence[Any]] = iter(rows)
    with CanonicalWriter(dest, schema, source=source) as out:
        header = next(it, None)
        if header is None:
            raise SourceError("wrong_content", f"{source}: no rows at or below line {first_line}")
        out.header([cell_text(v) for v in header], line=first_line)
        line = first_line

        def texts() -> Iterator[list[str]]:
            nonlocal line
            for cells in it:
                line += 1
                yield [cell_text(v) for v in cells]

        out.rows_from(texts(), lambda: line)
    return NormalizeResult(dest, out.rows)


def normalize_records(
    records: Sequence[Mapping[str, Any]],
    dest: Path,
    schema: Mapping[str, Any],
    *,
    source: str,
    columns: Sequence[str] | None = None,
) -> NormalizeResult:
    """Normalize a list of JSON objects: one column per key (first-seen order), one row per object.

    Nested values are kept as compact JSON text, so nothing is lost.
    """
    if columns is None:
        seen: dict[str, None] = {}
        for i, rec in enumerate(records):
            if not isinstance(rec, Mapping):
                raise SourceError(
                    "wrong_content", f"{source}: record {i + 1} is a {type(rec).__name__}, not an object"
                )
            for k in rec:
                seen.setdefault(str(k), None)
        columns = list(seen)
    if not columns:
        raise SourceError("wrong_content", f"{source}: no records (or records without fields)")
    cols = list(columns)
    table = ([rec.get(c) for c in cols] for rec in records)
    return normalize_rows(_chain_header(cols, table), dest, schema, source=source)


def _chain_header(header: list[str], body: Iterable[list[Any]]) -> Iterator[Sequence[Any]]:
    yield header
    yield from body
