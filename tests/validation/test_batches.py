"""The fast engine reads big files in row batches; batch edges must not change any report.

The other parity tests use files far smaller than one batch, so here the batch
size is made tiny (down to one byte: every record is its own batch, and a
record longer than the batch has to be carried over) and the reports are
compared with frictionless' in full: errors, messages, cells, counts, rows.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.validation import validate_table
from pipelines.validation.csv_structure import NotFastReadable, read_batch, record_chunks
from pipelines.validation.fast_engine import validate_fast
from pipelines.validation.fast_keys import KeyColumns, later_occurrences

from .generators import deferred_for_a_reason, random_case

SCHEMA = {
    "fields": [
        {"name": "kod", "type": "string", "constraints": {"required": True, "unique": True}},
        {"name": "namn", "type": "string"},
        {"name": "antal", "type": "integer", "constraints": {"minimum": 0, "unique": True}},
    ],
    "primaryKey": ["kod", "antal"],
}


def assert_same_batched(path: Path, schema: dict, *, batch_bytes: int, limit: int) -> None:
    ref = validate_table(path, schema, engine="frictionless", limit_errors=limit)
    fast = validate_fast(path, schema, limit_errors=limit, batch_bytes=batch_bytes)
    assert fast.engine == "fast" or deferred_for_a_reason(ref, fast), fast.fallback_reason
    assert [e.to_dict() for e in fast.errors] == [e.to_dict() for e in ref.errors]
    assert (fast.rows, fast.truncated, fast.valid, dict(fast.error_counts)) == (
        ref.rows, ref.truncated, ref.valid, dict(ref.error_counts))


@pytest.mark.parametrize("seed", range(0, 120, 3))
def test_random_cases_in_tiny_batches(tmp_path, seed):
    schema, text = random_case(seed)
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    batch_bytes = (1, 37, 160)[seed % 3]
    assert_same_batched(path, schema, batch_bytes=batch_bytes, limit=(1000, 3)[seed % 2])


@pytest.mark.parametrize("seed", [19, 30, 36])  # unique string, unique integer + key, two-field key
def test_long_random_file_across_many_batches(tmp_path, seed):
    schema, text = random_case(seed, max_rows=1500)
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    for limit in (0, 25):
        assert_same_batched(path, schema, batch_bytes=2000, limit=limit)


def test_duplicates_and_blank_rows_in_other_batches(tmp_path):
    rows = [f"k{i},Öland,{i}" for i in range(300)] + ["k5,x,5", "", ",,", "k7,\"rad1\nrad2\",-7", "k299,y,1,extra"]
    path = tmp_path / "d.csv"
    path.write_text("kod,namn,antal\n" + "\n".join(rows) + "\n", encoding="utf-8")
    for batch_bytes in (50, 1000):
        assert_same_batched(path, SCHEMA, batch_bytes=batch_bytes, limit=0)
    report = validate_fast(path, SCHEMA, limit_errors=0, batch_bytes=64)
    assert {"unique-error", "primary-key", "blank-row", "constraint-error", "extra-cell"} <= set(report.error_counts)


def test_chunks_are_whole_records(tmp_path):
    text = 'a,b\n1,"x\ny\n\nz"\n2,""""\n\n3,"å\n"\n4,5'
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    for batch_bytes in (1, 3, 8, 100):
        chunks = list(record_chunks(path, batch_bytes))
        assert b"".join(chunks) == text.encode()
        for chunk in chunks[:-1]:
            assert chunk.endswith(b"\n") and chunk.count(b'"') % 2 == 0
    assert list(record_chunks(path, 1)) == [  # one record each; the quoted newlines stay inside theirs
        b"a,b\n", b'1,"x\ny\n\nz"\n', b'2,""""\n', b"\n", '3,"å\n"\n'.encode(), b"4,5"]


def test_reading_stops_at_the_error_limit(tmp_path):
    """Like frictionless, which stops reading: a broken tail after the limit is never seen."""
    good = "".join(f"{i},a,-{i + 1}\n" for i in range(50))  # every row breaks minimum
    path = tmp_path / "d.csv"
    path.write_bytes(("kod,namn,antal\n" + good).encode() + b'99,"open,1\r\n')
    stopped = validate_fast(path, SCHEMA, limit_errors=10, batch_bytes=64)
    assert stopped.engine == "fast" and stopped.truncated and stopped.rows == 10
    assert_same_batched(path, SCHEMA, batch_bytes=64, limit=10)
    whole = validate_fast(path, SCHEMA, limit_errors=0, batch_bytes=64)
    assert whole.engine == "frictionless" and "CR line ends" in whole.fallback_reason


def test_integer_keys_compare_as_text_when_one_batch_does_not_fit_int64():
    store = KeyColumns({0: "integer"})
    store.add(0, pl.Series([1, 2, None], dtype=pl.Int64))
    store.add(0, pl.Series(["99999999999999999999", "2", "99999999999999999999"]))
    key = store.columns()[0]
    assert key.dtype == pl.String
    assert later_occurrences(key).to_list() == [False, False, False, False, True, True]
    ints = KeyColumns({0: "integer"})
    ints.add(0, pl.Series([10, None], dtype=pl.Int64))
    ints.add(0, pl.Series([10], dtype=pl.Int64))
    assert ints.columns()[0].dtype == pl.Int64 and later_occurrences(ints.columns()[0]).to_list() == [False, False, True]


@pytest.mark.parametrize("header", [b'"kod","namn","antal"\n', b"kod,namn,antal\n"])
def test_a_malformed_record_is_named_by_its_number(header):
    """Whether the grammar runs on every record (most quoted) or on the quoted ones only."""
    data = header + b'"1","a",1\n2,b,2\n"3","b"c,3\n'
    with pytest.raises(NotFastReadable, match="record 4 has quotes"):
        read_batch(data, 3, has_header=True)
