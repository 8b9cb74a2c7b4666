"""The validation report every engine returns, and its JSON form.

Why a project type instead of frictionless' `Report`: the fast engine must be
able to produce exactly the same thing, the report is stored as JSON next to
the published resource and read back on a later run, and stewards get it as
Markdown (`markdown.render_markdown`). A small frozen dataclass with a lossless
`to_dict`/`from_dict` does all three without dragging frictionless objects
through the pipeline.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from .engine_choice import ValidationEngine

REPORT_FORMAT = 1  # bump when the JSON shape changes incompatibly


@dataclass(frozen=True)
class ValidationError:
    """One problem, located the way frictionless locates it.

    `row` uses frictionless row numbers (the header is row 1, the first data
    row is 2); it is None for file- or schema-level errors. `field` is the
    schema field name (None when the error is not about one field). `type` is
    the frictionless error code, e.g. "type-error".
    """

    type: str
    message: str
    row: int | None = None
    field: str | None = None
    cell: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "message": self.message, "row": self.row, "field": self.field, "cell": self.cell}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ValidationError":
        return cls(
            type=str(data["type"]),
            message=str(data["message"]),
            row=data.get("row"),
            field=data.get("field"),
            cell=data.get("cell"),
        )


def _frozen_counts(counts: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(sorted(counts.items())))


def count_by_type(errors: Iterable[ValidationError]) -> Mapping[str, int]:
    """Totals per error type, in a stable (sorted) order."""
    return _frozen_counts(Counter(e.type for e in errors))


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one table against its Table Schema.

    `error_counts` counts the reported errors per type. When `truncated` is
    true the engine stopped at `limit_errors` (like frictionless, which stops
    reading the file there), so the counts are lower bounds and `rows` is the
    number of data rows read before stopping.
    """

    valid: bool
    engine: ValidationEngine
    rows: int
    fields: tuple[str, ...]
    errors: tuple[ValidationError, ...]
    error_counts: Mapping[str, int] = field(default_factory=lambda: _frozen_counts({}))
    truncated: bool = False
    seconds: float = 0.0
    fallback_reason: str | None = None
    # things a steward should look at that do not make the data invalid (`formula_cells`)
    warnings: tuple[ValidationError, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "engine", ValidationEngine(self.engine))
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "errors", tuple(self.errors))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "error_counts", _frozen_counts(self.error_counts))

    @property
    def error_keys(self) -> set[tuple[int | None, str | None, str]]:
        """The (row, field, type) set — what the engines' parity is judged on."""
        return {(e.row, e.field, e.type) for e in self.errors}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "valid": self.valid,
            "engine": self.engine,
            "fallback_reason": self.fallback_reason,
            "rows": self.rows,
            "fields": list(self.fields),
            "error_counts": dict(self.error_counts),
            "errors": [e.to_dict() for e in self.errors],
            "truncated": self.truncated,
            "seconds": self.seconds,
            "warnings": [w.to_dict() for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ValidationReport":
        fmt = data.get("format", REPORT_FORMAT)
        if fmt != REPORT_FORMAT:
            raise ValueError(f"validation report format {fmt!r} is not supported (expected {REPORT_FORMAT})")
        return cls(
            valid=bool(data["valid"]),
            engine=ValidationEngine(data["engine"]),
            fallback_reason=data.get("fallback_reason"),
            rows=int(data["rows"]),
            fields=tuple(data["fields"]),
            error_counts={str(k): int(v) for k, v in data["error_counts"].items()},
            errors=tuple(ValidationError.from_dict(e) for e in data["errors"]),
            truncated=bool(data["truncated"]),
            seconds=float(data["seconds"]),
            warnings=tuple(ValidationError.from_dict(w) for w in data.get("warnings", ())),
        )


def build_report(
    *,
    engine: ValidationEngine | str,
    rows: int,
    fields: Iterable[str],
    errors: list[ValidationError],
    limit_errors: int,
    truncated: bool,
    seconds: float,
    fallback_reason: str | None = None,
) -> ValidationReport:
    """Assemble a report the same way for every engine (cap, counts, validity)."""
    if limit_errors and len(errors) > limit_errors:
        errors = errors[:limit_errors]
        truncated = True
    return ValidationReport(
        valid=not errors,
        engine=engine,
        fallback_reason=fallback_reason,
        rows=rows,
        fields=tuple(fields),
        error_counts=count_by_type(errors),
        errors=tuple(errors),
        truncated=truncated,
        seconds=round(seconds, 6),
    )
