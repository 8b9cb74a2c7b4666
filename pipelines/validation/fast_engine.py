"""The vectorized engine: polars checks whole columns, with frictionless' exact results.

It reproduces frictionless 5.21's row semantics (see frictionless/table/row.py
and resources/table.py): missing and extra cells, blank rows replacing a row's
other errors, unique and primary-key checks on *parsed* values against the
most recent earlier row, and even the order frictionless appends errors within
a row — which decides what survives `limit_errors`. Files or schemas outside
what it can reproduce go to frictionless with `fallback_reason` set.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any, Mapping

import polars as pl

from .csv_structure import NotFastReadable, read_table
from .fast_fields import ERROR_SCHEMA, NotFastCheckable, check_column
from .fast_support import SUPPORTED_CONSTRAINTS, SUPPORTED_TYPES, unsupported_reason
from .frictionless_engine import validate_with_frictionless
from .report import ValidationError, ValidationReport, build_report

__all__ = ["SUPPORTED_CONSTRAINTS", "SUPPORTED_TYPES", "validate_fast"]
ENGINE_NAME = "fast"
RANK_BLANK, RANK_EARLY, RANK_REST, RANK_EXTRA, RANK_MISSING, RANK_UNIQUE, RANK_PK = range(7)


def validate_fast(csv_path: Path, descriptor: Mapping[str, Any], *, limit_errors: int) -> ValidationReport:
    started = time.perf_counter()
    reason = unsupported_reason(descriptor)
    if reason is None:
        try:
            return _validate(csv_path, descriptor, limit_errors=limit_errors, started=started)
        except (NotFastReadable, NotFastCheckable) as exc:
            reason = str(exc)
        except OSError as exc:
            reason = f"the file could not be read ({exc.strerror or exc})"
    return validate_with_frictionless(csv_path, descriptor, limit_errors=limit_errors, fallback_reason=reason)


def _validate(csv_path: Path, descriptor: Mapping[str, Any], *, limit_errors: int, started: float) -> ValidationReport:
    from frictionless import FrictionlessException, Schema

    try:
        schema = Schema.from_descriptor(dict(descriptor))
    except FrictionlessException as exc:
        raise NotFastCheckable(f"frictionless rejects the schema ({exc.error.type})") from None
    fields = schema.fields
    names = [f.name for f in fields]
    n = len(fields)
    table = read_table(csv_path, n)
    if table.labels != names:
        raise NotFastReadable("the header does not list exactly the schema's field names in order")
    rows = table.cells.height
    counts = table.counts

    unique_fields = [j for j, f in enumerate(fields) if f.constraints.get("unique")]
    pk_fields = [names.index(name) for name in schema.primary_key]
    keyed = set(unique_fields) | set(pk_fields)

    frames: list[pl.DataFrame] = []
    blank_all = pl.Series([True] * rows, dtype=pl.Boolean)
    keys: dict[int, pl.Series] = {}
    for j, field in enumerate(fields):
        column = table.cells.get_column(f"c{j}")
        column = pl.select(pl.when(counts > j).then(column)).to_series()
        result = check_column(field, column, need_key=j in keyed)
        blank_all = blank_all & result.blank
        if result.key is not None:
            keys[j] = result.key
        frames.append(result.errors.with_columns(field=pl.lit(j, pl.Int32)))

    # Extra and missing cells
    extra_rows = (counts > n).arg_true()
    if extra_rows.len():
        extra = pl.DataFrame({"idx": extra_rows, "k": counts.gather(extra_rows)}).with_columns(
            pos=pl.int_ranges(n, pl.col("k"))).explode("pos", empty_as_null=True)
        frames.append(_frame(extra["idx"], "extra-cell", sub=extra["pos"], field=-1))
    short_rows = (counts < n).arg_true()
    if short_rows.len():
        short = pl.DataFrame({"idx": short_rows, "k": counts.gather(short_rows)}).with_columns(
            pos=pl.int_ranges(pl.col("k"), n)).explode("pos", empty_as_null=True)
        frames.append(_frame(short["idx"], "missing-cell", sub=0, field=short["pos"]))

    # unique: every later occurrence of a parsed value; the note names the most recent earlier row
    trigger = pl.Series([None] * rows, dtype=pl.Int32)
    step_of: dict[int, int] = {}
    dups: dict[int, pl.Series] = {}
    for step, j in enumerate(unique_fields):
        step_of[j] = step
        dup = dups[j] = _later_occurrences(keys[j], fields[j].type)
        frames.append(_row_errors(dup, "unique-error", step, field=j))
        trigger = pl.select(pl.when(trigger.is_null() & dup).then(step).otherwise(trigger)).to_series()
    pk_step = len(unique_fields)
    for j in pk_fields:
        step_of.setdefault(j, pk_step)
    if len(pk_fields) == 1:  # a one-field key: same test as unique, often already computed
        j = pk_fields[0]
        all_none = keys[j].is_null()
        dup = dups[j] if j in dups else _later_occurrences(keys[j], fields[j].type)
        fires = all_none | dup
        frames.append(_row_errors(fires, "primary-key", 0, field=-1))
        trigger = pl.select(pl.when(trigger.is_null() & fires).then(pk_step).otherwise(trigger)).to_series()
    elif pk_fields:
        pk = pl.DataFrame({f"k{j}": keys[j] for j in pk_fields}).select(pl.struct(pl.all()).alias("pk")).get_column("pk")
        all_none = pl.DataFrame({f"k{j}": keys[j] for j in pk_fields}).select(pl.all_horizontal(pl.all().is_null())).to_series()
        dup = ~all_none & ~pk.is_first_distinct()
        fires = all_none | dup
        frames.append(_row_errors(fires, "primary-key", 0, field=-1))
        trigger = pl.select(pl.when(trigger.is_null() & fires).then(pk_step).otherwise(trigger)).to_series()

    errors = pl.concat(frames) if frames else _frame(pl.Series([], dtype=pl.UInt32), "none", sub=0, field=-1)
    errors = _rank(errors, trigger, step_of, blank_all)
    if blank_all.any():
        blank_idx = blank_all.arg_true().cast(pl.UInt32)
        errors = errors.filter(~pl.col("idx").is_in(blank_idx.implode()) | (pl.col("type") == "primary-key"))
        blank_rows = _frame(blank_idx, "blank-row", sub=0, field=-1).with_columns(rank=pl.lit(RANK_BLANK * 10**9, pl.Int64))
        errors = pl.concat([errors, blank_rows])
    errors = errors.sort(["idx", "rank"])

    truncated = bool(limit_errors) and errors.height >= limit_errors
    if truncated:
        errors = errors.head(limit_errors)
        rows = int(errors["idx"][-1]) + 1
    located = _describe(errors, fields, table, keys, _previous_rows(errors, keys, unique_fields, pk_fields))
    return build_report(
        engine=ENGINE_NAME, rows=rows, fields=names, errors=located, limit_errors=limit_errors,
        truncated=truncated, seconds=time.perf_counter() - started,
    )


def _later_occurrences(key: pl.Series, field_type: str) -> pl.Series:
    """Rows whose non-null key appeared in an earlier row.

    Integer-like keys are compared as Int64 when every one of them round-trips
    (their key is str(int), so equal ints ⇔ equal keys) — hashing ints is
    several times faster than hashing strings.
    """
    if field_type in ("integer", "year"):
        as_int = key.cast(pl.Int64, strict=False)
        if as_int.null_count() == key.null_count():
            key = as_int
    return key.is_not_null() & ~key.is_first_distinct()


def _row_errors(mask: pl.Series, error_type: str, sub: int, *, field: int) -> pl.DataFrame:
    return _frame(mask.arg_true(), error_type, sub=sub, field=field)


def _frame(idx: pl.Series, error_type: str, *, sub: int | pl.Series, field: int | pl.Series) -> pl.DataFrame:
    frame = pl.DataFrame({"idx": idx.cast(pl.UInt32)})
    return frame.with_columns(
        type=pl.lit(error_type, pl.String),
        sub=(sub.cast(pl.Int32) if isinstance(sub, pl.Series) else pl.lit(sub, pl.Int32)),
        constraint=pl.lit(None, pl.String),
        field=(field.cast(pl.Int32) if isinstance(field, pl.Series) else pl.lit(field, pl.Int32)),
    )


def _rank(errors: pl.DataFrame, trigger: pl.Series, step_of: dict[int, int], blank: pl.Series) -> pl.DataFrame:
    """frictionless' append order within a row (see the module docstring)."""
    early_pos = {j: pos for pos, j in enumerate(sorted(step_of, key=lambda j: (step_of[j], list(step_of).index(j))))}
    errors = errors.with_columns(trig=pl.col("idx").map_batches(lambda s: trigger.gather(s), return_dtype=pl.Int32))
    step = pl.col("field").replace_strict(list(step_of), list(step_of.values()), default=None, return_dtype=pl.Int32)
    early = pl.col("field").replace_strict(list(early_pos), list(early_pos.values()), default=None, return_dtype=pl.Int64)
    is_early = step.is_not_null() & (pl.col("trig").is_null() | (step <= pl.col("trig")))
    cell = pl.col("type").is_in(["type-error", "constraint-error"])
    sub = pl.col("sub").cast(pl.Int64) + 1
    rank = (
        pl.when(cell & is_early).then(RANK_EARLY * 10**9 + early * 1000 + sub)
        .when(cell).then(RANK_REST * 10**9 + pl.col("field").cast(pl.Int64) * 1000 + sub)
        .when(pl.col("type") == "extra-cell").then(RANK_EXTRA * 10**9 + sub)
        .when(pl.col("type") == "missing-cell").then(RANK_MISSING * 10**9 + pl.col("field").cast(pl.Int64))
        .when(pl.col("type") == "unique-error").then(RANK_UNIQUE * 10**9 + sub)
        .otherwise(RANK_PK * 10**9)
    )
    return errors.with_columns(rank=rank).drop("trig")


