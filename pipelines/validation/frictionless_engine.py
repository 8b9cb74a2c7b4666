"""The reference engine: frictionless-py validates the CSV row by row.

It is the definition of "correct" for this project (the fast engine is tested
against it). The CSV is read the way the normalize stage writes it — UTF-8
(a BOM is still recognised), ',' separated — instead of letting frictionless
guess encoding and delimiter from a sample: a guess can differ between two
nights for the same kind of file, and a wrong guess reports nonsense errors.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Mapping

from .engine_choice import ValidationEngine
from .report import ValidationError, ValidationReport, build_report

ENGINE_NAME = ValidationEngine.FRICTIONLESS


def frictionless_resource(csv_path: Path, descriptor: Mapping[str, Any]) -> Any:
    """The frictionless Resource both engines start from; raises FrictionlessException for a bad schema.

    The resource, not the schema alone, decides what the schema may use: a
    resource without `$schema` is datapackage v1, and imposes v1 on its schema.
    """
    from frictionless import Dialect, Resource, Schema
    from frictionless.formats import CsvControl

    return Resource(
        path=csv_path.name,
        basepath=str(csv_path.parent),  # frictionless refuses absolute paths as "not safe"
        schema=Schema.from_descriptor(dict(descriptor)),
        format="csv",
        encoding="utf-8",
        dialect=Dialect(controls=[CsvControl(delimiter=",")]),
    )


def validate_with_frictionless(
    csv_path: Path,
    descriptor: Mapping[str, Any],
    *,
    limit_errors: int,
    fallback_reason: str | None = None,
) -> ValidationReport:
    from frictionless import FrictionlessException

    started = time.perf_counter()
    fields = descriptor.get("fields")
    field_names = tuple(str(f.get("name")) for f in fields if isinstance(f, Mapping)) if isinstance(fields, list) else ()
    try:
        resource = frictionless_resource(csv_path, descriptor)
    except FrictionlessException as exc:
        errors = [_convert(e) for e in exc.to_errors()]
        return build_report(
            engine=ENGINE_NAME, rows=0, fields=field_names, errors=errors, limit_errors=limit_errors,
            truncated=False, seconds=time.perf_counter() - started, fallback_reason=fallback_reason,
        )
    except Exception as exc:  # frictionless' descriptor check itself crashes on e.g. {"fields": [null]}
        error = ValidationError(type="schema-error", message=f"the schema is malformed: {type(exc).__name__}: {exc}")
        return build_report(
            engine=ENGINE_NAME, rows=0, fields=field_names, errors=[error], limit_errors=limit_errors,
            truncated=False, seconds=time.perf_counter() - started, fallback_reason=fallback_reason,
        )

    try:
        report = resource.validate(limit_errors=limit_errors)
    except Exception as exc:  # frictionless crashes on e.g. {"minimum": "a"} for an integer field
        error = ValidationError(
            type="schema-error",
            message=(
                f"frictionless could not apply the schema to {csv_path.name}: {type(exc).__name__}: {exc}. "
                "Check the field constraints: minimum/maximum/enum values must be valid values of the field's type."
            ),
        )
        return build_report(
            engine=ENGINE_NAME, rows=0, fields=field_names, errors=[error], limit_errors=limit_errors,
            truncated=False, seconds=time.perf_counter() - started, fallback_reason=fallback_reason,
        )
    task = report.tasks[0] if report.tasks else None
    errors = [_convert(e) for e in (task.errors if task else report.errors)]
    rows = int((task.stats.get("rows") if task else None) or 0)
    truncated = any(w.startswith("reached error limit") for w in (task.warnings if task else []))
    return build_report(
        engine=ENGINE_NAME, rows=rows, fields=field_names, errors=errors, limit_errors=limit_errors,
        truncated=truncated, seconds=time.perf_counter() - started, fallback_reason=fallback_reason,
    )


def _convert(error: Any) -> ValidationError:
    """Map a frictionless error object onto our flat, JSON-safe error."""
    row = getattr(error, "row_number", None)
    if row is None:
        row_numbers = getattr(error, "row_numbers", None)
        row = row_numbers[0] if row_numbers else None
    field = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", None)
    if cell is None and hasattr(error, "label"):
        cell = error.label
    return ValidationError(type=error.type, message=error.message, row=row, field=field, cell=cell)
