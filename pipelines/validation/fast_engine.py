"""The vectorized engine: polars checks whole columns, with frictionless' exact results.

It reproduces frictionless 5.21's row semantics (see frictionless/table/row.py
and resources/table.py): missing and extra cells, blank rows replacing a row's
other errors, unique and primary-key checks on *parsed* values against the
most recent earlier row, and even the order frictionless appends errors within
a row — which decides what survives `limit_errors`. Files or schemas outside
what it can reproduce go to frictionless with `fallback_reason` set.

The file is read in batches of whole records (csv_structure.py); each batch is
screened in one parallel pass and only the rows it flags are kept, to be
detailed cell by cell (fast_rows.py, fast_fields.py). Across batches only those
rows, the errors and the canonical unique/primary-key values (fast_keys.py) are
kept, so memory does not grow with the file beyond the keys; the duplicate
checks and the within-row ordering run once at the end.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Mapping

import polars as pl

from .csv_structure import BATCH_BYTES, NotFastReadable, read_batches
from .engine_choice import ValidationEngine
from .fast_fields import ColumnCheck, NotFastCheckable
from .fast_keys import KeyColumns, later_occurrences, later_tuples, previous_rows
from .fast_messages import describe
from .fast_rows import Detailed, RowChecks, cell_frame
from .fast_support import SUPPORTED_CONSTRAINTS, SUPPORTED_TYPES, unsupported_reason
from .frictionless_engine import frictionless_resource, validate_with_frictionless
from .report import ValidationReport, build_report

__all__ = ["SUPPORTED_CONSTRAINTS", "SUPPORTED_TYPES", "validate_fast"]
ENGINE_NAME = ValidationEngine.FAST
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
    from frictionless import FrictionlessException

    try:
        resource = frictionless_resource(csv_path, descriptor)
        resource.to_descriptor(validate=True)  # what Resource.validate checks before any row
        schema = resource.schema
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

    row_checks = RowChecks(checks, key_store)
    frames: list[pl.DataFrame] = []
    blanks: list[pl.Series] = [pl.Series([], dtype=pl.UInt32)]
    extra_records: dict[int, str] = {}
    rows = settled = 0  # data rows read; errors certain to be reported for them (a lower bound)

    def take(detailed: Detailed) -> int:
        frames.extend(detailed.errors)
        blanks.append(detailed.blank_idx)
        blank = detailed.blank_idx.implode()
        return detailed.blank_idx.len() + sum(f.filter(~pl.col("idx").is_in(blank)).height for f in detailed.errors)

    for batch in read_batches(csv_path, len(fields), batch_bytes):
        if batch.labels is not None and batch.labels != names:
            raise NotFastReadable("the header does not list exactly the schema's field names in order")
        row_checks.screen(batch, rows)
        extra_records.update({rows + i: text for i, text in batch.extra_records.items()})
        rows += batch.cells.height
        del batch
        if row_checks.due(limit_errors - settled if limit_errors else None):
            settled += take(row_checks.detail())
            # an error in row r depends only on rows ≤ r, so once `limit_errors` errors are certain among
            # the rows read, the rest of the file cannot change the report — frictionless stops there too
            if limit_errors and settled >= limit_errors:
                break
    take(row_checks.detail())
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
            dup = ~all_none & later_tuples(key_frame)
        fires = all_none | dup
        frames.append(_row_errors(fires, "primary-key", 0, field=-1))
        trigger = pl.select(pl.when(trigger.is_null() & fires).then(pk_step).otherwise(trigger)).to_series()

    errors = pl.concat(frames) if frames else cell_frame(pl.Series([], dtype=pl.UInt32), "none", sub=0, field=-1)
    errors = _rank(errors, trigger, step_of)
    if blank_idx.len():
        errors = errors.filter(~pl.col("idx").is_in(blank_idx.implode()) | (pl.col("type") == "primary-key"))
        blank_rows = cell_frame(blank_idx, "blank-row", sub=0, field=-1).with_columns(rank=pl.lit(RANK_BLANK * 10**9, pl.Int64))
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


def _row_errors(mask: pl.Series, error_type: str, sub: int, *, field: int) -> pl.DataFrame:
    return cell_frame(mask.arg_true(), error_type, sub=sub, field=field)


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


