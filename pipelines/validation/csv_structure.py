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
import queue
import threading
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
    if data.find(b'"', 0, pos) < 0:  # no quote at all: nothing to count
        return pos + 1
    quotes = data.count(b'"', 0, pos)
    while quotes % 2:
        before = data.rfind(b"\n", 0, pos)
        if before < 0:
            return 0
        quotes -= data.count(b'"', before, pos)
        pos = before
    return pos + 1


def read_records(data: bytes) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Each CSV record's raw text (a record spans lines when a quoted cell holds newlines), the
    indices of the records holding a quote, and those records' numbers of quote characters."""
    try:
        lines = pl.read_csv(
            data, has_header=False, separator="\x00", quote_char=None, schema={"line": pl.String},
            empty_string_is_null=False, encoding="utf8",
        ).get_column("line")
    except pl.exceptions.ComputeError as exc:
        raise NotFastReadable(f"polars cannot read the file as UTF-8 text ({str(exc).splitlines()[0]})") from None
    quoted_at = lines.str.contains('"', literal=True).arg_true()
    quotes = lines.gather(quoted_at).str.count_matches('"', literal=True)
    odd_at = quoted_at.filter(quotes % 2 == 1)
    if odd_at.len() == 0:
        return lines, quoted_at, quotes
    if odd_at.len() % 2:
        raise NotFastReadable("a quoted cell is not closed before the end of the file")
    # a record spans from a line with an odd number of quotes to the next such line; only those lines are joined
    odd = pl.repeat(False, lines.len(), eager=True, dtype=pl.Boolean).scatter(odd_at, True)
    inside = (odd.cast(pl.UInt32).cum_sum() % 2 == 1) | odd  # opened, continued or closed by this line
    spans = inside.arg_true()
    parts = pl.DataFrame({"line": lines.gather(spans), "odd": odd.gather(spans)})
    record = (pl.col("odd").cast(pl.UInt32).cum_sum() + 1) // 2  # pairs of odd lines delimit one record
    joined = parts.group_by(record.alias("record"), maintain_order=True).agg(pl.col("line").str.join("\n"))
    opening = odd_at.gather_every(2)  # the first line of each multi-line record stands for the whole record
    continuation = pl.repeat(False, lines.len(), eager=True, dtype=pl.Boolean).scatter(spans, True).scatter(opening, False)
    joined_text = joined.get_column("line")
    records = lines.scatter(opening, joined_text).filter(~continuation)
    # the quoted lines that stay records keep their quote counts, moved up past the lines merged away;
    # an opening line now holds its whole record, whose quotes are counted again
    kept = ~continuation.gather(quoted_at)
    quoted_lines, quotes = quoted_at.filter(kept), quotes.filter(kept)
    quotes = quotes.scatter(quoted_lines.is_in(opening.implode()).arg_true(),
                            joined_text.str.count_matches('"', literal=True).cast(quotes.dtype))
    dropped_before = continuation.cast(pl.UInt32).cum_sum().gather(quoted_lines)
    return records, (quoted_lines - dropped_before).cast(quoted_at.dtype), quotes


