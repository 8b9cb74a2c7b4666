"""Read a canonical CSV batch by batch: string columns plus the facts frictionless derives per record.

Why batches: holding every column of a big file as polars strings costs more
memory than frictionless' row-by-row reading (the fast engine must stay at or
below its peak). The file is cut into byte chunks at record boundaries — a newline with
an even number of quotes before it, the same rule that groups lines into
records below — so each chunk is a self-contained run of whole records.

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
from typing import Iterator

import polars as pl

BATCH_BYTES = 4 << 20  # ≈ 60k rows of a 10-column file; what a batch holds in polars is a few times this
FIELD = r'(?:[^",\n]*|"(?:[^"]|"")*")'
WELL_FORMED = rf"^{FIELD}(?:,{FIELD})*$"
QUOTED = r'"(?:[^"]|"")*"'


class NotFastReadable(Exception):
    """The file needs frictionless' own reader; the message says why."""


@dataclass
class CsvBatch:
    labels: list[str] | None  # header cells as frictionless sees them (stripped); first batch only
    cells: pl.DataFrame  # one string column per expected field, one row per data record
    counts: pl.Series  # number of cells in each data record (UInt32)
    extra_records: dict[int, str]  # raw text of data records with extra cells (index in this batch → text)


def record_chunks(path: Path, batch_bytes: int = BATCH_BYTES) -> Iterator[bytes]:
    """Byte chunks of about `batch_bytes`, each ending at a record boundary.

    Also refuses what the grammar does not define: CR, NUL and empty files
    (UTF-8 is checked by polars; a cut at b"\\n" never splits a UTF-8 sequence).
    """
    carry = b""
    first = True
    with path.open("rb") as handle:
        while True:
            block = handle.read(batch_bytes)
            if b"\r" in block:
                raise NotFastReadable("the file has CR line ends (the canonical CSV uses LF)")
            if b"\x00" in block:
                raise NotFastReadable("the file contains NUL bytes")
            data = carry + block
            if first and data.removeprefix(codecs.BOM_UTF8) == b"" and not block:
                raise NotFastReadable("the file is empty")
            if not block:  # end of file: whatever is left is the last run of records
                if data.count(b'"') % 2:
                    raise NotFastReadable("a quoted cell is not closed before the end of the file")
                if data:
                    yield data
                return
            cut = _last_record_end(data)
            if cut <= 0:  # no complete record yet (a very long one): read on
                carry = data
                continue
            first = False
            yield data[:cut]
            carry = data[cut:]


def _last_record_end(data: bytes) -> int:
    """Index just after the last newline outside quotes (even quote count before it), or 0."""
    pos = data.rfind(b"\n")
    if pos < 0:
        return 0
    quotes = data.count(b'"', 0, pos)
    while quotes % 2:
        before = data.rfind(b"\n", 0, pos)
        if before < 0:
            return 0
        quotes -= data.count(b'"', before, pos)
        pos = before
    return pos + 1


def read_records(data: bytes) -> pl.Series:
    """Each CSV record's raw text (a record spans lines when a quoted cell holds newlines)."""
    try:
        lines = pl.read_csv(
            io.BytesIO(data), has_header=False, separator="\x00", quote_char=None, schema={"line": pl.String},
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


def read_batch(data: bytes, field_count: int, *, has_header: bool, first_record: int = 0) -> CsvBatch:
    """Structure first, then cells, so the raw lines are freed before polars parses the cells.

    `first_record` (records before this chunk, header included) only makes error messages exact.
    """
    records = read_records(data)
    quoted = records.str.contains('"', literal=True)
    counts = (records.str.count_matches(",", literal=True) + 1).cast(pl.UInt32)
    if quoted.any():  # only records with quotes need the grammar check and quote-aware counting
        where = quoted.arg_true()
        subset = records.filter(quoted)
        bad = ~subset.str.contains(WELL_FORMED)
        if bad.any():
            index = first_record + int(where[int(bad.arg_true()[0])])
            raise NotFastReadable(f"record {index + 1} has quotes the strict CSV grammar does not cover")
        fixed = (subset.str.replace_all(QUOTED, "").str.count_matches(",", literal=True) + 1).cast(pl.UInt32)
        counts = counts.scatter(where, fixed)
    counts = pl.select(pl.when(records == "").then(0).otherwise(counts).cast(pl.UInt32)).to_series()
    skip = 1 if has_header else 0
    labels = None
    if has_header:
        header = next(csv.reader(io.StringIO(records[0], newline="")), [])
        labels = [cell.strip() for cell in header]
    total = records.len()
    extra_at = (counts > field_count).arg_true()
    extra_records = dict(zip((extra_at - skip).to_list(), records.gather(extra_at).to_list()))
    del records, quoted
    names = [f"c{i}" for i in range(field_count)]
    cells = pl.read_csv(
        io.BytesIO(data), has_header=False, schema={n: pl.String for n in names}, quote_char='"',
        truncate_ragged_lines=True, empty_string_is_null=False, infer_schema=False,
    )
    if cells.height != total:
        raise NotFastReadable(f"polars read {cells.height} records where the structure scan found {total}")
    return CsvBatch(labels=labels, cells=cells.slice(skip), counts=counts.slice(skip), extra_records=extra_records)


def read_batches(path: Path, field_count: int, batch_bytes: int = BATCH_BYTES) -> Iterator[CsvBatch]:
    """The file's batches in order; the first one carries the header labels (and may have no data rows)."""
    seen = 0
    for number, data in enumerate(record_chunks(path, batch_bytes)):
        batch = read_batch(data, field_count, has_header=number == 0, first_record=seen)
        seen += batch.cells.height + (number == 0)
        yield batch
