"""Cell-level differential harness: the fast engine's column checks against frictionless' own cell reader.

Cheaper than whole files, so hypothesis can try thousands of spellings per
type. For every cell it compares, with frictionless' reader as the reference:
  - the detail pass: type error or not, the constraint notes and their order;
  - the keys: two cells have equal canonical keys exactly when frictionless'
    parsed values are equal (and for ordered types, order the same way);
  - the screen: a cell it calls certainly fine has no notes in frictionless,
    and its key is the detail's key.
"""

from __future__ import annotations

import itertools
from typing import Any

import polars as pl
import pytest
from frictionless import Schema

from pipelines.validation.fast_fields import ColumnCheck, NotFastCheckable


def frictionless_cells(field_descriptor: dict[str, Any], raws: list[str], schema_extra: dict | None = None):
    schema = Schema.from_descriptor({"fields": [field_descriptor], **(schema_extra or {})})
    field = schema.fields[0]
    reader = field.create_cell_reader()
    out = []
    for raw in raws:
        try:
            value, notes = reader(raw)
        except Exception as exc:  # frictionless itself crashes on this cell (e.g. naive vs aware bound)
            out.append((exc, None))
            continue
        out.append((value, list((notes or {}).keys())))
    return field, out


def fast_cells(field: Any, raws: list[str], *, need_key: bool):
    check = ColumnCheck(field, need_key=need_key)
    column = pl.Series("c", raws, dtype=pl.String)
    result = check.detail(column)
    notes: list[list[str]] = [[] for _ in raws]
    for idx, etype, constraint in result.errors.sort(["idx", "sub"]).select("idx", "type", "constraint").iter_rows():
        notes[idx].append("type" if etype == "type-error" else constraint)
    good, _, key = check.screen(pl.col("c"))
    screened = pl.DataFrame({"c": column}).lazy().select(
        (good if good is not None else pl.lit(True)).alias("good"),
        *([key.alias("key")] if key is not None else [])).collect()
    return check, notes, result.key, screened


def assert_cells_match(field_descriptor: dict[str, Any], raws: list[str], *, schema_extra: dict | None = None,
                       keys: bool = True) -> None:
    field, expected = frictionless_cells(field_descriptor, raws, schema_extra)
    crashing = [raw for raw, (value, _) in zip(raws, expected) if isinstance(value, Exception)]
    if crashing:  # the fast engine must hand such a cell to frictionless (and so defer the whole file)
        with pytest.raises(NotFastCheckable):
            fast_cells(field, crashing, need_key=keys)
        kept = [i for i, (value, _) in enumerate(expected) if not isinstance(value, Exception)]
        raws, expected = [raws[i] for i in kept], [expected[i] for i in kept]
        if not raws:
            return
    check, notes, key, screened = fast_cells(field, raws, need_key=keys)
    for raw, (value, want), got in zip(raws, expected, notes):
        assert got == want, f"{field.type} {raw!r}: fast {got} frictionless {want} (value {value!r})"
    good = screened.get_column("good").to_list()
    for raw, (value, want), ok in zip(raws, expected, good):
        if ok and raw not in check.missing_values:
            assert not want, f"{field.type} {raw!r}: the screen passed a cell frictionless rejects ({want})"
    if not keys:
        return
    key_list = key.to_list()
    if "key" in screened.columns:
        for raw, ok, screen_key, detail_key in zip(raws, good, screened.get_column("key").to_list(), key_list):
            if isinstance(detail_key, str) and not isinstance(screen_key, str) and screen_key is not None:
                screen_key = str(screen_key)  # an integer beyond Int64 turns the field's keys into text (fast_keys)
            if ok and screen_key is not None:
                assert screen_key == detail_key, f"{field.type} {raw!r}: screen key {screen_key!r} detail key {detail_key!r}"
    values = [v for v, _ in expected]
    for (i, a), (j, b) in itertools.combinations(enumerate(values), 2):
        if a is None or b is None:
            continue
        assert (key_list[i] == key_list[j]) == (a == b), (
            f"{field.type} {raws[i]!r} vs {raws[j]!r}: keys {key_list[i]!r}/{key_list[j]!r}, values {a!r}/{b!r}")
        if check.ctype.orderable and key.dtype == check.ctype.dtype and not (getattr(a, "tzinfo", 0) is None) != (getattr(b, "tzinfo", 0) is None):
            assert (key_list[i] < key_list[j]) == (a < b), f"{field.type} order of {raws[i]!r} and {raws[j]!r}"
