"""The validation benchmark's seeded tables: one per type and constraint, a mixed realistic one, the original.

Each matrix case is an `id` column plus the column (or the two key columns)
under test, mostly valid, with about 0.25 % of rows carrying a bad cell of
the kinds that column can have and 0.1 % an odd but valid spelling (the
thorough grammar's and frictionless' reader's share). The mixed case is a
14-column table like the municipal exports the pipeline sees: a composite
primary key, decimals, a date, a datetime, a boolean, a postcode pattern,
enums, "NA" and "" as missing values, and bad cells, blank, short and long
rows in the same proportions. `ORIGINAL` is the table benchmarks/validate.py
has always measured (kept byte for byte, so old and new numbers compare).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

KOMMUNER = ["0821", "0834", "0840", "0860", "0861", "0862", "0880", "0881", "0882", "0883", "0884", "0885"]
NAMN = ["Kalmar", "Mörbylånga", "Västervik", "Öland, norra", "Ängö", "Borgholm", "Nybro", "Vimmerby"]
KATEGORIER = ["badplats", "lekplats", "utegym", "toalett"]
BAD_SHARE, ODD_SHARE = 0.0025, 0.001

Gen = Callable[[random.Random, int], str]


@dataclass(frozen=True)
class Case:
    """Columns after `id`: (field descriptor, good value, bad values, odd-but-valid values)."""

    name: str
    columns: list[tuple[dict[str, Any], Gen, list[str], list[str]]]
    schema_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def schema(self) -> dict[str, Any]:
        return {"fields": [{"name": "id", "type": "integer"}, *(c[0] for c in self.columns)], **self.schema_extra}

    def write(self, path: Path, rows: int, seed: int) -> None:
        rng = random.Random(f"{self.name}/{seed}")
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(",".join(f["name"] for f in self.schema["fields"]) + "\n")
            for i in range(rows):
                cells = [str(i)] + [good(rng, i) for _, good, _, _ in self.columns]
                roll = rng.random()
                if roll < BAD_SHARE + ODD_SHARE:
                    j = rng.randrange(len(self.columns))
                    _, _, bad, odd = self.columns[j]
                    pool = bad if roll < BAD_SHARE or not odd else odd
                    if pool:
                        cells[j + 1] = rng.choice(pool)
                out.write(",".join(quoted(c) for c in cells) + "\n")


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(ch in cell for ch in ',"\n') else cell


def day(rng: random.Random) -> str:
    return f"20{rng.randint(0, 29):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def clock(rng: random.Random) -> str:
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def stamp(rng: random.Random) -> str:
    return f"{day(rng)}T{clock(rng)}{rng.choice(['', '', 'Z', '+01:00', '+02:00'])}"


def pick(values: list[str]) -> Gen:
    return lambda rng, i: rng.choice(values)


def one(name: str, descriptor: dict[str, Any], good: Gen, bad: list[str], odd: list[str] = ()) -> Case:
    return Case(name, [({"name": "v", **descriptor}, good, bad, list(odd))])


MATRIX: list[Case] = [
    one("string", {"type": "string"}, pick(NAMN), [], ['sa "hej"', "rad1\nrad2"]),
    one("integer", {"type": "integer"}, lambda r, i: str(r.randint(-1000, 100_000)), ["tre", "1.5", "1e3", ""],
        [" 7", "+7", "007"]),
    one("number", {"type": "number"}, lambda r, i: f"{r.uniform(-100, 10_000):.2f}", ["1,5", "x", "--1"],
        [".5", "1.", " 2.5", "12345678901234567.5"]),
    one("number-swedish", {"type": "number", "decimalChar": ",", "groupChar": " "},
        lambda r, i: f"{r.uniform(0, 99_999):,.2f}".replace(",", " ").replace(".", ","), ["1.5", "x", "1,2,3"],
        [" 12,5 ", "1 2 3,5"]),
    one("number-bare", {"type": "number", "bareNumber": False},
        lambda r, i: r.choice(["", "SEK ", "€"]) + f"{r.uniform(0, 1000):.2f}" + r.choice(["", " %", " kr"]),
        ["kr", "%", "1.2.3"], ["-5 kr"]),
    one("integer-bare", {"type": "integer", "bareNumber": False},
        lambda r, i: f"{r.randint(0, 5000)} " + r.choice(["kr", "st", "%"]), ["kr", "5.5 kr"], ["SEK 12"]),
    one("boolean", {"type": "boolean"}, pick(["true", "false", "1", "0"]), ["ja", "yes", "T"], ["True", "FALSE"]),
    one("boolean-values", {"type": "boolean", "trueValues": ["ja", "Ja"], "falseValues": ["nej", "Nej"]},
        pick(["ja", "nej"]), ["true", "kanske"], ["Ja", "Nej"]),
    one("date", {"type": "date"}, lambda r, i: day(r), ["2021-02-30", "2020/01/01", "17.05.2020"],
        ["2020-5-7", "2020-05- 7"]),
    one("datetime", {"type": "datetime"}, lambda r, i: stamp(r),
        ["2020-13-01T00:00:00", "2020-05-17T25:00:00", "2020-05-17"],
        ["2020-05-17 10:30:00", "2020-05-17T10:30:00.123", "2020-05-17T24:00:00", "2020-05-17T10:30:00+0100"]),
    one("time", {"type": "time"}, lambda r, i: clock(r) + r.choice(["", "", "Z"]), ["25:00:00", "10:30", "kl 10"],
        ["10:30:00.5", "24:00:00", "10:30:00+01:00"]),
    one("year", {"type": "year"}, lambda r, i: str(r.randint(1900, 2030)), ["20200", "år", "-1"], [" 12 ", "+123"]),
    one("yearmonth", {"type": "yearmonth"}, lambda r, i: f"{r.randint(1990, 2030)}-{r.randint(1, 12):02d}",
        ["2020-13", "2020", "2020/01"], ["2020-1", " 2020-01"]),
    one("geopoint", {"type": "geopoint"}, lambda r, i: f"{r.uniform(15.4, 17.1):.5f},{r.uniform(56.2, 58.0):.5f}",
        ["200,10", "abc", "16.5"], ["16.5, 56.1", " 16.5 , 56.1 "]),
    one("duration", {"type": "duration"}, pick(["P1D", "PT30M", "P1Y2M3DT4H5M6S", "PT1.5S", "P2W", "P3M"]),
        ["1 day", "P", "PT1H30"], ["P0001-02-03T04:05:06", "-P1D"]),
    one("required", {"type": "string", "constraints": {"required": True}}, pick(NAMN), [""]),
    one("pattern", {"type": "string", "constraints": {"pattern": "[0-9]{3} [0-9]{2}"}},
        lambda r, i: f"{r.randint(100, 999)} {r.randint(0, 99):02d}", ["39231", "392 3a", "kalmar"]),
    one("enum", {"type": "string", "constraints": {"enum": KOMMUNER}}, pick(KOMMUNER), ["1280", "0880 ", "x"]),
    one("minimum-maximum", {"type": "integer", "constraints": {"minimum": 0, "maximum": 10_000}},
        lambda r, i: str(r.randint(0, 10_000)), ["-3", "10001", "tre"]),
    one("number-minimum-maximum", {"type": "number", "constraints": {"minimum": 0, "maximum": 100}},
        lambda r, i: f"{r.uniform(0, 100):.2f}", ["-0.01", "100.5", "x"]),
    one("date-minimum-maximum", {"type": "date", "constraints": {"minimum": "2000-01-01", "maximum": "2029-12-31"}},
        lambda r, i: day(r), ["1999-12-31", "2030-01-01", "2021-02-30"]),
    one("length", {"type": "string", "constraints": {"minLength": 2, "maxLength": 20}}, pick(NAMN), ["x", "å" * 30]),
    Case("unique", [({"name": "v", "type": "string", "constraints": {"unique": True}},
                     lambda r, i: f"K{i:07d}", ["K0000001", "K0000002", "K0000003"], [])]),
    Case("primaryKey", [({"name": "kommun", "type": "string"}, lambda r, i: KOMMUNER[i % 12], ["0880"], []),
                        ({"name": "lopnr", "type": "integer"}, lambda r, i: str(i // 12), ["1", "2"], [" 5"])],
         {"primaryKey": ["kommun", "lopnr"]}),
]


class Mixed:
    """14 columns, composite key (kommunkod, lopnr), missing values "NA" and ""."""

    name = "mixed"
    STATUS = ["aktiv", "stängd", "planerad"]
    schema = {
        "fields": [
            {"name": "kommunkod", "type": "string", "constraints": {"required": True, "enum": KOMMUNER}},
            {"name": "lopnr", "type": "integer", "constraints": {"required": True, "minimum": 0}},
            {"name": "namn", "type": "string", "constraints": {"maxLength": 60}},
            {"name": "kategori", "type": "string", "constraints": {"enum": KATEGORIER}},
            {"name": "status", "type": "string", "constraints": {"required": True, "enum": STATUS}},
            {"name": "postnummer", "type": "string", "constraints": {"pattern": "[0-9]{3} [0-9]{2}"}},
            {"name": "belopp", "type": "number", "constraints": {"minimum": 0}},
            {"name": "andel", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
            {"name": "datum", "type": "date", "constraints": {"minimum": "2000-01-01"}},
            {"name": "uppdaterad", "type": "datetime"},
            {"name": "oppen", "type": "boolean"},
            {"name": "antal", "type": "integer", "constraints": {"minimum": 0, "maximum": 100_000}},
            {"name": "ar", "type": "year", "constraints": {"minimum": 2000, "maximum": 2030}},
            {"name": "kommentar", "type": "string"},
        ],
        "primaryKey": ["kommunkod", "lopnr"],
        "missingValues": ["", "NA"],
    }
    BAD = {
        0: ["1280", "NA", ""], 1: ["-1", "tre", "NA"], 2: ["x" * 70], 3: ["museum"], 4: ["okänd", ""],
        5: ["39231", "392 3a"], 6: ["-5.5", "12,5", "x"], 7: ["100.5", "-1", "hälften"],
        8: ["1999-12-31", "2021-02-30", "17/5 2020"], 9: ["2020-13-01T00:00:00", "2020-05-17", "igår"],
        10: ["ja", "kanske"], 11: ["-3", "100001", "1.5"], 12: ["1999", "2031", "20x0"], 13: [],
    }
    ODD = {1: [" 7"], 6: [" 2.5", "1."], 8: ["2020-5-7"], 9: ["2020-05-17 10:30:00", "2020-05-17T10:30:00.5"],
           10: ["True"], 11: ["+5"]}

    def write(self, path: Path, rows: int, seed: int) -> None:
        rng = random.Random(f"mixed/{seed}")
        names = [f["name"] for f in self.schema["fields"]]
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(",".join(names) + "\n")
            previous: list[str] = []
            for i in range(rows):
                cells = [
                    KOMMUNER[i % 12], str(i // 12), rng.choice(NAMN), rng.choice(KATEGORIER), rng.choice(self.STATUS),
                    f"{rng.randint(100, 999)} {rng.randint(0, 99):02d}", f"{rng.uniform(0, 50_000):.2f}",
                    f"{rng.uniform(0, 100):.1f}", day(rng), stamp(rng), rng.choice(["true", "false"]),
                    str(rng.randint(0, 100_000)), str(rng.randint(2000, 2030)),
                    rng.choice(["", "", "NA", "ok", "se karta, norra delen", 'kallas "stranden"']),
                ]
                roll = rng.random()
                if roll < BAD_SHARE:
                    j = rng.randrange(len(cells))
                    if self.BAD[j]:
                        cells[j] = rng.choice(self.BAD[j])
                elif roll < BAD_SHARE + ODD_SHARE:
                    j = rng.choice(list(self.ODD))
                    cells[j] = rng.choice(self.ODD[j])
                elif roll < BAD_SHARE + ODD_SHARE + 0.0003 and previous:
                    cells[:2] = previous[:2]  # a duplicate key
                elif roll < BAD_SHARE + ODD_SHARE + 0.0004:
                    cells = [] if rng.random() < 0.5 else ["NA"] * len(cells)  # blank rows
                elif roll < BAD_SHARE + ODD_SHARE + 0.0005:
                    cells = cells[: rng.randint(1, len(cells) - 1)] if rng.random() < 0.5 else cells + ["extra"]
                previous = cells or previous
                out.write(",".join(quoted(c) for c in cells) + "\n")


class Original:
    """The table benchmarks/validate.py measured before the matrix (unchanged generator and seed)."""

    name = "original"
    schema = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
            {"name": "kommunkod", "type": "string", "constraints": {"required": True, "enum": KOMMUNER}},
            {"name": "namn", "type": "string", "constraints": {"maxLength": 40}},
            {"name": "kategori", "type": "string", "constraints": {"enum": KATEGORIER}},
            {"name": "ar", "type": "year", "constraints": {"minimum": 2000, "maximum": 2030}},
            {"name": "antal", "type": "integer", "constraints": {"minimum": 0, "maximum": 10000}},
            {"name": "andel", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
            {"name": "datum", "type": "date", "constraints": {"minimum": "2000-01-01"}},
            {"name": "oppen", "type": "boolean"},
            {"name": "objektkod", "type": "string", "constraints": {"pattern": "[A-Z]{2}-[0-9]{4}"}},
        ],
        "primaryKey": ["id"],
    }

    def write(self, path: Path, rows: int, seed: int = 20240508) -> None:
        """Mostly valid rows, with ~0.05% of cells broken in every supported way."""
        rng = random.Random(seed)
        bad = {
            0: lambda i: str(i - 1),  # duplicate id → unique + primary-key
            1: lambda i: "1280",  # not in enum
            2: lambda i: "x" * 50,  # maxLength
            3: lambda i: "museum",
            4: lambda i: "1999",
            5: lambda i: "-3",
            6: lambda i: "tre",  # type error
            7: lambda i: "1999-12-31",
            8: lambda i: "kanske",
            9: lambda i: "ab-12",
        }
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(",".join(f["name"] for f in self.schema["fields"]) + "\n")
            for i in range(rows):
                row = [
                    str(i), rng.choice(KOMMUNER), rng.choice(NAMN), rng.choice(KATEGORIER),
                    str(rng.randint(2000, 2030)), str(rng.randint(0, 10000)), f"{rng.uniform(0, 100):.2f}",
                    f"20{rng.randint(0, 29):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(["true", "false"]), f"{rng.choice('ABCKLM')}{rng.choice('XYZ')}-{rng.randint(0, 9999):04d}",
                ]
                if rng.random() < 0.005:
                    j = rng.randrange(10)
                    row[j] = bad[j](i)
                out.write(",".join(f'"{c}"' if "," in c else c for c in row) + "\n")


CASES: dict[str, Any] = {c.name: c for c in [*MATRIX, Mixed(), Original()]}
