"""The canonical CSV writer every source ends in, and the rows → CSV path for Excel, JSON and APIs.

Canonical form (what validation, the DataStore and the published file see):
UTF-8 without BOM, ',' as separator, LF line ends, '.' as decimal mark in the
schema's `number` fields, ISO 8601 dates in its `date` fields, header names
trimmed, every row exactly as wide as the header.

Structural rules (the same in both CSV engines):
- every column has a name, and no two columns the same name (a duplicate would
  hide one column's values behind the other's);
- a table with a header and no data rows is refused (an export that lost its
  rows must not replace the published ones), unless the caller drafts a
  schema from it (`allow_empty`);
- a number column uses one decimal mark throughout (`decimal_marks`);
- rows whose cells are all empty are dropped (they hold no data; exports and
  Excel pad with them);
- a row shorter than the header is padded with empty cells (exporters omit
  trailing empty cells), so validation judges the values, not the padding;
- a row longer than the header loses its extra cells only if they are empty;
  a value beyond the last named column is an error naming the line.

The file is written with `pipelines.files.atomic_write`: it appears under its
name only when complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..errors import SourceError, SourceErrorKind
from ..files import atomic_write, part_path
from .decimal_marks import DecimalMarks, MixedMarksInBatch
from .values import BATCH_CONVERTERS, decimal_point, field_converters


class NormalizeEngine(StrEnum):
    """The CSV engines: each name is what a caller asks for and what `NormalizeResult.engine` reports."""

    AUTO = "auto"  # polars for large files, csv otherwise
    CSV = "csv"  # Python's csv module, row by row: the reference, naming the line of every error
    POLARS = "polars"  # native and parallel, for large well-formed files; declines anything else


@dataclass(frozen=True)
class NormalizeResult:
    path: Path
    rows: int  # data rows written (header excluded)
    encoding: str | None = None  # detected source encoding (text sources)
    delimiter: str | None = None  # detected source delimiter (CSV)
    engine: NormalizeEngine = NormalizeEngine.CSV  # polars when that engine wrote the file


BATCH_ROWS = 4096


def _quoted(cell: str) -> str:
    if any(ch in cell for ch in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


class NeedsExactLines(Exception):
    """The fast path met an error whose line it cannot name: `normalize_csv` reruns the file row by row."""


class CanonicalWriter:
    """Writes the canonical CSV row by row; the file appears under `dest` only on success.

    Why a class: CSV, Excel and JSON sources all end here, so trimming, header
    checks and per-field conversion are done once, the same way for every source.
    """

    def __init__(self, dest: Path, schema: Mapping[str, Any], *, source: str, allow_empty: bool = False):
        self.dest = dest
        self.source = source  # what to call the input in error messages
        self.converters = field_converters(schema)
        self.allow_empty = allow_empty
        self.marks = DecimalMarks(source)
        self.rows = 0
        self._width = 0
        self._plan: list[tuple[int, Callable[[str], str]]] = []
        self._file: AbstractContextManager[IO[str]] | None = None
        self._fh: IO[str] | None = None
        self._writer: Any = None

    def __enter__(self) -> "CanonicalWriter":
        self._file = atomic_write(self.dest, "w", encoding="utf-8", newline="", buffering=1 << 20)
        try:
            self._fh = self._file.__enter__()
        except OSError as exc:
            raise SourceError(SourceErrorKind.DISK, f"cannot write {part_path(self.dest).name}: {exc.strerror}") from None
        self._writer = csv.writer(self._fh, lineterminator="\n")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._file is not None
        if exc_type is None and self.rows == 0 and not self.allow_empty:
            exc = SourceError(
                SourceErrorKind.WRONG_CONTENT,
                f"{self.source}: the table has a header but no data rows; an empty export is not published "
                "(the last good version stays online): check the export, or the sheet and header_row",
            )
            exc_type, tb = SourceError, None
            self._file.__exit__(exc_type, exc, tb)  # discards the partial file
            raise exc
        try:
            self._file.__exit__(exc_type, exc, tb)
        except OSError as err:
            raise SourceError(SourceErrorKind.DISK, f"cannot write {self.dest.name}: {err.strerror}") from None

    def header(self, cells: Sequence[str], *, line: int) -> None:
        names = [c.strip() for c in cells]
        while names and not names[-1]:
            names.pop()  # trailing unnamed columns: Excel's "used range" noise
        if not names:
            raise SourceError(
                SourceErrorKind.WRONG_CONTENT,
                f"{self.source}: the header row (line {line}) is empty; "
                "set `header_row` to the row that holds the column names",
            )
        seen: dict[str, int] = {}
        for i, n in enumerate(names):
            if not n:
                after = f"between {names[i - 1]!r} and the next named column" if i else "the first column"
                raise SourceError(
                    SourceErrorKind.WRONG_CONTENT,
                    f"{self.source}: header row (line {line}) has no name in column {i + 1} "
                    f"({after}); name the column, or set `header_row` if the sheet starts with a title row",
                )
            if n in seen:
                raise SourceError(
                    SourceErrorKind.WRONG_CONTENT,
                    f"{self.source}: header row (line {line}) names both column {seen[n] + 1} and column {i + 1} "
                    f"{n!r}; give every column its own name (one would hide the other's values)",
                )
            seen[n] = i
        self._width = len(names)
        self._plan = [(i, self.converters[n]) for i, n in enumerate(names) if n in self.converters]
        for i, fn in self._plan:
            if fn is decimal_point:
                self.marks.watch(i, names[i])
        self._writer.writerow(names)

    def rows_from(self, rows: Iterable[list[str]], line: Callable[[], int]) -> None:
        """Write many rows; `line()` gives the source line of the current row (for messages).

        Rows are converted and written in batches, column by column, because
        this runs once per row of files with tens of millions of rows.
        """
        width = self._width
        marked = list(self.marks.columns)
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
                if marked:
                    at = line()
                    for i in marked:
                        self.marks.value(i, cells[i], at)
                batch.append(cells)
                if len(batch) >= BATCH_ROWS:
                    self._flush(batch)
                    batch = []
        except MixedMarksInBatch:
            raise NeedsExactLines() from None
        finally:
            if batch:
                self._flush(batch)

    def batches_from(self, rows: Iterator[list[str]]) -> None:
        """The fast path for CSV: whole batches of well-formed rows are converted column by column.

        A batch that holds blank, short or long rows goes through `rows_from`; if that
        finds an error it raises `NeedsExactLines`, and the caller reruns the file
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
                try:
                    for i in self.marks.columns:
                        self.marks.batch(i, cols[i])
                except MixedMarksInBatch:
                    raise NeedsExactLines() from None
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
                raise NeedsExactLines()
            col = width + next(i for i, c in enumerate(extra) if c.strip()) + 1
            raise SourceError(
                SourceErrorKind.WRONG_CONTENT,
                f"{self.source}: line {line} has a value in column {col}, but the header has only "
                f"{width} named columns; add the missing column name, or set `header_row` "
                "if the header is not on the first row",
            )
        del cells[width:]


