"""The vectorized engine (work in progress): until it lands, it defers to frictionless and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from .frictionless_engine import validate_with_frictionless
from .report import ValidationReport


def validate_fast(csv_path: Path, descriptor: Mapping[str, Any], *, limit_errors: int) -> ValidationReport:
    return validate_with_frictionless(
        csv_path, descriptor, limit_errors=limit_errors, fallback_reason="the fast engine is not implemented yet"
    )
