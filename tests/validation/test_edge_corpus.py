"""Hand-made edge cases: both engines agree, and the fast engine says when it defers.

`handled` marks files the fast engine must validate itself; the others
(a file frictionless cannot even open, a header that does not match the
schema) must come back from frictionless with a stated fallback reason.
"""

from __future__ import annotations

import pytest

from pipelines.validation import validate_table

SCHEMA = {
    "fields": [
        {"name": "kod", "type": "string", "constraints": {"required": True, "unique": True}},
        {"name": "namn", "type": "string"},
        {"name": "antal", "type": "integer", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["kod"],
}
LONG = "å" * 200_000

CASES = {
    # name: (bytes, handled by the fast engine itself?)
    "bom": ("\ufeffkod,namn,antal\n0880,Kalmar,1\n".encode(), True),
    "header only": (b"kod,namn,antal\n", True),
    "header only, no newline": (b"kod,namn,antal", True),
    "missing and extra cells": (b"kod,namn,antal\n1,a\n2,b,3,4,5\n3\n", True),
    "blank rows": (b"kod,namn,antal\n1,a,1\n\n,,\n2,b,2\n\n", True),
    "quoted newlines and quotes": ('kod,namn,antal\n1,"rad1\nrad2, ""citat""",1\n2,"",x\n'.encode(), True),
    "very long field": (f"kod,namn,antal\n1,{LONG},1\n2,{LONG}x,-1\n".encode(), True),
    "duplicate keys": (b"kod,namn,antal\n1,a,1\n1,a,1\n 1,a,1\n", True),
    "empty file": (b"", False),
    "bom only": (b"\xef\xbb\xbf", False),
    "duplicate headers": (b"kod,kod,antal\n1,2,3\n", False),
    "missing header column": (b"kod,namn\n1,a\n", False),
    "extra header column": (b"kod,namn,antal,extra\n1,a,1,x\n", False),
    "wrong header names": (b"code,name,count\n1,a,1\n", False),
    "blank header": (b",,\n1,a,1\n", False),
    "crlf": (b"kod,namn,antal\r\n1,a,1\r\n", False),
    "not utf-8": ("kod,namn,antal\n1,Mörbylånga,1\n".encode("cp1252"), False),
    "stray quote": (b'kod,namn,antal\n1,a"b,1\n', False),
    "unclosed quote": (b'kod,namn,antal\n1,"ab,1\n', False),
    "text after a closing quote, most records quoted": (b'kod,namn,antal\n"1","a",1\n"2","b"c,2\n"3","x",3\n', False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_edge_case(tmp_path, name):
    content, handled = CASES[name]
    path = tmp_path / "edge.csv"
    path.write_bytes(content)
    ref = validate_table(path, SCHEMA, engine="frictionless")
    fast = validate_table(path, SCHEMA, engine="fast")
    assert [(e.row, e.field, e.type) for e in fast.errors] == [(e.row, e.field, e.type) for e in ref.errors]
    assert [e.message for e in fast.errors] == [e.message for e in ref.errors]
    assert (fast.rows, fast.valid) == (ref.rows, ref.valid)
    if handled:
        assert fast.engine == "fast" and fast.fallback_reason is None
    else:
        assert fast.engine == "frictionless" and fast.fallback_reason


def test_unsupported_schema_falls_back_with_reason(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,e\n1,a@b.se\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "e", "type": "string", "format": "email"}]}
    report = validate_table(path, schema, engine="fast")
    assert report.engine == "frictionless" and "format 'email'" in report.fallback_reason
    assert report.valid


def test_auto_uses_fast_only_for_big_files(tmp_path, monkeypatch):
    from pipelines.validation import engine_choice

    monkeypatch.delenv("OPPNADATA_VALIDATION_ENGINE", raising=False)
    monkeypatch.setattr(engine_choice, "AUTO_FAST_MIN_BYTES", 1_000_000)  # the real threshold (32 MB) is too big for a unit test
    small = tmp_path / "small.csv"
    small.write_text("kod,namn,antal\n1,a,1\n", encoding="utf-8")
    assert validate_table(small, SCHEMA).engine == "frictionless"
    big = tmp_path / "big.csv"
    big.write_text("kod,namn,antal\n" + "".join(f"{i},Kalmar län,{i}\n" for i in range(80_000)), encoding="utf-8")
    assert big.stat().st_size > 1_000_000
    report = validate_table(big, SCHEMA)
    assert report.engine == "fast" and report.valid and report.rows == 80_000
    monkeypatch.setenv("OPPNADATA_VALIDATION_ENGINE", "fast")
    assert validate_table(small, SCHEMA).engine == "fast"
