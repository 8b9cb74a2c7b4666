"""The record structure read from byte positions, against two oracles: a regex grammar and Python's csv module.

`record_layout` finds records, their quotes and the grammar's verdict from the
positions of newlines and quotes alone. Here hypothesis writes texts from an
alphabet made of the characters that matter (quote, separator, newline) and
checks: the first malformed record is the first one the strict grammar, as a
regular expression over the record's text, rejects; and for a well-formed
text, `read_batch` counts for every record the cells Python's csv module reads.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.validation.csv_structure import NotFastReadable, read_batch, record_layout

FIELD = r'(?:[^",\n]*|"(?:[^"]|"")*")'  # unquoted without quotes, or quoted with "" for a quote inside
WELL_FORMED = re.compile(rf"{FIELD}(?:,{FIELD})*")
TEXTS = st.text(alphabet=['"', ",", "\n", "a", "ö"], max_size=40)


def records_by_parity(text: str) -> list[str]:
    """Lines joined while a quoted cell is open (an odd number of quotes so far)."""
    records: list[str] = []
    open_record = False
    for line in text.split("\n") if not text.endswith("\n") else text[:-1].split("\n"):
        if open_record:
            records[-1] += "\n" + line
        else:
            records.append(line)
        if line.count('"') % 2:
            open_record = not open_record
    return records


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=TEXTS)
def test_the_first_malformed_record_is_the_grammars(text):
    if text.count('"') % 2:
        with pytest.raises(NotFastReadable, match="not closed"):
            record_layout(text.encode())
        return
    records = records_by_parity(text)
    layout = record_layout(text.encode())
    assert len(layout.starts) == len(records)
    data = text.encode()
    assert [data[s:e].decode() for s, e in zip(layout.starts, layout.ends)] == records
    malformed = next((i for i, r in enumerate(records) if not WELL_FORMED.fullmatch(r)), None)
    assert layout.malformed == malformed


CELL = st.one_of(
    st.text(alphabet=["a", "ö", " "], max_size=3),
    st.text(alphabet=['"', ",", "\n", "a", "ö"], max_size=5).map(lambda c: '"' + c.replace('"', '""') + '"'),
)
WELL_FORMED_TEXTS = st.builds(
    lambda records, end: "\n".join(",".join(cells) for cells in records) + end,
    st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=6), st.sampled_from(["", "\n"]))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=WELL_FORMED_TEXTS, width=st.integers(1, 4))
def test_cell_counts_are_those_of_pythons_csv_reader(text, width):
    data = ("h\n" + text).encode()
    assert record_layout(data).malformed is None
    batch = read_batch(data, width, has_header=True)
    rows = list(csv.reader(io.StringIO("h\n" + text, newline="")))[1:]
    assert batch.counts.to_list() == [len(r) for r in rows]
    assert batch.cells.height == len(rows)
    extra = {i: record for i, (record, row) in enumerate(zip(records_by_parity(text), rows)) if len(row) > width}
    assert batch.extra_records == extra
