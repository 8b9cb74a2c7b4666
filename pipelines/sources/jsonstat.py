"""Flatten a JSON-stat 2.0 dataset (what PxWeb answers with `json-stat2`) into tidy rows.

Why a module of its own: PxWeb v1 and v2 both answer in JSON-stat 2.0, and the
flattening (row-major over `id`/`size`, dense or sparse `value`) is the part
that is easy to get subtly wrong; it is tested once here.

Columns: for every dimension in `id` order, `<id lowercased>_kod` (the category
code) and `<id lowercased>` (its label), then `varde` (the value; empty where
the source has no value, e.g. SCB's ".." status).
"""

from __future__ import annotations

import itertools
from typing import Any, Iterator

from ..errors import SourceError, SourceErrorKind


def _categories(dim_id: str, dim: dict, size: int, source: str) -> list[tuple[str, str]]:
    cat = dim.get("category") or {}
    index = cat.get("index")
    labels = cat.get("label") or {}
    if index is None:
        codes = list(labels) if labels else []
    elif isinstance(index, list):
        codes = list(index)
    else:
        codes = [code for code, _ in sorted(index.items(), key=lambda kv: kv[1])]
    if len(codes) != size:
        raise SourceError(
            SourceErrorKind.WRONG_CONTENT, f"{source}: dimension {dim_id!r} has {len(codes)} categories but size says {size}"
        )
    return [(str(c), str(labels.get(c, c))) for c in codes]


def tidy_rows(doc: Any, source: str) -> Iterator[list[Any]]:
    """Header, then one row per cell of the cube."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset" or "id" not in doc or "size" not in doc:
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: not a JSON-stat 2.0 dataset (no class 'dataset' with id and size)")
    ids, sizes, dims = doc["id"], doc["size"], doc.get("dimension") or {}
    if len(ids) != len(sizes) or any(i not in dims for i in ids):
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: JSON-stat id, size and dimension do not match")
    cats = [_categories(i, dims[i], n, source) for i, n in zip(ids, sizes)]
    total = 1
    for n in sizes:
        total *= n
    values = doc.get("value")
    if isinstance(values, list):
        if len(values) != total:
            raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: JSON-stat has {len(values)} values for {total} cells")
        get = values.__getitem__
    elif isinstance(values, dict):  # sparse form: {"position": value}
        get = lambda pos: values.get(str(pos))  # noqa: E731
    else:
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{source}: JSON-stat has no value array")
    header: list[str] = []
    for i in ids:
        header += [f"{i.lower()}_kod", i.lower()]
    yield [*header, "varde"]
    for pos, combo in enumerate(itertools.product(*cats)):
        row: list[Any] = []
        for code, lab in combo:
            row += [code, lab]
        row.append(get(pos))
        yield row
