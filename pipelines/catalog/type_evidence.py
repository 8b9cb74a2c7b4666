"""What a column's values prove about its type: the evidence `register` drafts from and `check` compares with.

Why not a type guesser (frictionless' describe): a guess is a type that fits
a sample and may not fit the data's meaning. Frictionless reads one-decimal
percentages "4,9" as a geopoint, a column of empty cells as `any`, "0880" as
the integer 880. Each of those, once in a schema, publishes values that
differ from the source (or checks nothing) while validation passes.

So a column is drafted only as a type that every non-empty value proves:
- `string` with a pattern, when every value is digits and one has a leading
  zero (a code: "0880" must stay "0880");
- `integer`, when every value is a whole number that fits the DataStore's
  64-bit integers;
- `number`, when every value is a decimal number written with one decimal
  mark throughout (a comma, optionally with space-grouped thousands, or a
  point) — the converted values are then checked by `register`;
- `date`, when every value is an ISO 8601 date (YYYY-MM-DD) that exists;
- `boolean`, when every value is true/false;
- `string` otherwise. Nothing is ever drafted as geopoint, geojson, object,
  array, any or year: no set of values proves those meanings.
A column with no values at all proves nothing: its type is left as a `TODO`
that `check` refuses until the steward chooses one.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .checks.placeholders import PLACEHOLDER

INT64 = (-(2**63), 2**63 - 1)
_DIGITS = re.compile(r"\d+")
_INTEGER = re.compile(r"-?(?:0|[1-9]\d*)")
_COMMA_NUMBER = re.compile(r"-?(?:\d+|\d{1,3}(?: \d{3})+)(?:,\d+)?")
_POINT_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOLEANS = frozenset({"true", "false", "True", "False", "TRUE", "FALSE"})
TODO_TYPE = f"{PLACEHOLDER}: välj typ (kolumnen är tom i filen)"


@dataclass
class ColumnEvidence:
    """What every non-empty value of one column has in common (streamed: bounded memory)."""

    name: str
    values: int = 0  # non-empty values seen
    first: str = ""  # the first non-empty value, for messages
    digits: bool = True  # every value is digits only
    leading_zero: str = ""  # a digits-only value with a leading zero, if any
    lengths: set[int] = field(default_factory=set)  # lengths of digits-only values (up to a few)
    integer: bool = True  # every value is a whole number without leading zeros
    int64: bool = True  # …that fits in 64 bits
    comma_number: bool = True  # every value is a number whose decimal mark, if any, is a comma
    point_number: bool = True  # …whose decimal mark, if any, is a point
    comma: str = ""  # a value written with a decimal comma, if any
    point: str = ""  # a value written with a decimal point, if any
    date: bool = True
    boolean: bool = True

    def see(self, value: str) -> None:
        if value == "":
            return
        self.values += 1
        if not self.first:
            self.first = value
        if self.digits:
            if _DIGITS.fullmatch(value):
                if len(self.lengths) < 4:
                    self.lengths.add(len(value))
                if len(value) > 1 and value[0] == "0" and not self.leading_zero:
                    self.leading_zero = value
            else:
                self.digits = False
        if self.integer:
            if _INTEGER.fullmatch(value):
                if self.int64 and not _fits_int64(value):
                    self.int64 = False
            else:
                self.integer = False
        if self.comma_number:
            if _COMMA_NUMBER.fullmatch(value):
                if "," in value and not self.comma:
                    self.comma = value
            else:
                self.comma_number = False
        if self.point_number:
            if _POINT_NUMBER.fullmatch(value):
                if "." in value and not self.point:
                    self.point = value
            else:
                self.point_number = False
        if self.date and not (_ISO_DATE.fullmatch(value) and _real_date(value)):
            self.date = False
        if self.boolean and value not in _BOOLEANS:
            self.boolean = False

    @property
    def code_like(self) -> bool:
        return self.values > 0 and self.digits and bool(self.leading_zero)

    def proven_type(self) -> str | None:
        """The type every value proves; None when there are no values."""
        if not self.values:
            return None
        if self.code_like:
            return "string"
        if self.integer and self.int64:
            return "integer"
        if self.comma_number and self.comma and not self.point:
            return "number"
        if self.point_number and self.point and not self.comma:
            return "number"
        if self.date:
            return "date"
        if self.boolean:
            return "boolean"
        return "string"


def _fits_int64(value: str) -> bool:
    digits = value.lstrip("-")
    if len(digits) > 19:
        return False
    return INT64[0] <= int(value) <= INT64[1]


def _real_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def scan_columns(csv_path: Path) -> list[ColumnEvidence]:
    """Evidence for every column of a canonical CSV (UTF-8, ',' separated), over all its rows."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        columns = [ColumnEvidence(name) for name in header]
        for row in reader:
            for column, cell in zip(columns, row):
                column.see(cell)
    return columns


def drafted_field(column: ColumnEvidence) -> dict[str, Any]:
    """The field a draft schema gets for this evidence: type (or TODO) and, for codes, a pattern."""
    proven = column.proven_type()
    if proven is None:
        return {"name": column.name, "type": TODO_TYPE}
    out: dict[str, Any] = {"name": column.name, "type": proven}
    if proven == "string" and column.code_like:
        lengths = column.lengths
        out["constraints"] = {"pattern": rf"^\d{{{next(iter(lengths))}}}$" if len(lengths) == 1 else r"^\d+$"}
    return out


def contradictions(declared: Iterable[dict[str, Any]], columns: list[ColumnEvidence]) -> list[tuple[str, str]]:
    """(field name, what is wrong) for declared types the values contradict: types that would change or
    hide the values (leading zeros lost, numbers read as points or JSON)."""
    by_name = {c.name: c for c in columns}
    found = []
    for spec in declared:
        if not isinstance(spec, dict):
            continue
        name, ftype = spec.get("name"), spec.get("type", "string")
        column = by_name.get(name)
        if column is None or not column.values:
            continue
        if ftype in ("integer", "number", "year") and column.code_like:
            found.append((name, f"is {ftype}, but values such as {column.leading_zero!r} have leading zeros that "
                                f"the {ftype} type drops; make it a string with a pattern"))
        proven = column.proven_type()
        if ftype in ("geopoint", "geojson", "object", "array", "duration", "yearmonth") and proven in ("integer", "number"):
            example = column.comma or column.point or column.first
            found.append((name, f"is {ftype}, but every value is a plain number (e.g. {example!r}); "
                                "make it \"number\" (or \"integer\")"))
    return found
