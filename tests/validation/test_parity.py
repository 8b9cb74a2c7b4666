"""Differential tests: the fast engine reports what frictionless reports.

Seeded random schema + CSV pairs (see generators.py) must give the same
(row, field, type) errors in the same order, the same messages and the same
row counts, with and without a small `limit_errors`; and the fast engine must
really have run (no silent fallback) for every generated case.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.validation import validate_table

from .generators import deferred_for_a_reason, random_case

SEEDS = range(120)


def assert_same(tmp_path: Path, schema: dict, text: str, *, limit: int = 1000) -> None:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    ref = validate_table(path, schema, engine="frictionless", limit_errors=limit)
    fast = validate_table(path, schema, engine="fast", limit_errors=limit)
    assert fast.engine == "fast" or deferred_for_a_reason(ref, fast), fast.fallback_reason
    assert [(e.row, e.field, e.type) for e in fast.errors] == [(e.row, e.field, e.type) for e in ref.errors]
    assert [e.message for e in fast.errors] == [e.message for e in ref.errors]
    assert [e.cell for e in fast.errors] == [e.cell for e in ref.errors]
    assert (fast.rows, fast.truncated, fast.valid, dict(fast.error_counts)) == (
        ref.rows, ref.truncated, ref.valid, dict(ref.error_counts))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_cases_match_frictionless(tmp_path, seed):
    schema, text = random_case(seed)
    assert_same(tmp_path, schema, text)


@pytest.mark.parametrize("seed", range(0, 120, 4))
def test_error_limit_cuts_at_the_same_error(tmp_path, seed):
    schema, text = random_case(seed)
    assert_same(tmp_path, schema, text, limit=3)


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=1000, max_value=10**6), limit=st.sampled_from([0, 1, 7, 1000]))
def test_hypothesis_cases_match_frictionless(tmp_path, seed, limit):
    schema, text = random_case(seed, max_rows=25)
    assert_same(tmp_path, schema, text, limit=limit)


def test_generator_covers_every_error_kind(tmp_path):
    """Guard against a generator that silently stops injecting some error kind."""
    seen: set[str] = set()
    for seed in SEEDS:
        schema, text = random_case(seed)
        path = tmp_path / f"{seed}.csv"
        path.write_text(text, encoding="utf-8")
        seen |= set(validate_table(path, schema, engine="frictionless").error_counts)
    assert {"type-error", "constraint-error", "unique-error", "primary-key", "missing-cell",
            "extra-cell", "blank-row"} <= seen
