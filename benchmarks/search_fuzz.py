"""Benchmark: 10,000 generated hostile q/fq/sort strings over HTTP against 2,000 datasets.

Why: the anonymous search must refuse bad query text with a 400 and stay fast for every query it
accepts, at a realistic catalog size. The strings come from tests/portal/solr_fuzz.py (a seeded
grammar of Solr syntax plus garbage, the same the test suite uses at small scale); the datasets from
benchmarks/swedish_datasets.py. Baseline in the same run: a plain `q=badplatser` search, so the
ratio shows what hostile text costs compared with an ordinary query.

Checks (exit 1 when one fails): no response is a 500 (or any status but 200/400/409), and the p99
of all calls is at most 1 s. Everything created is purged at the end.

Example: .venv/bin/python benchmarks/search_fuzz.py --datasets 2000 --strings 10000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.search import p95, portal_env  # noqa: E402
from benchmarks.swedish_datasets import create, generate, purge  # noqa: E402
from tests.portal.solr_fuzz import cases  # noqa: E402


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=2000)
    parser.add_argument("--strings", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--existing", action="store_true",
                        help="create nothing: run against the datasets the portal already has (at least --datasets)")
    args = parser.parse_args()

    env = portal_env()
    url = env["CKAN_URL"]
    token = "fuzz" + uuid.uuid4().hex[:6]
    catalog = generate(token, args.datasets, seed=args.seed)
    print(f"hostile-query benchmark: {args.datasets} datasets, {args.strings} strings, CKAN {url}", flush=True)
    failures = []
    try:
        session = requests.Session()
        endpoint = f"{url}/api/3/action/package_search"
        if args.existing:
            have = session.post(endpoint, json={"rows": 0}, timeout=60).json()["result"]["count"]
            print(f"using the {have} public datasets the portal has", flush=True)
            if have < args.datasets:
                raise SystemExit(f"FAIL: the portal has {have} public datasets, fewer than --datasets {args.datasets}")
            catalog.datasets.clear()  # nothing of ours to purge
        else:
            seconds = create(url, env["CKAN_API_TOKEN"], catalog, threads=args.threads)
            print(f"created {args.datasets} datasets in {seconds:.0f} s", flush=True)
        baseline = []
        for _ in range(50):
            t = time.perf_counter()
            session.post(endpoint, json={"q": "badplatser"}, timeout=60).raise_for_status()
            baseline.append(time.perf_counter() - t)
        times, statuses, worst = [], Counter(), []
        for i, case in enumerate(cases(args.seed, args.strings)):
            t = time.perf_counter()
            r = session.post(endpoint, json=case, timeout=60)
            elapsed = time.perf_counter() - t
            times.append(elapsed)
            statuses[r.status_code] += 1
            worst.append((elapsed, case))
            if r.status_code not in (200, 400, 409):
                failures.append(f"HTTP {r.status_code} for {case!r:.300}: {r.text[:300]}")
            if (i + 1) % 2000 == 0:
                print(f"  {i + 1} strings: {dict(statuses)}", flush=True)
    finally:
        if not args.existing:
            print("purging ...", flush=True)
            purge(url, env["CKAN_API_TOKEN"], catalog, threads=args.threads)

    base = statistics.median(baseline)
    print(f"\nstatuses: {dict(sorted(statuses.items()))}")
    print(f"hostile strings: median {statistics.median(times) * 1000:.0f} ms, p95 {p95(times) * 1000:.0f} ms, "
          f"p99 {p99(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
    print(f"baseline q=badplatser: median {base * 1000:.0f} ms (ratio hostile median / baseline "
          f"{statistics.median(times) / base:.2f}x)")
    print("slowest: " + "; ".join(f"{t * 1000:.0f} ms {c!r:.120}" for t, c in sorted(worst, key=lambda w: -w[0])[:3]))
    if p99(times) > 1.0:
        failures.append(f"p99 {p99(times):.2f} s > 1 s")
    if failures:
        print("\nFAIL:\n  " + "\n  ".join(failures[:20]))
        raise SystemExit(1)
    print("\nno 500, p99 <= 1 s")


if __name__ == "__main__":
    main()
