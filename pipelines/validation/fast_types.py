"""Table Schema types as polars expressions that read a cell exactly as frictionless does.

Each type turns a column of raw strings into a *canonical* column: one polars
value per cell such that two cells are equal (and ordered) exactly when
frictionless' parsed Python values are. `parse` returns that value plus an
`ok` mask; `ok` is only ever True where the grammar accepted is provably a
subset of what frictionless accepts, with the same value. Everything else —
Unicode digits, odd whitespace, "1e3", "24:00:00", week dates — is left to
frictionless' own cell reader, so a cell is either read here the way
frictionless reads it or read by frictionless itself.

`thorough=False` is the cheap grammar run over whole batches (the common
spellings); `thorough=True` adds the rarer spellings frictionless accepts
(unpadded dates, fractions of seconds, other separators, surrounding
whitespace) and only runs on the few cells the cheap grammar did not accept.

Canonical values:
  string → the text; integer, year → Int64; number, geopoint parts → Float64
  (only for decimals with at most 15 significant digits, which float64 keeps
  distinct and ordered); boolean → Boolean; date → Date; yearmonth → Int64
  year·16 + month; datetime, time → Int64 2·microseconds + aware, where the
  microseconds are UTC for an aware value and wall-clock for a naive one
  (Python never finds a naive and an aware value equal, and refuses to order
  them — see `aware_of`); geopoint → "lon|lat" text of the two floats.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Callable, NamedTuple

import polars as pl

PY_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.strip() removes among ASCII characters
MAX_EXACT_FLOAT_DIGITS = 15  # decimals with ≤ 15 significant digits keep their identity and order as float64
DECIMAL = r"[+-]?[0-9]+(?:\.[0-9]+)?"
FRACTION = r"(?:[.,]([0-9]+))?"
TZ = r"([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
CLOCK = r"([0-9]{2}):([0-9]{2}):([0-9]{2})"
US_PER_MINUTE = 60_000_000
US_PER_DAY = 86_400 * 1_000_000
EPOCH = datetime(1970, 1, 1)


class NotFastCheckable(Exception):
    """The schema or a value needs something the vectorized checks cannot reproduce exactly."""


class Parsed(NamedTuple):
    value: pl.Expr  # canonical value; meaningful only where ok
    ok: pl.Expr  # the cell is read here exactly as frictionless reads it


def no_other_digits(c: pl.Expr) -> pl.Expr:
    """No decimal digit outside ASCII. Python's \\d and polars' \\d are both Unicode category Nd, so
    where this holds, [0-9] and [^0-9] mean in polars what \\d and \\D mean in Python."""
    return ~c.str.contains(r"[\d&&[^0-9]]")


def aware_of(value: pl.Expr) -> pl.Expr:
    """For datetime and time canonical values: 1 when aware, 0 when naive (polars' % is a floor modulo)."""
    return value % 2


class ColumnType:
    """The default: a type the fast engine reads as text (string)."""

    dtype: pl.DataType = pl.String
    orderable = False  # minimum/maximum compare canonical values
    keyable = True  # unique/primaryKey compare canonical values
    display_from_key = True  # str(parsed value) can be rebuilt from the canonical value

    def __init__(self, field: Any) -> None:
        self.field = field
        self.value_reader = field.create_value_reader()

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        return Parsed(c, c.is_not_null())

    def from_python(self, values: list[Any]) -> pl.Series:
        """frictionless' parsed values (None allowed) → canonical values; raises when not exact."""
        return pl.Series(values, dtype=self.dtype)

    def display(self, key: Any) -> str:
        """str() of the parsed value, from its canonical value (unique-error cells)."""
        return str(key)


class IntegerType(ColumnType):
    dtype = pl.Int64
    orderable = True

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        if not self.field.bare_number:
            return self._parse_not_bare(c)
        text = c.str.strip_chars(PY_ASCII_SPACE) if thorough else c
        value = text.cast(pl.Int64, strict=False)  # polars accepts exactly [+-]?[0-9]+ within Int64
        return Parsed(value, value.is_not_null())

    def _parse_not_bare(self, c: pl.Expr) -> Parsed:
        """bareNumber: false drops leading characters other than '-' and digits, and trailing non-digits.

        What is left is the run from the first '-' or digit to the last digit: one
        regex captures it (no digit may follow it). Python's \\d is Unicode, so a cell
        with a digit outside ASCII goes to frictionless' reader.
        """
        value = c.str.extract(r"^[^-0-9]*(-?[0-9]+)[^0-9]*$", 1).cast(pl.Int64, strict=False)
        return Parsed(value, (no_other_digits(c) & value.is_not_null()).fill_null(False))

    def from_python(self, values: list[Any]) -> pl.Series:
        if any(v is not None and not -(2**63) <= v < 2**63 for v in values):
            return pl.Series([None if v is None else str(v) for v in values], dtype=pl.String)
        return pl.Series(values, dtype=pl.Int64)


class YearType(ColumnType):
    dtype = pl.Int64
    orderable = True

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        # frictionless: exactly 4 characters, then int() (which allows surrounding spaces and a sign)
        text = c.str.strip_chars(PY_ASCII_SPACE) if thorough else c
        value = text.cast(pl.Int64, strict=False)
        width = c.str.len_chars() if thorough else c.str.len_bytes()  # polars' cast reads ASCII only
        ok = (width == 4) & value.is_between(0, 9999)
        return Parsed(value, ok.fill_null(False))


class NumberType(ColumnType):
    dtype = pl.Float64
    orderable = True

    def __init__(self, field: Any) -> None:
        super().__init__(field)
        defined = set(field.list_defined())
        self.processed = bool({"group_char", "decimal_char", "bare_number"} & defined)
        if self.processed and field.decimal_char == "":
            raise NotFastCheckable(f"field {field.name!r} has an empty decimalChar")
        # one character each, neither a digit nor a sign, and different: the cheap grouped-number regex applies
        chars = [field.decimal_char] + ([field.group_char] if field.group_char else [])
        self.simple_chars = (self.processed and field.bare_number and len(set(chars)) == len(chars)
                             and all(len(ch) == 1 and ch not in "0123456789+-" for ch in chars))

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        field = self.field
        ok = pl.lit(True)
        text = c
        if self.processed and not field.bare_number:
            if field.group_char == "" and field.decimal_char == ".":
                return self._parse_not_bare(c, thorough=thorough)
            text = text.str.replace(r"^[^-0-9]*", "").str.replace(r"[^0-9]*$", "")
            ok = no_other_digits(c)
        elif self.processed and not thorough and self.simple_chars:
            return self._parse_grouped(c)
        elif thorough:
            text = text.str.strip_chars(PY_ASCII_SPACE)
        if self.processed:
            if field.group_char:
                text = text.str.replace_all(field.group_char, "", literal=True)
            if field.decimal_char != ".":
                ok = ok & ~text.str.contains(".", literal=True)
                text = text.str.replace_all(field.decimal_char, ".", literal=True)
        # the cheap pass takes only short cells (≤ 15 bytes hold ≤ 15 digits); longer ones are counted on demand
        digits_ok = few_digits(text) if thorough else text.str.len_bytes() <= MAX_EXACT_FLOAT_DIGITS
        ok = ok & text.str.contains(f"^{DECIMAL}$") & digits_ok
        return Parsed(text.cast(pl.Float64, strict=False), ok.fill_null(False))

    def _parse_not_bare(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        """bareNumber: false with the default characters: the number between the dropped prefix and suffix.

        frictionless drops the leading characters other than '-' and digits and the
        trailing non-digits (see IntegerType._parse_not_bare); Python's \\d is Unicode,
        and so is the regex's here, so a digit outside ASCII never reaches [0-9].
        The cheap pass asks the shape alone (no capture) and takes only short cells.
        """
        number = r"(-?[0-9]+(?:\.[0-9]+)?)"
        if thorough:
            text = c.str.extract(rf"^[^-\d]*{number}\D*$", 1)
            return Parsed(text.cast(pl.Float64, strict=False), few_digits(text).fill_null(False))
        ok = c.str.contains(rf"^[^-\d]*{number}\D*$") & (c.str.len_bytes() <= MAX_EXACT_FLOAT_DIGITS)
        value = c.str.extract(rf"^[^-\d]*{number}\D*$", 1).cast(pl.Float64, strict=False)  # only when asked for
        return Parsed(value, ok.fill_null(False))

    def _parse_grouped(self, c: pl.Expr) -> Parsed:
        """The cheap pass with a group and/or decimal character: one shape regex on the raw cell.

        Digits in groups, then at most one decimal part: once frictionless has removed
        the group characters and read the decimal character as ".", this is a plain
        decimal it reads the same way (no "." can remain unless it is the decimal
        character). Cells of at most 15 bytes hold at most 15 digits.
        """
        group = f"(?:{literal_char(self.field.group_char)}[0-9]+)*" if self.field.group_char else ""
        shape = rf"^[+-]?[0-9]+{group}(?:{literal_char(self.field.decimal_char)}[0-9]+)?$"
        ok = c.str.contains(shape) & (c.str.len_bytes() <= MAX_EXACT_FLOAT_DIGITS)
        text = c.str.replace_all(self.field.group_char, "", literal=True) if self.field.group_char else c
        value = text.str.replace(self.field.decimal_char, ".", literal=True).cast(pl.Float64, strict=False)
        return Parsed(value, ok.fill_null(False))

    def from_python(self, values: list[Any]) -> pl.Series:
        return pl.Series([exact_float(v) for v in values], dtype=pl.Float64)

    def display(self, key: Any) -> str:
        raise NotFastCheckable("str() of a decimal is not kept by its float value")


def literal_char(char: str) -> str:
    """One character as a polars (Rust) regex literal, whatever it is."""
    return f"\\x{{{ord(char):X}}}"


def few_digits(text: pl.Expr) -> pl.Expr:
    """At most MAX_EXACT_FLOAT_DIGITS digits in a text that matches DECIMAL (leading zeros count too:
    a safe over-count). Its digits are its bytes less an optional sign and point — no regex needed."""
    point = text.str.contains(".", literal=True).cast(pl.Int64)
    sign = (text.str.starts_with("-") | text.str.starts_with("+")).cast(pl.Int64)
    return text.str.len_bytes().cast(pl.Int64) - point - sign <= MAX_EXACT_FLOAT_DIGITS


def exact_float(value: Any) -> float | None:
    """The float of a parsed number when floats compare like the decimals do, else NotFastCheckable.

    If every number's shortest float spelling reads back as the same decimal, the
    mapping is one-to-one, and rounding never reverses an order: equality and
    order of the floats are those of the decimals.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotFastCheckable("a boolean where a number was expected")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    as_float = float(number)
    if not number.is_finite() or Decimal(repr(as_float)) != number:
        raise NotFastCheckable(f"the number {value} is not exactly representable as a 64-bit float")
    return as_float + 0.0


class BooleanType(ColumnType):
    dtype = pl.Boolean

    def __init__(self, field: Any) -> None:
        super().__init__(field)
        falsy = set(field.false_values)
        self.truthy = [v for v in field.true_values if v not in falsy]  # a value in both lists reads as False
        self.known = list(field.true_values) + list(field.false_values)

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        return Parsed(c.is_in(self.truthy), c.is_in(self.known))


class DateType(ColumnType):
    dtype = pl.Date
    orderable = True
    # Python's strptime("%Y-%m-%d"): 4 digits, then 1–2-digit month, then 1–2-digit day or " 7"
    LOOSE = r"^([0-9]{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])$"

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        if thorough:
            parts = c.str.extract_groups(self.LOOSE)
            c = pl.concat_str(parts.struct[0], pl.lit("-"), parts.struct[1].str.zfill(2), pl.lit("-"),
                              parts.struct[2].str.strip_chars(" ").str.zfill(2))
        shaped = c.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        value = c.str.to_date("%Y-%m-%d", strict=False, cache=False)
        return Parsed(value, (shaped & (value >= date(1, 1, 1))).fill_null(False))

    def from_python(self, values: list[Any]) -> pl.Series:
        return pl.Series([None if v is None else (v - date(1970, 1, 1)).days for v in values], dtype=pl.Int32).cast(pl.Date)

    def display(self, key: Any) -> str:
        return str(date(1970, 1, 1) + timedelta(days=key)) if isinstance(key, int) else str(key)


def zone(tz: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The UTC offset in minutes (null when naive) and whether dateutil accepts it:
    "Z", "z" and any zero offset are UTC; other offsets need hours ≤ 23 and minutes ≤ 59."""
    sign = pl.when(tz.str.starts_with("-")).then(-1).otherwise(1)
    hours = tz.str.slice(1, 2).cast(pl.Int64, strict=False)
    minutes = tz.str.slice(3).str.strip_prefix(":").cast(pl.Int64, strict=False).fill_null(0)
    utc = tz.is_in(["Z", "z"]) | ((hours == 0) & (minutes == 0))
    offset = pl.when(tz.is_null()).then(None).when(utc).then(0).otherwise(sign * (hours * 60 + minutes))
    return offset, (tz.is_null() | utc | ((hours <= 23) & (minutes <= 59))).fill_null(False)


def clock_us(hh: pl.Expr, mm: pl.Expr, ss: pl.Expr, fraction: pl.Expr | None) -> tuple[pl.Expr, pl.Expr]:
    """Microseconds since midnight, and whether the clock is valid for Python (no leap second; hour 24,
    dateutil's "next midnight", is left to frictionless' reader). dateutil keeps 6 fraction digits."""
    h, m, s = (x.cast(pl.Int64, strict=False) for x in (hh, mm, ss))
    us = ((h * 60 + m) * 60 + s) * 1_000_000
    if fraction is not None:
        us = us + fraction.str.slice(0, 6).str.pad_end(6, "0").cast(pl.Int64, strict=False).fill_null(0)
    return us, ((h <= 23) & (m <= 59) & (s <= 59)).fill_null(False)


def with_zone(us: pl.Expr, offset: pl.Expr) -> pl.Expr:
    """The canonical value: 2·microseconds + aware (UTC microseconds when aware)."""
    return (us - offset.fill_null(0) * US_PER_MINUTE) * 2 + offset.is_not_null().cast(pl.Int64)


def microseconds(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def zoned(values: list[Any], wall_us: Callable[[Any], int]) -> pl.Series:
    """frictionless' datetimes or times → canonical values (see with_zone); `wall_us` reads the wall clock."""
    out = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        offset = v.utcoffset()
        us = wall_us(v) - (microseconds(offset) if offset is not None else 0)
        out.append(us * 2 + (offset is not None))
    return pl.Series(out, dtype=pl.Int64)


# the common spellings, with every range in the regex: only the calendar is left to check
CHEAP_CLOCK = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
CHEAP_ZONE = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"


class DatetimeType(ColumnType):
    """frictionless' default datetime: cell[16] == ":" and ≥ 19 characters, then dateutil's isoparse."""

    dtype = pl.Int64
    orderable = True
    display_from_key = False
    SHAPE = rf"^([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})[\x00-\x7f]{CLOCK}{FRACTION}{TZ}$"

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        if thorough:  # any ASCII separator, fractions, every offset spelling
            parts = c.str.extract_groups(self.SHAPE)
            day, hh, mm, ss, fraction, tz = (parts.struct[i] for i in range(6))
            shaped = day.is_not_null()
        else:  # "YYYY-MM-DDTHH:MM:SS", optionally "Z" or "±HH:MM"
            shaped = c.str.contains(rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{CHEAP_CLOCK}{CHEAP_ZONE}$")
            day, hh, mm, ss, fraction = c.str.slice(0, 10), c.str.slice(11, 2), c.str.slice(14, 2), c.str.slice(17, 2), None
            tz = pl.when(c.str.len_bytes() > 19).then(c.str.slice(19))
        days = day.str.to_date("%Y-%m-%d", strict=False, cache=False)
        us, clock_ok = clock_us(hh, mm, ss, fraction)
        offset, zone_ok = zone(tz)
        ok = shaped & (days >= date(1, 1, 1))
        if thorough:
            ok = ok & clock_ok & zone_ok
        return Parsed(with_zone(days.cast(pl.Int64) * US_PER_DAY + us, offset), ok.fill_null(False))

    def from_python(self, values: list[Any]) -> pl.Series:
        return zoned(values, lambda v: microseconds(v.replace(tzinfo=None) - EPOCH))


class TimeType(ColumnType):
    """frictionless' default time: cell[5] == ":" and ≥ 8 characters, read as the time of 2000-01-01T<cell>."""

    dtype = pl.Int64
    orderable = True
    display_from_key = False

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        if thorough:
            parts = c.str.extract_groups(rf"^{CLOCK}{FRACTION}{TZ}$")
            hh, mm, ss, fraction, tz = (parts.struct[i] for i in range(5))
            shaped = hh.is_not_null()
        else:
            shaped = c.str.contains(rf"^{CHEAP_CLOCK}{CHEAP_ZONE}$")
            hh, mm, ss, fraction = c.str.slice(0, 2), c.str.slice(3, 2), c.str.slice(6, 2), None
            tz = pl.when(c.str.len_bytes() > 8).then(c.str.slice(8))
        us, clock_ok = clock_us(hh, mm, ss, fraction)
        offset, zone_ok = zone(tz)
        ok = shaped & clock_ok & zone_ok if thorough else shaped
        return Parsed(with_zone(us, offset), ok.fill_null(False))

    def from_python(self, values: list[Any]) -> pl.Series:
        return zoned(values, lambda v: ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond)


class YearmonthType(ColumnType):
    """frictionless: exactly one "-", int() of both sides, month 1–12; the value is a (year, month) tuple."""

    dtype = pl.Int64
    orderable = True

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        if thorough:
            parts = c.str.extract_groups(r"^[ \t]*\+?([0-9]{1,15})[ \t]*-[ \t]*\+?([0-9]{1,15})[ \t]*$")
            year, month = parts.struct[0], parts.struct[1]
            shaped = year.is_not_null()
        else:
            year, month = c.str.slice(0, 4), c.str.slice(5, 2)
            shaped = c.str.contains(r"^[0-9]{4}-[0-9]{2}$")
        year, month = year.cast(pl.Int64, strict=False), month.cast(pl.Int64, strict=False)
        return Parsed(year * 16 + month, (shaped & month.is_between(1, 12)).fill_null(False))

    def from_python(self, values: list[Any]) -> pl.Series:
        out = []
        for v in values:
            if v is None:
                out.append(None)
                continue
            year, month = v
            if not (isinstance(year, int) and isinstance(month, int) and 0 <= month < 16 and abs(year) < 2**58):
                raise NotFastCheckable(f"the yearmonth {tuple(v)} has no exact vectorized form")
            out.append(year * 16 + month)
        return pl.Series(out, dtype=pl.Int64)

    def display(self, key: Any) -> str:
        return f"yearmonth(year={key // 16}, month={key % 16})"


class GeopointType(ColumnType):
    """frictionless' default geopoint: "lon,lat", each stripped and read as a Decimal, within ±180 / ±90."""

    dtype = pl.String
    display_from_key = False
    DIGITS = r"(?:\.[0-9]{1,12})?"  # fraction digits: with ≤ 3 whole digits: ≤ 15 digits, exact as a float
    LON = rf"[+-]?(?:(?:1[0-7][0-9]|[0-9]{{1,2}}){DIGITS}|180(?:\.0{{1,12}})?)"
    LAT = rf"[+-]?(?:[0-8]?[0-9]{DIGITS}|90(?:\.0{{1,12}})?)"

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        if thorough:
            parts = c.str.extract_groups(f"^[ \t]*({DECIMAL})[ \t]*,[ \t]*({DECIMAL})[ \t]*$")
            lon, lat = parts.struct[0], parts.struct[1]
            digits_ok = few_digits(lon) & few_digits(lat)
            shaped = lon.is_not_null()
        else:  # "lon,lat" or "lon, lat" with the ranges and ≤ 15 digits in one regex; values only when needed
            comma = c.str.find(",", literal=True)
            lon, lat = c.str.slice(0, comma), c.str.slice(comma + 1).str.strip_chars_start(" ")
            ok = c.str.contains(f"^{self.LON}, ?{self.LAT}$")
            return Parsed(self.point_text(lon.cast(pl.Float64, strict=False), lat.cast(pl.Float64, strict=False)), ok)
        lon_f, lat_f = lon.cast(pl.Float64, strict=False), lat.cast(pl.Float64, strict=False)
        ok = shaped & digits_ok & lon_f.is_between(-180, 180) & lat_f.is_between(-90, 90)
        return Parsed(self.point_text(lon_f, lat_f), ok.fill_null(False))

    @staticmethod
    def point_text(lon: pl.Expr, lat: pl.Expr) -> pl.Expr:
        def text(x: pl.Expr) -> pl.Expr:  # Decimal("-0") == 0: one spelling for zero
            return pl.when(x == 0).then(pl.lit("0")).otherwise(x.cast(pl.String))
        return pl.concat_str(text(lon), pl.lit("|"), text(lat))

    def from_python(self, values: list[Any]) -> pl.Series:
        lon = [None if v is None else exact_float(v[0]) for v in values]
        lat = [None if v is None else exact_float(v[1]) for v in values]
        frame = pl.DataFrame({"lon": lon, "lat": lat}, schema={"lon": pl.Float64, "lat": pl.Float64})
        return frame.select(pl.when(pl.col("lon").is_not_null()).then(self.point_text(pl.col("lon"), pl.col("lat")))).to_series()


class DurationType(ColumnType):
    """frictionless' duration: isodate's ISO 8601 period grammar.

    Only validity is reproduced: values compare through isodate's own mixed
    Decimal/float arithmetic, so enum, unique and primaryKey on a duration stay
    with frictionless (see fast_support.py). Whole parts of at most 6 digits
    keep every sum of components far below timedelta's limit (10⁹ days), so
    no accepted cell can overflow there.
    """

    dtype = pl.Boolean
    keyable = False
    N = r"[0-9]{1,6}(?:[,.][0-9]{1,9})?"
    SHAPE = rf"^[+-]?P(?:{N}Y)?(?:{N}M)?(?:{N}W)?(?:{N}D)?(?:T(?:{N}H)?(?:{N}M)?(?:{N}S)?)?$"

    def parse(self, c: pl.Expr, *, thorough: bool) -> Parsed:
        # isodate's (?!\b) after "P" refuses a bare "P"; anything after it is a digit or "T" here
        ok = c.str.contains(self.SHAPE) & (c.str.strip_chars_start("+-") != "P")
        return Parsed(ok, ok.fill_null(False))


TYPES: dict[str, Callable[[Any], ColumnType]] = {
    "string": ColumnType, "integer": IntegerType, "year": YearType, "number": NumberType,
    "boolean": BooleanType, "date": DateType, "datetime": DatetimeType, "time": TimeType,
    "yearmonth": YearmonthType, "geopoint": GeopointType, "duration": DurationType,
}


def column_type(field: Any) -> ColumnType:
    return TYPES[field.type](field)


__all__ = ["ColumnType", "NotFastCheckable", "Parsed", "TYPES", "aware_of", "column_type", "exact_float"]
