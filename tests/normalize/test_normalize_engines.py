"""The polars engine must write exactly the bytes the csv-module reference engine writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.errors import SourceError
from pipelines.normalize import NormalizeEngine, normalize_csv
from tests.sources.helpers import BADPLATSER_SCHEMA

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "http" / "kommun" / "badplatser_cp1252.csv"
SCHEMA = {"fields": [{"name": "namn", "type": "string"}, {"name": "tal", "type": "number"},
                     {"name": "antal", "type": "integer"}, {"name": "datum", "type": "date"}, {"name": "text", "type": "string"}]}

text = st.text(alphabet=list("abcåäöÅÄÖ ;,\"\n\t\u00a0-.0123456789xyz"), max_size=12)
# One decimal mark per file: a column mixing '1,5' and '1.5' is refused (decimal_marks), not converted.
number = st.one_of(st.just(""), st.from_regex(r"-?[0-9]{1,6}(,[0-9]{1,4})?", fullmatch=True))
integer = st.one_of(st.just(""), st.from_regex(r"-?[0-9]{1,9}", fullmatch=True))
date = st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat()), st.dates().map(lambda d: f"{d.isoformat()} 00:00:00"))
row = st.tuples(text, number, integer, date, text).map(list)
shaped_row = st.one_of(
    row,
    row.map(lambda r: r[:3]),  # short row: trailing cells omitted
    st.just(["", "", "", "", ""]),  # blank row
    st.just([" ", "", "\u00a0", "", ""]),  # whitespace-only row
)


def with_mark(rows: list[list[str]], mark: str) -> list[list[str]]:
    return [[cell.replace(",", mark) if i == 1 else cell for i, cell in enumerate(r)] for r in rows]


def has_data(rows: list[list[str]]) -> bool:
    return any("".join(r).strip() for r in rows)


def both_engines(src: Path, tmp: Path, schema: dict, **options):
    """(reference result, fast result), or (error, error) when both refuse the file with the same message."""
    results = []
    for engine in (NormalizeEngine.CSV, NormalizeEngine.POLARS):
        try:
            results.append(normalize_csv(src, tmp / f"{engine}.csv", schema, engine=engine, **options))
        except SourceError as exc:
            results.append(str(exc))
    return results


def write_source(path: Path, rows: list[list[str]], encoding: str, delimiter: str, line_end: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=line_end)
    w.writerow(["namn", " tal", "antal ", "datum", "text"])
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(shaped_row, min_size=1, max_size=30), encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
       delimiter=st.sampled_from([";", ",", "\t"]), line_end=st.sampled_from(["\n", "\r\n"]),
       mark=st.sampled_from([",", "."]))
def test_engines_agree_byte_for_byte(tmp_path_factory, rows, encoding, delimiter, line_end, mark):
    tmp = tmp_path_factory.mktemp("eng")
    src = tmp / "src.csv"
    write_source(src, with_mark(rows, mark), encoding, delimiter, line_end)
    ref, fast = both_engines(src, tmp, SCHEMA, delimiter=delimiter)
    if not has_data(rows):  # a header without data rows: both refuse it, with the same words
        assert isinstance(ref, str) and ref == fast and "no data rows" in ref
        return
    if isinstance(ref, str):  # cp1252 text that reads as no Western language (e.g. "ÄÄÄÄ"): both refuse alike
        assert encoding == "cp1252" and ref == fast and "not Swedish or Western text" in ref, ref
        return
    assert ref.engine == "csv" and fast.engine == "polars"  # simple values: the fast engine must not decline
    assert (tmp / "polars.csv").read_bytes() == (tmp / "csv.csv").read_bytes()
    assert fast.rows == ref.rows


def test_engines_agree_on_the_municipal_fixture(tmp_path):
    ref = normalize_csv(FIXTURE, tmp_path / "ref.csv", BADPLATSER_SCHEMA, engine=NormalizeEngine.CSV)
    fast = normalize_csv(FIXTURE, tmp_path / "fast.csv", BADPLATSER_SCHEMA, engine=NormalizeEngine.POLARS)
    # '12 500' (space as thousands separator) is not a simple form: the fast engine declines
    assert fast.engine == "csv"
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()


def test_fast_engine_declines_rows_longer_than_the_header(tmp_path):
    src = tmp_path / "long.csv"
    src.write_text("a;b\n1;2\n3;4;5\n", encoding="utf-8")
    import pytest
    from pipelines.errors import SourceError

    with pytest.raises(SourceError) as err:
        normalize_csv(src, tmp_path / "o.csv", {"fields": []}, engine=NormalizeEngine.POLARS)
    assert "line 3" in str(err.value)  # the reference engine named the line
    assert list(tmp_path.iterdir()) == [src]


def test_fast_engine_declines_bare_carriage_returns(tmp_path):
    # a lone CR ends a record for the csv module (old Mac files); polars would keep it inside the field
    src = tmp_path / "mac.csv"
    src.write_bytes(b"namn;tal;antal;datum;text\r1;2,5;3;2024-01-01;x\r;;;;\r0\n")
    fast = normalize_csv(src, tmp_path / "fast.csv", SCHEMA, engine=NormalizeEngine.POLARS)
    ref = normalize_csv(src, tmp_path / "ref.csv", SCHEMA, engine=NormalizeEngine.CSV)
    assert fast.engine == "csv" and (tmp_path / "fast.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()
    assert (tmp_path / "ref.csv").read_text() == "namn,tal,antal,datum,text\n1,2.5,3,2024-01-01,x\n0,,,,\n"


def test_reference_engine_quotes_a_carriage_return_inside_a_field(tmp_path):
    src = tmp_path / "cr.csv"
    src.write_bytes(b'a;b\n"x\ry";1\n')
    normalize_csv(src, tmp_path / "o.csv", {"fields": []}, engine=NormalizeEngine.CSV)
    assert (tmp_path / "o.csv").read_bytes() == b'a,b\n"x\ry",1\n'


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=5, max_size=60), part_bytes=st.integers(min_value=16, max_value=400))
def test_engines_agree_when_the_file_is_cut_into_many_parts(tmp_path_factory, monkeypatch, rows, part_bytes):
    # parts are cut only at newlines outside quotes; fields here contain quoted newlines and quotes
    import pipelines.normalize.polars_csv as engine

    monkeypatch.setattr(engine, "PART_BYTES", part_bytes)
    monkeypatch.setattr(engine, "CHUNK", 64)
    tmp = tmp_path_factory.mktemp("parts")
    src = tmp / "src.csv"
    write_source(src, rows, "cp1252", ";", "\r\n")
    ref, fast = both_engines(src, tmp, SCHEMA)
    if not has_data(rows):
        assert isinstance(ref, str) and ref == fast and "no data rows" in ref
        assert sorted(p.name for p in tmp.iterdir()) == ["src.csv"]
        return
    if isinstance(ref, str):  # cp1252 text that reads as no Western language: both refuse alike
        assert ref == fast and "not Swedish or Western text" in ref, ref
        return
    assert fast.engine == "polars" and fast.rows == ref.rows
    assert (tmp / "polars.csv").read_bytes() == (tmp / "csv.csv").read_bytes()
    assert sorted(p.name for p in tmp.iterdir()) == ["csv.csv", "polars.csv", "src.csv"]  # no parts left behind
