"""unique / primaryKey across batches: the key columns are the only per-row data kept for the whole file.

Every other check looks at one row at a time, so a batch can be dropped once it
is checked; a duplicate can be anywhere earlier in the file. What is kept is the
canonical parsed value of each keyed field (fast_types.py: equal exactly when
frictionless' parsed values are equal), mostly 8 bytes a row — frictionless'
own dictionaries of Python objects take several times that. The raw text is
kept as well only for a unique field whose type cannot rebuild str(value) —
what a unique-error message shows — from the canonical value.
"""

from __future__ import annotations

import polars as pl


class KeyColumns:
    """Per-field key parts, appended batch by batch, joined once at the end."""

    def __init__(self, types: dict[int, str], *, raw_fields: list[int] = ()) -> None:
        self.types = types
        self.raw_fields = set(raw_fields)
        self.parts: dict[int, list[pl.Series]] = {j: [] for j in types}
        self.raw_parts: dict[int, list[pl.Series]] = {j: [] for j in self.raw_fields}
        self.patches: dict[int, list[tuple[pl.Series, pl.Series]]] = {j: [] for j in types}

    def add(self, j: int, key: pl.Series, *, raw: pl.Series | None = None) -> None:
        self.parts[j].append(key)
        if raw is not None:
            self.raw_parts[j].append(raw)

    def patch(self, j: int, idx: pl.Series, key: pl.Series) -> None:
        """Replace the keys of rows `idx` (rows of the file) — the exact keys of flagged rows."""
        self.patches[j].append((idx, key))

    def columns(self) -> dict[int, pl.Series]:
        """Each keyed field's column for the whole file, patched with the flagged rows' exact keys.

        Parts are patched one by one and joined without copying: the whole column
        is never held twice.
        """
        out = {}
        for j, parts in self.parts.items():
            patches = self.patches[j]
            dtypes = {p.dtype for p in parts} | {key.dtype for _, key in patches}
            as_text = len(dtypes) > 1  # an integer beyond Int64 somewhere: compare every key as text (str of the int)
            idx = pl.concat([i for i, _ in patches]) if patches else pl.Series([], dtype=pl.UInt32)
            keys = pl.concat([k.cast(pl.String) if as_text else k for _, k in patches]) if patches else None
            start, joined = 0, []
            while parts:
                part = parts.pop(0)
                if as_text:
                    part = part.cast(pl.String)
                inside = (idx >= start) & (idx < start + part.len())
                if keys is not None and inside.any():
                    part = part.scatter(idx.filter(inside) - start, keys.filter(inside))
                joined.append(part)
                start += part.len()
            out[j] = pl.concat(joined, rechunk=False) if joined else pl.Series([], dtype=pl.String)
            self.parts[j], self.patches[j] = [out[j]], []  # the patched whole replaces its parts
        return out

    def raw(self, j: int, idx: int) -> str:
        for part in self.raw_parts[j]:
            if idx < part.len():
                return part[idx]
            idx -= part.len()
        raise IndexError(idx)


def later_occurrences(key: pl.Series) -> pl.Series:
    """Rows whose non-null key appeared in an earlier row.

    A hash set of every key (polars' is_first_distinct) was the largest single
    allocation after the batches; sorting a copy of the keys needs only the copy,
    and in good data finds no repeated value at all. Only the rows holding a
    repeated value are then looked at in file order.
    """
    ordered = key.drop_nulls().sort()
    repeated = ordered.filter(ordered == ordered.shift(1)).unique()
    del ordered
    later = pl.repeat(False, key.len(), eager=True, dtype=pl.Boolean)
    if repeated.len() == 0:
        return later
    rows = key.is_in(repeated.implode()).fill_null(False).arg_true()
    return later.scatter(rows.filter(~key.gather(rows).is_first_distinct()), True)


def later_tuples(frame: pl.DataFrame) -> pl.Series:
    """Rows whose tuple of keys (nulls equal, as in Python tuples) appeared in an earlier row.

    Like later_occurrences: a 64-bit hash per row is sorted to find the few rows
    whose hash repeats; only those rows' tuples are then compared exactly.
    """
    hashes = frame.select(pl.struct(pl.all()).hash()).to_series()
    candidates = later_occurrences(hashes)
    later = pl.repeat(False, frame.height, eager=True, dtype=pl.Boolean)
    if not candidates.any():
        return later
    repeated = hashes.filter(candidates).unique().implode()
    rows = hashes.is_in(repeated).arg_true()
    exact = frame.gather(rows).select(pl.struct(pl.all()).is_first_distinct()).to_series()
    return later.scatter(rows.filter(~exact), True)


def previous_rows(errors: pl.DataFrame, keys: dict[int, pl.Series], unique_fields: list[int],
                  pk_fields: list[int]) -> dict[tuple[int, int], int]:
    """(field or -1 for the primary key, data index) → data index of the most recent earlier equal key.

    frictionless remembers the last row per value; computed once, only over the
    rows whose key is one of the reported errors' keys — found with a hash set of
    those few values per key column, so no whole-file frame is built.
    """
    found: dict[tuple[int, int], int] = {}
    wanted = [(j, errors.filter((pl.col("type") == "unique-error") & (pl.col("field") == j))["idx"]) for j in unique_fields]
    if pk_fields:
        wanted.append((-1, errors.filter(pl.col("type") == "primary-key")["idx"]))
    for j, idx in wanted:
        if idx.len() == 0:
            continue
        cols = [j] if j >= 0 else pk_fields
        candidate = pl.repeat(True, keys[cols[0]].len(), eager=True, dtype=pl.Boolean)
        for c in cols:  # equal keys are equal in every column: a superset of the matching rows
            values = keys[c].gather(idx)
            hit = keys[c].is_in(values.drop_nulls().implode()).fill_null(False)
            if values.null_count():
                hit = hit | keys[c].is_null()
            candidate = candidate & hit
        rows = candidate.arg_true()
        key_cols = [f"k{c}" for c in cols]
        frame = pl.DataFrame({"i": rows, **{f"k{c}": keys[c].gather(rows) for c in cols}})
        frame = frame.filter(~pl.all_horizontal(pl.col(key_cols).is_null()))  # all-None keys never match
        frame = frame.join(frame.filter(pl.col("i").is_in(idx.implode())).select(key_cols).unique(),
                           on=key_cols, how="semi", nulls_equal=True)
        frame = frame.sort("i").with_columns(prev=pl.col("i").shift(1).over(key_cols))
        for i, prev in frame.filter(pl.col("i").is_in(idx.implode())).select("i", "prev").iter_rows():
            if prev is not None:
                found[(j, i)] = prev
    return found
