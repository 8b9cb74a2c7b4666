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
ODD_BOOLEANS = ["yes", "TRUE", "True", "0", "", "T"]


def random_field(rng: random.Random, index: int) -> dict[str, Any]:
    ftype = rng.choice(["string", "integer", "number", "boolean", "date", "datetime", "year"])
    field: dict[str, Any] = {"name": f"fält_{index}" if rng.random() < 0.3 else f"f{index}", "type": ftype}
    c: dict[str, Any] = {}
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
            c["minimum"] = "2000-01-01T00:00:00"
    elif ftype == "boolean" and rng.random() < 0.2:
        c["enum"] = [True]
    if ftype in ("string", "integer", "date", "year", "boolean") and rng.random() < 0.2:
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
        return rng.choice(["0.5", "1", "2.25", "-3.75", "10", "99.9", "0.1", "12345.678"])
    if ftype == "boolean":
        return rng.choice(["true", "false", "1", "0", "True"])
    if ftype == "date":
        return f"{rng.randint(1995, 2035)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return f"{rng.randint(1995, 2035)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:30:00"


def odd_value(rng: random.Random, field: dict[str, Any]) -> str:
    pool = {
        "string": SWEDISH, "integer": ODD_INTEGERS, "number": ODD_NUMBERS, "boolean": ODD_BOOLEANS,
        "date": ODD_DATES, "datetime": ODD_DATETIMES, "year": ODD_YEARS,
    }[field["type"]]
    return rng.choice(pool)


def random_case(seed: int, *, max_rows: int = 40) -> tuple[dict[str, Any], str]:
    rng = random.Random(seed)
    fields = [random_field(rng, i) for i in range(rng.randint(1, 6))]
    schema: dict[str, Any] = {"fields": fields}
    keyable = [f["name"] for f in fields if f["type"] in ("string", "integer", "date", "year")]
    if keyable and rng.random() < 0.5:
        schema["primaryKey"] = rng.sample(keyable, k=rng.randint(1, min(2, len(keyable))))
    if rng.random() < 0.2:
        schema["missingValues"] = ["", "NA", "-"]
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
