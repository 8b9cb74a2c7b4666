"""Validation: a canonical CSV against its Frictionless Table Schema → one `ValidationReport`.

`validate_table` is the stage's entry point; it never raises on bad data, a
missing file or a broken schema (they are errors in the report). Modules, one
job each: `validate` (the entry point), `report` (the result every engine
returns), `schema_loading` (a schema from a path or a mapping, or a located
error), `frictionless_engine` (the reference), `fast_engine` with
`csv_structure` and `fast_*` (the vectorized engine with exact parity),
`markdown` (the steward-facing rendering) and `engine_choice` (the engines'
names and which one runs).
"""

from .engine_choice import ValidationEngine
from .markdown import render_markdown
from .report import ValidationError, ValidationReport, build_report
from .validate import validate_table

__all__ = ["ValidationEngine", "ValidationError", "ValidationReport", "build_report", "render_markdown", "validate_table"]