def _previous_rows(errors: pl.DataFrame, keys: dict[int, pl.Series], unique_fields: list[int],
                   pk_fields: list[int]) -> dict[tuple[int, int], int]:
    """(field or -1 for the primary key, data index) → data index of the most recent earlier equal key.

    frictionless remembers the last row per value; computed once, only over the
    keys that actually repeat among the reported errors.
    """
    found: dict[tuple[int, int], int] = {}
    wanted = [(j, errors.filter((pl.col("type") == "unique-error") & (pl.col("field") == j))["idx"]) for j in unique_fields]
    if pk_fields:
        wanted.append((-1, errors.filter(pl.col("type") == "primary-key")["idx"]))
    for j, idx in wanted:
        if idx.len() == 0:
            continue
        cols = [j] if j >= 0 else pk_fields
        frame = pl.DataFrame({f"k{c}": keys[c] for c in cols}).with_row_index("i")
        key_cols = [f"k{c}" for c in cols]
        frame = frame.filter(~pl.all_horizontal(pl.col(key_cols).is_null()))  # all-None keys never match
        hit = frame.join(frame.filter(pl.col("i").is_in(idx.implode())).select(key_cols).unique(),
                         on=key_cols, how="semi", nulls_equal=True)
        hit = hit.sort("i").with_columns(prev=pl.col("i").shift(1).over(key_cols))
        for i, prev in hit.filter(pl.col("i").is_in(idx.implode())).select("i", "prev").iter_rows():
            if prev is not None:
                found[(j, i)] = prev
    return found


