"""Turn Swedish CSV, Excel and JSON records into one canonical CSV.

Canonical form (what validation, the DataStore and the published file see):
UTF-8 without BOM, ',' as separator, LF line ends, '.' as decimal mark in the
schema's `number` fields, ISO 8601 dates in its `date` fields.

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


# --- value conversions -------------------------------------------------------


def decimal_point(value: str) -> str:
    """'1 234,5' → '1234.5'. Unconvertible values come back unchanged (validation reports them)."""
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


# --- the canonical writer ----------------------------------------------------


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
        self._pending_blank: list[list[str]] = []
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

    def row(self, cells: list[str], *, line: int) -> None:
        width = self._width
        if len(cells) > width:
            extra = cells[width:]
            if any(c.strip() for c in extra):
                col = width + next(i for i, c in enumerate(extra) if c.strip()) + 1
                raise SourceError(
                    "wrong_content",
                    f"{self.source}: line {line} has a value in column {col}, but the header has only "
                    f"{width} named columns; add the missing column name, or set `header_row` "
                    "if the header is not on the first row",
                )
            del cells[width:]
        if not "".join(cells).strip():
            self._pending_blank.append(cells)  # dropped if nothing follows (trailing blank rows)
            return
        if self._pending_blank:
            for blank in self._pending_blank:  # blank rows inside the data are kept: validation reports them
                self._writer.writerow(blank)
                self.rows += 1
            self._pending_blank.clear()
        for i, fn in self._plan:
            if i < len(cells):
                cells[i] = fn(cells[i])
        self._writer.writerow(cells)
        self.rows += 1


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
    cut = sample.rfind("\n")
    if cut > 0:
        sample = sample[:cut]
    best, best_score = ",", (0.0, 1)
    for d in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=d) if r][:50]
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
) -> NormalizeResult:
    """Normalize a CSV file of any supported encoding and separator to the canonical form."""
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
    with _open_text(src, detected.encoding, detected.bom) as fh, CanonicalWriter(dest, schema, source=name) as out:
        reader = csv.reader(fh, delimiter=delimiter, strict=False)
        try:
            header = next(reader, None)
            if header is None:
                raise SourceError("wrong_content", f"{name}: the file is empty; it needs at least a header row")
            out.header(header, line=reader.line_num)
            for cells in reader:
                out.row(cells, line=reader.line_num)
        except csv.Error as exc:
            raise SourceError("wrong_content", f"{name}: line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError:  # only possible if the file changed under us
            raise SourceError("decode_error", f"{name}: changed while being read; try again") from None
    return NormalizeResult(dest, out.rows, encoding=label(detected.encoding), delimiter=delimiter)


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
        for n, cells in enumerate(it, start=first_line + 1):
            out.row([cell_text(v) for v in cells], line=n)
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
