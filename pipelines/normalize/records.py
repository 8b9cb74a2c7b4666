"""JSON records (a list of objects) → the canonical CSV: one column per key, one row per object."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..errors import SourceError, SourceErrorKind
from .writer import NormalizeResult, normalize_rows


def normalize_records(
    records: Sequence[Mapping[str, Any]],
    dest: Path,
    schema: Mapping[str, Any],
    *,
    source: str,
    columns: Sequence[str] | None = None,
) -> NormalizeResult:
    """Normalize a list of JSON objects: one column per key (first-seen order), one row per object.

    Nested values are kept as compact JSON text, so nothing is lost.
    """
    if columns is None:
        seen: dict[str, None] = {}
        for i, rec in enumerate(records):
            if not isinstance(rec, Mapping):
                raise SourceError(
                    SourceErrorKind.WRONG_CONTENT, f"{source}: record {i + 1} is a {type(rec).__name__}, not an object"
                )
            for k in rec:
                seen.setdefault(str(k), None)
        columns = list(seen)
    if not columns:
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: no records (or records without fields)")
    cols = list(columns)
    table = ([rec.get(c) for c in cols] for rec in records)
    return normalize_rows(_chain_header(cols, table), dest, schema, source=source)


def _chain_header(header: list[str], body: Iterable[list[Any]]) -> Iterator[Sequence[Any]]:
    yield header
    yield from body
