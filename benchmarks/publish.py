"""Benchmark: publish a generated 1M-row × 6-column table end to end, COPY load against the old upsert path.

Why: a municipality's large table should not hold the nightly run for minutes. Each path publishes
the same generated CSV as a new dataset through the whole pipeline (collect → validate → publish,
`run_dataset` as the nightly run calls it), in a child process of its own so its peak RSS is its
own:
- COPY path: the publisher as it is (one `kalmar_datastore_load` call; the portal COPYs the file
  from its file store);
- upsert path (the baseline, measured in the same run): the publisher with the DataStore load it
  had before, reproduced here — datastore_create with the typed fields, then the rows sent again as
  JSON through datastore_upsert in batches of 5,000.
Printed per path: seconds (and per stage), CKAN write calls, peak RSS of the pipeline process and
of the portal's gunicorn workers; then the ratio. Enforced: the DataStore holds exactly the
generated rows and a random sample of rows equals the generated values, in both tables (exit 1 on
a mismatch); the targets ≤ 30 s, ≤ 10 write calls and ≥ 5× faster (exit 3 when one is missed).

Needs the local portal (`portal/stack up`); reads CKAN_URL/CKAN_API_TOKEN from the environment or
`portal/stack env`. Everything it creates in CKAN is purged at the end.

Example: .venv/bin/python benchmarks/publish.py --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCHEMA = {
    "fields": [
        {"name": "nr", "type": "integer", "title": "Löpnummer", "constraints": {"required": True, "unique": True}},
        {"name": "regso", "type": "string", "title": "RegSO-kod", "description": "Kommunkod följd av områdesnummer"},
        {"name": "namn", "type": "string", "title": "Namn"},
        {"name": "saldo", "type": "integer", "title": "Saldo", "description": "Kan vara negativt"},
        {"name": "belopp", "type": "number", "title": "Belopp", "description": "Kronor, två decimaler"},
        {"name": "datum", "type": "date", "title": "Datum"},
    ],
    "primaryKey": ["nr"],
}
KOMMUNER = ["0821", "0834", "0840", "0860", "0861", "0862", "0880", "0881", "0882", "0883", "0884", "0885"]
ORTER = ["Kalmar", "Nybro", "Västervik", "Oskarshamn", "Borgholm", "Mörbylånga", "Högsby", "Torsås"]
EPOCH = dt.date(2000, 1, 1)
TARGET_SECONDS, TARGET_WRITES, TARGET_RATIO = 30.0, 10, 5.0
SAMPLE = 300


def row(i: int) -> list[str]:
    """Row i (1-based) of the generated table: the oracle the correctness check compares with."""
    kommun = KOMMUNER[i % len(KOMMUNER)]
    return [str(i), f"{kommun}R{i % 997:03d}", f"{ORTER[i % len(ORTER)]} {i % 50_000}",
            str((i * 7919) % 20_001 - 10_000), f"{((i * 104_729) % 2_000_001 - 1_000_000) / 100:.2f}",
            (EPOCH + dt.timedelta(days=i % 9_000)).isoformat()]


def write_table(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f["name"] for f in SCHEMA["fields"]])
        writer.writerows(row(i) for i in range(1, rows + 1))


# ---- the baseline: the DataStore load the publisher had before kalmar_datastore_load ----------------------

UPSERT_BATCH = 5000
BASELINE_FIELDS = [{"id": "nr", "type": "bigint"}, {"id": "regso", "type": "text"}, {"id": "namn", "type": "text"},
                   {"id": "saldo", "type": "bigint"}, {"id": "belopp", "type": "numeric"}, {"id": "datum", "type": "date"}]


def upsert_load(csv_path: Path):
    """`datastore.load` as it was: datastore_create with typed fields and the data dictionary, then upserts."""
    def load(client, resource_id: str, sha256: str) -> int:
        info = {f["name"]: {"label": f.get("title", ""), "notes": f.get("description", "")} for f in SCHEMA["fields"]}
        fields = [{**f, "info": info[f["id"]]} for f in BASELINE_FIELDS]
        client.call("datastore_create", {"resource_id": resource_id, "force": True, "fields": fields, "records": [],
                                         "primary_key": SCHEMA["primaryKey"]})
        loaded, batch = 0, []
        with csv_path.open(newline="", encoding="utf-8") as fh:
            for record in csv.DictReader(fh):
                record["nr"], record["saldo"] = int(record["nr"]), int(record["saldo"])
                batch.append(record)
                if len(batch) == UPSERT_BATCH:
                    loaded += _insert(client, resource_id, batch)
                    batch = []
        return loaded + (_insert(client, resource_id, batch) if batch else 0)
    return load


def _insert(client, resource_id: str, batch: list[dict]) -> int:
    client.call("datastore_upsert", {"resource_id": resource_id, "method": "insert", "force": True, "records": batch})
    return len(batch)


# ---- one path, in a child process -------------------------------------------------------------------------

def child(path: str, project: Path, dataset_id: str, organization: str) -> None:
    import resource

    from pipelines.ckan import datastore
    from pipelines.ckan.client import CountingCKAN
    from pipelines.ckan.publisher import Publisher
    from pipelines.config import Secret, Settings
    from pipelines.run import Stages, collect_step, publish_step, run_dataset, validate_step
    from tests.ckan.builders import catalog, dataset, organization as make_organization

    if path == "upsert":
        datastore.load = upsert_load(project / "datasets" / dataset_id / "data.csv")
    settings = Settings(project_root=project, state_dir=project / ".state", ckan_url=os.environ["CKAN_URL"],
                        ckan_api_token=Secret(os.environ["CKAN_API_TOKEN"]))
    ds = dataset(dataset_id, organization)
    client = CountingCKAN(settings.ckan_url, settings.ckan_api_token.reveal(), timeout=1800)
    publisher = Publisher(client, catalog((ds,), (make_organization(organization),)), settings)
    stages: dict[str, float] = {}
    portal_phases: dict[str, float] = {}
    counted_call = client.call

    def call(action, data=None, **kwargs):  # keep the portal's own timing of the load
        result = counted_call(action, data, **kwargs)
        if action == "kalmar_datastore_load":
            portal_phases.update(result["seconds"])
        return result
    client.call = call

    def timed(name, fn):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = time.perf_counter() - started
        return run

    started = time.perf_counter()
    outcome = run_dataset(ds, settings, publisher, settings.work_dir / "bench" / dataset_id,
                          Stages(collect=timed("collect", collect_step), validate=timed("validate", validate_step),
                                 publish=timed("publish", publish_step)))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "stages": stages, "portal_phases": portal_phases, "write_calls": client.write_calls, "calls": client.calls,
                      "status": outcome.status, "message": outcome.message,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


class PortalMemory:
    """Peak resident memory of the portal's gunicorn workers while a path runs (sampled every 0.2 s)."""

    def __init__(self) -> None:
        state = Path(os.environ.get("PORTAL_STATE_DIR", ROOT / ".portal"))
        self.master = int((state / "run" / "ckan.pid").read_text().split()[0])
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    text = status.read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
                if fields.get("PPid", "").strip() == str(self.master) and "VmRSS" in fields:
                    self.peak_mb = max(self.peak_mb, int(fields["VmRSS"].split()[0]) / 1024)

    def __enter__(self) -> "PortalMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_path(path: str, project: Path, dataset_id: str, organization: str) -> dict:
    with PortalMemory() as memory:
        done = subprocess.run([sys.executable, __file__, "--child", path, str(project), dataset_id, organization],
                              capture_output=True, text=True, cwd=ROOT, env=os.environ)
    if done.returncode != 0:
        raise SystemExit(f"FAIL: the {path} path crashed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["portal_rss_mb"] = memory.peak_mb
    if result["status"] != "published":
        raise SystemExit(f"FAIL: the {path} path did not publish: {result['status']}: {result['message']}")
    return result


# ---- correctness ------------------------------------------------------------------------------------------

def check_table(api, dataset_id: str, rows: int, sample: list[int]) -> list[str]:
    """Problems with the dataset's DataStore table: row count, column types, sampled rows vs the generator."""
    pkg = api.action.package_show(id=dataset_id)
    data = next(r for r in pkg["resources"] if r.get("kalmar_role") == "data")
    problems = []
    total = api.action.datastore_search(resource_id=data["id"], limit=0)["total"]
    if total != rows:
        problems.append(f"{dataset_id}: DataStore holds {total} rows, generated {rows}")
    types = {f["id"]: f["type"] for f in api.action.datastore_info(id=data["id"])["fields"]}
    want = {"nr": "int8", "regso": "text", "namn": "text", "saldo": "int8", "belopp": "numeric", "datum": "date"}
    if types != want:
        problems.append(f"{dataset_id}: column types {types}, expected {want}")
    found = api.action.datastore_search(resource_id=data["id"], filters={"nr": sample}, limit=len(sample))["records"]
    by_nr = {r["nr"]: r for r in found}
    for i in sample:
        expected = row(i)
        got = by_nr.get(i)
        if got is None:
            problems.append(f"{dataset_id}: row nr={i} missing")
            continue
        actual = [str(got["nr"]), got["regso"], got["namn"], str(got["saldo"]), Decimal(str(got["belopp"])), got["datum"][:10]]
        if actual != [*expected[:4], Decimal(expected[4]), expected[5]]:
            problems.append(f"{dataset_id}: row nr={i} is {actual}, generated {expected}")
    return problems[:20]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=4, metavar=("PATH", "PROJECT", "DATASET", "ORG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("CKAN_API_TOKEN"):
        from benchmarks.nightly import portal_env

        os.environ.update(portal_env())
    if args.child:
        path, project, dataset_id, organization = args.child
        child(path, Path(project), dataset_id, organization)
        return

    import ckanapi

    api = ckanapi.RemoteCKAN(os.environ["CKAN_URL"], apikey=os.environ["CKAN_API_TOKEN"])
    token = uuid.uuid4().hex[:8]
    organization = f"bench-publish-{token}"
    ids = {"copy": f"bench-copy-{token}", "upsert": f"bench-upsert-{token}"}
    work = Path(tempfile.mkdtemp(prefix="oppnadata-bench-publish-"))
    (work / "schemas").mkdir()
    source = work / "table.csv"
    write_table(source, args.rows)
    for dataset_id in ids.values():
        (work / "schemas" / f"{dataset_id}.json").write_text(json.dumps(SCHEMA, ensure_ascii=False), encoding="utf-8")
        (work / "datasets" / dataset_id).mkdir(parents=True)
        os.link(source, work / "datasets" / dataset_id / "data.csv")
    api.action.organization_create(name=organization, title="Benchmark")  # made once, so both paths write the same
    size_mb = source.stat().st_size / 1e6
    print(f"publish benchmark: {args.rows:,} rows × {len(SCHEMA['fields'])} columns ({size_mb:.1f} MB), "
          f"CKAN {os.environ['CKAN_URL']}", flush=True)
    results = {}
    try:
        for path, label in (("copy", "COPY path (kalmar_datastore_load)"), ("upsert", "upsert path (datastore_upsert)")):
            r = results[path] = run_path(path, work, ids[path], organization)
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items())
            print(f"{label:35s} {r['seconds']:8.1f} s  write calls {r['write_calls']:4d}  peak RSS pipeline "
                  f"{r['rss_mb']:6.0f} MB, portal worker {r['portal_rss_mb']:5.0f} MB  ({stages})", flush=True)
            if r["portal_phases"]:
                print("    in the portal: " + ", ".join(f"{k} {v:.1f} s" for k, v in r["portal_phases"].items()), flush=True)
        copy, upsert = results["copy"], results["upsert"]
        ratio = upsert["seconds"] / copy["seconds"]
        publish_ratio = upsert["stages"]["publish"] / copy["stages"]["publish"]
        print(f"ratio upsert path / COPY path: {ratio:.1f}x end to end, {publish_ratio:.1f}x for the publish stage")

        sample = sorted(random.Random(args.rows).sample(range(1, args.rows + 1), min(SAMPLE, args.rows)))
        problems = [p for dataset_id in ids.values() for p in check_table(api, dataset_id, args.rows, sample)]
        if problems:
            print("FAIL: the published tables differ from the generated data:\n  " + "\n  ".join(problems))
            raise SystemExit(1)
        print(f"correctness: both DataStore tables hold {args.rows:,} rows; {len(sample)} sampled rows equal the generated "
              "values (codes, negative integers and amounts, dates) with typed columns")
        missed = [name for name, ok in (
            (f"≤ {TARGET_SECONDS:.0f} s end to end", copy["seconds"] <= TARGET_SECONDS),
            (f"≤ {TARGET_WRITES} write calls", copy["write_calls"] <= TARGET_WRITES),
            (f"≥ {TARGET_RATIO:.0f}x faster than the upsert path", ratio >= TARGET_RATIO)) if not ok]
        if missed:
            print("TARGET MISSED: " + "; ".join(missed))
            raise SystemExit(3)
        print("targets met: ≤ 30 s, ≤ 10 write calls, ≥ 5x")
    finally:
        for dataset_id in ids.values():
            try:
                api.action.dataset_purge(id=dataset_id)
            except ckanapi.NotFound:
                pass
        api.action.organization_purge(id=organization)


if __name__ == "__main__":
    main()
