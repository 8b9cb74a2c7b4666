"""The fast engine for large, well-formed CSV files: polars parses, converts and writes.

Why: Python's csv module tops out at a few tens of MB/s, too slow for
gigabyte exports next to pandas. Polars parses and writes in parallel native
code with a streaming engine (bounded memory).

Why it is only a fast path: the row-by-row engine in `normalize` is the
reference. This engine takes a file only when it can prove it would produce
the same bytes:
- a header of ≥ 2 distinct, non-empty names (after trimming), no unnamed columns;
- no record has more fields than the header (polars raises; the reference
  engine then trims empty extra cells or names the line); shorter records are
  padded with empty cells, as the reference engine does;
- every value of a converted column is in the simple form (`SIMPLE`), where
  the conversion is a plain text replacement.
Anything else returns None and the caller uses the reference engine (slower,
with exact line numbers in its messages). Tests compare both engines byte for byte.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from pathlib import Path
from typing import Callable, Mapping, Any

from .encoding import Detected

CHUNK = 1 << 20


class _BareCarriageReturn(Exception):
    """A lone '\r' ends a line for the csv module but not for polars: the engines would disagree."""


def _check_line_ends(chunk: bytes, previous_ended_with_cr: bool) -> bool:
    """Raise if `chunk` has a '\r' not followed by '\n'; return whether it ends with '\r'."""
    if previous_ended_with_cr and chunk and not chunk.startswith(b"\n"):
        raise _BareCarriageReturn()
    ends_with_cr = chunk.endswith(b"\r")
    body = chunk[:-1] if ends_with_cr else chunk
    if body.count(b"\r") != body.count(b"\r\n"):
        raise _BareCarriageReturn()
    return ends_with_cr


def _transcode(src: Path, detected: Detected, tmp: Path) -> Path:
    """A UTF-8 copy without BOM (or `src` itself when it already is one). Strict decoding.

    Also refuses (via _BareCarriageReturn) files with old-Mac line ends.
    """
    copy = not (detected.encoding == "utf-8" and not detected.bom)
    decoder = codecs.getincrementaldecoder(detected.encoding)("strict")
    cr = False
    with open(src, "rb") as fin, (open(tmp, "wb") if copy else open(os.devnull, "wb")) as fout:
        if detected.bom:
            fin.seek(3)
        while chunk := fin.read(CHUNK):
            cr = _check_line_ends(chunk, cr)
            if copy:
                fout.write(decoder.decode(chunk).encode("utf-8"))
        if cr:
            raise _BareCarriageReturn()
        if copy:
            fout.write(decoder.decode(b"", final=True).encode("utf-8"))
    return tmp if copy else src


def _header(path: Path, delimiter: str) -> list[str] | None:
    """The first record, parsed by the csv module exactly as the reference engine does."""
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh, delimiter=delimiter, strict=False), None)


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

    utf8_tmp = dest.with_name(f".{dest.name}.{os.getpid()}.utf8.part")
    out_tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    try:
        text = _transcode(src, detected, utf8_tmp)
        header = _header(text, delimiter)
        if not header:
            return None
        names = [h.strip() for h in header]
        if len(names) < 2 or not all(names) or len(set(names)) != len(names):
            return None
        plan = [(n, kinds.get(converters[n])) for n in names if n in converters]
        if any(kind is None for _, kind in plan):
            return None
        lf = pl.scan_csv(
            text, separator=delimiter, has_header=True, new_columns=names, infer_schema=False,
            empty_string_is_null=True, truncate_ragged_lines=False, quote_char='"', encoding="utf8",
        )
        # empty cells (and cells missing from short rows) are null: written as nothing, like the reference
        blank = pl.concat_str(names, ignore_nulls=True).str.strip_chars() == ""
        check = lf.select(
            pl.len().alias("records"),
            blank.sum().alias("blank"),
            *[pl.col(n).filter(~blank).str.contains(f"^(?:{simple[k]})$").all().alias(f"simple:{n}") for n, k in plan],
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
            .sink_csv(out_tmp, quote_style="necessary", line_terminator="\n", null_value="", lazy=True)
        )
        # one parse feeds both the checks and the output; the output is kept only if the checks pass
        checks = pl.collect_all([check, sink], engine="streaming")[0].row(0, named=True)
        if not all(checks[f"simple:{n}"] for n, _ in plan):
            return None
        os.replace(out_tmp, dest)
        return int(checks["records"]) - int(checks["blank"])
    except (pl.exceptions.PolarsError, UnicodeDecodeError, csv.Error, _BareCarriageReturn):
        return None  # the reference engine reports the problem with its line
    finally:
        utf8_tmp.unlink(missing_ok=True)
        out_tmp.unlink(missing_ok=True)
