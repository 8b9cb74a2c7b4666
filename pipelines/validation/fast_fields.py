"""One field's checks in two passes: a cheap screen over every row, exact detail on the few it flags.

The screen (`ColumnCheck.screen`) is one set of polars expressions per field,
evaluated for a whole batch in one parallel `select`: it says whether a cell
is certainly fine (read by the common grammar of its type and passing every
constraint, or missing and allowed to be) and gives its canonical key. A row
with any cell not certainly fine is *flagged*.

The detail (`ColumnCheck.detail`) runs only on the cells the screen doubted
and reproduces frictionless' verdict per cell: the thorough grammar of the
type (rarer spellings, still vectorized), vectorized constraints, and
frictionless' own cell reader for whatever is left — so every verdict is either
provably frictionless' or *is* frictionless', and Python runs once per broken
or exotically spelled cell ("1_000", Unicode digits), never per valid cell in
any spelling the grammars cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from .fast_constraints import Check, constraint_checks
from .fast_types import ColumnType, NotFastCheckable, column_type

ERROR_SCHEMA = {"idx": pl.UInt32, "type": pl.String, "sub": pl.Int32, "constraint": pl.String}

__all__ = ["ColumnCheck", "ColumnResult", "ERROR_SCHEMA", "NotFastCheckable"]


@dataclass
class ColumnResult:
    blank: pl.Series  # the cell is missing (frictionless "blank cell")
    key: pl.Series | None  # canonical parsed value or null, for unique / primaryKey
    errors: pl.DataFrame  # idx, type, sub, constraint


class ColumnCheck:
    """Everything the fast engine needs to check one field, built once per file."""

    def __init__(self, field: Any, *, need_key: bool) -> None:
        self.field = field
        self.need_key = need_key
        try:
            self.reader = field.create_cell_reader()
        except Exception as exc:  # e.g. a pattern Python cannot compile: frictionless reports it
            raise NotFastCheckable(f"frictionless cannot build a reader for {field.name!r}: {exc}") from None
        self.ctype: ColumnType = column_type(field)
        if need_key and not self.ctype.keyable:
            raise NotFastCheckable(f"unique or primaryKey on type {field.type!r} is not supported by the fast engine")
        defined = field.has_defined("missing_values") or not field.schema
        self.missing_values = list(field.missing_values if defined else field.schema.missing_values)
        self.required = bool(field.constraints.get("required"))
        self.required_position = list(field.supported_constraints).index("required")
        self.checks: list[Check] = constraint_checks(field, self.ctype)
        # a plain text field without constraints can never hold an error
        self.always_good = field.type == "string" and not self.required and not self.checks

    def missing(self, c: pl.Expr) -> pl.Expr:
        if self.missing_values == [""]:
            return c.str.len_bytes() == 0
        return c.is_in(self.missing_values)

    def screen(self, c: pl.Expr) -> tuple[pl.Expr | None, pl.Expr, pl.Expr | None]:
        """(certainly fine — None when always, missing, canonical key or None) for a batch column."""
        miss = self.missing(c)
        if self.always_good and not self.need_key:
            return None, miss, None
        value, ok = self.ctype.parse(c, thorough=False)
        good = ok
        for check in self.checks:
            good = good & ~check.fails(value)
            if check.undecided is not None:
                good = good & ~check.undecided(value)
        good = pl.when(miss).then(pl.lit(not self.required)).otherwise(good.fill_null(False))
        key = pl.when(~miss & ok).then(value) if self.need_key else None
        return (None if self.always_good else good), miss, key

    def detail(self, column: pl.Series) -> ColumnResult:
        """Exact errors and keys for `column` (raw text; null for a cell the record does not have)."""
        frame = pl.DataFrame({"c": column})
        c = pl.col("c")
        value, ok = self.ctype.parse(c, thorough=True)
        exprs = {"miss": c.is_null() | self.missing(c).fill_null(False)}
        fast = ~exprs["miss"] & ok.fill_null(False)
        for check in self.checks:
            if check.undecided is not None:
                fast = fast & ~check.undecided(value).fill_null(False)
        exprs["fast"] = fast
        exprs["value"] = value
        for check in self.checks:
            exprs[f"fail{check.position}"] = exprs["fast"] & check.fails(value).fill_null(False)
        result = frame.select(**exprs)
        miss, fast = result["miss"], result["fast"]
        frames = []
        if self.required:
            frames.append(_errors(miss, "constraint-error", self.required_position, "required"))
        for check in self.checks:
            frames.append(_errors(result[f"fail{check.position}"], "constraint-error", check.position, check.name))

        key = None
        if self.need_key:
            key = pl.select(pl.when(fast).then(result["value"])).to_series()
        route = ~miss & ~fast
        if route.any():
            frame, values = self._read_in_python(route.arg_true(), column.filter(route))
            frames.append(frame)
            if key is not None:
                key = _scatter(key, route.arg_true(), self.ctype.from_python(values))
        frames = [f for f in frames if f.height]
        errors = pl.concat(frames) if frames else pl.DataFrame(schema=ERROR_SCHEMA)
        return ColumnResult(blank=miss, key=key, errors=errors)

    def _read_in_python(self, idx: pl.Series, raws: pl.Series) -> tuple[pl.DataFrame, list[Any]]:
        """frictionless' own cell reader, for the cells no vectorized grammar accepted."""
        order = list(self.field.supported_constraints)
        rows, types, subs, names, values = [], [], [], [], []
        for i, raw in zip(idx.to_list(), raws.to_list()):
            try:
                value, notes = self.reader(raw)
            except Exception as exc:  # frictionless itself crashes here; let it report that
                raise NotFastCheckable(f"frictionless' reader fails on a cell of {self.field.name!r}: {exc}") from None
            notes = notes or {}
            if "type" in notes:
                rows.append(i), types.append("type-error"), subs.append(-1), names.append(None)
            for name in order:
                if name in notes:
                    rows.append(i), types.append("constraint-error"), subs.append(order.index(name)), names.append(name)
            values.append(value)
        frame = pl.DataFrame({"idx": rows, "type": types, "sub": subs, "constraint": names}, schema=ERROR_SCHEMA)
        return frame, values


def _scatter(key: pl.Series, at: pl.Series, values: pl.Series) -> pl.Series:
    if values.dtype != key.dtype:  # e.g. an integer beyond Int64: compare all as text (str of the int)
        key, values = key.cast(pl.String), values.cast(pl.String)
    return key.scatter(at, values)


def _errors(mask: pl.Series, error_type: str, sub: int, constraint: str | None) -> pl.DataFrame:
    if not mask.any():
        return pl.DataFrame(schema=ERROR_SCHEMA)
    return pl.DataFrame({"idx": mask.arg_true().cast(pl.UInt32)}).with_columns(
        type=pl.lit(error_type, pl.String), sub=pl.lit(sub, pl.Int32), constraint=pl.lit(constraint, pl.String))
