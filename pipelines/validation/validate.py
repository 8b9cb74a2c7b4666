"""Validate a canonical CSV against its Frictionless Table Schema → a report.

This is the one entry point the pipeline, the CLI and the catalog check call. It
never raises on bad data, a missing file or a broken schema: all of those come
back as errors in the `ValidationReport`, because a nightly run has to report
every dataset rather than stop at the first broken one. Only a wrong *setting*
(an unknown engine name) raises, as a configuration error.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

from .engine_choice import ValidationEngine, auto_prefers_fast, requested_engine
from .formula_cells import formula_warnings
from .frictionless_engine import validate_with_frictionless
from .report import ValidationError, ValidationReport, build_report
from .schema_loading import load_schema


def validate_table(
    csv_path: Path,
    schema: Mapping[str, Any] | Path,
    *,
    limit_errors: int = 1000,
    engine: ValidationEngine | str = ValidationEngine.AUTO,
) -> ValidationReport:
    """Validate `csv_path` against `schema` (a descriptor or a path to its JSON file).

    engine: `frictionless` (the reference), `fast` (vectorized, falls back to
    frictionless with `fallback_reason` set when it does not support the schema
    or the file), or `auto` (the OPPNADATA_VALIDATION_ENGINE setting if set,
    else fast for files above a size threshold).
    """
    started = time.perf_counter()
    choice = requested_engine(engine)
    csv_path = Path(csv_path)
    descriptor, schema_error = load_schema(schema)
    if schema_error is not None:
        return build_report(
            engine=ValidationEngine.NONE, rows=0, fields=(), errors=[schema_error], limit_errors=limit_errors,
            truncated=False, seconds=time.perf_counter() - started,
        )
    assert descriptor is not None
    use_fast = choice == ValidationEngine.FAST or (choice == ValidationEngine.AUTO and auto_prefers_fast(csv_path))
    if use_fast:
        from .fast_engine import validate_fast

        report = validate_fast(csv_path, descriptor, limit_errors=limit_errors)
    else:
        report = validate_with_frictionless(csv_path, descriptor, limit_errors=limit_errors)
    warnings = tuple(formula_warnings(csv_path, descriptor))
    nul = _nul_error(csv_path)
    if nul is None:
        return replace(report, warnings=warnings)
    return replace(build_report(
        engine=report.engine, rows=report.rows, fields=report.fields, errors=[nul, *report.errors],
        limit_errors=limit_errors, truncated=report.truncated, seconds=time.perf_counter() - started,
        fallback_reason=report.fallback_reason,
    ), warnings=warnings)


def _nul_error(csv_path: Path) -> ValidationError | None:
    """A NUL character, located by line. Why: both engines accept it in a text cell, but the
    DataStore (PostgreSQL text) cannot store it, so the publication would fail half-way."""
    line = 1
    try:
        with open(csv_path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                at = chunk.find(b"\x00")
                if at >= 0:
                    line += chunk.count(b"\n", 0, at)
                    return ValidationError(
                        "nul-character",
                        f"line {line} holds a NUL character (U+0000), which cannot be stored; remove it from the source",
                    )
                line += chunk.count(b"\n")
    except OSError:
        return None  # a missing file is reported by the engine
    return None
