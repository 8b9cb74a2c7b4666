"""Benchmark: dataset search and the DCAT catalog at catalog scale (default 10,000 datasets).

Why: a harvester and the public search must stay fast when the county's catalog grows. This creates
realistic Swedish datasets (benchmarks/swedish_datasets.py: 13 organizations, 3 formats, keywords,
notes), measures each call from outside over HTTP as an anonymous visitor (median and p95), checks
every answer against what was created (the ground truth), and purges everything at the end.

Calls (targets at 10,000 datasets in brackets):
  q=badplatser, rows 20, 4 facets [p95 <= 150 ms]     fq=tags:Kalmar, rows 100 [p95 <= 300 ms]
  rows=1000 [p95 <= 1.5 s]                              /dataset/?q=skolor, the web page [p95 <= 400 ms]
  /catalog.rdf warm [p95 <= 3 s], cold (first request after a dataset changed), and a conditional
  GET with the current ETag [must be 304]

Baseline, measured in the same run: the same searches answered the way a search without stored
documents must build them, by one package_show per hit (search with fl=id, then package_show for
each id). The ratio baseline/ours is printed per call.

Exit status: 1 when an answer differs from the ground truth, 2 when a target is missed, else 0.

Needs the local portal (`make portal-up`; honours PORTAL_* ports). Example:
  .venv/bin/python benchmarks/search.py --datasets 10000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
import xml.sax
from collections import Counter
from pathlib import Path

import ckanapi
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.swedish_datasets import BenchCatalog, create, generate, purge  # noqa: E402

FACETS = ["organization", "tags", "res_format", "license_id"]
TARGETS_MS = {"q+4 facets, rows 20": 150, "fq=tags:Kalmar, rows 100": 300, "rows=1000": 1500,
              "/dataset/?q=skolor": 400, "/catalog.rdf warm": 3000}


def portal_env() -> dict[str, str]:
    if os.environ.get("CKAN_API_TOKEN"):
        return {"CKAN_URL": os.environ.get("CKAN_URL", "http://127.0.0.1:5050"),
                "CKAN_API_TOKEN": os.environ["CKAN_API_TOKEN"]}
    out = subprocess.run([str(ROOT / "portal" / "stack"), "env"], capture_output=True, text=True, check=True).stdout
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return {k: v.strip().strip("'\"") for k, v in values.items()}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


class Timer:
    """Times one kind of call `calls` times; keeps the milliseconds."""

    def __init__(self) -> None:
        self.rows: dict[str, list[float]] = {}

    def run(self, label: str, calls: int, fn) -> object:
        result = None
        times = self.rows.setdefault(label, [])
        for _ in range(calls):
            t = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t) * 1000)
        return result


class Checks:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def equal(self, what: str, got, want) -> None:
        if got != want:
            shown = lambda v: (repr(v)[:300] + "...") if len(repr(v)) > 300 else repr(v)  # noqa: E731
            self.failures.append(f"{what}: got {shown(got)}, want {shown(want)}")
            print(f"  MISMATCH {what}", flush=True)
        else:
            print(f"  ok {what}", flush=True)


def search(session: requests.Session, url: str, **params) -> dict:
    params = {k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
    r = session.get(f"{url}/api/3/action/package_search", params=params, timeout=300)
    r.raise_for_status()
    return r.json()["result"]


def show_per_hit(session: requests.Session, url: str, **params) -> dict:
    """The baseline: ids from the search, then one package_show per hit."""
    found = search(session, url, fl="id", **params)
    found["results"] = [
        session.get(f"{url}/api/3/action/package_show", params={"id": hit["id"]}, timeout=60).json()["result"]
        for hit in found["results"]
    ]
    return found


def all_names(session, url, **params) -> list[str]:
    names, start = [], 0
    while True:
        page = search(session, url, fl="name", rows=1000, start=start, **params)
        names += [r["name"] for r in page["results"]]
        start += 1000
        if start >= page["count"]:
            return names


def ground_truth_facets(datasets) -> dict[str, dict[str, int]]:
    return {
        "organization": dict(Counter(d.organization for d in datasets)),
        "tags": dict(Counter(t for d in datasets for t in d.tags)),
        "res_format": dict(Counter(f for d in datasets for f in d.formats)),
        "license_id": dict(Counter(d.license_id for d in datasets)),
    }


def by_recency(datasets) -> list[str]:
    return [d.name for d in sorted(datasets, key=lambda d: d.created_order, reverse=True)]


class CatalogCounter(xml.sax.ContentHandler):
    """Streams RDF/XML: collects the IRIs the catalog links with dcat:dataset.

    A link is either `<dcat:dataset rdf:resource="..."/>` or a nested `<dcat:Dataset rdf:about="...">`
    (what rdflib's pretty RDF/XML writes)."""

    DCAT = "http://www.w3.org/ns/dcat#"
    RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    def __init__(self) -> None:
        super().__init__()
        self.links: set[str] = set()
        self.open_link = False

    def startElementNS(self, name, qname, attrs):
        if self.open_link:
            self.links.add(attrs.get((self.RDF, "about"), ""))
            self.open_link = False
        elif name == (self.DCAT, "dataset"):
            resource = attrs.get((self.RDF, "resource"))
            if resource:
                self.links.add(resource)
            else:
                self.open_link = True


def catalog_links(body: bytes) -> set[str]:
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    handler = CatalogCounter()
    parser.setContentHandler(handler)
    parser.feed(body)
    parser.close()
    return handler.links


def check_answers(session, url, catalog: BenchCatalog, checks: Checks) -> None:
    """Every measured call, restricted to this run's datasets, against what was created."""
    only = f"kalmar_bench:{catalog.token}"
    public = catalog.public()
    bad = [d for d in public if d.subject == "Badplatser"]
    found = search(session, url, q="badplatser", fq=only, rows=0, **{"facet.field": FACETS, "facet.limit": -1})
    checks.equal("q=badplatser count", found["count"], len(bad))
    checks.equal("q=badplatser facets", found["facets"], ground_truth_facets(bad))
    checks.equal("q=badplatser datasets", sorted(all_names(session, url, q="badplatser", fq=only)),
                 sorted(d.name for d in bad))
    kalmar = [d for d in public if "Kalmar" in d.tags]
    got = [r["name"] for r in search(session, url, fq=f"tags:Kalmar {only}", rows=100)["results"]]
    checks.equal("fq=tags:Kalmar rows 100, newest first", got, by_recency(kalmar)[:100])
    got = [r["name"] for r in search(session, url, fq=only, rows=1000)["results"]]
    checks.equal("rows=1000, newest first", got, by_recency(public)[:1000])
    private = [d.name for d in catalog.datasets if d.private]
    leaked = set(all_names(session, url, fq=only)) & set(private)
    checks.equal("private datasets seen anonymously", sorted(leaked), [])


def measure(args, env, catalog: BenchCatalog, timer: Timer, baseline: Timer, checks: Checks) -> None:
    url = env["CKAN_URL"]
    anon = requests.Session()
    admin = ckanapi.RemoteCKAN(url, apikey=env["CKAN_API_TOKEN"])
    n = args.calls

    q_params = dict(q="badplatser", rows=20, **{"facet.field": FACETS})
    fq_params = dict(fq="tags:Kalmar", rows=100)
    big_params = dict(rows=1000)
    print("measuring searches ...", flush=True)
    search(anon, url, **q_params)  # one warm-up request per worker connection
    skip = set(args.skip.split(",")) if args.skip else set()
    timer.run("q+4 facets, rows 20", n, lambda: search(anon, url, **q_params))
    if "fq" not in skip:
        timer.run("fq=tags:Kalmar, rows 100", n, lambda: search(anon, url, **fq_params))
    if "rows1000" not in skip:
        timer.run("rows=1000", n, lambda: search(anon, url, **big_params))

    def page():
        r = anon.get(f"{url}/dataset/", params={"q": "skolor"}, timeout=300)
        r.raise_for_status()
        return r.text
    if "page" not in skip:
        html = timer.run("/dataset/?q=skolor", n, page)
        top = search(anon, url, q="skolor", rows=20)["results"]
        checks.equal("/dataset/?q=skolor lists the API's first 20 titles",
                     [d["title"] for d in top if d["title"] not in html], [])

    m = args.baseline_calls
    if m:
        print("measuring the baseline (package_show per hit) ...", flush=True)
        baseline.run("q+4 facets, rows 20", m, lambda: show_per_hit(anon, url, **q_params))
        baseline.run("fq=tags:Kalmar, rows 100", m, lambda: show_per_hit(anon, url, **fq_params))
        baseline.run("rows=1000", max(1, m // 5), lambda: show_per_hit(anon, url, **big_params))

    if "catalog" in skip:
        check_answers(anon, url, catalog, checks)
        return
    print("measuring /catalog.rdf ...", flush=True)
    t = time.perf_counter()
    anon.get(f"{url}/catalog.rdf", timeout=3600).raise_for_status()
    print(f"  first request (renders what was never rendered): {time.perf_counter() - t:.1f} s", flush=True)
    patched = catalog.public()[0]
    cold_etags = []

    def changed_then_get(i=[0]):
        i[0] += 1
        patched.title = f"{patched.title.split(' (ändrad')[0]} (ändrad {i[0]})"
        admin.action.package_patch(id=patched.name, title=patched.title)
        t = time.perf_counter()
        r = anon.get(f"{url}/catalog.rdf", timeout=600)
        timer.rows.setdefault("/catalog.rdf cold", []).append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
        cold_etags.append(r.headers.get("ETag"))
        return r

    for _ in range(args.catalog_calls):
        cold = changed_then_get()
    patched.created_order = max(d.created_order for d in catalog.datasets) + 1  # the patch made it the newest
    checks.equal("the changed title is in the catalog after the change", patched.title in cold.text, True)
    checks.equal("every change gave the catalog a new ETag", len(set(cold_etags) - {None}), len(cold_etags))
    warm = timer.run("/catalog.rdf warm", args.catalog_calls, lambda: anon.get(f"{url}/catalog.rdf", timeout=600))
    etag = warm.headers.get("ETag")
    checks.equal("warm catalog has the ETag of the last cold one", etag, cold_etags[-1])
    if etag:
        not_modified = timer.run("/catalog.rdf If-None-Match", args.catalog_calls,
                                 lambda: anon.get(f"{url}/catalog.rdf", headers={"If-None-Match": etag}, timeout=600))
        checks.equal("conditional GET with the current ETag", not_modified.status_code, 304)
    links = catalog_links(warm.content)
    total = search(anon, url, rows=0, fq="-dataset_type:harvest -dataset_type:showcase")["count"]
    checks.equal("catalog lists every public dataset (count)", len(links), total)
    ours = {f"{url}/dataset/{d}" for d in ids_of(admin, catalog)}
    private_ids = {f"{url}/dataset/{i}" for i in ids_of(admin, catalog, private=True)}
    checks.equal("catalog lists every public dataset of this run", len(ours - links), 0)
    checks.equal("catalog lists no private dataset", len(private_ids & links), 0)
    print(f"  catalog: {len(warm.content) / 1e6:.1f} MB, {len(links)} datasets", flush=True)
    check_answers(anon, url, catalog, checks)


def ids_of(admin, catalog: BenchCatalog, private: bool = False) -> set[str]:
    ids, start = set(), 0
    fq = f"kalmar_bench:{catalog.token} capacity:{'private' if private else 'public'}"
    while True:
        page = admin.action.package_search(fq=fq, fl="id", rows=1000, start=start, include_private=True)
        ids |= {r["id"] for r in page["results"]}
        start += 1000
        if start >= page["count"]:
            return ids


def report(timer: Timer, baseline: Timer) -> bool:
    print()
    print(f"{'call':32} {'median':>10} {'p95':>10} {'calls':>6} {'target p95':>11}   baseline median   ratio")
    ok = True
    for label, times in timer.rows.items():
        med, top = statistics.median(times), p95(times)
        target = TARGETS_MS.get(label)
        verdict = ""
        if target is not None:
            verdict = "PASS" if top <= target else "FAIL"
            ok &= top <= target
        base = baseline.rows.get(label)
        base_txt = f"{statistics.median(base):12.0f} ms   {statistics.median(base) / med:5.1f}x" if base else ""
        tgt = f"{target:>8} ms {verdict}" if target else ""
        print(f"{label:32} {med:8.0f} ms {top:8.0f} ms {len(times):6} {tgt:>16}   {base_txt}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--calls", type=int, default=20, help="calls per measured search (p95 needs >= 20)")
    parser.add_argument("--catalog-calls", type=int, default=20)
    parser.add_argument("--baseline-calls", type=int, default=5, help="0: no baseline")
    parser.add_argument("--skip", default="", help="calls not to measure, of: fq,rows1000,page,catalog (for a slow old version)")
    parser.add_argument("--threads", type=int, default=4, help="connections used to create and purge")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--keep", action="store_true", help="do not purge (for a second measurement)")
    parser.add_argument("--create-only", action="store_true", help="create the datasets, keep them, measure nothing")
    parser.add_argument("--resume", metavar="TOKEN", help="with --create-only: finish what a stopped creation began")
    parser.add_argument("--reuse", metavar="TOKEN", help="measure the datasets a --keep run created")
    parser.add_argument("--purge-only", metavar="TOKEN", help="purge what a --keep run created")
    args = parser.parse_args()

    env = portal_env()
    token = args.reuse or args.resume or "bench" + uuid.uuid4().hex[:6]
    catalog = generate(token, args.datasets, seed=args.seed)
    print(f"search benchmark: {args.datasets} datasets (token {token}), CKAN {env['CKAN_URL']}", flush=True)
    checks, timer, baseline = Checks(), Timer(), Timer()
    if args.purge_only:
        purge(env["CKAN_URL"], env["CKAN_API_TOKEN"], generate(args.purge_only, args.datasets, seed=args.seed),
              threads=args.threads)
        return
    if args.create_only:
        seconds = create(env["CKAN_URL"], env["CKAN_API_TOKEN"], catalog, threads=args.threads,
                         resume=bool(args.resume))
        print(f"created {args.datasets} datasets in {seconds:.0f} s; measure with --reuse {token}", flush=True)
        return
    try:
        if args.reuse:
            restore_recency(env, catalog)
        else:
            seconds = create(env["CKAN_URL"], env["CKAN_API_TOKEN"], catalog, threads=args.threads)
            print(f"created {args.datasets} datasets in {seconds:.0f} s ({args.datasets / seconds:.0f}/s)", flush=True)
        measure(args, env, catalog, timer, baseline, checks)
    finally:
        if not args.keep:
            print("purging ...", flush=True)
            purge(env["CKAN_URL"], env["CKAN_API_TOKEN"], catalog, threads=args.threads)
    targets_ok = report(timer, baseline)
    if checks.failures:
        print("\nFAIL: answers differ from the ground truth:\n  " + "\n  ".join(checks.failures))
        raise SystemExit(1)
    print("\ncorrectness: every answer equals the ground truth")
    if not targets_ok:
        raise SystemExit(2)


def restore_recency(env, catalog: BenchCatalog) -> None:
    """For --reuse: read back metadata_modified (the ground truth's order) from the portal."""
    admin = ckanapi.RemoteCKAN(env["CKAN_URL"], apikey=env["CKAN_API_TOKEN"])
    by_name = {d.name: d for d in catalog.datasets}
    start = 0
    while True:
        page = admin.action.package_search(fq=f"kalmar_bench:{catalog.token}", fl="name,metadata_modified,title",
                                           rows=1000, start=start, include_private=True)
        for r in page["results"]:
            by_name[r["name"]].metadata_modified = r["metadata_modified"]
            by_name[r["name"]].title = r["title"]
        start += 1000
        if start >= page["count"]:
            break
    for i, ds in enumerate(sorted(catalog.datasets, key=lambda d: (d.metadata_modified, d.name))):
        ds.created_order = i


if __name__ == "__main__":
    main()
