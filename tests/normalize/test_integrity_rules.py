"""Each way a file could change meaning on its way to the canonical CSV: read exactly, or refused located.

One test per rule of pipelines/normalize (encoding evidence, strict CSV,
header names, decimal marks, empty tables), with the exact kind and the line
the message must name. The files are the smallest that show the rule.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipelines.errors import SourceError
from pipelines.normalize import NormalizeEngine, detect_encoding, normalize_csv

NUMBER = {"fields": [{"name": "andel", "type": "number"}]}


def normalized(tmp_path: Path, data: bytes, schema: dict | None = None, **options) -> list[list[str]]:
    src = tmp_path / "in.csv"
    src.write_bytes(data)
    normalize_csv(src, tmp_path / "out.csv", schema or {"fields": []}, **options)
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def refusal(tmp_path: Path, data: bytes, schema: dict | None = None, **options) -> SourceError:
    src = tmp_path / "in.csv"
    src.write_bytes(data)
    with pytest.raises(SourceError) as err:
        normalize_csv(src, tmp_path / "out.csv", schema or {"fields": []}, **options)
    assert not (tmp_path / "out.csv").exists(), "a refused file left output behind"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"], "temporary files left behind"
    return err.value


# ---- encodings ----------------------------------------------------------------------------------

UTF8_PART = "kommun;andel\nMörbylånga;4,9\nKalmar;5,0\n".encode()


def test_mixed_utf8_and_windows_1252_is_refused_naming_the_line_and_both_encodings(tmp_path):
    err = refusal(tmp_path, UTF8_PART + "Mönsterås;3,1\n".encode("cp1252"))
    assert err.kind == "decode_error"
    assert "mixed encodings, first offending line 4" in str(err)
    assert "line 4 is not UTF-8 (line 4 reads as Windows-1252: 'Mönsterås;3,1')" in str(err)
    assert "line 2 is UTF-8 (line 2: 'Mörbylånga;4,9')" in str(err)


def test_a_declared_encoding_settles_a_mixed_file(tmp_path):
    rows = normalized(tmp_path, UTF8_PART + "Mönsterås;3,1\n".encode("cp1252"), NUMBER, encoding="windows-1252")
    assert rows[1] == ["MÃ¶rbylÃ¥nga", "4.9"] and rows[3] == ["Mönsterås", "3.1"]  # what the steward declared


@pytest.mark.parametrize("codec, evidence", [
    ("utf-16", "UTF-16LE byte-order mark"), ("utf-16-be", "UTF-16BE text"), ("utf-16-le", "UTF-16LE text"),
    ("utf-32", "UTF-32LE byte-order mark"), ("utf-32-be", "UTF-32BE text"),
])
def test_utf16_and_utf32_are_transcoded_with_and_without_bom(tmp_path, codec, evidence):
    data = "kommun;andel\r\nMörbylånga;4,9\r\nVäxjö;\r\n".encode(codec)
    (tmp_path / "probe").write_bytes(data)
    assert evidence in detect_encoding(tmp_path / "probe").evidence
    (tmp_path / "probe").unlink()
    assert normalized(tmp_path, data, NUMBER) == [["kommun", "andel"], ["Mörbylånga", "4.9"], ["Växjö", ""]]


def test_utf16_that_is_cut_in_half_is_refused(tmp_path):
    err = refusal(tmp_path, "kommun;andel\nKalmar;1\n".encode("utf-16")[:-1])
    assert err.kind == "decode_error" and "UTF-16LE" in str(err)


def test_windows_1252_reading_that_is_not_western_text_is_refused(tmp_path):
    err = refusal(tmp_path, "kommunkod,kommun\n0880,日本語の名前\n".encode("shift_jis"))
    assert err.kind == "decode_error" and "line 2" in str(err) and "not Swedish or Western text" in str(err)


def test_bytes_that_are_valid_in_both_encodings_but_mean_different_text_are_refused(tmp_path):
    err = refusal(tmp_path, "namn\nÄ°C\n".encode("cp1252"))
    assert "line 2" in str(err) and "'İC'" in str(err) and "'Ä°C'" in str(err) and "encoding:" in str(err)


def test_windows_1252_after_a_utf8_bom_is_read_as_windows_1252(tmp_path):
    """Some exporters put a UTF-8 BOM before Windows-1252 text; the bytes after it decide."""
    assert normalized(tmp_path, b"\xef\xbb\xbf" + "kommun\nMörbylånga\n".encode("cp1252")) == [["kommun"], ["Mörbylånga"]]


def test_a_file_cut_inside_a_utf8_character_is_refused(tmp_path):
    err = refusal(tmp_path, "kommun\nKalmar\nMö".encode()[:-1])
    assert "ends in the middle of a UTF-8 character (line 3" in str(err)


def test_unicode_is_kept_exactly_as_written(tmp_path):
    """No normalization of Unicode: an Ångström sign stays U+212B, combining marks stay combining."""
    text = "tecken,namn\n\u212b,ångström\nA\u030a,kombinerad\n"
    assert normalized(tmp_path, text.encode()) == [["tecken", "namn"], ["\u212b", "ångström"], ["A\u030a", "kombinerad"]]


# ---- strict CSV ---------------------------------------------------------------------------------

def test_unterminated_quote_is_refused_at_the_line_where_it_opens(tmp_path):
    err = refusal(tmp_path, b'kod,namn,antal\n0880,"Kalmar,1\n0881,Nybro,2\n0882,Oskarshamn,3\n')
    assert err.kind == "csv_syntax" and "line 2, column 2: a quoted value starts here and is never closed" in str(err)


def test_quote_inside_an_unquoted_value_is_refused(tmp_path):
    err = refusal(tmp_path, b'ort,koordinat\nModesto,37\xc2\xb036\'37.8"N\n')
    assert err.kind == "csv_syntax" and "line 2, column 2: a quote" in str(err)


def test_text_after_a_closing_quote_is_refused(tmp_path):
    err = refusal(tmp_path, b'a;b\n"x"y;1\n')
    assert err.kind == "csv_syntax" and "line 2, column 1: text after the closing quote" in str(err)


def test_a_stray_carriage_return_in_a_record_is_refused(tmp_path):
    err = refusal(tmp_path, b"kod,namn\r\n0880,Kal\rmar\r\n")
    assert err.kind == "csv_syntax" and "line 2: the record ends with a lone carriage return" in str(err)


def test_quoted_line_breaks_and_doubled_quotes_are_data(tmp_path):
    data = b'kod;text\r\n1;"rad 1\r\nrad 2 med ""citat"" och ; och \r"\r\n'
    assert normalized(tmp_path, data) == [["kod", "text"], ["1", 'rad 1\r\nrad 2 med "citat" och ; och \r']]


def test_an_old_mac_file_with_cr_line_ends_is_read(tmp_path):
    assert normalized(tmp_path, b"a;b\r1;2\r3;4\r") == [["a", "b"], ["1", "2"], ["3", "4"]]


# ---- header names, decimal marks, empty tables ---------------------------------------------------

@pytest.mark.parametrize("engine", [NormalizeEngine.CSV, NormalizeEngine.POLARS])
def test_duplicate_header_names_are_refused(tmp_path, engine):
    err = refusal(tmp_path, b"kommunkod,kommun,kommunkod\n0880,Kalmar,0881\n", engine=engine)
    assert err.kind == "wrong_content" and "names both column 1 and column 3 'kommunkod'" in str(err)


def test_an_empty_header_name_is_refused(tmp_path):
    err = refusal(tmp_path, b"kod,,antal\n1,x,2\n")
    assert "header row (line 1) has no name in column 2" in str(err)


@pytest.mark.parametrize("engine", [NormalizeEngine.CSV, NormalizeEngine.POLARS])
def test_a_column_with_both_decimal_marks_is_refused_naming_a_line_of_each(tmp_path, engine):
    err = refusal(tmp_path, b"kommun;andel\nA;4,9\nB;1.234\nC;2,5\n", NUMBER, engine=engine)
    assert "column 2 ('andel')" in str(err) and "(line 2: '4,9')" in str(err) and "(line 3: '1.234')" in str(err)


def test_decimal_commas_with_thousands_are_converted(tmp_path):
    data = "kommun;andel\nA;4,9\nB;1 234,5\nC;1.234,5\nD;-0,25\n".encode()
    assert [r[1] for r in normalized(tmp_path, data, NUMBER)[1:]] == ["4.9", "1234.5", "1234.5", "-0.25"]


@pytest.mark.parametrize("engine", [NormalizeEngine.CSV, NormalizeEngine.POLARS])
def test_a_header_without_rows_is_refused_unless_a_draft_asks_for_it(tmp_path, engine):
    err = refusal(tmp_path, b"kommunkod;kommun;antal\r\n;;\r\n", engine=engine)
    assert "has a header but no data rows" in str(err)
    assert normalized(tmp_path, b"kommunkod;kommun\n", allow_empty=True) == [["kommunkod", "kommun"]]
