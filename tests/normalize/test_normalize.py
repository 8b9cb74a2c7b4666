"""Normalization of Swedish CSV quirks to the canonical CSV (pure file-to-file, no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.normalize import decimal_point, detect_delimiter, detect_encoding, iso_date, normalize_csv
from pipelines.errors import SourceError
from tests.sources.helpers import BADPLATSER_SCHEMA, read_csv

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "http" / "kommun" / "badplatser_cp1252.csv"


def test_cp1252_semicolon_bom_decimal_commas_become_canonical(tmp_path):
    out = tmp_path / "out.csv"
    result = normalize_csv(FIXTURE, out, BADPLATSER_SCHEMA)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    assert result.encoding == "Windows-1252" and result.delimiter == ";" and result.rows == 4
    rows = read_csv(out)
    assert rows[0] == ["id", "namn", "kommun", "lat", "long", "vattentemperatur", "besokare", "provtagningsdatum", "kommentar"]
    assert rows[1] == ["1", "Kalmarsundsbadet", "Kalmar", "56.654000", "16.356000", "18.5", "12500", "2024-06-15", "Sandstrand, brygga"]
    assert rows[3][8] == "Kiosk; toalett"  # quoted separator survives
    assert rows[4][:3] == ["4", "Ölands Skogsby ängar", "Mörbylånga"]
    assert rows[4][5:7] == ["", ""]
    assert len(rows) == 5  # the two trailing ';;;;' rows are gone


def test_non_ascii_only_at_the_end_is_still_detected_as_cp1252(tmp_path):
    # a prefix-based guess would call this UTF-8; strict decoding of the whole stream does not
    src = tmp_path / "late.csv"
    body = "namn;antal\n" + "".join(f"plats {i};{i}\n" for i in range(200_000)) + "Växjö;1\n"
    src.write_bytes(body.encode("cp1252"))
    assert src.stat().st_size > 2_000_000
    assert detect_encoding(src).encoding == "cp1252"
    out = tmp_path / "out.csv"
    result = normalize_csv(src, out, {"fields": []})
    assert result.rows == 200_001
    assert out.read_text(encoding="utf-8").endswith("Växjö,1\n")


def test_utf8_with_bom_and_tabs(tmp_path):
    src = tmp_path / "t.tsv"
    src.write_bytes("\ufeffkommun\tandel\r\nKalmar\t0,25\r\nNybro\t1 200,5\r\n".encode("utf-8"))
    result = normalize_csv(src, tmp_path / "o.csv", {"fields": [{"name": "andel", "type": "number"}]})
    assert (result.encoding, result.delimiter) == ("UTF-8", "\t")
    assert read_csv(tmp_path / "o.csv") == [["kommun", "andel"], ["Kalmar", "0.25"], ["Nybro", "1200.5"]]


def test_undecodable_byte_names_the_line(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_bytes(b"a;b\n1;2\n3;\x81\n")  # 0x81 is undefined in Windows-1252 and invalid UTF-8
    with pytest.raises(SourceError) as err:
        normalize_csv(src, tmp_path / "o.csv", {"fields": []})
    assert err.value.kind == "decode_error"
    assert "line 3" in str(err.value) and "0x81" in str(err.value) and "UTF-8" in str(err.value)
    assert not (tmp_path / "o.csv").exists()
    assert list(tmp_path.iterdir()) == [src]  # nothing half-written left behind


def test_declared_encoding_that_does_not_fit_is_an_error(tmp_path):
    src = tmp_path / "x.csv"
    src.write_bytes("namn\nÖland\n".encode("cp1252"))
    with pytest.raises(SourceError) as err:
        normalize_csv(src, tmp_path / "o.csv", {"fields": []}, encoding="utf-8")
    assert err.value.kind == "decode_error" and "line 2" in str(err.value)


def test_value_under_an_unnamed_column_is_an_error_not_a_silent_drop(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("a;b;\n1;2;\n3;4;oops\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        normalize_csv(src, tmp_path / "o.csv", {"fields": []})
    assert err.value.kind == "wrong_content" and "line 3" in str(err.value) and "column 3" in str(err.value)


@pytest.mark.parametrize(
    "raw, expected",
    [("12,5", "12.5"), ("1 234,5", "1234.5"), ("1\u00a0234,50", "1234.50"), ("1.234,5", "1234.5"), ("-0,5", "-0.5"),
     ("\u22121,5", "-1.5"), ("12.5", "12.5"), ("", ""), ("1,234.5", "1,234.5"), ("abc", "abc"), ("1,2,3", "1,2,3")],
)
def test_decimal_point(raw, expected):
    assert decimal_point(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("20240501", "2024-05-01"), ("2024/5/1", "2024-05-01"), ("1/5/2024", "2024-05-01"), ("01.05.2024", "2024-05-01"),
     ("2024-05-01 00:00:00", "2024-05-01"), ("2024-05-01", "2024-05-01"), ("2024-02-30", "2024-02-30"),
     ("2024-05-01 13:45", "2024-05-01 13:45"), ("maj 2024", "maj 2024")],
)
def test_iso_date(raw, expected):
    assert iso_date(raw) == expected


def test_detect_delimiter_prefers_consistent_split():
    assert detect_delimiter("a;b;c\n1,5;2;3\n4;5,5;6\n") == ";"
    assert detect_delimiter("a,b\n1,2\n") == ","
    assert detect_delimiter("a\tb\n1\t2\n") == "\t"
    assert detect_delimiter("onlyone\nx\n") == ","