def read_batch(data: bytes, field_count: int, *, has_header: bool, first_record: int = 0) -> CsvBatch:
    """Structure first, then cells; the cell counts come from lengths, without a second scan of the text.

    A record's text is its cells, the separators between them, and for each quoted
    cell its two quotes plus one more per quote inside it (written twice). Polars
    gives the cells (an absent one as ""), so a record has
        cells = length − Σ cell lengths − (quotes in the text − quotes in the cells) + 1,
    exact up to the schema's width; a longer record (extra cells) is counted
    directly. Records with quotes must match the strict grammar of well-formed
    CSV first: only there do polars and Python's csv module provably agree.
    `first_record` (records before this chunk, header included) only makes error messages exact.
    """
    records, quoted_at, quotes = read_records(data)
    lengths = records.str.len_bytes().cast(pl.Int64)
    if quoted_at.len():
        # a record without quotes always matches the grammar: when most have quotes, check all (no gather)
        mostly = quoted_at.len() * 2 > records.len()
        bad = ~(records if mostly else records.gather(quoted_at)).str.contains(WELL_FORMED)
        if bad.any():
            first_bad = int(bad.arg_true()[0])
            index = first_record + (first_bad if mostly else int(quoted_at[first_bad]))
            raise NotFastReadable(f"record {index + 1} has quotes the strict CSV grammar does not cover")
    skip = 1 if has_header else 0
    labels = None
    if has_header:
        header = next(csv.reader(io.StringIO(records[0], newline="")), [])
        labels = [cell.strip() for cell in header]
    total = records.len()
    names = [f"c{i}" for i in range(field_count)]
    cells = pl.read_csv(
        data, has_header=False, schema={n: pl.String for n in names}, quote_char='"',
        truncate_ragged_lines=True, empty_string_is_null=False, infer_schema=False,
    )
    if cells.height != total:
        raise NotFastReadable(f"polars read {cells.height} records where the structure scan found {total}")
    cell_bytes = cells.select(pl.sum_horizontal(pl.all().str.len_bytes().cast(pl.Int64))).to_series()
    counts = lengths - cell_bytes + 1
    if quoted_at.len():
        # a quote inside a cell is written twice inside a quoted cell: only a record with 4 quotes or more has any
        maybe = quoted_at.filter(quotes >= 4)
        escaped = maybe.filter(records.gather(maybe).str.contains('""', literal=True))
        counts = counts.scatter(quoted_at, counts.gather(quoted_at) - quotes.cast(pl.Int64))
        if escaped.len():
            inner = cells.gather(escaped).select(
                pl.sum_horizontal(pl.all().str.count_matches('"', literal=True).cast(pl.Int64))).to_series()
            counts = counts.scatter(escaped, counts.gather(escaped) + inner)
    longer = (counts > field_count).arg_true()
    if longer.len():  # cells beyond the schema's width are not in `cells`: count separators outside quotes
        text = records.gather(longer).str.replace_all(QUOTED, "")
        counts = counts.scatter(longer, text.str.count_matches(",", literal=True).cast(pl.Int64) + 1)
    counts = pl.select(pl.when(lengths == 0).then(0).otherwise(counts).cast(pl.UInt32)).to_series()
    extra_at = (counts > field_count).arg_true()
    extra_records = dict(zip((extra_at - skip).to_list(), records.gather(extra_at).to_list()))
    return CsvBatch(labels=labels, cells=cells.slice(skip), counts=counts.slice(skip), extra_records=extra_records)


def read_batches(path: Path, field_count: int, batch_bytes: int = BATCH_BYTES) -> Iterator[CsvBatch]:
    """The file's batches in order; the first one carries the header labels (and may have no data rows).

    The next batch is read on a second thread while the caller checks the current
    one: polars releases the GIL while it parses, so reading and checking overlap
    (one batch ahead: memory grows by one batch, not more).
    """
    return _ahead(_batches(path, field_count, batch_bytes))


def _batches(path: Path, field_count: int, batch_bytes: int) -> Iterator[CsvBatch]:
    seen = 0
    for number, data in enumerate(record_chunks(path, batch_bytes)):
        batch = read_batch(data, field_count, has_header=number == 0, first_record=seen)
        seen += batch.cells.height + (number == 0)
        yield batch


def _ahead(items: Iterator[CsvBatch]) -> Iterator[CsvBatch]:
    """Yield from `items`, producing the next item on a worker thread meanwhile; errors surface in order."""
    done = object()
    slots: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                slots.put(item)
            slots.put(done)
        except BaseException as exc:  # handed to the consumer, raised there
            slots.put(exc)

    worker = threading.Thread(target=produce, name="csv-batches", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:  # the consumer stopped early (error limit) or failed: let the worker finish its batch and quit
        stop.set()
        while worker.is_alive():
            try:
                slots.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()
