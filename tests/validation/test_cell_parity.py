"""Every type's reading, cell by cell, against frictionless' own cell reader (hypothesis + fixed spellings).

The spellings come from generators that start from valid values in several
layouts and then mutate them (a space, a sign, a Unicode digit, another
separator, a dropped or doubled character), so both the cheap grammar, the
thorough one and the hand-off to frictionless' reader are exercised; see
cells.py for what is compared.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.validation.fast_fields import NotFastCheckable

from .cells import assert_cells_match

NOISE = [" ", "\t", "+", "-", "_", ".", ",", ":", "T", "Z", "z", "0", "9", "٣", "\xa0", "\n", "e", "%", "kr", "P", "W"]
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw, base: st.SearchStrategy[str]) -> str:
    text = draw(base)
    for _ in range(draw(st.integers(0, 2))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "none", "none"]))
        piece = draw(st.sampled_from(NOISE))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + 1:]
        elif kind == "replace":
            text = text[:at] + piece + text[at + 1:]
    return text


def cells(base: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.one_of(mutated(base), base), min_size=1, max_size=25)


def padded(n: int, width: int, rng_pad: bool) -> str:
    return str(n).zfill(width) if rng_pad else str(n)


offsets = st.one_of(st.sampled_from(["", "Z", "z", "+00:00", "-00:00", "+01:00", "+0530", "-03", "+23:59", "+24:00", "+01:60"]),
                    st.builds(lambda s, h, m: f"{s}{h:02d}:{m:02d}", st.sampled_from("+-"), st.integers(0, 25), st.integers(0, 61)))
fractions = st.one_of(st.just(""), st.builds(lambda sep, d: f"{sep}{d}", st.sampled_from(".,"), st.text("0123456789", min_size=1, max_size=9)))
clock = st.builds(lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}", st.integers(0, 25), st.integers(0, 61), st.integers(0, 61))
days = st.builds(lambda d, pad_m, pad_d: f"{d.year:04d}-{padded(d.month, 2, pad_m)}-{padded(d.day, 2, pad_d)}",
                 st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), st.booleans(), st.booleans())
bad_days = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32))

TYPES = {
    "integer": st.one_of(st.integers(-(10**20), 10**20).map(str), st.integers(-50, 50).map(lambda i: f"{i:+d}")),
    "year": st.one_of(st.integers(-20, 10100).map(str), st.integers(0, 999).map(lambda i: f"{i:04d}")),
    "number": st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False,
                    min_value=-(10**9), max_value=10**9).map(str),
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.3f}"),
        st.sampled_from(["NaN", "inf", "-Infinity", "1e3", "1E-400", ".5", "5.", "0.1000000000000000001"])),
    "boolean": st.sampled_from(["true", "false", "True", "False", "TRUE", "FALSE", "1", "0", "yes", "no", "t"]),
    "date": st.one_of(days, bad_days),
    "datetime": st.builds(lambda d, sep, c, f, o: f"{d}{sep}{c}{f}{o}", st.one_of(days, bad_days),
                          st.sampled_from(["T", "T", " ", "t", "_"]), clock, fractions, offsets),
    "time": st.builds(lambda c, f, o: f"{c}{f}{o}", clock, fractions, offsets),
    "yearmonth": st.builds(lambda y, m, pad: f"{y:04d}-{padded(m, 2, pad)}", st.integers(0, 12000), st.integers(0, 13), st.booleans()),
    "geopoint": st.builds(lambda lon, lat, sp: f"{lon}{sp},{sp}{lat}", st.decimals(-200, 200, places=4).map(str),
                          st.decimals(-100, 100, places=5).map(str), st.sampled_from(["", " "])),
    "duration": st.builds(
        lambda sign, parts, tparts: f"{sign}P{parts}{('T' + tparts) if tparts is not None else ''}",
        st.sampled_from(["", "-", "+"]),
        st.lists(st.builds(lambda n, u: f"{n}{u}", st.sampled_from(["1", "12", "0.5", "1,5", "1234567", "0"]),
                           st.sampled_from("YMWD")), max_size=3).map("".join),
        st.one_of(st.none(), st.lists(st.builds(lambda n, u: f"{n}{u}", st.sampled_from(["1", "30", "0.25", "99"]),
                                                st.sampled_from("HMS")), max_size=3).map("".join))),
}
FIELDS = {
    "integer": [{}, {"bareNumber": False}, {"constraints": {"minimum": -5, "maximum": 10**18, "enum": [1, 2, 3, -7, 10**18]}}],
    "year": [{}, {"constraints": {"minimum": 1990, "exclusiveMaximum": 2030}}],
    "number": [{}, {"decimalChar": ",", "groupChar": " "}, {"bareNumber": False}, {"groupChar": ",", "decimalChar": "."},
               {"constraints": {"minimum": 0, "maximum": 99.9, "enum": [0.5, 1, "2.25", 1e3]}}],
    "boolean": [{}, {"trueValues": ["ja", "1", "x"], "falseValues": ["nej", "0", "x"], "constraints": {"enum": [True]}}],
    "date": [{}, {"constraints": {"minimum": "2000-01-01", "maximum": "2030-12-31"}}],
    "datetime": [{}, {"constraints": {"minimum": "2000-01-01T00:00:00"}}, {"constraints": {"maximum": "2020-06-01T00:00:00+02:00"}},
                 {"constraints": {"enum": ["2000-01-01T00:00:00Z", "2000-01-01T00:00:00"]}}],
    "time": [{}, {"constraints": {"minimum": "06:00:00"}}, {"constraints": {"exclusiveMinimum": "06:00:00Z"}}],
    "yearmonth": [{}, {"constraints": {"minimum": "2000-01", "maximum": [2030, 6]}}],
    "geopoint": [{}, {"constraints": {"enum": ["16.5,56.1", "0,0"]}}],
    "duration": [{}, {"constraints": {"required": True}}],
}
CASES = [(t, i) for t in TYPES for i in range(len(FIELDS[t]))]
V2 = {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json"}


@pytest.mark.parametrize(("ftype", "variant"), CASES)
@SETTINGS
@given(data=st.data())
def test_cells_read_like_frictionless(ftype, variant, data):
    descriptor = {"name": "f", "type": ftype, **FIELDS[ftype][variant]}
    raws = data.draw(cells(TYPES[ftype]))
    keyable = ftype != "duration" and not (ftype == "number" and any(_not_exact_number(r) for r in raws))
    assert_cells_match(descriptor, raws, schema_extra=V2, keys=keyable)


def _not_exact_number(raw: str) -> bool:
    """Keys of numbers a float cannot tell apart make the fast engine defer (see test_fallbacks)."""
    from pipelines.validation.fast_types import NotFastCheckable, exact_float

    try:
        exact_float(Decimal(raw.strip()))
    except (InvalidOperation, ValueError):
        return False
    except NotFastCheckable:
        return True
    return False


FIXED = {
    "integer": ["7", " 7", "+7", "007", "-0", "1_000", "٣", "7.0", "1e3", "99999999999999999999", "abc", "9223372036854775807"],
    "year": ["2020", " 12 ", "+123", "-123", "0000", "1_23", "20200", "２０２０", "-000"],
    "date": ["2020-01-05", "2020-1-5", "2020-01- 5", "2021-02-30", "0999-01-01", "0000-01-01", "2020/01/01", "+020-01-01",
             "2020- 1-05", " 2020-01-05", "2020-01-05\n"],
    "datetime": ["2020-01-01T10:00:00", "2020-01-01T10:00:00Z", "2020-01-01T11:00:00+01:00", "2020-01-01 10:00:00",
                 "2020-01-01T10:00:00.5", "2020-01-01T10:00:00,123456789", "2020-01-01T24:00:00", "2020-01-01T10:00:60",
                 "2020-13-01T00:00:00", "2020-01-01T10:00:00+0100", "2020-01-01T10:00:00+01", "2020-01-01T10:00:00-00:00",
                 "2020-01-01T10:00:00+24:00", "2020-01-01T10:00", "2020-W01-1T10:00:00", "2020-01-01\u00e410:00:00"],
    "time": ["10:00:00", "10:00:00Z", "11:00:00+01:00", "24:00:00", "10:00:00.5", "10:00", "25:00:00", "10:60:00",
             "10:00:00+0100", "09:00:00-01:00", "10:00:00 "],
    "yearmonth": ["2020-01", "2020-1", " 2020-01", "2020-13", "2020", "2020-00", "0000-12", "+2020-01", "2020-+1",
                  "12345-06", "-2020-01", "2020-٠١"],
    "geopoint": ["16.5,56.1", "16.5, 56.1", " 16.5 , 56.1 ", "181,0", "180,90", "-180,-90", "1e1,2", "a,b", "16.5",
                 "1,2,3", "-0,0", "0,0", "16.50000000000001,0", "16.5000000000000001,0"],
    "duration": ["P1Y2M3DT4H5M6S", "PT30M", "P", "PT", "P1W", "-P1D", "P0.5Y", "P1,5D", "P1DT", "1 day",
                 "P0001-02-03T04:05:06", "P9999999D", "P1D\n", "p1d"],
    "boolean": ["true", "false", "1", "0", "True", "yes", "TRUE", " true"],
}


@pytest.mark.parametrize("ftype", sorted(FIXED))
def test_odd_spellings_read_like_frictionless(ftype):
    for variant in FIELDS[ftype]:
        descriptor = {"name": "f", "type": ftype, **variant}
        assert_cells_match(descriptor, FIXED[ftype], schema_extra=V2, keys=False)
        exact = [raw for raw in FIXED[ftype] if raw != "16.5000000000000001,0"]
        assert_cells_match(descriptor, exact, schema_extra=V2, keys=ftype != "duration")


def test_a_key_floats_cannot_tell_apart_defers():
    """16.5 and 16.5000000000000001 differ as decimals but not as floats: unique/primaryKey go to frictionless."""
    with pytest.raises(NotFastCheckable):
        assert_cells_match({"name": "f", "type": "geopoint"}, ["16.5,0", "16.5000000000000001,0"])
    with pytest.raises(NotFastCheckable):
        assert_cells_match({"name": "f", "type": "number"}, ["1E-400", "0"])


@pytest.mark.parametrize(("extra", "raws"), [
    ({"decimalChar": ",", "groupChar": " "}, ["1 234,5", "1234,5", "1.5", " 1 234,5 ", "1\xa0234,5", "abc", "-1 000"]),
    ({"decimalChar": ",", "groupChar": "\xa0"}, ["1\xa0234,5", "\xa01,5", "1 234,5", "1\u2009234,5"]),
    ({"bareNumber": False}, ["12.5 %", "SEK 100", "€ -3.5", "kr", "-kr", "5-3", "٣12", "12.5%\n", "\x1c5\x1f"]),
    ({"bareNumber": False, "decimalChar": ",", "groupChar": "."}, ["1.234,50 kr", "€1.234", "1,2,3", "-,5"]),
])
def test_number_options_read_like_frictionless(extra, raws):
    assert_cells_match({"name": "f", "type": "number", **extra}, raws)


def test_zone_semantics_of_keys():
    """Equal instants in different offsets are equal; a naive and an aware value never are."""
    instant = datetime(2020, 1, 1, 12, tzinfo=timezone.utc)
    spellings = [(instant + timedelta(minutes=m)).astimezone(timezone(timedelta(minutes=o))).strftime("%Y-%m-%dT%H:%M:%S%z")
                 for m in (0, 30) for o in (0, 60, -330)]
    spellings = [s[:-2] + ":" + s[-2:] for s in spellings] + ["2020-01-01T12:00:00", "2020-01-01T12:30:00"]
    assert_cells_match({"name": "f", "type": "datetime"}, spellings)
    times = ["12:00:00Z", "13:00:00+01:00", "12:00:00", "06:30:00-05:30", "00:30:00+01:00", "23:30:00Z"]
    assert_cells_match({"name": "f", "type": "time"}, times)
    assert time(12, tzinfo=timezone.utc) != time(12)  # the premise the keys model
