"""Text cells a spreadsheet would run as a formula: flagged as warnings, published unchanged.

Why warn and not rewrite: a cell such as `=HYPERLINK("http://evil","klicka")`
or `@SUM(A1)` is harmless in the CSV and in the DataStore, but Excel or
LibreOffice evaluate it when someone opens the downloaded file (CSV/formula
injection). Prefixing it with `'` would change the published value, which we
never do; so the steward gets a warning naming the row and field, fixes the
source if the value is a mistake, and users are told in the README to open
CSV files with the import dialog.

Only text cells count (fields of type string or any): -5 in an integer column
and +46 70 123 45 67 as a phone number are numbers, not formulas, so a cell
starting with + or - is flagged only when something other than digits and
number punctuation follows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from .report import ValidationError

TEXT_TYPES = frozenset({"string", "any"})
FORMULA_START = r"^[=+\-@\t\r]"
NUMBER_LIKE = r"^[+-][0-9\s.,/()-]*$"  # -5, +46 70-123 45 67, -1,5: read as numbers, never as formulas
MAX_WARNINGS = 100


def formula_warnings(csv_path: Path, schema: Mapping[str, Any], limit: int = MAX_WARNINGS) -> list[ValidationError]:
    """Warnings for text cells starting with =, +, -, @, a tab or a carriage return (numbers excepted).

    Rows are numbered as in the error list (the header is row 1). A file
    that cannot be read as CSV gives no warnings: the engines report it.
    """
    import polars as pl

    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    text_fields = [f["name"] for f in (fields if isinstance(fields, list) else [])
                   if isinstance(f, Mapping) and isinstance(f.get("name"), str) and f.get("type", "string") in TEXT_TYPES]
    if not text_fields:
        return []
    try:
        frame = pl.scan_csv(csv_path, infer_schema=False).with_row_index("_row")
        names = set(frame.collect_schema().names())
        checked = [n for n in text_fields if n in names]
        if not checked:
            return []
        # rows without a formula-like cell are dropped before the unpivot, which would copy every text cell
        hits = (
            frame.select("_row", *checked)
            .filter(pl.any_horizontal(_formula_like(pl.col(name)) for name in checked))
            .unpivot(index="_row", on=checked, variable_name="field", value_name="cell")
            .filter(_formula_like(pl.col("cell")))
            .sort("_row", "field")
            .head(limit)
            .collect()
        )
    except (pl.exceptions.PolarsError, OSError):
        return []
    return [
        ValidationError(
            "formula-like-cell",
            f"the text starts with {cell[0]!r}: a spreadsheet opening the CSV may run it as a formula; "
            "if it is not meant as text, correct the source",
            row=int(row) + 2,
            field=str(field),
            cell=str(cell),
        )
        for row, field, cell in hits.iter_rows()
    ]


def _formula_like(cell):  # a polars expression: the cell starts like a formula and is not a number
    return cell.str.contains(FORMULA_START) & ~cell.str.contains(NUMBER_LIKE)
