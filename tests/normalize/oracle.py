"""An independent reading of a CSV file: what its values mean, written without the pipeline's code.

Why: a property test that compares the normalizer with itself proves nothing.
This module reads the generator's text with its own character-by-character
RFC 4180 state machine (not Python's csv module, not the pipeline's line
scanner) and applies the normalizer's *documented* conventions (header names
trimmed, blank rows dropped, short rows padded, number/integer/date forms),
each re-implemented here from the docs. Either it says what the canonical
values must be, or why the file must be refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class Refuse(Exception):
    """The file must be refused; the message says why (for test failure output)."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def parse(text: str, delimiter: str) -> list[list[str]]:
    """Records of `text` under strict RFC 4180 quoting; LF, CRLF or (consistently) CR line ends."""
    records: list[list[str]] = []
    field: list[str] = []
    record: list[str] = []
    state = "start"  # start | plain | quoted | closed
    eol = None
    i, n = 0, len(text)

    def end_record(terminator: str) -> None:
        nonlocal record, field, eol
        record.append("".join(field))
        records.append(record)
        record, field = [], []
        if terminator:
            if eol is None:
                eol = terminator
            elif terminator == "\r" and eol != "\r":
                raise Refuse("stray CR ends a record")

    while i < n:
        ch = text[i]
        if state == "quoted":
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    field.append('"')
                    i += 2
                    continue
                state = "closed"
            else:
                field.append(ch)
            i += 1
            continue
        if ch == delimiter:
            record.append("".join(field))
            field = []
            state = "start"
            i += 1
            continue
        if ch in "\r\n":
            terminator = "\r\n" if text.startswith("\r\n", i) else ch
            end_record(terminator)
            state = "start"
            i += len(terminator)
            continue
        if state == "closed":
            raise Refuse("text after a closing quote")
        if ch == '"':
            if state != "start":
                raise Refuse("quote inside an unquoted value")
            state = "quoted"
            i += 1
            continue
        field.append(ch)
        state = "plain"
        i += 1
    if state == "quoted":
        raise Refuse("quoted value never closed")
    if state != "start" or field or record:
        end_record("")
    return records


_PLAIN_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")


def number(value: str) -> str:
    """The documented number conversions (decimal comma to point, spaces grouping thousands removed);
    a value that does not become a plain number stays as it was (validation judges it)."""
    v = value.strip()
    if v.count(",") > 1 or ("," in v and "." in v and v.find(".") > v.find(",")):
        return value
    if "," in v and "." in v:
        v = v.replace(".", "")  # '1.234,5': the point groups thousands
    v = v.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    return v if _PLAIN_NUMBER.fullmatch(v) else value


def integer(value: str) -> str:
    """Spaces (thousands separators) removed when a whole number remains; otherwise trimmed."""
    v = value.strip()
    joined = v.replace(" ", "").replace("\u00a0", "")
    if joined == v:
        return v
    return joined if re.fullmatch(r"[+-]?\d+", joined) else value


def date(value: str) -> str:
    v = value.strip()
    for pattern, order in ((r"(\d{4})-(\d{2})-(\d{2})", "ymd"), (r"(\d{4})(\d{2})(\d{2})", "ymd"),
                           (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", "dmy")):
        m = re.fullmatch(pattern, v)
        if m:
            a, b, c = map(int, m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return dt.date(y, mo, d).isoformat()
            except ValueError:
                return value
    return value


CONVERT = {"number": number, "integer": integer, "date": date}


def canonical(records: list[list[str]], types: dict[str, str]) -> Table:
    """The documented conventions of the canonical CSV applied to parsed records."""
    if not records:
        raise Refuse("empty file")
    names = [c.strip() for c in records[0]]
    while names and not names[-1]:
        names.pop()
    if not names or "" in names:
        raise Refuse("a column without a name")
    if len(set(names)) != len(names):
        raise Refuse("duplicate column names")
    width = len(names)
    rows = []
    for record in records[1:]:
        if any(c.strip() for c in record[width:]):
            raise Refuse("a value beyond the named columns")
        cells = record[:width] + [""] * (width - len(record))
        if not "".join(cells).strip():
            continue
        rows.append([CONVERT.get(types.get(name, "string"), str)(cell) for name, cell in zip(names, cells)])
    if not rows:
        raise Refuse("no data rows")
    for i, name in enumerate(names):
        if types.get(name) == "number":
            raw = [r[i] for r in records[1:] if i < len(r)]
            if any("," in v for v in raw) and any("." in v and "," not in v for v in raw):
                raise Refuse(f"column {name} mixes decimal marks")
    return Table(names, rows)


def same_value(expected: str, got: str, kind: str) -> bool:
    """Numbers compare by value (the writer may keep '12.' for '12,'); everything else by text."""
    if expected == got:
        return True
    if kind == "number":
        try:
            return Decimal(expected) == Decimal(got)
        except InvalidOperation:
            return False
    return False
