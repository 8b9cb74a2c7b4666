"""Benchmark: fast (polars) vs frictionless validation on a seeded 1M- and 100k-row CSV.

Usage: .venv/bin/python benchmarks/validate.py [--runs 3] [--sizes 100000,1000000]

Generates the files under /tmp (never committed), then validates each file with
both engines, each run in its own child process so that the peak RSS of one
engine is measured alone (ru_maxrss of that child, from wait4). Both children
do the same things before the timed run: import what their engine needs (the
frictionless child does not import polars — it would inflate the reference
peak), then validate the same two-line warm-up file. The RSS after that
warm-up is printed too, so the peak can be read against the process' floor.
Prints the medians, the ratio frictionless / fast, both peaks and whether the
(row, field, type) error lists are identical, in the same order.
limit_errors=0 (no cap), so both engines scan the whole file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240508
KOMMUNER = ["0821", "0834", "0840", "0860", "0861", "0862", "0880", "0881", "0882", "0883", "0884", "0885"]
NAMN = ["Kalmar", "Mörbylånga", "Västervik", "Öland, norra", "Ängö", "Borgholm", "Nybro", "Vimmerby"]
KATEGORIER = ["badplats", "lekplats", "utegym", "toalett"]
SCHEMA = {
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


def generate(path: Path, rows: int, seed: int = SEED) -> None:
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
        out.write(",".join(f["name"] for f in SCHEMA["fields"]) + "\n")
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


def child(engine: str, csv_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    import resource
    import time

    # imports are paid once per process, not per file: keep them out of the timing
    import frictionless  # noqa: F401

    from pipelines.validation import validate_table

    if engine == "fast":
        from pipelines.validation import fast_engine  # noqa: F401  (imports polars)

    # warm-up on a tiny file: lazy imports inside frictionless (PYTHONDONTWRITEBYTECODE is set here, so
    # every import compiles from source) are a once-per-process cost, not a per-file one
    tiny = Path(csv_path).with_suffix(".warmup.csv")
    with open(csv_path, encoding="utf-8") as src:
        tiny.write_text(src.readline() + src.readline(), encoding="utf-8")
    validate_table(tiny, SCHEMA, engine=engine, limit_errors=0)
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB → MiB

    started = time.perf_counter()
    report = validate_table(Path(csv_path), SCHEMA, engine=engine, limit_errors=0)
    seconds = time.perf_counter() - started
    keys = [(e.row, e.field, e.type) for e in report.errors]
    digest = hashlib.sha256(json.dumps(keys).encode()).hexdigest()  # in report order
    print(json.dumps({"engine": report.engine, "fallback": report.fallback_reason, "seconds": seconds,
                      "rows": report.rows, "errors": len(keys), "digest": digest, "floor_mib": floor,
                      "polars_loaded": "polars" in sys.modules}))


def run_child(engine: str, csv_path: Path) -> tuple[dict, int]:
    proc = subprocess.Popen([sys.executable, __file__, "--child", engine, str(csv_path)], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"child {engine} failed with exit code {proc.returncode}")
    return json.loads(out), usage.ru_maxrss // 1024  # KiB → MiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "CSV"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    for rows in (int(s) for s in args.sizes.split(",")):
        path = Path(f"/tmp/oppnadata-bench-validate-{rows}.csv")
        if not path.exists():
            generate(path, rows)
        results: dict[str, list[tuple[dict, int]]] = {"frictionless": [], "fast": []}
        for _ in range(args.runs):
            for engine in results:
                results[engine].append(run_child(engine, path))
        med = {e: statistics.median(r[0]["seconds"] for r in rs) for e, rs in results.items()}
        rss = {e: max(r[1] for r in rs) for e, rs in results.items()}
        floor = {e: max(r[0]["floor_mib"] for r in rs) for e, rs in results.items()}
        digests = {r[0]["digest"] for rs in results.values() for r in rs}
        fast0, ref0 = results["fast"][0][0], results["frictionless"][0][0]
        print(f"rows={rows:,} file={path.stat().st_size / 1e6:.1f} MB runs={args.runs} errors={ref0['errors']}")
        print(f"  frictionless median {med['frictionless']:.3f} s ({rows / med['frictionless']:,.0f} rows/s), "
              f"peak RSS {rss['frictionless']} MiB (after imports + warm-up {floor['frictionless']} MiB, "
              f"polars loaded: {ref0['polars_loaded']})")
        print(f"  fast         median {med['fast']:.3f} s ({rows / med['fast']:,.0f} rows/s), peak RSS {rss['fast']} MiB"
              f" (after imports + warm-up {floor['fast']} MiB), engine={fast0['engine']} fallback={fast0['fallback']}")
        print(f"  ratio frictionless/fast = {med['frictionless'] / med['fast']:.1f}x; "
              f"peak RSS fast/frictionless = {rss['fast'] / rss['frictionless']:.2f}; "
              f"identical error lists (same order): {'yes' if len(digests) == 1 else 'no'}")

if __name__ == "__main__":
    main()
