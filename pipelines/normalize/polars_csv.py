"""The fast engine for large, well-formed CSV files: polars parses, converts and writes.

Why: Python's csv module tops out at a few tens of MB/s, too slow for
gigabyte exports next to pandas. Polars parses and writes in parallel native
code with a streaming engine (bounded memory).

Why it is only a fast path: the row-by-row `csv` engine (`csv_files`) is the
reference. This engine takes a file only when it can prove it would produce
the same bytes:
- a header of ≥ 2 distinct, non-empty names (after trimming), no unnamed columns;
- no record has more fields than the header (polars raises; the reference
  engine then trims empty extra cells or names the line); shorter records are
  padded with empty cells, as the reference engine does;
- every value of a converted column is in the simple form (`SIMPLE`), where
  the conversion is a plain text replacement, and a number column uses one
  decimal mark throughout (`decimal_marks` names the lines otherwise);
- the text passes the strict CSV syntax check (`strict_csv`), run over the
  decoded text in the same pass (the reference engine names the fault).
Anything else returns None and the caller uses the reference engine (slower,
with exact line numbers in its messages). Tests compare both engines byte for byte.

Memory: polars maps its input file, and mapped pages count as resident memory.
So the strict transcoding pass also cuts the text into UTF-8 parts of about
PART_BYTES, each a whole number of records (cut only at a newline outside
quotes) and each starting with the header; polars handles one part at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Mapping

from ..errors import SourceError
from ..files import atomic_write
from .encoding import Detected
from .strict_csv import StrictCsv

CHUNK = 1 << 20
PART_BYTES = 32 << 20


class _Declined(Exception):
    """The file is outside what this engine can prove identical to the reference."""


def _check_line_ends(chunk: bytes, previous_ended_with_cr: bool) -> bool:
    """Decline a '\r' not followed by '\n' (old-Mac line ends: the csv module splits
    records there, polars does not); return whether `chunk` ends with '\r'."""
    if previous_ended_with_cr and chunk and not chunk.startswith(b"\n"):
        raise _Declined("bare carriage return")
    ends_with_cr = chunk.endswith(b"\r")
    body = chunk[:-1] if ends_with_cr else chunk
    if body.count(b"\r") != body.count(b"\r\n"):
        raise _Declined("bare carriage return")
    return ends_with_cr


def _record_end(buf: bytes, start: int = 0) -> int:
    """Index just after the last newline in buf[start:] that lies outside quotes (buf starts outside quotes), or -1."""
    pos = buf.rfind(b"\n", start)
    tries = 0
    while pos >= 0 and buf.count(b'"', 0, pos) % 2:
        tries += 1
        if tries > 64:
            return -1  # many quoted newlines: keep reading, cut later
        pos = buf.rfind(b"\n", start, pos)
    return pos + 1 if pos >= 0 else -1


def _first_record_end(buf: bytes) -> int:
    pos = buf.find(b"\n")
    while pos >= 0 and buf.count(b'"', 0, pos) % 2:
        pos = buf.find(b"\n", pos + 1)
    return pos + 1 if pos >= 0 else -1


def _parts(src: Path, detected: Detected, tmpdir: Path, delimiter: str) -> tuple[bytes, list[Path]]:
    """Strictly decode `src` into UTF-8 part files of whole records; return (header line, parts)."""
    decoder = codecs.getincrementaldecoder(detected.encoding)("strict")
    strict = StrictCsv(delimiter, src.name)
    cr = False
    header: bytes | None = None
    pending: list[bytes] = []
    size = 0
    parts: list[Path] = []

    def emit(final: bool) -> None:
        nonlocal pending, size, header
        buf = b"".join(pending)
        if header is None:
            end = _first_record_end(buf)
            if end < 0:
                if not final:
                    pending, size = [buf], len(buf)
                    return
                end = len(buf)
            header, buf = buf[:end], buf[end:]
        cut = len(buf) if final else _record_end(buf)
        if cut > 0:
            path = tmpdir / f"part-{len(parts):05d}.csv"
            with open(path, "wb") as fh:
                fh.write(header if header.endswith(b"\n") else header + b"\n")
                fh.write(buf[:cut])
            parts.append(path)
            buf = buf[cut:]
        pending, size = ([buf] if buf else []), len(buf)

    with open(src, "rb") as fin:
        fin.seek(detected.offset)
        while chunk := fin.read(CHUNK):
            cr = _check_line_ends(chunk, cr)
            text = decoder.decode(chunk)
            try:
                strict.feed(text)
            except SourceError:
                raise _Declined("strict CSV syntax") from None
            data = text.encode("utf-8")
            pending.append(data)
            size += len(data)
            if size >= PART_BYTES:
                emit(final=False)
        if cr:
            raise _Declined("bare carriage return")
        text = decoder.decode(b"", final=True)
        try:
            strict.feed(text)
            strict.finish()
        except SourceError:
            raise _Declined("strict CSV syntax") from None
        pending.append(text.encode("utf-8"))
        emit(final=True)
    return header or b"", parts


def normalize_csv_fast(
    src: Path,
    dest: Path,
    converters: Mapping[str, Callable[[str], str]],
    kinds: Mapping[Callable[[str], str], str],
    simple: Mapping[str, str],
    *,
    detected: Detected,
    delimiter: str,
) -> int | None:
    """Write the canonical CSV to `dest` and return its data rows, or None to ask for the reference engine.

    `converters` maps column name → scalar conversion; `kinds` maps each conversion
    to its kind ("number", "integer", "date"); `simple` maps a kind to the regex of
    its simple form.
    """
    import polars as pl

    tmpdir = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        header_line, parts = _parts(src, detected, tmpdir, delimiter)
        header = next(csv.reader(io.StringIO(header_line.decode("utf-8"), newline=""), delimiter=delimiter), None)
        names = [h.strip() for h in header or []]
        if not parts or len(names) < 2 or not all(names) or len(set(names)) != len(names):
            return None
        plan = [(n, kinds.get(converters[n])) for n in names if n in converters]
        if any(kind is None for _, kind in plan):
            return None
        rows = 0
        outputs = []
        marks: set[tuple[str, str]] = set()  # (column, "comma" | "point") seen in any part
        for i, part in enumerate(parts):
            rows += _convert_part(pl, part, tmpdir / f"out-{i:05d}.csv", names, plan, simple, delimiter,
                                  header=(i == 0), marks=marks)
            outputs.append(tmpdir / f"out-{i:05d}.csv")
            part.unlink()
        if any((n, "comma") in marks and (n, "point") in marks for n, _ in plan):
            return None  # the reference engine names the lines of both marks
        if rows == 0:
            return None  # the reference engine decides about a table without data rows
        with atomic_write(dest) as out:
            for path in outputs:
                with open(path, "rb") as fh:
                    shutil.copyfileobj(fh, out, CHUNK)
                path.unlink()
        return rows
    except (_Declined, pl.exceptions.PolarsError, UnicodeDecodeError, csv.Error):
        return None  # the reference engine handles it, and names the line of any error
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _convert_part(pl, part: Path, out: Path, names: list[str], plan, simple, delimiter: str, *, header: bool,
                  marks: set[tuple[str, str]]) -> int:
    """Check and convert one part in a single parse; return its data rows. Raise _Declined if not simple."""
    lf = pl.scan_csv(
        part, separator=delimiter, has_header=True, new_columns=names, infer_schema=False,
        empty_string_is_null=True, truncate_ragged_lines=False, quote_char='"', encoding="utf8",
    )
    # empty cells (and cells missing from short rows) are null: written as nothing, like the reference
    blank = pl.concat_str(names, ignore_nulls=True).str.strip_chars() == ""
    check = lf.select(
        pl.len().alias("records"),
        blank.sum().alias("blank"),
        *[pl.col(n).filter(~blank).str.contains(f"^(?:{simple[k]})$").all().alias(f"simple:{n}") for n, k in plan],
        *[pl.col(n).str.contains(",", literal=True).any().alias(f"comma:{n}") for n, k in plan if k == "number"],
        *[pl.col(n).str.contains(".", literal=True).any().alias(f"point:{n}") for n, k in plan if k == "number"],
    )
    conversions = []
    for n, kind in plan:
        if kind == "number":
            conversions.append(pl.col(n).str.replace_all(",", ".", literal=True))
        elif kind == "date":
            conversions.append(pl.col(n).str.replace(" 00:00:00", "", literal=True))
    sink = (
        lf.filter(~blank)
        .with_columns(conversions)
        .sink_csv(out, include_header=header, quote_style="necessary", line_terminator="\n", null_value="", lazy=True)
    )
    checks = pl.collect_all([check, sink], engine="streaming")[0].row(0, named=True)
    if not all(checks[f"simple:{n}"] for n, _ in plan):
        raise _Declined("values outside the simple forms")
    for n, kind in plan:  # simple number forms hold at most one mark, so a point here is a decimal point
        if kind == "number":
            marks.update((n, mark) for mark in ("comma", "point") if checks[f"{mark}:{n}"])
    return int(checks["records"]) - int(checks["blank"])
