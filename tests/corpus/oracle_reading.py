"""An independent reading of a corpus file: decoding, strict parsing, proven types and canonical values.

Used to write (and re-check) tests/fixtures/corpus/manifest.jsonl without the
pipeline's code: decoding is tried in the documented order with Python's
codecs only, parsing is the character-level reader of tests/normalize/oracle.py,
and types follow the documented drafting rules, re-implemented here. XLSX
cells are read with openpyxl directly and turned into text by the documented
rules (whole numbers without ".0", ISO dates).
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path

from tests.normalize.oracle import Refuse, canonical, parse

_TYPES_IN_ORDER = ("code", "integer", "number", "date", "boolean")


def decode(data: bytes) -> tuple[str, str]:
    """(text, label) by the documented order: BOM, NUL pattern, UTF-8, Windows-1252; else Refuse."""
    for bom, codec, label in ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
                              (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE")):
        if data.startswith(bom) and not (bom == codecs.BOM_UTF16_LE and data.startswith(codecs.BOM_UTF32_LE)):
            return data[len(bom):].decode(codec), label
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            raise Refuse("ends inside a UTF-8 character") from None
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        raise Refuse("neither UTF-8 nor Windows-1252") from None
    typographic = set("€‘’“”•–—…‰™")
    if any(ord(ch) > 0x7F and not (0xA0 <= ord(ch) <= 0xFF or ch in typographic) for ch in text):
        raise Refuse("read as Windows-1252, not Western text")
    if re.search("[À-ÖØ-öø-ÿ]{4,}", text):
        raise Refuse("read as Windows-1252, a word of four letters outside ASCII (another legacy encoding)")
    return text, "Windows-1252"


def delimiter_of(text: str) -> str:
    """The separator that splits the header into most columns (a one-column file: ',')."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _kind(value: str) -> set[str]:
    kinds = set()
    if re.fullmatch(r"\d+", value) and len(value) > 1 and value[0] == "0":
        kinds.add("code")
    if re.fullmatch(r"-?(?:0|[1-9]\d*)", value) and -(2**63) <= int(value) < 2**63:
        kinds.add("integer")
    if re.fullmatch(r"-?(?:\d+|\d{1,3}(?: \d{3})+)(?:,\d+)?", value) or re.fullmatch(r"-?\d+(?:\.\d+)?", value):
        kinds.add("number")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            dt.date.fromisoformat(value)
            kinds.add("date")
        except ValueError:
            pass
    if value in ("true", "false", "True", "False", "TRUE", "FALSE"):
        kinds.add("boolean")
    return kinds


def proven_types(header: list[str], rows: list[list[str]]) -> dict[str, str]:
    types = {}
    for i, name in enumerate(header):
        values = [r[i] for r in rows if i < len(r) and r[i] != ""]
        if not values:
            types[name] = "TODO"
            continue
        digits = all(re.fullmatch(r"\d+", v) for v in values)
        if digits and any(len(v) > 1 and v[0] == "0" for v in values):
            types[name] = "string"
            continue
        common = set.intersection(*(_kind(v) for v in values))
        if "integer" in common:
            types[name] = "integer"
        elif "number" in common and not (any("," in v for v in values) and any("." in v for v in values)):
            types[name] = "number" if any("," in v or "." in v for v in values) else "string"
        elif "date" in common:
            types[name] = "date"
        elif "boolean" in common:
            types[name] = "boolean"
        else:
            types[name] = "string"
    return types


def _outcome(records: list[list[str]], encoding: str | None, delimiter: str | None) -> dict:
    """Accepted with the canonical table; refused at `check` when a column proves no type (it is empty)."""
    try:
        raw = canonical(records, {})
    except Refuse as why:
        if str(why) != "no data rows":
            raise
        names = [c.strip() for c in records[0]]
        while names and not names[-1]:
            names.pop()
        return {"outcome": "refused-at-check", "todo": names}
    types = proven_types(raw.header, raw.rows)
    if "TODO" in types.values():
        return {"outcome": "refused-at-check", "todo": [n for n, t in types.items() if t == "TODO"]}
    table = canonical(records, types)
    return {"outcome": "accepted", "encoding": encoding, "delimiter": delimiter, "types": types,
            "header": table.header, "rows": table.rows}


def read_csv_file(path: Path) -> dict:
    """The expected outcome of a CSV file: accepted with its reading, or refused with the reason."""
    try:
        text, label = decode(path.read_bytes())
        delimiter = delimiter_of(text)
        return _outcome(parse(text, delimiter), label, delimiter)
    except Refuse as why:
        return {"outcome": "refused", "why": str(why)}


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def read_xlsx_file(path: Path) -> dict:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
        return _outcome(rows, None, None)
    except Refuse as why:
        return {"outcome": "refused", "why": str(why)}
    except Exception as exc:  # a workbook openpyxl cannot read
        return {"outcome": "refused", "why": f"unreadable workbook ({type(exc).__name__})"}
