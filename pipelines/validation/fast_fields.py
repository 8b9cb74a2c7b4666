"""Type and constraint checks for one column, vectorized, with frictionless' exact semantics.

Each type has a strict "obviously valid" grammar that polars parses exactly
like Python does (e.g. integers of at most 18 ASCII digits, ISO dates with a
4-digit year). Cells outside that grammar — rare in good data, and the place
where Python's int(), strptime() and dateutil accept surprising things — are
handed to frictionless' own cell reader one by one. So every verdict is either
provably the same as frictionless' or *is* frictionless'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

from .fast_support import type_constraints

FAST_GRAMMAR = {
    "integer": r"^[+-]?[0-9]{1,18}$",
    "year": r"^[0-9]{4}$",
    "number": r"^[+-]?[0-9]+(\.[0-9]+)?$",
    "date": r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$",
    "datetime": r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$",
}
MAX_EXACT_FLOAT_DIGITS = 15  # decimals with ≤ 15 significant digits keep their order as float64
BOUNDS = {"minimum": "ge", "maximum": "le", "exclusiveMinimum": "gt", "exclusiveMaximum": "lt"}
SAFE_PATTERN = re.compile(r"^(?:[^\\(\[]|\\[d.\-+()\[\]/\\]|\((?!\?)|\[(?!:))*$")


class NotFastCheckable(Exception):
    """The schema has a value the vectorized checks cannot reproduce exactly."""


@dataclass
class ColumnResult:
    blank: pl.Series  # value is missing (frictionless "blank cell")
    key: pl.Series | None  # str(parsed value) or null, for unique / primaryKey
    errors: pl.DataFrame  # idx, type, sub, constraint


ERROR_SCHEMA = {"idx": pl.UInt32, "type": pl.String, "sub": pl.Int32, "constraint": pl.String}


def check_column(field: Any, column: pl.Series, *, need_key: bool) -> ColumnResult:
    """`field` is a frictionless Field; `column` holds raw strings, null for absent cells."""
    ftype = field.type
    try:
        reader = field.create_cell_reader()
    except Exception as exc:  # e.g. a pattern Python cannot compile: frictionless reports it
        raise NotFastCheckable(f"frictionless cannot build a reader for {field.name!r}: {exc}") from None
    value_reader = field.create_value_reader()
    constraints = {k: v for k, v in field.constraints.items() if k in type_constraints(ftype)}
    missing_values = field.missing_values if field.has_defined("missing_values") or not field.schema else field.schema.missing_values

    is_missing = column.is_null() | column.is_in(list(missing_values))
    parsed, fast_ok = _parse_fast(field, column, constraints, value_reader)
    fast = ~is_missing & fast_ok
    route = ~is_missing & ~fast
    frames: list[pl.DataFrame] = []

    order = list(type_constraints(ftype))
    if constraints.get("required"):
        frames.append(_errors(is_missing, "constraint-error", order.index("required"), "required"))
    for name in order:
        if name == "required" or name not in constraints or not fast.any():
            continue
        fail = _constraint_fails(ftype, name, constraints[name], parsed, value_reader)
        frames.append(_errors(fast & fail, "constraint-error", order.index(name), name))

    key = None
    if need_key:
        key = pl.select(pl.when(fast).then(_key(ftype, parsed)).otherwise(None)).to_series()

    if route.any():
        idx = route.arg_true()
        rows, types, subs, names, keys = [], [], [], [], []
        for i, raw in zip(idx.to_list(), column.filter(route).to_list()):
            try:
                value, notes = reader(raw)
            except Exception as exc:  # frictionless itself crashes here; let it report that
                raise NotFastCheckable(f"frictionless' reader fails on a cell of {field.name!r}: {exc}") from None
            notes = notes or {}
            if "type" in notes:
                rows.append(i), types.append("type-error"), subs.append(-1), names.append(None)
            for name in order:
                if name in notes:
                    rows.append(i), types.append("constraint-error"), subs.append(order.index(name)), names.append(name)
            keys.append(None if value is None else str(value))
        frames.append(pl.DataFrame({"idx": rows, "type": types, "sub": subs, "constraint": names}, schema=ERROR_SCHEMA))
        if key is not None:
            key = key.scatter(idx, pl.Series(keys, dtype=pl.String))
    errors = pl.concat(frames) if frames else pl.DataFrame(schema=ERROR_SCHEMA)
    return ColumnResult(blank=is_missing, key=key, errors=errors)


def _errors(mask: pl.Series, error_type: str, sub: int, constraint: str | None) -> pl.DataFrame:
    if not mask.any():  # the usual case; skips building a frame per check
        return pl.DataFrame(schema=ERROR_SCHEMA)
    return pl.DataFrame({"idx": mask.arg_true().cast(pl.UInt32)}).with_columns(
        type=pl.lit(error_type, pl.String), sub=pl.lit(sub, pl.Int32), constraint=pl.lit(constraint, pl.String))


def _parse_fast(field: Any, column: pl.Series, constraints: dict, value_reader: Any) -> tuple[pl.Series, pl.Series]:
    ftype = field.type
    if ftype == "string":
        return column, column.is_not_null()
    if ftype == "boolean":
        truthy, falsy = list(field.true_values), list(field.false_values)
        ok = column.is_in(truthy + falsy)
        return column.is_in(truthy), ok
    grammar = column.str.contains(FAST_GRAMMAR[ftype]).fill_null(False)
    if ftype in ("integer", "year"):
        parsed = pl.select(pl.when(grammar).then(column.cast(pl.Int64, strict=False))).to_series()
    elif ftype == "number":
        grammar = grammar & _few_digits(column)
        for name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"):
            if name in constraints and not _floats_exact(name, constraints[name], value_reader):
                grammar = pl.repeat(False, column.len(), eager=True, dtype=pl.Boolean)
        parsed = pl.select(pl.when(grammar).then(column.cast(pl.Float64, strict=False))).to_series()
    elif ftype == "date":
        parsed = pl.select(pl.when(grammar).then(column.str.to_date("%Y-%m-%d", strict=False))).to_series()
    else:  # datetime: constraints compare aware/naive values in Python; keep them there
        if set(constraints) - {"required"}:
            grammar = pl.repeat(False, column.len(), eager=True, dtype=pl.Boolean)
        parsed = pl.select(pl.when(grammar).then(column.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False))).to_series()
    return parsed, grammar & parsed.is_not_null()


def _few_digits(column: pl.Series) -> pl.Series:
    """At most MAX_EXACT_FLOAT_DIGITS digits; digits are counted only in the rare longer cells."""
    long = (column.str.len_bytes() > MAX_EXACT_FLOAT_DIGITS).fill_null(False)
    few = ~long
    if long.any():
        digits = column.filter(long).str.count_matches(r"[0-9]").fill_null(0)
        few = few.scatter(long.arg_true(), digits <= MAX_EXACT_FLOAT_DIGITS)
    return few


def _floats_exact(name: str, constraint: Any, value_reader: Any) -> bool:
    values = constraint if name == "enum" else [constraint]
    for value in values:
        number = value_reader(value)
        if number is None:
            continue
        if not isinstance(number, (Decimal, int)) or not Decimal(number).is_finite():
            return False
        if len(Decimal(number).normalize().as_tuple().digits) > MAX_EXACT_FLOAT_DIGITS:
            return False
    return True


def _bound(ftype: str, name: str, constraint: Any, value_reader: Any) -> Any:
    value = value_reader(constraint)
    if value is None:
        raise NotFastCheckable(f"constraint {name!r} value {constraint!r} is not a valid {ftype}")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) or not isinstance(value, (int, date, str, bool)):
        raise NotFastCheckable(f"constraint {name!r} on {ftype} is not supported by the fast engine")
    return value


def _constraint_fails(ftype: str, name: str, constraint: Any, parsed: pl.Series, value_reader: Any) -> pl.Series:
    if name == "minLength":
        return (parsed.str.len_chars() < constraint).fill_null(False)
    if name == "maxLength":
        return (parsed.str.len_chars() > constraint).fill_null(False)
    if name == "pattern":
        return _pattern_fails(str(constraint), parsed)
    if name == "enum":
        allowed = [v for v in (value_reader(v) for v in constraint) if v is not None]
        if ftype == "number":
            allowed = [float(v) for v in allowed]
        if ftype == "boolean":
            return ~parsed.is_in([bool(v) for v in allowed]) if allowed else pl.repeat(True, parsed.len(), eager=True, dtype=pl.Boolean)
        return (~parsed.is_in(allowed)).fill_null(False) if allowed else parsed.is_not_null()
    bound = _bound(ftype, name, constraint, value_reader)
    op = BOUNDS[name]
    ok = getattr(parsed, op)(bound)
    return (~ok).fill_null(False)


def _pattern_fails(pattern: str, values: pl.Series) -> pl.Series:
    """frictionless matches re.compile(f"^{pattern}$") with .match(); reproduce that exactly."""
    try:
        compiled = re.compile(f"^{pattern}$")
    except re.error as exc:
        raise NotFastCheckable(f"pattern {pattern!r} is not a valid Python regular expression: {exc}") from None
    safe = SAFE_PATTERN.match(pattern) and not any(s in pattern for s in ("&&", "--", "~~", "$"))
    has_newline = values.str.contains("\n", literal=True).fill_null(False)
    if safe:
        try:
            fails = ~values.str.contains(f"^(?:^{pattern}$)").fill_null(True)
        except Exception:
            safe = False
    if not safe:
        distinct = values.drop_nulls().unique()
        bad = [v for v in distinct.to_list() if not compiled.match(v)]
        fails = values.is_in(bad)
    if has_newline.any():  # Python's $ also matches before a final newline
        idx = has_newline.arg_true()
        fixed = pl.Series([not compiled.match(v) for v in values.filter(has_newline).to_list()], dtype=pl.Boolean)
        fails = fails.scatter(idx, fixed)
    return fails.fill_null(False) & values.is_not_null()


def _key(ftype: str, parsed: pl.Series) -> pl.Expr | pl.Series:
    if ftype == "string":
        return parsed
    if ftype == "boolean":
        return pl.select(pl.when(parsed).then(pl.lit("True")).otherwise(pl.lit("False"))).to_series()
    if ftype == "date":
        return parsed.dt.to_string("%Y-%m-%d")
    return parsed.cast(pl.String)