def cell_text(value: Any) -> str:
    """One Excel/JSON cell as canonical text (no locale: '.' decimals, ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"the number {value!r} has no exact value (a number too large for the format?)")
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
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _row_texts(cells: Sequence[Any], source: str, line: int) -> list[str]:
    try:
        return [cell_text(v) for v in cells]
    except (ValueError, RecursionError) as exc:  # inf/NaN, a value nested too deep to write
        what = "a value is nested too deep to write" if isinstance(exc, RecursionError) else str(exc)
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: row {line}: {what}; correct it in the source") from None


def normalize_rows(
    rows: Iterable[Sequence[Any]],
    dest: Path,
    schema: Mapping[str, Any],
    *,
    source: str,
    first_line: int = 1,
    allow_empty: bool = False,
) -> NormalizeResult:
    """Normalize an iterable whose first item is the header (Excel sheets, decoded tables)."""
    it: Iterator[Sequence[Any]] = iter(rows)
    with CanonicalWriter(dest, schema, source=source, allow_empty=allow_empty) as out:
        header = next(it, None)
        if header is None:
            raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: no rows at or below line {first_line}")
        out.header(_row_texts(header, source, first_line), line=first_line)
        line = first_line

        def texts() -> Iterator[list[str]]:
            nonlocal line
            for cells in it:
                line += 1
                yield _row_texts(cells, source, line)

        out.rows_from(texts(), lambda: line)
    return NormalizeResult(dest, out.rows)
