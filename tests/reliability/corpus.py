"""The bad-input corpus: seeded, generated catalog.yaml documents and CSV files, each with ONE expected verdict.

Why generated and seeded: the cases cover the families the issue names (random
bytes, random encodings, huge fields, quoted newlines, control characters,
thousands of columns, duplicate headers) with fresh random content each
family, yet a failure reproduces exactly from its case id.

Why one verdict each: a case that may end "published, invalid or source error"
proves nothing. Every CSV case says what must happen — published (with the
values the generator wrote, compared in CKAN by the consistency check),
invalid (with the validation error types), or a source error (with its kind
and words of its message) — and every catalog case whether it loads.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ruamel.yaml import YAML

from .catalogs import base

SEED = 20240901
HEADER = "kommunkod,kommun,antal"
NAMES = ["Kalmar", "Nybro", "Mörbylånga", "Västervik", "Högsby", "Mönsterås", "Torsås", "Öland, norra", "Vimmerby"]


@dataclass(frozen=True)
class CsvCase:
    data: bytes
    status: str  # "published" | "invalid" | "source_error"
    detail: str = ""  # source_error: its kind; invalid: the validation error types, comma separated
    words: str = ""  # words the outcome message must hold
    values: tuple[tuple[str, ...], ...] | None = None  # published: the oracle, header first


def _table(rows: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(r) for r in [HEADER.split(","), *rows])


def _yaml(doc) -> str:
    import io

    out = io.StringIO()
    YAML().dump(doc, out)
    return out.getvalue()


def csv_cases() -> dict[str, CsvCase]:
    rng = random.Random(SEED)
    table = [[rng.choice(["0880", "0881", "0882"]) if i == 0 else f"0{860 + i}", rng.choice(NAMES), str(rng.randint(0, 99))]
             for i in range(5)]
    plain = HEADER + "\n" + "\n".join(",".join(f'"{c}"' if "," in c else c for c in r) for r in table) + "\n"
    semicolons = HEADER.replace(",", ";") + "\n" + "\n".join(";".join(r) for r in table) + "\n"
    weird = "".join(rng.choice('ab,;"\n\r\t\x00\x1bå€') for _ in range(3000))
    rows = _table(table)
    return {
        "random-bytes": CsvCase(rng.randbytes(8192), "source_error", "decode_error", "not valid UTF-8 or Windows-1252"),
        "random-bytes-with-header": CsvCase((HEADER + "\n").encode() + rng.randbytes(4096), "source_error", "decode_error",
                                            "not valid UTF-8 or Windows-1252"),
        "utf-16": CsvCase(plain.encode("utf-16"), "published", values=rows),
        "utf-16-be-no-bom": CsvCase(plain.encode("utf-16-be"), "published", values=rows),
        "cp1252-semicolons": CsvCase(semicolons.encode("cp1252"), "published", values=rows),
        "latin-1": CsvCase(plain.encode("latin-1"), "published", values=rows),
        "shift-jis": CsvCase((HEADER + "\n0880,日本語の名前,1\n").encode("shift_jis"), "source_error", "decode_error",
                             "not Swedish or Western text"),
        "mixed-encodings": CsvCase(plain.encode("utf-8") + "0882,Mörbylånga,3\n".encode("cp1252"), "source_error",
                                   "decode_error", "mixed encodings, first offending line 7"),
        "huge-field": CsvCase((HEADER + "\n0880," + "x" * 5_000_000 + ",1\n").encode(), "published",
                              values=_table([["0880", "x" * 5_000_000, "1"]])),
        "huge-quoted-field": CsvCase((HEADER + '\n0880,"' + "y\n" * 1_000_000 + '",1\n').encode(), "published",
                                     values=_table([["0880", "y\n" * 1_000_000, "1"]])),
        "quoted-newlines": CsvCase((HEADER + '\n0880,"Kal\nmar\r\nkommun",1\n0881,"Ny\rbro",2\n').encode(), "published",
                                   values=_table([["0880", "Kal\nmar\r\nkommun", "1"], ["0881", "Ny\rbro", "2"]])),
        "control-characters": CsvCase((HEADER + "\n0880,Kal\x00mar\x07\x1b\x7f,1\n0881,\x0cNybro\x0b,2\n").encode(),
                                      "invalid", "nul-character", "nul-character"),
        "random-text": CsvCase((HEADER + "\n" + weird).encode(), "source_error", "csv_syntax", "line 2"),
        "thousands-of-columns": CsvCase((",".join(f"kolumn{i}" for i in range(3000)) + "\n"
                                         + ",".join(str(i) for i in range(3000)) + "\n").encode(), "invalid",
                                        "extra-label", "extra-label"),
        "duplicate-headers": CsvCase(b"kommunkod,kommun,kommun,antal\n0880,Kalmar,Kalmar,1\n", "source_error",
                                     "wrong_content", "names both column 2 and column 3 'kommun'"),
        "duplicate-key-header": CsvCase(b"kommunkod,kommunkod,kommun,antal\n0880,0881,Kalmar,1\n", "source_error",
                                        "wrong_content", "names both column 1 and column 2 'kommunkod'"),
        "empty": CsvCase(b"", "source_error", "wrong_content", "the file is empty"),
        "header-only": CsvCase((HEADER + "\n").encode(), "source_error", "wrong_content", "no data rows"),
        "unterminated-quote": CsvCase((HEADER + '\n0880,"Kalmar,1\n0881,Nybro,2\n').encode(), "source_error", "csv_syntax",
                                      "line 2, column 2: a quoted value starts here and is never closed"),
        "bom-decimal-comma": CsvCase(("\ufeffkommunkod;kommun;antal\r\n0880;Kalmar;1,5\r\n").encode("utf-8"), "invalid",
                                     "type-error", "type-error"),
        "valid-with-swedish": CsvCase(plain.encode("utf-8"), "published", values=rows),
    }


@dataclass(frozen=True)
class CatalogCase:
    data: bytes
    loads: bool  # the verdict: the document loads as a catalog, or is refused
    words: str = ""  # refused: words the first problem must hold


def catalog_cases() -> dict[str, CatalogCase]:
    """Each document with its one verdict. Run against a project that has the schema and data file the
    valid base names (catalogs.write_project), so a refusal can only come from the document itself."""
    rng = random.Random(SEED + 1)
    valid = _yaml(base())
    huge = base()
    huge["datasets"][0]["title"] = "Ö" * 3_000_000
    ctrl = base()
    ctrl["datasets"][0]["title"] = "Bad\x00platser\x1b[31m"
    many = base()
    many["datasets"] = [base()["datasets"][0] for _ in range(300)]  # separate dicts: no YAML aliases
    laughs = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    refused = lambda data, words: CatalogCase(data, False, words)  # noqa: E731
    return {
        "valid": CatalogCase(valid.encode(), True),
        "random-bytes": refused(rng.randbytes(4096), "file is not UTF-8 text"),
        "random-printable": refused("".join(rng.choice("abc:-[]{}'\"&*!|>%@`#\n ") for _ in range(4000)).encode(),
                                    "YAML syntax error"),
        "utf-16": refused(valid.encode("utf-16"), "file is not UTF-8 text"),
        "cp1252": refused(valid.encode("cp1252", "replace"), "file is not UTF-8 text"),
        "huge-field": CatalogCase(_yaml(huge).encode(), True),
        "control-characters": refused(_yaml(ctrl).encode(), "control character U+0000"),
        "control-characters-raw": refused(valid.replace("Badplatser", "Bad\x00plat\x1bser", 1).encode(),
                                          "character U+0000 is not allowed in YAML"),
        "top-level-list": refused(b"- a\n- b\n", "expected a mapping of keys, found a list"),
        "scalar": refused(b"just a string\n", "expected a mapping of keys, found a text"),
        "deep-nesting": refused(b"catalog: " + b"[" * 1500 + b"]" * 1500 + b"\n", "nests too deeply"),
        "duplicate-keys": refused((valid + "catalog: {}\n").encode(), "duplicate key 'catalog'"),
        "duplicate-ids": refused(_yaml(many).encode(), "duplicate dataset id 'badplatser-test'"),
        "billion-laughs": refused(("\n".join(laughs) + "\ncatalog: *a9\n").encode(), "YAML aliases"),
        "tabs": refused(valid.replace("  ", "\t", 3).encode(), "tab character in indentation"),
        "truncated": refused(valid[: len(valid) // 2].encode(), "YAML syntax error"),
        "nul-bytes": refused(valid.encode().replace(b"\n", b"\n\x00", 3), "character U+0000 is not allowed in YAML"),
    }
