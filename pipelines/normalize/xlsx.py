"""Read one sheet of an XLSX workbook as rows, streaming (openpyxl read-only mode).

Why a separate module: sheet selection, the header row and Excel's habit of
reporting a "used range" far beyond the data are Excel concerns; the canonical
writer (`writer`) only sees plain rows.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any, Iterator
from xml.etree.ElementTree import ParseError

from ..errors import SourceError, SourceErrorKind
from .writer import NormalizeResult, normalize_rows
from .xml_parts import check_no_dtd

# An XLSX file is a zip: a few hundred kB can unpack to gigabytes (a "zip bomb"). The download size
# limit cannot see that, so the declared unpacked size is checked before anything is unpacked.
# zipfile never inflates a member past its declared size (a lying header ends in a CRC error).
MAX_UNPACKED_BYTES = 512 * 1024**2


def check_unpacked_size(path: Path, source: str, limit: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse a workbook whose members unpack to more than `limit` bytes, before unpacking any."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable zip: openpyxl reports it as a broken workbook
    if total > limit:
        raise SourceError(
            SourceErrorKind.TOO_LARGE,
            f"{source}: the workbook unpacks to {total} bytes, more than the limit of {limit} bytes "
            "(a zip bomb, or an export too large for XLSX: ask for CSV)",
        )


def _open_sheet(path: Path, sheet: str | int | None, source: str):
    import openpyxl  # imported here: only Excel sources pay for it

    check_unpacked_size(path, source)
    check_no_dtd(path, source)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError, zlib.error, EOFError) as exc:
        raise SourceError(
            SourceErrorKind.DECODE_ERROR, f"{source}: not a readable XLSX workbook ({type(exc).__name__}); save it as .xlsx again"
        ) from None
    names = wb.sheetnames
    if sheet is None:
        ws = wb.worksheets[0]
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 1 <= sheet <= len(names):
            wb.close()
            raise SourceError(SourceErrorKind.CONFIG, f"{source}: sheet number {sheet} does not exist; the workbook has {len(names)} sheet(s): {names}")
        ws = wb.worksheets[sheet - 1]
    elif str(sheet) in names:
        ws = wb[str(sheet)]
    else:
        wb.close()
        raise SourceError(SourceErrorKind.CONFIG, f"{source}: no sheet named {sheet!r}; the workbook has {names}")
    return wb, ws


def iter_sheet_rows(path: Path, *, sheet: str | int | None = None, header_row: int = 1, source: str | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows from `header_row` (1-based) down; the first yielded row is the header."""
    source = source or path.name
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        raise SourceError(SourceErrorKind.CONFIG, f"{source}: header_row must be a whole number ≥ 1, not {header_row!r}")
    wb, ws = _open_sheet(path, sheet, source)
    row = header_row - 1
    try:
        ws.reset_dimensions()  # ignore the stored "used range": it is often wrong
        for row, cells in enumerate(ws.iter_rows(min_row=header_row, values_only=True), start=header_row):
            yield cells
    except (zipfile.BadZipFile, EOFError, zlib.error, ParseError) as exc:  # a member that lies about its size or is corrupt
        raise SourceError(SourceErrorKind.DECODE_ERROR, f"{source}: the workbook is damaged ({exc}); save it as .xlsx again") from None
    except ValueError as exc:  # a cell openpyxl cannot convert, e.g. a number with thousands of digits
        raise SourceError(
            SourceErrorKind.DECODE_ERROR,
            f"{source}: row {row + 1}: a cell cannot be read ({str(exc).split(':')[0][:120]}); correct the cell in the workbook",
        ) from None
    finally:
        wb.close()


def normalize_xlsx(
    src: Path,
    dest: Path,
    schema: dict,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    source: str | None = None,
    allow_empty: bool = False,
) -> NormalizeResult:
    """Normalize one sheet to the canonical CSV; rows above `header_row` (titles) are skipped."""
    source = source or src.name
    rows = iter_sheet_rows(src, sheet=sheet, header_row=header_row, source=source)
    label = f"{source} (sheet {sheet!r})" if sheet is not None else source
    return normalize_rows(rows, dest, schema, source=label, first_line=header_row, allow_empty=allow_empty)
