"""Value conversions to the canonical form, by the Table Schema's field types.

`number` fields get '.' as decimal mark ('1 234,5' → '1234.5'), `integer`
fields lose thousands separators, `date` fields become ISO 8601 (Swedish
day-first order). A value that cannot be converted comes back unchanged, so
validation reports it with its row: nothing here guesses.

Each conversion has a scalar form and a column-at-a-time form for batches of
rows; `SIMPLE` names the common shape of each kind (the polars engine takes a
column only when every value has it).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Mapping, Sequence

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|nan|INF|NaN|Inf)")
_INTEGER = re.compile(r"[+-]?\d+")


def decimal_point(value: str) -> str:
    """'1 234,5' → '1234.5'. Unconvertible values come back unchanged (validation reports them)."""
    # fast path, the common case in Swedish exports: '-12,5' / '12,5' / '12.5' / '12'
    c = value.replace(",", ".")
    digits = c[1:] if c[:1] == "-" else c
    if digits.count(".") <= 1 and digits.replace(".", "").isdigit() and digits.isascii() and value.count(",") <= 1:
        return c if "," in value else value
    return _decimal_point_slow(value)


def _decimal_point_slow(value: str) -> str:
    v = value.strip()
    if not v:
        return v
    if "," in v or " " in v or "\u00a0" in v or "\u202f" in v or "\u2212" in v or "\u2009" in v:
        c = v.translate(_SPACES).replace("\u2212", "-")
        commas = c.count(",")
        if commas == 1:
            dot = c.find(".")
            comma = c.find(",")
            if dot == -1:
                c = c.replace(",", ".")
            elif dot < comma:  # '1.234,5': dots group thousands
                c = c.replace(".", "").replace(",", ".")
            else:  # '1,234.5' is not a Swedish form: leave it for validation to flag
                return value
        elif commas > 1:
            return value
        return c if _NUMBER.fullmatch(c) else value
    return v


def integer_digits(value: str) -> str:
    """'12 345' → '12345' (space as thousands separator); anything else unchanged."""
    if value.isdigit():
        return value
    v = value.strip()
    if " " in v or "\u00a0" in v or "\u202f" in v or "\u2212" in v or "\u2009" in v:
        c = v.translate(_SPACES).replace("\u2212", "-")
        return c if _INTEGER.fullmatch(c) else value
    return v


_DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "ymd"),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T]00:00(?::00(?:\.0+)?)?"), "ymd"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "ymd"),
    (re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})"), "dmy"),
)


def iso_date(value: str) -> str:
    """'20240501', '2024/5/1', '1/5/2024', '01.05.2024' → '2024-05-01' (Swedish day-first order)."""
    n = len(value)
    if n == 10 and value[4] == "-" and value[7] == "-":
        return value  # already ISO (validation checks it is a real date)
    if n == 19 and value.endswith(" 00:00:00") and value[4] == "-" and value[7] == "-":
        return value[:10]  # Excel's midnight timestamp for a date
    v = value.strip()
    for pattern, order in _DATE_FORMS:
        m = pattern.fullmatch(v)
        if m:
            a, b, c = (int(x) for x in m.groups()[:3])
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return dt.date(y, mo, d).isoformat()
            except ValueError:
                return value
    return value


def field_converters(schema: Mapping[str, Any]) -> dict[str, Callable[[str], str]]:
    """Which columns need which conversion, from the Table Schema's field types.

    Fields with an explicit non-default `format` or custom decimal/group chars are
    left alone: the schema then describes the source form and Frictionless parses it.
    """
    out: dict[str, Callable[[str], str]] = {}
    for f in schema.get("fields", []) or []:
        name, ftype = f.get("name"), f.get("type", "string")
        if not name:
            continue
        if ftype == "number" and "decimalChar" not in f and "groupChar" not in f:
            out[name] = decimal_point
        elif ftype == "integer" and "groupChar" not in f:
            out[name] = integer_digits
        elif ftype == "date" and f.get("format", "default") == "default":
            out[name] = iso_date
    return out


# Column-at-a-time versions: one regex check over a whole batch of a column
# (joined with NUL) proves every value is in the common simple form, so the
# conversion runs at C speed; otherwise each value goes through the scalar
# function. Results are identical either way (tests check both paths).
_SEP = "\x00"
SIMPLE = {  # one value in the common form, per conversion (also used by the polars engine)
    "number": r"-?[0-9]+(?:[.,][0-9]+)?",
    "integer": r"-?[0-9]+",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: 00:00:00)?",
}
_SIMPLE_DECIMALS = re.compile(f"(?:{SIMPLE['number']})?(?:\\x00(?:{SIMPLE['number']})?)*")
_SIMPLE_INTEGERS = re.compile(f"(?:{SIMPLE['integer']})?(?:\\x00(?:{SIMPLE['integer']})?)*")
_SIMPLE_DATES = re.compile(f"(?:{SIMPLE['date']})?(?:\\x00(?:{SIMPLE['date']})?)*")


def decimal_points(values: Sequence[str]) -> Sequence[str]:
    joined = _SEP.join(values)
    if _SIMPLE_DECIMALS.fullmatch(joined):
        return joined.replace(",", ".").split(_SEP) if "," in joined else values
    return [decimal_point(v) for v in values]


def integers(values: Sequence[str]) -> Sequence[str]:
    if _SIMPLE_INTEGERS.fullmatch(_SEP.join(values)):
        return values
    return [integer_digits(v) for v in values]


def iso_dates(values: Sequence[str]) -> Sequence[str]:
    joined = _SEP.join(values)
    if _SIMPLE_DATES.fullmatch(joined):
        return joined.replace(" 00:00:00", "").split(_SEP) if " " in joined else values
    return [iso_date(v) for v in values]


BATCH_CONVERTERS: dict[Callable[[str], str], Callable[[Sequence[str]], Sequence[str]]] = {
    decimal_point: decimal_points,
    integer_digits: integers,
    iso_date: iso_dates,
}
KINDS = {decimal_point: "number", integer_digits: "integer", iso_date: "date"}
