"""Field constraints as polars expressions over canonical values (see fast_types.py).

frictionless checks a cell's constraints in its field class' own order
(`supported_constraints`) and only when the cell has no type error; each
check here says which *parsed* cells fail, exactly as frictionless' check
function would. Bounds and enum members are read with the field's own value
reader, so "2020-01-01" as a date bound means what frictionless makes of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import polars as pl

from .fast_types import ColumnType, NotFastCheckable, aware_of

BOUNDS = {"minimum": "ge", "maximum": "le", "exclusiveMinimum": "gt", "exclusiveMaximum": "lt"}
# patterns whose meaning is the same in Python's re and polars' Rust regex (no \w, \s, \b, flags, …)
SAFE_PATTERN = re.compile(r"^(?:[^\\(\[]|\\[d.\-+()\[\]/\\]|\((?!\?)|\[(?!:))*$")


@dataclass(frozen=True)
class Check:
    name: str
    position: int  # index in frictionless' supported_constraints: the order of its notes
    fails: Callable[[pl.Expr], pl.Expr]  # canonical value → True where this constraint fails (null-safe)
    # canonical value → True where only Python can say what happens (the cell goes to frictionless' reader)
    undecided: Callable[[pl.Expr], pl.Expr] | None = None


def constraint_checks(field: Any, ctype: ColumnType) -> list[Check]:
    """Every constraint frictionless will check for this field, except `required` (it concerns missing cells)."""
    order = list(field.supported_constraints)
    checks = []
    for position, name in enumerate(order):
        constraint = field.constraints.get(name)
        if name == "required" or constraint is None:
            continue
        fails, undecided = _builder(name, constraint, field, ctype)
        checks.append(Check(name, position, fails, undecided))
    return checks


Builder = Callable[[pl.Expr], pl.Expr]


def _builder(name: str, constraint: Any, field: Any, ctype: ColumnType) -> tuple[Builder, Builder | None]:
    if name == "minLength":
        return (lambda v: v.str.len_chars() < constraint), None
    if name == "maxLength":
        return (lambda v: v.str.len_chars() > constraint), None
    if name == "pattern":
        return pattern_check(str(constraint)), None
    if name == "enum":
        return _enum_check(constraint, ctype), None
    if name in BOUNDS:
        return _bound_check(name, constraint, field, ctype)
    raise NotFastCheckable(f"constraint {name!r} is not supported by the fast engine")


def _enum_check(members: Any, ctype: ColumnType) -> Callable[[pl.Expr], pl.Expr]:
    if not ctype.keyable:
        raise NotFastCheckable(f"enum on type {ctype.field.type!r} compares values the fast engine does not model")
    read = [ctype.value_reader(m) for m in members]  # frictionless: cell in list(map(value_reader, enum))
    allowed = ctype.from_python([v for v in read if v is not None])
    if allowed.dtype != ctype.dtype:
        raise NotFastCheckable("an enum member has no exact vectorized form")
    if allowed.len() == 0:
        return lambda v: v.is_not_null()
    return lambda v: ~v.is_in(allowed.implode())


def _bound_check(name: str, constraint: Any, field: Any, ctype: ColumnType) -> tuple[Builder, Builder | None]:
    if not ctype.orderable:
        raise NotFastCheckable(f"{name} on type {field.type!r} is not supported by the fast engine")
    value = ctype.value_reader(constraint)
    if value is None:  # frictionless compares every cell with None and crashes: let it say so
        raise NotFastCheckable(f"constraint {name!r} value {constraint!r} is not a valid {field.type}")
    bound_series = ctype.from_python([value])
    if bound_series.dtype != ctype.dtype:
        raise NotFastCheckable(f"constraint {name!r} value {constraint!r} has no exact vectorized form")
    bound = bound_series[0]
    op = BOUNDS[name]
    fails = lambda v: ~getattr(v, op)(bound)  # noqa: E731
    if field.type in ("datetime", "time"):
        # Python refuses to order a naive and an aware value: frictionless' own reader
        # (which raises there) decides what happens to such a cell
        parity = bound % 2
        return fails, lambda v: aware_of(v) != parity
    return fails, None


def pattern_check(pattern: str) -> Callable[[pl.Expr], pl.Expr]:
    """frictionless matches re.compile(f"^{pattern}$") with .match(): reproduce that exactly.

    A safe pattern runs in polars; Python's `$` also matches before a final
    newline, so cells ending in one are checked by Python. Other patterns are
    checked by Python once per distinct value of the batch.
    """
    try:
        compiled = re.compile(f"^{pattern}$")
    except re.error as exc:
        raise NotFastCheckable(f"pattern {pattern!r} is not a valid Python regular expression: {exc}") from None
    safe = bool(SAFE_PATTERN.match(pattern)) and not any(s in pattern for s in ("&&", "--", "~~", "$"))
    if safe:
        try:
            pl.select(pl.lit("").str.contains(f"^(?:^{pattern}$)"))
        except Exception:  # the Rust engine rejects it (e.g. a look-around): Python decides
            safe = False

    def python_fails(values: pl.Series) -> pl.Series:
        distinct = values.drop_nulls().unique()
        bad = [v for v in distinct.to_list() if not compiled.match(v)]
        return values.is_in(pl.Series(bad, dtype=pl.String).implode()).fill_null(False)

    def polars_fails(values: pl.Series) -> pl.Series:
        fails = (~values.str.contains(f"^(?:^{pattern}$)")).fill_null(False)
        ends = values.str.ends_with("\n").fill_null(False)
        if ends.any():
            fixed = pl.Series([not compiled.match(v) for v in values.filter(ends).to_list()], dtype=pl.Boolean)
            fails = fails.scatter(ends.arg_true(), fixed)
        return fails

    run = polars_fails if safe else python_fails
    return lambda v: v.map_batches(run, return_dtype=pl.Boolean)
