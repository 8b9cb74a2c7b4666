"""Seeded random schema + CSV pairs for the engine parity tests.

Each case draws a schema from every supported type and constraint, writes
rows that are mostly valid, then injects every kind of error frictionless
knows for a table: wrong types, broken constraints, duplicates for unique and
primary keys, missing values, short and long rows, blank rows, Swedish text,
quoted commas, quotes and newlines, and odd-but-legal spellings (" 7", "+7",
"007", "2020-1-5", "1_000") that exercise the per-cell exact path.
"""

from __future__ import annotations

import csv
import io
import random
from typing import Any

SWEDISH = ["Kalmar", "Mörbylånga", "Västervik", "Öland", "Åsa, norra", 'sa "hej"', "rad1\nrad2", "Ängö", "x|y", ""]
ODD_INTEGERS = [" 7", "+7", "007", "1_000", "٣", "7.0", "1e3", "99999999999999999999", "-0", "abc"]
ODD_NUMBERS = ["1.", ".5", " 2.5", "1e3", "NaN", "1_0.5", "1,5", "0.1000000000000000000001", "Infinity", "x"]
ODD_DATES = ["2020-1-5", "2021-02-30", "0999-01-01", "2020/01/01", "20200101", "2020-01-01T00:00"]
ODD_DATETIMES = ["2020-01-01T24:00:00", "2020-01-01T10:00:00Z", "2020-01-01T10:00:00.5", "2020-01-01 10:00:00", "2020-13-01T00:00:00"]
ODD_YEARS = [" 12 ", "+123", "-123", "0000", "1_23", "20200", "２０２０"]
ODD_BOOLEANS = ["yes", "TRUE", "True", "0", "", "T", "ja", "nej"]
ODD_TIMES = ["24:00:00", "10:00:00Z", "10:00:00.5", "10:00", "25:00:00", "10:00:00+01:00", "10:60:00"]
ODD_YEARMONTHS = ["2020-1", " 2020-01", "2020-13", "2020", "2020-00", "+2020-01", "12345-06"]
ODD_GEOPOINTS = ["181,0", "16.5, 56.1", " 16.5 , 56.1 ", "1e1,2", "16.5", "1,2,3", "-0,0"]
ODD_DURATIONS = ["P", "PT", "P1,5D", "1 day", "P0001-02-03T04:05:06", "-P1D", "P1DT"]
ODD_SWEDISH_NUMBERS = ["1.5", "1 234", "12,", " 3,5 ", "1\xa0000,5", "abc", ",5"]


TYPES = ["string", "integer", "number", "boolean", "date", "datetime", "year", "time", "yearmonth", "geopoint", "duration"]
KEY_TYPES = ("string", "integer", "date", "year", "datetime", "time", "yearmonth", "boolean")


def random_field(rng: random.Random, index: int) -> dict[str, Any]:
    ftype = rng.choice(TYPES)
    field: dict[str, Any] = {"name": f"fält_{index}" if rng.random() < 0.3 else f"f{index}", "type": ftype}
    c: dict[str, Any] = {}
    if ftype == "number" and rng.random() < 0.3:
        field.update(decimalChar=",", groupChar=" ")
    elif ftype in ("number", "integer") and rng.random() < 0.15:
        field["bareNumber"] = False
    elif ftype == "boolean" and rng.random() < 0.3:
        field.update(trueValues=["ja", "Ja"], falseValues=["nej", "Nej"])
    if rng.random() < 0.3:
        c["required"] = True
    if ftype == "string":
        if rng.random() < 0.3:
            c["minLength"] = rng.randint(1, 3)
        if rng.random() < 0.3:
            c["maxLength"] = rng.randint(3, 8)
        if rng.random() < 0.3:
            c["pattern"] = rng.choice(["[A-ZÅÄÖ][a-zåäö]+", "08[0-9]{2}", "a|b", "[a-z]*\\d?", "(?i)k.*"])
        if rng.random() < 0.2:
            c["enum"] = ["Kalmar", "Öland", "a", "0880"]
    elif ftype in ("integer", "year"):
        lo = 1990 if ftype == "year" else -5
        if rng.random() < 0.4:
            c["minimum"] = lo + rng.randint(0, 5)
        if rng.random() < 0.4:
            c["maximum"] = lo + rng.randint(10, 40)
        if rng.random() < 0.2:
            c["enum"] = [lo + i for i in range(0, 20, 2)]
    elif ftype == "number":
        if rng.random() < 0.4:
            c["minimum"] = rng.choice([0, -1.5, 0.1])
        if rng.random() < 0.4:
            c["maximum"] = rng.choice([10, 99.9])
        if rng.random() < 0.2:
            c["enum"] = [0.5, 1, 2.25]
    elif ftype == "date":
        if rng.random() < 0.4:
            c["minimum"] = "2000-01-01"
        if rng.random() < 0.3:
            c["maximum"] = "2030-12-31"
    elif ftype == "datetime":
        if rng.random() < 0.2:
            c["minimum"] = rng.choice(["2000-01-01T00:00:00", "2000-01-01T00:00:00Z"])
        if rng.random() < 0.1:
            c["enum"] = ["2020-01-01T10:30:00", "2020-01-01T10:30:00Z"]
    elif ftype == "time":
        if rng.random() < 0.3:
            c["minimum"] = "06:00:00"
    elif ftype == "yearmonth":
        if rng.random() < 0.3:
            c["minimum"] = "2000-01"
        if rng.random() < 0.2:
            c["maximum"] = "2030-06"
    elif ftype == "geopoint":
        if rng.random() < 0.2:
            c["enum"] = ["16.36,56.66", "16.5,56.1"]
    elif ftype == "boolean" and rng.random() < 0.2:
        c["enum"] = [True]
    if ftype in KEY_TYPES and rng.random() < 0.2:
        c["unique"] = True
    if c:
        field["constraints"] = c
    return field


