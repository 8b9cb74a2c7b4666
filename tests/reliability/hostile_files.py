"""Hostile data files built on the fly: deep JSON, numbers with thousands of digits, XLSX parts with DTDs.

Each builder returns the bytes of one file a steward (or an attacker posing as
a source) could hand the pipeline. What they have in common: the obvious
parser of each format fails on them with an exception that has no location
(RecursionError, ValueError, an XML ParseError) or, worse, expands them.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl

DIGITS = "9" * 5000
HEADER = ["kommunkod", "kommun", "antal"]


def deep_json(depth: int = 100_000) -> bytes:
    """A records document whose one record holds a value nested `depth` lists deep."""
    return b'[{"kommunkod": "0880", "kommun": "Kalmar", "antal": ' + b"[" * depth + b"]" * depth + b"}]"


def huge_integer_json() -> bytes:
    return b'[{"kommunkod": "0880", "kommun": "Kalmar", "antal": ' + DIGITS.encode() + b"}]"


def huge_integer_csv() -> bytes:
    return f"kommunkod,kommun,antal\n0880,Kalmar,{DIGITS}\n0881,Nybro,2\n".encode()


def _workbook(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rewrite(xlsx: bytes, part: str, change) -> bytes:
    """The workbook with one part's XML replaced by change(old XML)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            data = source.read(info.filename)
            dest.writestr(info, change(data) if info.filename == part else data)
    return out.getvalue()


def _with_doctype(doctype: bytes, kalmar: bytes | None = None):
    """Put `doctype` before the root element and, if given, `kalmar` in place of the text 'Kalmar'."""
    def change(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            declaration, _, rest = xml.partition(b"?>")
            xml_head, body = declaration + b"?>", rest
        else:
            xml_head, body = b"", xml
        if kalmar is not None:
            body = body.replace(b"<t>Kalmar</t>", b"<t>" + kalmar + b"</t>", 1)
        return xml_head + doctype + body
    return change


def _base() -> bytes:
    return _workbook([HEADER, ["0880", "Kalmar", 1]])


def xlsx_billion_laughs() -> bytes:
    """Entities that multiply tenfold nine times over, referenced from a cell: gigabytes once expanded."""
    entities = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10))) for i in range(1, 10))
    return _rewrite(_base(), "xl/worksheets/sheet1.xml",
                    _with_doctype(b"<!DOCTYPE worksheet [" + entities + b"]>", kalmar=b"&l9;"))


def xlsx_external_entity() -> bytes:
    """A cell whose text would be pulled in from a file on the machine (XXE)."""
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return _rewrite(_base(), "xl/worksheets/sheet1.xml", _with_doctype(doctype, kalmar=b"&xxe;"))


def xlsx_parameter_entity() -> bytes:
    """A parameter entity fetching an outside DTD, in the package's content types."""
    doctype = b'<!DOCTYPE Types [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>'
    return _rewrite(_base(), "[Content_Types].xml", _with_doctype(doctype))


def xlsx_huge_number() -> bytes:
    """A numeric cell with 5000 digits: a value no reader can convert exactly."""
    def change(xml: bytes) -> bytes:
        return xml.replace(b"<v>1</v>", b"<v>" + DIGITS.encode() + b"</v>", 1)
    return _rewrite(_base(), "xl/worksheets/sheet1.xml", change)


def xlsx_infinite_number() -> bytes:
    """A numeric cell '1e5000': read as a float it becomes infinity, which is not what it says."""
    return _rewrite(_base(), "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<v>1</v>", b"<v>1e5000</v>", 1))


CASES = {
    # name: (format, bytes builder, words the located error must hold)
    "deep-json": ("json", deep_json, ("nested too deep", "line 1 column 551")),
    "huge-integer-json": ("json", huge_integer_json, ("5000 digits", "line 1 column 53")),
    "xlsx-billion-laughs": ("xlsx", xlsx_billion_laughs, ("xl/worksheets/sheet1.xml declares a DTD",)),
    "xlsx-external-entity": ("xlsx", xlsx_external_entity, ("xl/worksheets/sheet1.xml declares a DTD",)),
    "xlsx-parameter-entity": ("xlsx", xlsx_parameter_entity, ("[Content_Types].xml declares a DTD",)),
    "xlsx-huge-number": ("xlsx", xlsx_huge_number, ("row 2", "cannot be read")),
    "xlsx-infinite-number": ("xlsx", xlsx_infinite_number, ("row 2", "no exact value")),
}


