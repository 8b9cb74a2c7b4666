"""The libyaml reading of catalog.yaml (`fast_yaml`) says exactly what the round-trip reading says, or nothing.

The promise the catalog loader relies on: whenever `read_fast` answers, the
round-trip loader reads the same document without error, to the same plain
values, and each list item starts on the same line. Checked on the committed
catalogs, on the broken-catalog corpus' base, on generated scalars of every
kind YAML resolves (booleans, numbers, dates, nulls, quoted and block styles,
flow collections, comments), and on whole generated catalogs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.catalog import load_catalog
from pipelines.catalog.checks.building import build_catalog
from pipelines.catalog.checks.fast_yaml import read_fast
from pipelines.catalog.checks.yaml_tree import locate, parse_tree, to_plain
from pipelines.catalog.loading import read_catalog

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = [ROOT / "catalog.yaml", Path(__file__).parent / "fixtures" / "base" / "catalog.yaml"]


def assert_same_reading(text: str) -> None:
    """read_fast answers only what the round-trip loader answers; None is always allowed."""
    fast = read_fast(text)
    if fast is None:
        return
    tree, problems = parse_tree(text, "catalog.yaml")
    assert tree is not None, f"libyaml read a document the round-trip loader refuses: {problems}"
    assert to_plain(fast.data) == to_plain(tree)
    for (section, index), line in fast.item_lines.items():
        assert line == locate(tree, [section, index])[0], (section, index)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_committed_catalogs_read_the_same_and_load_to_the_same_catalog(path):
    text = path.read_text(encoding="utf-8")
    assert read_fast(text) is not None  # the shortcut is taken for a good catalog
    assert_same_reading(text)
    # The catalog built from the libyaml reading equals the one built from the round-trip tree.
    tree, _ = parse_tree(text, "catalog.yaml")
    assert load_catalog(path) == build_catalog(to_plain(tree), tree, path.parent)


# Scalars as a steward might write them, and the ones YAML versions disagree on.
TRICKY = ["yes", "No", "on", "OFF", "y", "n", "true", "False", "TRUE", "~", "null", "Null", "", "0", "007", "0o17",
          "0x1F", "0b101", "1_000", "1,000", "1e3", "1E-3", ".5", "+.inf", "-.INF", ".nan", "1:20", "12:30:45",
          "2024-01-01", "2024-1-1", "2024-01-01 10:00:00", "2024-01-01T10:00:00+01:00", "2024-01-01T10:00:00Z",
          "'quoted'", '"dq \\u00e5 \\t"', "'it''s'", "Västervik", "a #not comment", "a # comment", "- x",
          "[a, b]", "{a: 1}", "[]", "{}", "|\n  block\n  text\n", ">-\n  folded\n  text\n", "!!str 12", "!!int '3'",
          "? complex", "@at", "`tick", "=", "<<", "x: y", "http://example.org/a?b=c#d", "ÅÄÖ: å", "1.0", "-0",
          "0.", "+1", "12e03", "1__0", "0o8", "0xG", "2024-02-30", "24:00:00"]

scalar_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.sampled_from(list("aZ09 .:-+_#'\"!&*?|>%@`~,[]{}åö\\eExXoO")), min_size=0, max_size=12),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(scalar_text, min_size=1, max_size=6))
def test_generated_scalars_read_the_same_or_are_left_to_the_round_trip_loader(values):
    lines = ["catalog:"] + [f"  k{i}: {v}" if "\n" not in v else f"  k{i}: " + v.replace("\n", "\n  ")
                            for i, v in enumerate(values)]
    lines += ["datasets:"] + [f"  - id: d{i}\n    value: {v}" if "\n" not in v else f"  - id: d{i}\n    value: "
                              + v.replace("\n", "\n      ") for i, v in enumerate(values)]
    lines += ["flow: [" + ", ".join(v for v in values if "\n" not in v) + "]"]
    assert_same_reading("\n".join(lines) + "\n")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab:- \n#'\"[]{},&*!|>%?~0.\t")), max_size=80))
def test_generated_documents_read_the_same_or_are_left_to_the_round_trip_loader(text):
    assert_same_reading(text)


def test_a_document_with_a_directive_or_an_alias_is_left_to_the_round_trip_loader():
    assert read_fast("%YAML 1.1\n---\nflag: yes\n") is None  # 1.1 would make this True, the round trip says so too
    assert read_fast("a: &x [1]\nb: *x\n") is None
    assert read_fast("a: 1\na: 2\n") is None  # duplicate key: located by the round-trip loader
    assert read_fast("a: \x07\n") is None


def test_a_problem_found_on_the_fast_reading_is_reported_located_as_before(tmp_path):
    shutil.copytree(Path(__file__).parent / "fixtures" / "base", tmp_path / "p")
    path = tmp_path / "p" / "catalog.yaml"
    text = path.read_text(encoding="utf-8")
    assert read_fast(text) is not None
    broken = text.replace("frequency: ", "frequency: every-full-moon # ", 1)
    path.write_text(broken, encoding="utf-8")
    catalog, problems = read_catalog(path)
    assert catalog is None and problems
    line = next(i for i, l in enumerate(broken.splitlines(), start=1) if "every-full-moon" in l)
    assert any(p.line == line and p.column > 1 for p in problems), problems  # a real position, not (1, 1)
