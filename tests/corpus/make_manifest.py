"""Write tests/fixtures/corpus/manifest.jsonl: one expected outcome per corpus file (run by hand, then reviewed).

    .venv/bin/python -m tests.corpus.make_manifest

The expected outcome comes from the independent reading (oracle_reading.py).
The pipeline is run beside it only to *compare*: every file where the two
disagree is printed for review instead of written, and for refusals the
pipeline's error kind and line are recorded after a reviewer has checked the
oracle refuses the same file. Files listed in REVIEWED carry the outcome a
reviewer decided, with the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

from pipelines.catalog import infer_schema
from pipelines.errors import SourceError
from pipelines.normalize import normalize_csv, normalize_xlsx
from tests.normalize.oracle import same_value

from .oracle_reading import read_csv_file, read_xlsx_file

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
MANIFEST = CORPUS / "manifest.jsonl"
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".csv2k", ".csvformat", ".bad")
SKIP = {"manifest.jsonl"}
FULL_ROWS = 25


def corpus_files() -> list[Path]:
    files = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.name not in SKIP and (path.suffix.lower() in TABLE_SUFFIXES or path.name == "Table"):
            if "csv-spectrum/json" in path.as_posix():
                continue
            files.append(path)
    return files


def rows_digest(rows: list[list[str]]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def pipeline_reading(path: Path) -> dict:
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    with tempfile.TemporaryDirectory() as tmp:
        raw, converted = Path(tmp) / "raw.csv", Path(tmp) / "conv.csv"
        normalize = normalize_xlsx if fmt == "xlsx" else normalize_csv
        try:
            normalize(path, raw, {}, allow_empty=True, source=path.name)
            schema = infer_schema(raw)
            types = {f["name"]: ("TODO" if f["type"].startswith("TODO") else f["type"]) for f in schema["fields"]}
            if "TODO" in types.values():
                return {"outcome": "refused-at-check", "todo": [n for n, t in types.items() if t == "TODO"]}
            result = normalize(path, converted, schema, source=path.name)
        except SourceError as exc:
            found = re.search(r"\b(?:line|row) (\d+)", str(exc))
            return {"outcome": "refused", "kind": str(exc.kind), "line": int(found.group(1)) if found else None,
                    "message": str(exc)}
        import csv
        with converted.open(encoding="utf-8", newline="") as fh:
            got = list(csv.reader(fh))
        return {"outcome": "accepted", "types": types, "header": got[0], "rows": got[1:],
                "encoding": getattr(result, "encoding", None), "delimiter": getattr(result, "delimiter", None)}


def manifest_line(path: Path, expected: dict, actual: dict) -> dict | None:
    rel = path.relative_to(CORPUS).as_posix()
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    line = {"file": rel, "source": rel.split("/")[0] if not rel.startswith("sweden/") else "/".join(rel.split("/")[:2]),
            "format": fmt, "outcome": expected["outcome"]}
    if expected["outcome"] != actual["outcome"]:
        return None
    if expected["outcome"] == "refused":
        line.update(kind=actual["kind"], line=actual["line"], why=expected["why"])
        return line
    if expected["outcome"] == "refused-at-check":
        if expected["todo"] != actual["todo"]:
            return None
        line["todo"] = expected["todo"]
        return line
    if expected["header"] != actual["header"] or expected["types"] != actual["types"]:
        return None
    if len(expected["rows"]) != len(actual["rows"]):
        return None
    for want, got in zip(expected["rows"], actual["rows"]):
        if len(want) != len(got) or not all(same_value(w, g, expected["types"].get(n, "string"))
                                            for n, w, g in zip(expected["header"], want, got)):
            return None
    line.update(encoding=expected["encoding"] or actual["encoding"], delimiter=expected["delimiter"],
                types=expected["types"], header=expected["header"], row_count=len(expected["rows"]))
    if len(expected["rows"]) <= FULL_ROWS:
        line["rows"] = expected["rows"]
    else:
        line.update(first_rows=expected["rows"][:3], last_row=expected["rows"][-1], rows_sha256=rows_digest(expected["rows"]))
    return line


def main() -> int:
    lines, disagreements = [], []
    for path in corpus_files():
        expected = read_xlsx_file(path) if path.suffix.lower() == ".xlsx" else read_csv_file(path)
        actual = pipeline_reading(path)
        line = manifest_line(path, expected, actual)
        if line is None:
            disagreements.append((path.relative_to(CORPUS).as_posix(), expected, actual))
        else:
            lines.append(line)
    MANIFEST.write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines), encoding="utf-8")
    for rel, expected, actual in disagreements:
        print(f"DISAGREE {rel}\n  oracle:   {str({k: v for k, v in expected.items() if k != 'rows'})[:400]}\n"
              f"  pipeline: {str({k: v for k, v in actual.items() if k != 'rows'})[:400]}")
    print(f"{len(lines)} lines written, {len(disagreements)} disagreements")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
