"""Prove a drafted schema's conversions: every converted value must mean what its source value meant.

Why: `register` drafts a column as `number` because every value is a decimal
number; normalization then rewrites '4,9' as '4.9' and '1 234,5' as '1234.5'.
A draft is only as good as that rewrite, so the sample is normalized twice
(without and with the draft) and each number is compared as a Decimal,
computed here independently of the normalizer. Any difference stops
`register` before the draft is written.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        return None


def converted_differently(raw: Path, converted: Path, schema: Mapping[str, Any]) -> str | None:
    """A sentence naming the first value whose conversion changed its meaning, or None."""
    numbers = {f["name"] for f in schema.get("fields", []) if f.get("type") == "number"}
    if not numbers:
        return None
    with raw.open(encoding="utf-8", newline="") as a, converted.open(encoding="utf-8", newline="") as b:
        raw_rows, converted_rows = csv.reader(a), csv.reader(b)
        header = next(raw_rows, [])
        if next(converted_rows, []) != header:
            return "the converted file's header differs from the source's"
        watched = [(i, name) for i, name in enumerate(header) if name in numbers]
        for row_number, (before, after) in enumerate(zip(raw_rows, converted_rows), start=2):
            for i, name in watched:
                source, value = before[i], after[i]
                if source == value == "":
                    continue
                expected, got = _decimal(source), _decimal(value)
                if expected is None or got is None or expected != got or "," in value:
                    return (f"row {row_number}, column {name!r}: {source!r} would be published as {value!r}; "
                            "the column cannot be drafted as a number")
    return None
