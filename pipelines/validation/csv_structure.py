"""Read a canonical CSV into string columns plus the facts frictionless derives per record.

Polars parses the cells (fast, multi-threaded) but cannot say how many cells a
record had: a short record and a record with empty trailing cells look the same.
Frictionless reports those differently (missing-cell vs an empty value), so the
record structure is computed separately from the raw lines, vectorized: records
are re-assembled by quote parity, checked against a strict grammar of
well-formed CSV, and their separators outside quotes are counted. Anything the
grammar does not cover (stray quotes, CR line ends, NUL bytes, invalid UTF-8)
is reported as a reason to let frictionless read the file instead — those files
are rare, and only Python's csv module defines what they mean.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

CHUNK = 1 << 22
FIELD = r'(?:[^",\n]*|"(?:[^"]|"")*")'
WELL_FORMED = rf"^{FIELD}(?:,{FIELD})*$"
QUOTED = r'"(?:[^"]|"")*"'


class NotFastReadable(Exception):
    """The file needs frictionless' own reader; the message says why."""


@dataclass
class CsvTable:
    labels: list[str]  # header cells as frictionless sees them (stripped)
    cells: pl.DataFrame  # one string column per expected field, one row per data record
    counts: pl.Series  # number of cells in each data record (UInt32)
    extra_records: dict[int, str]  # raw text of data records with extra cells (data index → text)


def check_bytes(path: Path) -> None:
    """Refuse what the grammar below does not define: CR, NUL and empty files (UTF-8 is checked by polars)."""
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            if b"\r" in chunk:
                raise NotFastReadable("the file has CR line ends (the canonical CSV uses LF)")
            if b"\x00" in chunk:
                raise NotFastReadable("the file contains NUL bytes")
    if size <= 3:
        with path.open("rb") as handle:
            if handle.read().removeprefix(codecs.BOM_UTF8) == b"":
                raise NotFastReadable("the file is empty")


def read_records(path: Path) -> pl.Series:
    """Each CSV record's raw text (a record spans lines when a quoted cell holds newlines)."""
    try:
        lines = pl.read_csv(
            path, has_header=False, separator="\x00", quote_char=None, schema={"line": pl.String},
            empty_string_is_null=False, encoding="utf8",
        ).get_column("line")
    except pl.exceptions.ComputeError as exc:
        raise NotFastReadable(f"polars cannot read the file as UTF-8 text ({str(exc).splitlines()[0]})") from None
    odd = lines.str.count_matches('"', literal=True) % 2 == 1
    if not odd.any():
        return lines
    frame = pl.DataFrame({"line": lines, "odd": odd})
    parity_after = pl.col("odd").cast(pl.UInt32).cum_sum() % 2
    starts = (parity_after - pl.col("odd").cast(pl.UInt32)) % 2 == 0  # parity before the line is even
    frame = frame.with_columns(record=starts.cast(pl.UInt32).cum_sum())
    if frame.get_column("odd").cast(pl.UInt32).sum() % 2:
        raise NotFastReadable("a quoted cell is not closed before the end of the file")
    return frame.group_by("record", maintain_order=True).agg(pl.col("line").str.join("\n")).get_column("line")


def read_table(path: Path, field_count: int) -> CsvTable:
    """Structure first, then cells, so the raw lines are freed before polars parses the cells."""
    check_bytes(path)
    records = read_records(path)
    quoted = records.str.contains('"', literal=True)
    counts = (records.str.count_matches(",", literal=True) + 1).cast(pl.UInt32)
    if quoted.any():  # only records with quotes need the grammar check and quote-aware counting
        where = quoted.arg_true()
        subset = records.filter(quoted)
        bad = ~subset.str.contains(WELL_FORMED)
        if bad.any():
            index = int(where[int(bad.arg_true()[0])])
            raise NotFastReadable(f"record {index + 1} has quotes the strict CSV grammar does not cover")
        fixed = (subset.str.replace_all(QUOTED, "").str.count_matches(",", literal=True) + 1).cast(pl.UInt32)
        counts = counts.scatter(where, fixed)
    counts = pl.select(pl.when(records == "").then(0).otherwise(counts).cast(pl.UInt32)).to_series()
    header = next(csv.reader(io.StringIO(records[0], newline="")), [])
    labels = [cell.strip() for cell in header]
    total = records.len()
    extra_at = (counts > field_count).arg_true()
    extra_records = dict(zip((extra_at - 1).to_list(), records.gather(extra_at).to_list()))
    del records, quoted
    names = [f"c{i}" for i in range(field_count)]
    cells = pl.read_csv(
        path, has_header=False, schema={n: pl.String for n in names}, quote_char='"',
        truncate_ragged_lines=True, empty_string_is_null=False, infer_schema=False,
    )
    if cells.height != total:
        raise NotFastReadable(f"polars read {cells.height} records where the structure scan found {total}")
    return CsvTable(labels=labels, cells=cells.slice(1), counts=counts.slice(1), extra_records=extra_records)