def _describe(errors: pl.DataFrame, fields: list, table: Any, keys: dict[int, pl.Series],
              previous: dict[tuple[int, int], int]) -> list[ValidationError]:
    """Messages exactly as frictionless words them, built only for the errors kept."""
    out: list[ValidationError] = []
    for idx, etype, sub, constraint, j in errors.select("idx", "type", "sub", "constraint", "field").iter_rows():
        row = idx + 2
        if etype in ("type-error", "constraint-error"):
            field = fields[j]
            raw = table.cells.get_column(f"c{j}")[idx] if table.counts[idx] > j else None
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
            record = next(csv.reader(io.StringIO(table.extra_records[idx], newline="")))
            msg = f'Row at position "{row}" has an extra value in field at position "{sub + 1}"'
            out.append(ValidationError(type=etype, message=msg, row=row, field=None, cell=record[sub]))
        elif etype == "blank-row":
            out.append(ValidationError(type=etype, message=f'Row at position "{row}" is completely blank', row=row))
        elif etype == "unique-error":
            key = keys[j]
            prev = previous[(j, idx)]
            note = f"the same as in the row at position {prev + 2}"
            msg = (f'Row at position "{row}" has unique constraint violation in field "{fields[j].name}" '
                   f'at position "{j + 1}": {note}')
            out.append(ValidationError(type=etype, message=msg, row=row, field=fields[j].name, cell=key[idx]))
        else:  # primary-key
            prev = previous.get((-1, idx))
            note = ('cells composing the primary keys are all "None"' if prev is None
                    else f"the same as in the row at position {prev + 2}")
            out.append(ValidationError(type=etype, message=f'Row at position "{row}" violates the primary key: {note}', row=row))
    return out
