"""Check a catalog entry's source options before doing any work.

Why: a typo in catalog.yaml (`delimeter:`) must fail with the dataset's name,
its line and the allowed names — not be silently ignored.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..errors import SourceError, SourceErrorKind
from ..model import Dataset

FORMATS = ("csv", "xlsx", "json", "geojson")


def where(dataset: Dataset) -> str:
    """'dataset X (catalog.yaml line N)' for messages."""
    return f"dataset {dataset.id!r}" + (f" (catalog.yaml line {dataset.line})" if dataset.line else "")


def thaw(value: Any) -> Any:
    """Plain dicts and lists from the catalog's frozen mappings and tuples.

    The catalog freezes every entry (MappingProxyType, tuples) so no stage can
    change it; source modules and JSON request bodies want plain JSON shapes.
    """
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


def check_options(dataset: Dataset, *, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Any]:
    opts = thaw(dataset.source.options)
    allowed = tuple(allowed)
    unknown = sorted(set(opts) - set(allowed))
    if unknown:
        raise SourceError(
            SourceErrorKind.CONFIG,
            f"{where(dataset)}: unknown source option(s) {unknown} for type {dataset.source.type!r}; "
            f"allowed: {', '.join(allowed)}",
        )
    missing = [r for r in required if opts.get(r) in (None, "", [], {})]
    if missing:
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: source type {dataset.source.type!r} needs option(s) {missing}")
    return opts


def check_format(dataset: Dataset, fmt: Any) -> str:
    if fmt not in FORMATS:
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: format {fmt!r} is not one of {', '.join(FORMATS)}")
    return str(fmt)


def positive_int(dataset: Dataset, name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: option {name} must be a whole number ≥ 1, not {value!r}")
    return value
