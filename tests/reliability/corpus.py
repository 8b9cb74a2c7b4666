"""The bad-input corpus: seeded, generated catalog.yaml documents and CSV files.

Why generated and seeded: the cases cover the families the issue names (random
bytes, random encodings, huge fields, quoted newlines, control characters,
thousands of columns, duplicate headers) with fresh random content each
family, yet a failure reproduces exactly from its case id.
"""

from __future__ import annotations

import random

from ruamel.yaml import YAML

from .catalogs import base

SEED = 20240901
HEADER = "kommunkod,kommun,antal"


def _yaml(doc) -> str:
    import io

    out = io.StringIO()
    YAML().dump(doc, out)
    return out.getvalue()


def csv_cases() -> dict[str, bytes]:
    rng = random.Random(SEED)
    sw = "åäöÅÄÖéü"
    rows = [f"{rng.choice(['0880', '0881', '0882'])},{''.join(rng.choice(sw + 'abc ') for _ in range(8))},{rng.randint(0, 99)}"
            for _ in range(5)]
    plain = HEADER + "\n" + "\n".join(rows) + "\n"
    weird = "".join(rng.choice('ab,;"\n\r\t\x00\x1bå€') for _ in range(3000))
    return {
        "random-bytes": rng.randbytes(8192),
        "random-bytes-with-header": (HEADER + "\n").encode() + rng.randbytes(4096),
        "utf-16": plain.encode("utf-16"),
        "utf-16-be-no-bom": plain.encode("utf-16-be"),
        "cp1252-semicolons": plain.replace(",", ";").encode("cp1252"),
        "latin-1": plain.encode("latin-1"),
        "shift-jis": (HEADER + "\n0880,日本語の名前,1\n").encode("shift_jis"),
        "mixed-encodings": plain.encode("utf-8") + "0882,Mörbylånga,3\n".encode("cp1252"),
        "huge-field": (HEADER + "\n0880," + "x" * 5_000_000 + ",1\n").encode(),
        "huge-quoted-field": (HEADER + '\n0880,"' + "y\n" * 1_000_000 + '",1\n').encode(),
        "quoted-newlines": (HEADER + '\n0880,"Kal\nmar\r\nkommun",1\n0881,"Ny\rbro",2\n').encode(),
        "control-characters": (HEADER + "\n0880,Kal\x00mar\x07\x1b\x7f,1\n0881,\x0cNybro\x0b,2\n").encode(),
        "random-text": (HEADER + "\n" + weird).encode(),
        "thousands-of-columns": (",".join(f"kolumn{i}" for i in range(3000)) + "\n"
                                 + ",".join(str(i) for i in range(3000)) + "\n").encode(),
        "duplicate-headers": b"kommunkod,kommun,kommun,antal\n0880,Kalmar,Kalmar,1\n",
        "duplicate-key-header": b"kommunkod,kommunkod,kommun,antal\n0880,0881,Kalmar,1\n",
        "empty": b"",
        "header-only": (HEADER + "\n").encode(),
        "unterminated-quote": (HEADER + '\n0880,"Kalmar,1\n0881,Nybro,2\n').encode(),
        "bom-decimal-comma": ("\ufeffkommunkod;kommun;antal\r\n0880;Kalmar;1,5\r\n").encode("utf-8"),
        "valid-with-swedish": plain.encode("utf-8"),
    }


def catalog_cases() -> dict[str, bytes]:
    rng = random.Random(SEED + 1)
    valid = _yaml(base())
    huge = base()
    huge["datasets"][0]["title"] = "Ö" * 3_000_000
    ctrl = base()
    ctrl["datasets"][0]["title"] = "Bad\x00platser\x1b[31m"
    many = base()
    many["datasets"] = [dict(many["datasets"][0], id=f"ds-{i % 700}") for i in range(1500)]
    laughs = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return {
        "random-bytes": rng.randbytes(4096),
        "random-printable": "".join(rng.choice("abc:-[]{}'\"&*!|>%@`#\n ") for _ in range(4000)).encode(),
        "utf-16": valid.encode("utf-16"),
        "cp1252": valid.replace("Öppna", "Öppna").encode("cp1252", "replace"),
        "huge-field": _yaml(huge).encode(),
        "control-characters": _yaml(ctrl).encode(),
        "control-characters-raw": valid.replace("Badplatser", "Bad\x00plat\x1bser", 1).encode(),
        "top-level-list": b"- a\n- b\n",
        "scalar": b"just a string\n",
        "deep-nesting": b"catalog: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "duplicate-keys": (valid + "catalog: {}\n").encode(),
        "duplicate-ids": _yaml(many).encode(),
        "billion-laughs": ("\n".join(laughs) + "\ncatalog: *a9\n").encode(),
        "tabs": valid.replace("  ", "\t", 3).encode(),
        "truncated": valid[: len(valid) // 2].encode(),
        "nul-bytes": valid.encode().replace(b"\n", b"\n\x00", 3),
    }