def good_value(rng: random.Random, field: dict[str, Any], row: int) -> str:
    ftype = field["type"]
    c = field.get("constraints", {})
    if ftype == "string":
        if "enum" in c:
            return rng.choice(c["enum"])
        return rng.choice(SWEDISH[:-1]) + (str(row) if c.get("unique") else "")
    if ftype == "integer":
        return str(row if c.get("unique") else rng.randint(-10, 50))
    if ftype == "year":
        return str(1990 + (row if c.get("unique") else rng.randint(0, 40)))
    if ftype == "number":
        value = rng.choice(["0.5", "1", "2.25", "-3.75", "10", "99.9", "0.1", "12345.678"])
        if field.get("decimalChar") == ",":
            value = value.replace(".", ",").replace("12345", "12 345")
        elif field.get("bareNumber") is False:
            value = rng.choice(["", "€ ", "SEK "]) + value + rng.choice(["", " %", " kr"])
        return value
    if ftype == "boolean":
        if "trueValues" in field:
            return rng.choice(["ja", "nej", "Ja", "Nej"])
        return rng.choice(["true", "false", "1", "0", "True"])
    if ftype == "date":
        return f"{rng.randint(1995, 2035)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if ftype == "time":  # a naive bound: naive values (Python refuses to order naive and aware ones)
        zones = [""] if "minimum" in c else ["", "", "Z"]
        return f"{rng.randint(0, 23):02d}:{rng.choice(['00', '30', '59'])}:{rng.randint(0, 59):02d}" + rng.choice(zones)
    if ftype == "yearmonth":
        return f"{1990 + (row if c.get('unique') else rng.randint(0, 40))}-{rng.randint(1, 12):02d}"
    if ftype == "geopoint":
        return f"{rng.uniform(15.4, 17.1):.4f},{rng.uniform(56.2, 58.0):.4f}"
    if ftype == "duration":
        return rng.choice(["P1D", "PT30M", "P1Y2M3DT4H5M6S", "PT1.5S", "P2W"])
    day = f"{rng.randint(1995, 2035)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    bound = c.get("minimum")
    zones = ["", "", "Z", "+01:00", ".250"] if bound is None else (["Z", "+01:00"] if bound.endswith("Z") else ["", ".250"])
    return day + rng.choice(["T", "T", " "]) + f"{rng.randint(0, 23):02d}:30:00" + rng.choice(zones)


def odd_value(rng: random.Random, field: dict[str, Any]) -> str:
    pool = {
        "string": SWEDISH, "integer": ODD_INTEGERS, "number": ODD_NUMBERS, "boolean": ODD_BOOLEANS,
        "date": ODD_DATES, "datetime": ODD_DATETIMES, "year": ODD_YEARS, "time": ODD_TIMES,
        "yearmonth": ODD_YEARMONTHS, "geopoint": ODD_GEOPOINTS, "duration": ODD_DURATIONS,
    }[field["type"]]
    if field.get("decimalChar") == ",":
        pool = ODD_SWEDISH_NUMBERS
    return rng.choice(pool)


def random_case(seed: int, *, max_rows: int = 40) -> tuple[dict[str, Any], str]:
    rng = random.Random(seed)
    fields = [random_field(rng, i) for i in range(rng.randint(1, 6))]
    schema: dict[str, Any] = {"fields": fields}
    keyable = [f["name"] for f in fields if f["type"] in KEY_TYPES]
    if keyable and rng.random() < 0.5:
        schema["primaryKey"] = rng.sample(keyable, k=rng.randint(1, min(2, len(keyable))))
    if rng.random() < 0.2:
        schema["missingValues"] = ["", "NA", "-"]
    if rng.random() < 0.1:  # exclusive bounds: frictionless refuses them in a (v1) resource, whatever the schema says
        schema["$schema"] = "https://datapackage.org/profiles/2.0/tableschema.json"
        for f in fields:
            if f["type"] in ("integer", "year", "date") and "minimum" in f.get("constraints", {}) and rng.random() < 0.5:
                f["constraints"]["exclusiveMinimum"] = f["constraints"].pop("minimum")
    names = [f["name"] for f in fields]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    rows: list[list[str]] = []
    full: list[list[str]] = []
    for r in range(rng.randint(0, max_rows)):
        row = [good_value(rng, f, r) for f in fields]
        for j, f in enumerate(fields):
            roll = rng.random()
            if roll < 0.08:
                row[j] = odd_value(rng, f)
            elif roll < 0.12:
                row[j] = rng.choice(["", "NA", "-"])
            elif roll < 0.15 and full:
                row[j] = rng.choice(full)[j]  # a duplicate
        full.append(list(row))
        roll = rng.random()
        if roll < 0.05:
            row = row[: rng.randint(0, len(row) - 1)]  # short row
        elif roll < 0.10:
            row = row + [rng.choice(["x", "", "Ö,ä"]) for _ in range(rng.randint(1, 2))]  # extra cells
        elif roll < 0.13:
            row = ["" for _ in row]  # blank row
        rows.append(row)
        if not row:
            out.write("\n")
        else:
            writer.writerow(row)
    return schema, out.getvalue()


def deferred_for_a_reason(ref: Any, fast: Any) -> bool:
    """The fast engine may hand a file to frictionless only where frictionless itself fails:
    a schema it rejects, or a cell its own reader crashes on (a naive value against an aware
    bound, which Python refuses to compare) — then the report is frictionless' by construction."""
    if any(e.type in ("schema-error", "field-error") for e in ref.errors):
        return True
    return fast.engine == "frictionless" and "reader fails" in (fast.fallback_reason or "")
