"""frictionless' error messages, worded exactly as it words them, for the fast engine's errors.

Kept apart from the checks because it is the only row-by-row Python in the fast
engine: it runs once per *reported* error (at most `limit_errors` of them), so
it needs only what the batches left behind — the raw cell of each cell error,
the raw text of records with extra cells, the key columns and the earlier rows
that unique/primary-key notes point to.
"""

from __future__ import annotations

import csv
import io

import polars as pl

from .fast_keys import KeyColumns
from .report import ValidationError


def describe(errors: pl.DataFrame, checks: list, extra_records: dict[int, str], keys: dict[int, pl.Series],
             key_store: KeyColumns, previous: dict[tuple[int, int], int]) -> list[ValidationError]:
    """`errors` has idx, type, sub, constraint, field, cell (raw text, null for an absent cell), sorted."""
    fields = [check.field for check in checks]
    out: list[ValidationError] = []
    columns = ("idx", "type", "sub", "constraint", "field", "cell")
    for idx, etype, sub, constraint, j, raw in errors.select(columns).iter_rows():
        row = idx + 2
        if etype in ("type-error", "constraint-error"):
            field = fields[j]
            cell = str(raw)
            if etype == "type-error":
                note = f'type is "{field.type}/{field.format}"'
                msg = f'Type error in the cell "{cell}" in row "{row}" and field "{field.name}" at position "{j + 1}": {note}'
            else:
                note = f'constraint "{constraint}" is "{field.constraints[constraint]}"'
                msg = (f'The cell "{cell}" in row at position "{row}" and field "{field.name}" at position "{j + 1}" '
                       f"does not conform to a constraint: {note}")
            out.append(ValidationError(type=etype, message=msg, row=row, field=field.name, cell=cell))
        elif etype == "missing-cell":
            msg = f'Row at position "{row}" has a missing cell in field "{fields[j].name}" at position "{j + 1}"'
            out.append(ValidationError(type=etype, message=msg, row=row, field=fields[j].name, cell=""))
        elif etype == "extra-cell":
            record = next(csv.reader(io.StringIO(extra_records[idx], newline="")))
            msg = f'Row at position "{row}" has an extra value in field at position "{sub + 1}"'
            out.append(ValidationError(type=etype, message=msg, row=row, field=None, cell=record[sub]))
        elif etype == "blank-row":
            out.append(ValidationError(type=etype, message=f'Row at position "{row}" is completely blank', row=row))
        elif etype == "unique-error":
            note = f"the same as in the row at position {previous[(j, idx)] + 2}"
            msg = (f'Row at position "{row}" has unique constraint violation in field "{fields[j].name}" '
                   f'at position "{j + 1}": {note}')
            out.append(ValidationError(type=etype, message=msg, row=row, field=fields[j].name,
                                       cell=_shown_value(checks[j], keys[j][idx], key_store, j, idx)))
        else:  # primary-key
            prev = previous.get((-1, idx))
            note = ('cells composing the primary keys are all "None"' if prev is None
                    else f"the same as in the row at position {prev + 2}")
            out.append(ValidationError(type=etype, message=f'Row at position "{row}" violates the primary key: {note}', row=row))
    return out


def _shown_value(check, key, key_store: KeyColumns, j: int, idx: int) -> str:
    """str() of the parsed value, as frictionless puts it in a unique-error."""
    if check.ctype.display_from_key:
        return check.ctype.display(key)
    return str(check.ctype.value_reader(key_store.raw(j, idx)))
