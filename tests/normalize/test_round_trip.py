"""Generated tables written as Swedish exports: normalization gives back the generated values, or refuses.

The oracle is the generator's own values (generated_tables.Table), never the
pipeline's reading. An accepted file must come back value for value (numbers
by value, everything else as text); a refusal is allowed only where the file
itself is ambiguous — a table without data rows, or Windows-1252 bytes that
are also valid UTF-8 — and must then be a located SourceError, never another
exception. Runs are derandomized so CI sees the same cases every time.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipelines.errors import SourceError
from pipelines.normalize import NormalizeEngine, normalize_csv
from pipelines.normalize.text_evidence import FOREIGN_WORD

from .generated_tables import DELIMITERS, ENCODINGS, render, tables
from .oracle import same_value

ROUND_TRIP_EXAMPLES = 1500
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def read_canonical(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def is_valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def allowed_refusal(table, data: bytes, encoding: str, error: SourceError) -> bool:
    """The only refusals a generated file may meet: no data rows; Windows-1252 bytes that are also UTF-8;
    Windows-1252 text with a word of four letters outside ASCII (the mark of a foreign legacy encoding)."""
    if not table.expected_rows():
        return error.kind == "wrong_content" and "no data rows" in str(error)
    if encoding != "cp1252":
        return False
    if is_valid_utf8(data):
        return "also valid Windows-1252" in str(error)
    return bool(FOREIGN_WORD.search(data.decode("cp1252"))) and "not Swedish or Western text" in str(error)


def assert_same_table(table, path: Path) -> None:
    got = read_canonical(path)
    assert got[0] == list(table.names), "header"
    expected = table.expected_rows()
    assert len(got) - 1 == len(expected), f"{len(got) - 1} rows written, {len(expected)} generated"
    for number, (want, have) in enumerate(zip(expected, got[1:]), start=1):
        for name, kind, w, h in zip(table.names, table.kinds, want, have):
            assert same_value(w, h, table.types[name]), f"row {number}, {name} ({kind}): generated {w!r}, got {h!r}"


@settings(max_examples=ROUND_TRIP_EXAMPLES, **SETTINGS)
@given(table=tables(), encoding=st.sampled_from(ENCODINGS), delimiter=st.sampled_from(DELIMITERS),
       line_end=st.sampled_from(["\n", "\r\n"]), padded=st.booleans(),
       engine=st.sampled_from([NormalizeEngine.CSV, NormalizeEngine.POLARS]))
def test_generated_tables_come_back_exactly_or_are_refused(tmp_path_factory, table, encoding, delimiter, line_end,
                                                           padded, engine):
    tmp = tmp_path_factory.mktemp("rt")
    src, dest = tmp / "export.csv", tmp / "canonical.csv"
    data = render(table, delimiter, line_end, padded_header=padded).encode(encoding)
    src.write_bytes(data)
    # One column holds no separator to detect: a steward declares it (catalog.yaml `delimiter:`).
    declared = delimiter if len(table.names) == 1 else None
    try:
        normalize_csv(src, dest, table.schema, delimiter=declared, engine=engine)
    except SourceError as exc:
        event(f"refused: {exc.kind}")
        assert allowed_refusal(table, data, encoding, exc), f"refused a file that holds exactly the generated values: {exc}"
        assert not dest.exists()
        return
    event(f"accepted ({encoding})")
    assert table.expected_rows(), "a table without data rows was accepted"
    assert_same_table(table, dest)


def test_the_generator_can_fail_the_property(tmp_path):
    """The control: a normalizer that dropped a row, or read a value differently, fails the comparison."""
    from .generated_tables import Cell, Table

    table = Table(("kommun", "andel"), ("text", "decimal"), ((Cell("Mörbylånga", "Mörbylånga"), Cell("4,9", "4.9")),))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("kommun,andel\nMörbylånga,49\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_same_table(table, wrong)
    wrong.write_text("kommun,andel\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_same_table(table, wrong)
