"""The vectorized engine: polars checks whole columns, with frictionless' exact results.

It reproduces frictionless 5.21's row semantics (see frictionless/table/row.py
and resources/table.py): missing and extra cells, blank rows replacing a row's
other errors, unique and primary-key checks on *parsed* values against the
most recent earlier row, and even the order frictionless appends errors within
a row — which decides what survives `limit_errors`. Files or schemas outside
what it can reproduce go to frictionless with `fallback_reason` set.

The file is checked in batches of rows (see csv_structure.py) so that memory
stays below frictionless' own peak: per batch only the errors and the parsed
unique/primary-key values are kept (fast_keys.py); the duplicate checks and the
within-row ordering run once at the end over those.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Mapping

import polars as pl

from .csv_structure import BATCH_BYTES, CsvBatch, NotFastReadable, read_batches
from .fast_fields import ColumnCheck, NotFastCheckable
from .fast_keys import KeyColumns, later_occurrences, previous_rows
from .fast_messages import describe
from .fast_support import SUPPORTED_CONSTRAINTS, SUPPORTED_TYPES, unsupported_reason
from .frictionless_engine import validate_with_frictionless
from .report import ValidationReport, build_report

__all__ = ["SUPPORTED_CONSTRAINTS", "SUPPORTED_TYPES", "validate_fast"]
ENGINE_NAME = "fast"
RANK_BLANK, RANK_EARLY, RANK_REST, RANK_EXTRA, RANK_MISSING, RANK_UNIQUE, RANK_PK = range(7)


def validate_fast(csv_path: Path, descriptor: Mapping[str, Any], *, limit_errors: int,
                  batch_bytes: int = BATCH_BYTES) -> ValidationReport:
    """`batch_bytes` sets the size of the row batches (tests make it tiny to cross many batch edges)."""
    started = time.perf_counter()
    reason = unsupported_reason(descriptor)
    if reason is None:
        try:
            return _validate(csv_path, descriptor, limit_errors=limit_errors, started=started, batch_bytes=batch_bytes)
        except (NotFastReadable, NotFastCheckable) as exc:
            reason = str(exc)
        except OSError as exc:
            reason = f"the file could not be read ({exc.strerror or exc})"
    return validate_with_frictionless(csv_path, descriptor, limit_errors=limit_errors, fallback_reason=reason)


def _validate(csv_path: Path, descriptor: Mapping[str, Any], *, limit_errors: int, started: float,
              batch_bytes: int) -> ValidationReport:
    from frictionless import FrictionlessException, Schema

    try:
        schema = Schema.from_descriptor(dict(descriptor))
    except FrictionlessException as exc:
        raise NotFastCheckable(f"frictionless rejects the schema ({exc.error.type})") from None
    fields = schema.fields
    names = [f.name for f in fields]
    unique_fields = [j for j, f in enumerate(fields) if f.constraints.get("unique")]
    pk_fields = [names.index(name) for name in schema.primary_key]
    keyed = sorted(set(unique_fields) | set(pk_fields))
    checks = [ColumnCheck(f, need_key=j in keyed) for j, f in enumerate(fields)]
    # str() of a unique value is in its error message; some types cannot rebuild it from their key
    shown = [j for j in unique_fields if not checks[j].ctype.display_from_key]
    key_store = KeyColumns({j: fields[j].type for j in keyed}, raw_fields=shown)

    frames: list[pl.DataFrame] = []
    blanks: list[pl.Series] = [pl.Series([], dtype=pl.UInt32)]
    extra_records: dict[int, str] = {}
    rows = settled = 0  # data rows read; errors certain to be reported for them (a lower bound)
    for batch in read_batches(csv_path, len(fields), batch_bytes):
        if batch.labels is not None and batch.labels != names:
            raise NotFastReadable("the header does not list exactly the schema's field names in order")
        batch_frames, blank_idx = _check_batch(batch, checks, key_store, offset=rows)
        extra_records.update({rows + i: text for i, text in batch.extra_records.items()})
        blanks.append(blank_idx)
        if limit_errors:
            settled += blank_idx.len() + sum(f.filter(~pl.col("idx").is_in(blank_idx.implode())).height for f in batch_frames)
        frames.extend(batch_frames)
        rows += batch.cells.height
        del batch
        # an error in row r depends only on rows ≤ r, so once `limit_errors` errors are certain among
        # the rows read, the rest of the file cannot change the report — frictionless stops there too
        if limit_errors and settled >= limit_errors:
            break
    keys = key_store.columns()
    blank_idx = pl.concat(blanks)

    # unique: every later occurrence of a parsed value; the note names the most recent earlier row
    trigger = pl.repeat(None, rows, eager=True, dtype=pl.Int32)
    step_of: dict[int, int] = {}
    dups: dict[int, pl.Series] = {}
    for step, j in enumerate(unique_fields):
        step_of[j] = step
        dup = dups[j] = later_occurrences(keys[j])
        frames.append(_row_errors(dup, "unique-error", step, field=j))
        trigger = pl.select(pl.when(trigger.is_null() & dup).then(step).otherwise(trigger)).to_series()
    pk_step = len(unique_fields)
    for j in pk_fields:
        step_of.setdefault(j, pk_step)
    if pk_fields:
        if len(pk_fields) == 1:  # a one-field key: same test as unique, often already computed
            j = pk_fields[0]
            all_none = keys[j].is_null()
            dup = dups[j] if j in dups else later_occurrences(keys[j])
        else:
            key_frame = pl.DataFrame({f"k{j}": keys[j] for j in pk_fields})
            all_none = key_frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
            dup = ~all_none & ~key_frame.select(pl.struct(pl.all())).to_series().is_first_distinct()
        fires = all_none | dup
        frames.append(_row_errors(fires, "primary-key", 0, field=-1))
        trigger = pl.select(pl.when(trigger.is_null() & fires).then(pk_step).otherwise(trigger)).to_series()

    errors = pl.concat(frames) if frames else _frame(pl.Series([], dtype=pl.UInt32), "none", sub=0, field=-1)
    errors = _rank(errors, trigger, step_of)
    if blank_idx.len():
        errors = errors.filter(~pl.col("idx").is_in(blank_idx.implode()) | (pl.col("type") == "primary-key"))
        blank_rows = _frame(blank_idx, "blank-row", sub=0, field=-1).with_columns(rank=pl.lit(RANK_BLANK * 10**9, pl.Int64))
        errors = pl.concat([errors, blank_rows])
    errors = errors.sort(["idx", "rank"])

    truncated = bool(limit_errors) and errors.height >= limit_errors
    if truncated:
        errors = errors.head(limit_errors)
        rows = int(errors["idx"][-1]) + 1
    previous = previous_rows(errors, keys, unique_fields, pk_fields)
    located = describe(errors, checks, extra_records, keys, key_store, previous)
    return build_report(
        engine=ENGINE_NAME, rows=rows, fields=names, errors=located, limit_errors=limit_errors,
        truncated=truncated, seconds=time.perf_counter() - started,
    )


def _check_batch(batch: CsvBatch, checks: list[ColumnCheck], key_store: KeyColumns, *,
                 offset: int) -> tuple[list[pl.DataFrame], pl.Series]:
    """Every per-row check of one batch: its errors (row indices of the whole file, with the raw cell)
    and the indices of its blank rows (in the whole file).

    One parallel screen over all rows and fields (fast_fields.py), then the exact
    detail only for the flagged rows: a cell the screen doubts, a blank row, a
    record with too few or too many cells.
    """
    n = len(checks)
    counts = batch.counts
    goods, misses, keys = [], [], []
    for j, check in enumerate(checks):
        good, miss, key = check.screen(pl.col(f"c{j}"))
        if good is not None:
            goods.append(good)
        misses.append(miss)
        if key is not None:
            keys.append(key.alias(f"k{j}"))
    flag = pl.all_horizontal(misses) | (pl.lit(counts) != n)
    if goods:
        flag = flag | ~pl.all_horizontal(goods)
    screened = batch.cells.lazy().select(flag.alias("flag"), *keys).collect()
    flagged = screened.get_column("flag").arg_true()
    key_columns = {j: screened.get_column(f"k{j}") for j in key_store.types}

    frames: list[pl.DataFrame] = []
    blank_idx = pl.Series([], dtype=pl.UInt32)
    if flagged.len():
        cells = batch.cells.gather(flagged)
        sub_counts = counts.gather(flagged)
        short = bool((sub_counts < n).any())
        blank = pl.repeat(True, flagged.len(), eager=True, dtype=pl.Boolean)
        for j, check in enumerate(checks):
            column = cells.get_column(f"c{j}")
            if short:  # polars fills absent cells with "": make them null, as frictionless has no cell there
                column = pl.select(pl.when(sub_counts > j).then(column)).to_series()
            result = check.detail(column)
            blank = blank & result.blank
            if result.key is not None:
                key_columns[j] = _scatter_keys(key_columns[j], flagged, result.key)
            errors = result.errors
            if errors.height:
                frames.append(errors.with_columns(
                    idx=flagged.gather(errors["idx"]).cast(pl.UInt32) + offset, field=pl.lit(j, pl.Int32),
                    cell=column.gather(errors["idx"])))
        blank_idx = flagged.filter(blank).cast(pl.UInt32) + offset
    for j, key in key_columns.items():
        key_store.add(j, key, raw=batch.cells.get_column(f"c{j}") if j in key_store.raw_fields else None)

    extra_rows = (counts > n).arg_true()
    if extra_rows.len():
        extra = pl.DataFrame({"idx": extra_rows + offset, "k": counts.gather(extra_rows)}).with_columns(
            pos=pl.int_ranges(n, pl.col("k"))).explode("pos", empty_as_null=True)
        frames.append(_frame(extra["idx"], "extra-cell", sub=extra["pos"], field=-1))
    short_rows = (counts < n).arg_true()
    if short_rows.len():
        short_frame = pl.DataFrame({"idx": short_rows + offset, "k": counts.gather(short_rows)}).with_columns(
            pos=pl.int_ranges(pl.col("k"), n)).explode("pos", empty_as_null=True)
        frames.append(_frame(short_frame["idx"], "missing-cell", sub=0, field=short_frame["pos"]))
    return frames, blank_idx


def _scatter_keys(key: pl.Series, at: pl.Series, values: pl.Series) -> pl.Series:
    if values.dtype != key.dtype:  # an integer beyond Int64 in this batch: compare as text (str of the int)
        key, values = key.cast(pl.String), values.cast(pl.String)
    return key.scatter(at, values)


def _row_errors(mask: pl.Series, error_type: str, sub: int, *, field: int) -> pl.DataFrame:
    return _frame(mask.arg_true(), error_type, sub=sub, field=field)


def _frame(idx: pl.Series, error_type: str, *, sub: int | pl.Series, field: int | pl.Series) -> pl.DataFrame:
    frame = pl.DataFrame({"idx": idx.cast(pl.UInt32)})
    return frame.with_columns(
        type=pl.lit(error_type, pl.String),
        sub=(sub.cast(pl.Int32) if isinstance(sub, pl.Series) else pl.lit(sub, pl.Int32)),
        constraint=pl.lit(None, pl.String),
        field=(field.cast(pl.Int32) if isinstance(field, pl.Series) else pl.lit(field, pl.Int32)),
        cell=pl.lit(None, pl.String),
    )


def _rank(errors: pl.DataFrame, trigger: pl.Series, step_of: dict[int, int]) -> pl.DataFrame:
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


