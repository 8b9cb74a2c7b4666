"""Benchmark: normalize a large Windows-1252 ';' CSV with decimal commas, against pandas in the same run.

Why: the nightly run must normalize municipal exports of any size with bounded
memory. This script generates a seeded file (default ~1 GB, `--size-mb` for
smaller), then measures, each in a fresh child process so peak RSS is its own:

  ours            pipelines.normalize.normalize_csv (encoding detection over the
                  whole file + delimiter detection + decimal/date conversion + write)
  pandas_read     pandas.read_csv(sep=';', decimal=',', encoding='cp1252') — the baseline
                  (reading only, whole file in memory)
  pandas_chunked  pandas read_csv in 200k-row chunks + to_csv (UTF-8, ',') — the
                  same job as ours done with pandas, for context

It prints MB/s and peak RSS for each and the ratios ours/baseline.
Wall and CPU seconds are both printed: on a shared machine CPU time is the
steadier comparison. Targets: peak RSS of ours < 300 MB; throughput within 3x of pandas_read.

Correctness is enforced: every value of our output is compared with pandas'
reading of the source (the baseline: cp1252, ';', decimal comma), chunk by
chunk in file order — numbers as floats, dates as dates, text as text, empty
as missing — and the script exits 1 at the first difference (or a different
row count). The measurement "ours" is therefore always run.

Usage: .venv/bin/python benchmarks/normalize.py --size-mb 200
Files go to a temporary directory under /tmp and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "kommunkod", "type": "string"},
        {"name": "kommun", "type": "string"},
        {"name": "namn", "type": "string"},
        {"name": "lat", "type": "number"},
        {"name": "lon", "type": "number"},
        {"name": "varde", "type": "number"},
        {"name": "datum", "type": "date"},
        {"name": "kommentar", "type": "string"},
    ]
}
KOMMUNER = [("0821", "Högsby"), ("0834", "Torsås"), ("0840", "Mörbylånga"), ("0860", "Hultsfred"), ("0861", "Mönsterås"),
            ("0862", "Emmaboda"), ("0880", "Kalmar"), ("0881", "Nybro"), ("0882", "Oskarshamn"), ("0883", "Västervik"),
            ("0884", "Vimmerby"), ("0885", "Borgholm")]
WORDS = ["badplats", "lekplats", "utegym", "toalett", "brygga", "strand", "skog", "äng", "ö", "sjö", "å", "väg"]


def generate(path: Path, size_mb: int, seed: int) -> int:
    """Write a seeded cp1252 ';' CSV of about size_mb MB; return its row count."""
    rng = random.Random(seed)
    pool = []
    for _ in range(20_000):
        code, name = rng.choice(KOMMUNER)
        pool.append(
            f"{code};{name};{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {rng.randint(1, 99)};"
            f"{rng.uniform(56.2, 58.0):.6f};{rng.uniform(15.4, 17.1):.6f};".replace(".", ",")
            + f"{rng.uniform(-50, 5000):.2f}".replace(".", ",")
            + f";{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 00:00:00;"
            + ("\"Kommentar; med semikolon\"" if rng.random() < 0.05 else rng.choice(WORDS + [""]))
        )
    target = size_mb * 1024 * 1024
    written, rows = 0, 0
    with open(path, "wb") as fh:
        header = ";".join(f["name"] for f in SCHEMA["fields"]) + "\r\n"
        fh.write(b"\xef\xbb\xbf" + header.encode("cp1252"))
        while written < target:
            block = "".join(f"{rows + i + 1};{pool[(rows + i) * 7919 % len(pool)]}\r\n" for i in range(50_000))
            data = block.encode("cp1252")
            fh.write(data)
            written += len(data)
            rows += 50_000
    return rows


def run_ours(src: Path, out: Path) -> dict:
    from pipelines.normalize import normalize_csv

    result = normalize_csv(src, out, SCHEMA)
    return {"rows": result.rows, "encoding": result.encoding, "delimiter": result.delimiter}


def run_pandas_read(src: Path, out: Path) -> dict:
    import pandas as pd

    df = pd.read_csv(src, sep=";", decimal=",", encoding="cp1252", dtype={"kommunkod": str})
    return {"rows": len(df)}


def run_pandas_chunked(src: Path, out: Path) -> dict:
    import pandas as pd

    rows = 0
    with open(out, "w", encoding="utf-8", newline="") as fh:
        for i, chunk in enumerate(pd.read_csv(src, sep=";", decimal=",", encoding="cp1252", dtype={"kommunkod": str},
                                              chunksize=200_000)):
            chunk.to_csv(fh, index=False, header=(i == 0), lineterminator="\n")
            rows += len(chunk)
    return {"rows": rows}


RUNNERS = {"ours": run_ours, "pandas_read": run_pandas_read, "pandas_chunked": run_pandas_chunked}
CHECK_ROWS = 200_000


def compare_with_pandas(src: Path, ours: Path) -> str | None:
    """None when our output holds exactly the values pandas reads from the source, else the first difference.

    Both files are read by pandas' C parser with the types of the schema (numbers
    correctly rounded, so "12,50" and "12.5" are the same float); a date in the
    source may carry Excel's " 00:00:00", which names the same day.
    """
    import pandas as pd

    names = [f["name"] for f in SCHEMA["fields"]]  # positional: the source's first name carries the BOM bytes
    kinds = {f["name"]: f["type"] for f in SCHEMA["fields"]}
    dtypes = {n: (str if kinds[n] in ("string", "date") else None) for n in names}
    options = dict(dtype={n: t for n, t in dtypes.items() if t}, keep_default_na=False, na_values=[""], header=0,
                   names=names, chunksize=CHECK_ROWS, float_precision="round_trip")
    base = pd.read_csv(src, sep=";", decimal=",", encoding="cp1252", **options)
    mine = pd.read_csv(ours, sep=",", encoding="utf-8", **options)
    row = 0
    for expected, got in zip(base, mine):
        expected, got = expected.reset_index(drop=True), got.reset_index(drop=True)
        if len(expected) != len(got):
            return f"rows {row}–{row + max(len(expected), len(got))}: {len(expected)} rows in the source, {len(got)} in ours"
        for name in names:
            want, have = expected[name], got[name]
            if kinds[name] == "date":
                midnight = want.str.slice(10).isin(["", " 00:00:00"]) | want.isna()
                want = want.str.slice(0, 10).where(midnight, want)
            same = want.eq(have).fillna(False).astype(bool) | (want.isna() & have.isna())
            if not same.all():
                i = int((~same).to_numpy().argmax())
                return (f"row {row + i + 1}, column {name}: pandas reads {expected[name].iloc[i]!r} from the source, "
                        f"ours wrote {got[name].iloc[i]!r}")
        row += len(expected)
    leftover = sum(len(c) for c in base) + sum(len(c) for c in mine)
    return f"after row {row}: one file has {leftover} more rows" if leftover else None


def child(name: str, src: Path, out: Path) -> None:
    # imports first, so neither side is charged for loading its libraries
    if name == "ours":
        import pipelines.normalize  # noqa: F401
    else:
        import pandas  # noqa: F401
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    info = RUNNERS[name](src, out)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    info.update(seconds=seconds, cpu_seconds=cpu, peak_rss_mb=usage.ru_maxrss / 1024)
    print(json.dumps(info))


def measure(name: str, src: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", name, str(src), str(out)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=20240615)
    ap.add_argument("--skip", nargs="*", default=[], choices=[n for n in RUNNERS if n != "ours"],
                    help="baseline measurements to leave out")
    ap.add_argument("--child", nargs=3, metavar=("NAME", "SRC", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="bench-normalize-", dir="/tmp") as tmp:
        src = Path(tmp) / "source_cp1252.csv"
        t = time.perf_counter()
        rows = generate(src, args.size_mb, args.seed)
        mb = src.stat().st_size / 1024 / 1024
        print(f"generated {mb:.0f} MB, {rows} rows, cp1252 ';' decimal commas, seed {args.seed} ({time.perf_counter() - t:.1f} s)")
        results = {}
        for name in RUNNERS:
            if name in args.skip:
                continue
            out = Path(tmp) / f"out_{name}.csv"
            r = measure(name, src, out)
            if name == "ours":
                t = time.perf_counter()
                difference = compare_with_pandas(src, out)
                print(f"value check ours vs pandas' reading of the source: "
                      f"{'identical' if difference is None else 'DIFFERENT'} ({time.perf_counter() - t:.1f} s)", flush=True)
            out.unlink(missing_ok=True)
            results[name] = r
            print(f"{name:15s} {r['seconds']:7.1f} s wall ({mb / r['seconds']:6.1f} MB/s)  {r['cpu_seconds']:7.1f} s CPU "
                  f"({mb / r['cpu_seconds']:6.1f} MB/s)  peak RSS {r['peak_rss_mb']:6.0f} MB  rows {r['rows']}")
        if "ours" in results and "pandas_read" in results:
            ours, base = results["ours"], results["pandas_read"]
            ratio = ours["seconds"] / base["seconds"]
            cpu_ratio = ours["cpu_seconds"] / base["cpu_seconds"]
            print(f"ratio wall time ours/pandas_read = {ratio:.2f}x (target <= 3x): {'OK' if ratio <= 3 else 'MISSED'}")
            print(f"ratio CPU time  ours/pandas_read = {cpu_ratio:.2f}x (CPU time is steadier on a shared machine)")
            print(f"peak RSS ours = {ours['peak_rss_mb']:.0f} MB (target < 300 MB): {'OK' if ours['peak_rss_mb'] < 300 else 'MISSED'}"
                  f"; pandas_read = {base['peak_rss_mb']:.0f} MB")
        if "ours" in results and "pandas_chunked" in results:
            print(f"ratio time ours/pandas_chunked = {results['ours']['seconds'] / results['pandas_chunked']['seconds']:.2f}x")
        if difference is not None:
            raise SystemExit(f"FAIL: our output differs from pandas' values: {difference}")


if __name__ == "__main__":
    main()
