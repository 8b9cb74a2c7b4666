"""Hypothesis strategies for Swedish-export-like tables, and the generator's own CSV writer.

A generated table knows its values (the oracle of the round trip); `render`
writes it the way an exporter would: any of the encodings, separators, line
ends and decimal marks Swedish files come in, with thousands grouped by
spaces, dates in the forms the normalizer documents, codes with leading
zeros, quotes, separators and line breaks inside text, and empty cells.

Text is drawn from what Swedish exports hold: letters with å ä ö é ü, digits,
punctuation, the Windows-1252 typographic marks (€ – ” ° § and a no-break
space), quotes, the three separators and line breaks. Not drawn: Ã, Â and â,
whose Windows-1252 bytes followed by one of 0x80–0xBF form valid UTF-8 that
reads as Western text (the documented limit of encoding detection; see
pipelines/normalize/text_evidence.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import strategies as st

NAMES = ["kommunkod", "kommun", "antal", "andel", "datum", "namn", "beskrivning", "värde", "län", "år_mätt",
         "Område", "adress", "postnummer", "kostnad_kr", "temperatur"]
TOKENS = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZåäöÅÄÖéüÉÜ0123456789 -_'.:/()!?") + [
    '"', ",", ";", "\t", "\n", "\r\n", "\r", "€", "–", "”", "°", "§", "\u00a0", "Mörbylånga", "Västervik"]
KINDS = ("text", "code", "decimal", "integer", "date")
TYPES = {"text": "string", "code": "string", "decimal": "number", "integer": "integer", "date": "date"}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32")
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Cell:
    written: str  # the text in the file
    canonical: str  # the value the canonical CSV must hold (numbers compared by value)


@dataclass(frozen=True)
class Table:
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def schema(self) -> dict:
        return {"fields": [{"name": n, "type": TYPES[k]} for n, k in zip(self.names, self.kinds)]}

    @property
    def types(self) -> dict[str, str]:
        return {n: TYPES[k] for n, k in zip(self.names, self.kinds)}

    def expected_rows(self) -> list[list[str]]:
        """The rows the canonical CSV must hold: blank rows (every cell empty or spaces) are dropped."""
        return [[c.canonical for c in row] for row in self.rows if "".join(c.written for c in row).strip()]


def _grouped(digits: str) -> str:
    head = len(digits) % 3 or 3
    return " ".join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


@st.composite
def decimal_cell(draw, mark: str) -> Cell:
    sign = draw(st.sampled_from(["", "", "-"]))
    whole = str(draw(st.integers(0, 10**7)))
    frac = draw(st.text(alphabet="0123456789", min_size=0, max_size=4))
    shown = _grouped(whole) if len(whole) > 3 and draw(st.booleans()) else whole
    written = f"{sign}{shown}{mark}{frac}" if frac else f"{sign}{shown}"
    return Cell(written, f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")


@st.composite
def integer_cell(draw) -> Cell:
    value = draw(st.integers(-(10**9), 10**9))
    digits = str(abs(value))
    sign = "-" if value < 0 else ""
    shown = _grouped(digits) if len(digits) > 3 and draw(st.booleans()) else digits
    return Cell(f"{sign}{shown}", str(value))


@st.composite
def date_cell(draw) -> Cell:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    form = draw(st.sampled_from(["iso", "compact", "dotted"]))
    written = {"iso": day.isoformat(), "compact": day.strftime("%Y%m%d"), "dotted": f"{day.day}.{day.month}.{day.year}"}[form]
    return Cell(written, day.isoformat())


text_value = st.lists(st.sampled_from(TOKENS), max_size=8).map("".join)
code_value = st.from_regex(r"0[0-9]{1,5}", fullmatch=True)


def cell(kind: str, mark: str):
    value = {
        "text": text_value.map(lambda t: Cell(t, t)),
        "code": code_value.map(lambda t: Cell(t, t)),
        "decimal": decimal_cell(mark),
        "integer": integer_cell(),
        "date": date_cell(),
    }[kind]
    return st.one_of(st.just(Cell("", "")), value) if kind != "text" else value


@st.composite
def tables(draw, max_rows: int = 12) -> Table:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=len(names), max_size=len(names)))
    mark = draw(st.sampled_from([",", "."]))
    row = st.tuples(*[cell(k, mark) for k in kinds])
    rows = draw(st.lists(row, min_size=0 if draw(st.integers(0, 9)) == 0 else 1, max_size=max_rows))
    return Table(tuple(names), tuple(kinds), tuple(rows))


def quote(value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def render(table: Table, delimiter: str, line_end: str, padded_header: bool = False) -> str:
    """The file's text, written by the generator itself (RFC 4180 minimal quoting)."""
    header = [f" {n} " if padded_header else n for n in table.names]
    lines = [delimiter.join(quote(n, delimiter) for n in header)]
    lines += [delimiter.join(quote(c.written, delimiter) for c in row) for row in table.rows]
    return line_end.join(lines) + line_end


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding)
