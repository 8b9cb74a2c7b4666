"""Valid exports, damaged: the normalizer reads what the damaged bytes mean, or refuses — never a third thing.

Each case starts from a generated table written as an export (generated_tables)
and damages it the way files get damaged: cut off at any byte, two parts
saved in different encodings pasted together, a quote dropped, a stray
carriage return inserted, a header name duplicated. What the damaged file
*means* is known to the test without the pipeline: the text its author put
in each part (`intended`), read by the independent strict reader in
oracle.py. The pipeline may refuse any damaged file; if it accepts one, its
output must equal that reading value for value.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipelines.errors import SourceError
from pipelines.normalize import normalize_csv

from .generated_tables import DELIMITERS, render, tables
from .oracle import Refuse, canonical, parse, same_value

MUTATION_EXAMPLES = 700
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
OTHER = {"utf-8": "cp1252", "cp1252": "utf-8"}


@dataclass(frozen=True)
class Damaged:
    data: bytes
    intended: str | None  # what the author wrote, as text; None when no text was written (a cut character)
    how: str


def cut(text: str, encoding: str, at_fraction: float) -> Damaged:
    data = text.encode(encoding)
    at = int(len(data) * at_fraction)
    try:
        intended = data[:at].decode(encoding)
    except UnicodeDecodeError:
        intended = None  # the cut splits a character: no reading is what the author wrote
    bom = codecs.BOM_UTF8 if encoding == "utf-8-sig" else b""
    if intended is not None and bom and data[:at].startswith(bom):
        intended = data[len(bom):at].decode("utf-8")
    return Damaged(data[:at], intended, "cut")


def splice(text: str, encoding: str, at_fraction: float) -> Damaged:
    lines = text.splitlines(keepends=True)
    k = max(1, int(len(lines) * at_fraction))
    head, tail = "".join(lines[:k]), "".join(lines[k:])
    return Damaged(head.encode(encoding) + tail.encode(OTHER[encoding]), head + tail, "splice")


def edit(text: str, encoding: str, at_fraction: float, what: str) -> Damaged:
    if what == "drop-quote":
        quotes = [i for i, ch in enumerate(text) if ch == '"']
        if not quotes:
            return Damaged(text.encode(encoding), text, "unchanged")
        i = quotes[int(len(quotes) * at_fraction) % len(quotes)]
        changed = text[:i] + text[i + 1:]
    elif what == "stray-cr":
        i = int(len(text) * at_fraction)
        changed = text[:i] + "\r" + text[i:]
    else:  # duplicate-name: the second header name becomes the first
        first_line = text.split("\n", 1)[0]
        changed = text
        for delimiter in DELIMITERS:
            names = first_line.rstrip("\r").split(delimiter)
            if len(names) > 1:
                changed = text.replace(first_line, delimiter.join([names[0], names[0], *names[2:]]), 1)
                break
    return Damaged(changed.encode(encoding), changed, what)


def expected(damaged: Damaged, delimiter: str, types: dict[str, str]):
    """The canonical table the damaged file means, or Refuse."""
    if damaged.intended is None:
        raise Refuse("a character was cut in half")
    text = damaged.intended.removeprefix("\ufeff")
    return canonical(parse(text, delimiter), types)


@settings(max_examples=MUTATION_EXAMPLES, **SETTINGS)
@given(table=tables(), encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig", "utf-16"]),
       delimiter=st.sampled_from(DELIMITERS), line_end=st.sampled_from(["\n", "\r\n"]),
       how=st.sampled_from(["cut", "splice", "drop-quote", "stray-cr", "duplicate-name"]),
       at=st.integers(0, 999).map(lambda n: n / 1000))
def test_damaged_exports_are_read_as_they_mean_or_refused(tmp_path_factory, table, encoding, delimiter, line_end, how, at):
    text = render(table, delimiter, line_end)
    if how == "cut":
        damaged = cut(text, encoding, at)
    elif how == "splice":
        damaged = splice(text, "utf-8" if encoding != "cp1252" else "cp1252", at)
    else:
        damaged = edit(text, encoding, at, how)
    tmp = tmp_path_factory.mktemp("mut")
    src, dest = tmp / "damaged.csv", tmp / "canonical.csv"
    src.write_bytes(damaged.data)
    try:
        normalize_csv(src, dest, table.schema, delimiter=delimiter)
    except SourceError as exc:
        event(f"{damaged.how}: refused ({exc.kind})")
        assert not dest.exists()
        return
    event(f"{damaged.how}: accepted")
    try:
        want = expected(damaged, delimiter, table.types)
    except Refuse as why:
        raise AssertionError(f"accepted a file that must be refused ({why}): {damaged.data[:200]!r}") from None
    with dest.open(encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == want.header
    assert len(got) - 1 == len(want.rows), f"{len(got) - 1} rows written, the file means {len(want.rows)}"
    for number, (w, h) in enumerate(zip(want.rows, got[1:]), start=1):
        for name, a, b in zip(want.header, w, h):
            assert same_value(a, b, table.types.get(name, "string")), f"row {number}, {name}: means {a!r}, written {b!r}"


def test_a_splice_of_two_encodings_is_refused_naming_both_parts(tmp_path):
    """The case stewards meet: UTF-8 lines with Windows-1252 lines pasted after them."""
    src = tmp_path / "pasted.csv"
    src.write_bytes("kommun;antal\nMörbylånga;1\nKalmar;2\n".encode() + "Mönsterås;3\n".encode("cp1252"))
    try:
        normalize_csv(src, tmp_path / "out.csv", {"fields": []})
    except SourceError as exc:
        message = str(exc)
    else:
        raise AssertionError("a mixed file was accepted")
    assert "first offending line 4" in message and "line 2 is UTF-8" in message and "Windows-1252" in message
    assert not (tmp_path / "out.csv").exists()


def test_the_oracle_refuses_what_the_mutations_break():
    """The control for the oracle itself: each damage it must see, it sees."""
    for broken in ('a,b\n1,"x\n', 'a,b\n1,x"y\n', 'a,b\n1,"x"y\n', "a,b\r\n1,2\r3,4\r\n", "a,a\n1,2\n", "a,b\n"):
        try:
            canonical(parse(broken, ","), {})
        except Refuse:
            continue
        raise AssertionError(f"the oracle accepted {broken!r}")
    assert canonical(parse('a;b\r\n"x;""y""\r\nz";1,5\r\n', ";"), {"b": "number"}).rows == [['x;"y"\r\nz', "1.5"]]
