"""Benchmark: the fast (polars) validator against frictionless, measured in the same run, with enforced parity.

Usage:
  .venv/bin/python benchmarks/validate.py                      # the original table, 100k and 1M rows
  .venv/bin/python benchmarks/validate.py --matrix             # every type/constraint case + the mixed table, 1M rows
  .venv/bin/python benchmarks/validate.py --matrix --rows 100000 --cases date,mixed --runs 1

The tables (benchmarks/validate_cases.py) are generated once under --dir and
reused. The engines are timed themselves — `validate_table` runs one of them,
then the same engine-independent steps whichever ran (formula-like cell
warnings, the NUL scan); those would add the same seconds to both sides and
load polars into the reference's process. Each engine validates each file in its own child process, so that its
peak RSS (ru_maxrss of that child, from wait4) is its own; both children import
what their engine needs first (the frictionless child does not import polars —
it would inflate the reference's peak) and validate the table's first row as a
warm-up, so one-off costs stay out of the timing. limit_errors=0: both engines
read the whole file. Per case it prints the medians of --runs runs, the ratio
frictionless/fast, the peak-RSS ratio fast/frictionless and whether the two
error lists are identical — type, row, field, cell and message, in order.
"ratio" compares wall-clock medians (the target); "CPU" compares the medians of
the CPU time each child spent validating (all threads) — on a machine shared
with other work, where wall time depends on how much of the CPU a process gets,
it is the steadier of the two.

Exit status 1 when any error list differs or the fast engine handed a file to
frictionless (then it measured nothing of its own); speed and memory targets
are printed, not enforced (they depend on the machine's load).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate_cases import CASES, MATRIX  # noqa: E402

SEED = 20240508
GENERATOR = hashlib.sha256((Path(__file__).parent / "validate_cases.py").read_bytes()).hexdigest()[:8]
AUTO_FAST_MIN_MB = 32  # from this size "auto" picks the fast engine: there its peak must not exceed frictionless'
TARGETS = {"original": 40.0, "mixed": 25.0}  # every other matrix case: 20x


def child(engine: str, case_name: str, csv_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    import resource
    import time

    # imports are paid once per process, not per file: keep them out of the timing
    import frictionless  # noqa: F401

    if engine == "fast":
        from pipelines.validation.fast_engine import validate_fast as validate  # imports polars
    else:
        from pipelines.validation.frictionless_engine import validate_with_frictionless as validate

    schema = CASES[case_name].schema
    tiny = Path(csv_path).with_suffix(f".warmup-{engine}.csv")
    with open(csv_path, encoding="utf-8") as src:
        tiny.write_text(src.readline() + src.readline(), encoding="utf-8")
    validate(tiny, schema, limit_errors=0)
    tiny.unlink()
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB → MiB

    started, cpu_started = time.perf_counter(), time.process_time()
    report = validate(Path(csv_path), schema, limit_errors=0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    errors = [[e.row, e.field, e.type, e.cell, e.message] for e in report.errors]
    digest = hashlib.sha256(json.dumps(errors, ensure_ascii=False).encode()).hexdigest()  # in report order
    print(json.dumps({"engine": report.engine, "fallback": report.fallback_reason, "seconds": seconds, "cpu": cpu,
                      "rows": report.rows, "errors": len(errors), "digest": digest, "floor_mib": floor,
                      "first": errors[:3], "polars_loaded": "polars" in sys.modules}))


def run_child(engine: str, case_name: str, csv_path: Path) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--child", engine, case_name, str(csv_path)],
                            stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"FAIL: the {engine} child on {case_name} exited with {os.waitstatus_to_exitcode(status)}")
    result = json.loads(out)
    result.update(peak_mib=usage.ru_maxrss // 1024)
    return result


def table(case_name: str, rows: int, directory: Path) -> Path:
    path = directory / f"{case_name}-{rows}-{SEED}-{GENERATOR}.csv"
    if not path.exists():
        partial = path.with_suffix(".part")
        CASES[case_name].write(partial, rows, SEED)
        partial.rename(path)
    return path


def measure(case_name: str, rows: int, runs: int, directory: Path) -> dict:
    path = table(case_name, rows, directory)
    results: dict[str, list[dict]] = {"frictionless": [], "fast": []}
    for _ in range(runs):
        for engine in results:
            results[engine].append(run_child(engine, case_name, path))
    ref, fast = results["frictionless"], results["fast"]
    seconds = {e: statistics.median(r["seconds"] for r in rs) for e, rs in results.items()}
    peak = {e: max(r["peak_mib"] for r in rs) for e, rs in results.items()}
    digests = {r["digest"] for rs in results.values() for r in rs}
    fell_back = sorted({r["fallback"] for r in fast if r["engine"] != "fast"})
    return {
        "case": case_name, "rows": rows, "mb": path.stat().st_size / 1e6, "errors": ref[0]["errors"],
        "frictionless_s": seconds["frictionless"], "fast_s": seconds["fast"],
        "ratio": seconds["frictionless"] / seconds["fast"], "rss_ratio": peak["fast"] / peak["frictionless"],
        "cpu_ratio": statistics.median(r["cpu"] for r in ref) / statistics.median(r["cpu"] for r in fast),
        "peak": peak, "floor": {e: max(r["floor_mib"] for r in rs) for e, rs in results.items()},
        "cpu": {e: statistics.median(r["cpu"] for r in rs) for e, rs in results.items()},  # of the validation alone
        "parity": len(digests) == 1, "fell_back": fell_back,
        "first": {"frictionless": ref[0]["first"], "fast": fast[0]["first"]},
        "polars_in_reference": any(r["polars_loaded"] for r in ref),
    }


def report_line(m: dict) -> str:
    target = TARGETS.get(m["case"], 20.0)
    speed = "ok" if m["ratio"] >= target else f"below {target:.0f}x"
    memory = ("ok" if m["rss_ratio"] <= 1 else "above") if m["mb"] >= AUTO_FAST_MIN_MB else "n/a (< 32 MB)"
    parity = "identical" if m["parity"] else "DIFFERENT"
    if m["fell_back"]:
        parity += f" (fast engine deferred: {m['fell_back'][0]})"
    return (f"{m['case']:24s} {m['mb']:7.1f} {m['errors']:7d} {m['frictionless_s']:9.2f} {m['fast_s']:8.3f} "
            f"{m['ratio']:7.1f}x {speed:13s} {m['cpu_ratio']:7.1f}x {m['rss_ratio']:5.2f} ({m['peak']['fast']}/{m['peak']['frictionless']} MiB) "
            f"{memory:14s} {parity}")


HEADER = (f"{'case':24s} {'MB':>7s} {'errors':>7s} {'frict. s':>9s} {'fast s':>8s} {'ratio':>8s} {'target':13s} {'CPU':>8s} "
          f"{'RSS fast/frict.':24s} {'RSS target':14s} parity")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--matrix", action="store_true", help="every type/constraint case and the mixed table")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per matrix table")
    parser.add_argument("--sizes", default="100000,1000000", help="rows of the original table (without --matrix)")
    parser.add_argument("--cases", help="comma-separated case names (default: all of the chosen set)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/oppnadata-bench-validate"))
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "CASE", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    if args.matrix:
        names = [c.name for c in MATRIX] + ["mixed", "original"]
        plan = [(name, args.rows) for name in names]
    else:
        plan = [("original", int(s)) for s in args.sizes.split(",")]
    if args.cases:
        wanted = args.cases.split(",")
        unknown = set(wanted) - set(CASES)
        if unknown:
            raise SystemExit(f"unknown case(s): {', '.join(sorted(unknown))}; known: {', '.join(CASES)}")
        plan = [(n, r) for n, r in plan if n in wanted]
    print(f"validation benchmark: medians of {args.runs} run(s), limit_errors=0, tables in {args.dir}", flush=True)
    print(HEADER, flush=True)
    measured, failures = [], []
    for name, rows in plan:
        m = measure(name, rows, args.runs, args.dir)
        measured.append(m)
        print(report_line(m), flush=True)
        if not m["parity"]:
            failures.append(f"{name}: error lists differ (first errors: {m['first']})")
        if m["fell_back"]:
            failures.append(f"{name}: the fast engine deferred to frictionless ({m['fell_back'][0]})")
        if m["polars_in_reference"]:
            failures.append(f"{name}: polars was loaded in the frictionless child (its peak RSS is not its own)")
    if args.json:
        args.json.write_text(json.dumps(measured, indent=2, ensure_ascii=False), encoding="utf-8")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures), flush=True)
        raise SystemExit(1)
    print("parity: every error list identical (type, row, field, cell, message, order)")


if __name__ == "__main__":
    main()
