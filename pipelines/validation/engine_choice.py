"""The validation engines' names, and which engine validates a file: the caller's choice, the setting, or the size.

Frictionless is the reference and has no start-up cost worth mentioning; the
fast engine pays off on big files. "auto" therefore picks the fast engine only
above `AUTO_FAST_MIN_BYTES`, and only when it supports the schema (checked by
the fast engine itself, which then falls back with a stated reason).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Mapping


class ValidationEngine(StrEnum):
    """One name per engine: what OPPNADATA_VALIDATION_ENGINE and callers ask for, and what a report names."""

    AUTO = "auto"  # the setting if set, else by the file's size
    FRICTIONLESS = "frictionless"  # frictionless-py, row by row: the reference
    FAST = "fast"  # polars, column by column, with the reference's exact results
    NONE = "none"  # in a report only: no engine ran (the schema could not be read)


ENGINES = (ValidationEngine.AUTO, ValidationEngine.FRICTIONLESS, ValidationEngine.FAST)  # what may be asked for
ENV_VAR = "OPPNADATA_VALIDATION_ENGINE"
# 32 MB ≈ 450k rows of a 10-column table. The fast engine carries polars (≈ 50 MiB more
# after imports), so on small files its peak memory is above frictionless' even though it
# is far faster; benchmarks/validate.py measured fast/frictionless peak RSS 1.94 at 6.9 MB
# and 0.68 at 70 MB. Above this size "auto" is both faster and leaner; below it frictionless
# stays the default (the rule: memory at or below frictionless' peak).
AUTO_FAST_MIN_BYTES = 32 * 1024 * 1024


def requested_engine(engine: ValidationEngine | str, env: Mapping[str, str] | None = None) -> ValidationEngine:
    """The engine asked for: an explicit argument wins; `auto` defers to the setting.

    A wrong value is a configuration mistake, not bad data, so it raises.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine != ValidationEngine.AUTO:
        return ValidationEngine(engine)
    env = os.environ if env is None else env
    forced = env.get(ENV_VAR, "").strip().lower()
    if not forced:
        return ValidationEngine.AUTO
    if forced not in ENGINES:
        raise ValueError(f"{ENV_VAR} must be one of {', '.join(ENGINES)}, not {forced!r}")
    return ValidationEngine(forced)


def auto_prefers_fast(csv_path: Path) -> bool:
    try:
        return csv_path.stat().st_size >= AUTO_FAST_MIN_BYTES
    except OSError:
        return False  # frictionless reports the unreadable file
