"""Normalize: Swedish CSV, Excel and JSON records → one canonical UTF-8 CSV.

Why a stage of its own, before validation: municipal exports come as
Windows-1252, ';' separated, with decimal commas, BOMs and Excel title rows.
Validating those directly yields a wall of type errors that say nothing about
the real cause; normalizing first makes the validation report about the data.

What it never does: guess silently. A value it cannot convert is written
unchanged, so validation reports it with its row; a structural problem (an
unnamed header column, an undecodable byte) raises a `SourceError` that says
where and what to do. Files stream row by row (bounded memory) and appear
under their name only when complete.

Modules: `encoding` (the proof of a file's encoding, with `wide_text` for
UTF-16/32 and `text_evidence` for mixed and implausible text), `strict_csv`
(quoting and line ends that would change values), `values` (per-type
conversions), `decimal_marks` (one decimal mark per number column), `writer`
(the canonical writer, rows → CSV), `csv_files` (CSV with the `csv` and
`polars` engines; `polars_csv` is the latter), `xlsx` (Excel sheets, with
`xml_parts` refusing DTDs), `records` (JSON records), `json_text` (JSON
documents parsed with located errors).
"""

from .csv_files import DELIMITERS, detect_delimiter, normalize_csv
from .encoding import Detected, EncodingError, detect_encoding
from .json_text import parse_json
from .records import normalize_records
from .values import decimal_point, field_converters, integer_digits, iso_date
from .writer import NormalizeEngine, NormalizeResult, cell_text, normalize_rows
from .xlsx import check_unpacked_size, iter_sheet_rows, normalize_xlsx

__all__ = [
    "DELIMITERS",
    "Detected",
    "EncodingError",
    "NormalizeEngine",
    "NormalizeResult",
    "cell_text",
    "check_unpacked_size",
    "decimal_point",
    "detect_delimiter",
    "detect_encoding",
    "field_converters",
    "integer_digits",
    "iso_date",
    "iter_sheet_rows",
    "normalize_csv",
    "normalize_records",
    "normalize_rows",
    "normalize_xlsx",
    "parse_json",
]
