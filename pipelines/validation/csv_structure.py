"""Read a canonical CSV batch by batch: string columns plus the facts frictionless derives per record.

Why batches: holding every column of a big file as polars strings costs more
memory than frictionless' row-by-row reading (the fast engine must stay at or
below its peak). The file is cut into byte chunks at record boundaries — a newline with
an even number of quotes before it, the same rule that groups lines into
records below — so each chunk is a self-contained run of whole records.

Polars parses the cells (fast, multi-threaded) but cannot say how many cells a
record had: a short record and a record with empty trailing cells look the same.
Frictionless reports those differently (missing-cell vs an empty value), so the
record structure is computed separately from the positions of the chunk's
newlines and quotes (numpy, without copying the text): records are re-assembled
by quote parity, their quotes are checked against a strict grammar of
well-formed CSV, and the cell counts follow from the record lengths. Anything
the grammar does not cover (stray quotes, CR line ends, NUL bytes, invalid
UTF-8) is reported as a reason to let frictionless read the file instead —
those files are rare, and only Python's csv module defines what they mean.
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

import numpy as np
import polars as pl

BATCH_BYTES = 4 << 20  # ≈ 60k rows of a 10-column file; what a batch holds in polars is a few times this
QUOTED = r'"(?:[^"]|"")*"'
NEWLINE, QUOTE = ord("\n"), ord('"')
BEFORE_A_CELL = np.zeros(256, dtype=bool)  # the bytes a cell's opening quote follows (its closing one precedes)
BEFORE_A_CELL[[ord(","), NEWLINE]] = True


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


@dataclass
class RecordLayout:
    """Where each record of a chunk lies, and what its quotes say — found from byte positions alone."""

    starts: np.ndarray  # byte offset of each record (int64)
    ends: np.ndarray  # byte offset just after it, its newline excluded
    quotes: np.ndarray  # quote characters in the record's text
    escapes: np.ndarray  # of those, the doubled quotes "" inside a quoted cell (each stands for one quote)
    malformed: int | None  # the first record whose quotes the strict grammar does not cover


def record_layout(data: bytes) -> RecordLayout:
    """Records of a chunk of whole records, by the positions of its newlines and quotes.

    A record is a line, or several when a quoted cell holds newlines: a line
    continues the record before it while the quotes so far are odd. The strict
    grammar of well-formed CSV — each cell unquoted without quotes, or quoted
    with "" for a quote inside — is checked quote by quote: counting the
    chunk's quotes in order (every record holds an even number), an opening
    quote (even count) starts a cell — after a separator, a newline or the
    start — or follows a closing quote directly ("" inside a cell); a closing
    one (odd count) ends a cell — before a separator, a newline or the end —
    or precedes an opening one directly. Nothing is copied: the record texts
    that are needed (header, records with extra cells) are sliced from `data`.
    """
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0  # polars skips it too
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == NEWLINE)
    size, open_end = len(data), not data.endswith(b"\n")  # the last record may end without a newline
    quote_at = np.flatnonzero(raw == QUOTE) if b'"' in data else np.empty(0, dtype=np.int64)
    if quote_at.size % 2:
        raise NotFastReadable("a quoted cell is not closed before the end of the file")
    if quote_at.size == 0:
        ends = np.append(newlines, size) if open_end else newlines
        zero = np.zeros(len(ends), dtype=np.int64)
        return RecordLayout(np.concatenate(([start], newlines[: len(ends) - 1] + 1)), ends, zero, zero, None)
    starts, ends, quotes = _records(newlines, quote_at, start, size, open_end)

    opening, closing = quote_at[0::2], quote_at[1::2]
    doubled = closing[:-1] + 1 == opening[1:]  # a closing quote directly followed by the next opening one
    open_ok = BEFORE_A_CELL[raw[opening - 1]] | (opening == start)  # opening - 1 is -1 only where opening == start
    open_ok[1:] |= doubled
    close_ok = BEFORE_A_CELL[raw[np.minimum(closing + 1, size - 1)]] | (closing == size - 1)
    close_ok[:-1] |= doubled
    escapes = np.zeros(len(ends), dtype=np.int64)
    if doubled.any():
        escapes = np.bincount(np.searchsorted(ends, closing[:-1][doubled]), minlength=len(ends))
    malformed = None
    if not (open_ok.all() and close_ok.all()):
        first_bad = min(opening[~open_ok].min(initial=size), closing[~close_ok].min(initial=size))
        malformed = int(np.searchsorted(ends, first_bad))
    return RecordLayout(starts, ends, quotes, escapes, malformed)


def _records(newlines: np.ndarray, quote_at: np.ndarray, start: int, size: int,
             open_end: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end and number of quotes of each record; the search runs over the shorter of the two lists."""
    line_ends = np.append(newlines, size) if open_end else newlines
    if quote_at.size < newlines.size:  # few quoted lines: when none has an odd number of quotes, lines are records
        line_quotes = np.bincount(np.searchsorted(newlines, quote_at), minlength=line_ends.size)
        if not (line_quotes & 1).any():
            return np.concatenate(([start], line_ends[:-1] + 1)), line_ends, line_quotes
    quotes_before = np.searchsorted(quote_at, newlines)  # quotes before each newline
    closes = quotes_before % 2 == 0  # a newline outside quotes ends a record
    ends = newlines[closes]
    quotes_so_far = quotes_before[closes]
    if open_end:
        ends, quotes_so_far = np.append(ends, size), np.append(quotes_so_far, quote_at.size)
    return np.concatenate(([start], ends[:-1] + 1)), ends, np.diff(quotes_so_far, prepend=0)


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
    layout = record_layout(data)
    if layout.malformed is not None:
        raise NotFastReadable(f"record {first_record + layout.malformed + 1} has quotes the strict CSV grammar does not cover")
    total = len(layout.starts)
    names = [f"c{i}" for i in range(field_count)]
    try:  # polars checks that the whole chunk is UTF-8, the cells beyond the schema's width too
        cells = pl.read_csv(
            data, has_header=False, schema={n: pl.String for n in names}, quote_char='"',
            truncate_ragged_lines=True, empty_string_is_null=False, infer_schema=False,
        )
    except pl.exceptions.ComputeError as exc:
        raise NotFastReadable(f"polars cannot read the file as UTF-8 text ({str(exc).splitlines()[0]})") from None
    if cells.height != total:
        raise NotFastReadable(f"polars read {cells.height} records where the structure scan found {total}")
    skip = 1 if has_header else 0
    labels = None
    if has_header:
        header = next(csv.reader(io.StringIO(_text(data, layout, 0), newline="")), [])
        labels = [cell.strip() for cell in header]
    lengths = layout.ends - layout.starts
    # quotes in the text less quotes in the cells: two per quoted cell (an escaped pair leaves one in its cell)
    cell_bytes = cells.select(pl.sum_horizontal(pl.all().str.len_bytes().cast(pl.Int64))).to_series().to_numpy()
    counts = lengths - layout.quotes + layout.escapes + 1 - cell_bytes
    longer = np.flatnonzero(counts > field_count)
    if longer.size:  # cells beyond the schema's width are not in `cells`: count separators outside quotes
        text = pl.Series([_text(data, layout, i) for i in longer], dtype=pl.String).str.replace_all(QUOTED, "")
        counts[longer] = text.str.count_matches(",", literal=True).to_numpy() + 1
    counts[lengths == 0] = 0  # an empty line is a record without cells
    extra_records = {int(i) - skip: _text(data, layout, i) for i in np.flatnonzero(counts > field_count)}
    counts = pl.Series(counts.astype(np.uint32))
    return CsvBatch(labels=labels, cells=cells.slice(skip), counts=counts.slice(skip), extra_records=extra_records)


def _text(data: bytes, layout: RecordLayout, record: int) -> str:
    return data[layout.starts[record]:layout.ends[record]].decode("utf-8")


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
