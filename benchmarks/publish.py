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
of the portal's gunicorn workers; then the ratio. Because this machine is shared, wall seconds say
little on their own: every stage, and every phase of the load inside the portal, is also printed with
the CPU seconds of each process group (pipeline, CKAN's gunicorn, PostgreSQL, CKAN's job worker),
sampled from /proc, and an idle-machine projection: per phase max(CPU / cores, the busiest single
process's CPU), summed. A large table's full-text index is built by a background job after the load
returns (portal/ckanext-kalmar, datastore_load/background_index.py); it is timed separately, and the
upsert path starts only once it is built, so it does not run on a CPU the index build is using.
Enforced: the DataStore holds exactly the generated rows and a random sample of rows equals the
generated values, in both tables, and the COPY path's `_full_text` of those rows and its indexes equal
what CKAN made on the upsert path (exit 1 on a mismatch); the targets ≤ 30 s, ≤ 10 write calls and
≥ 5× faster, on the measured wall seconds (exit 3 when one is missed).

Needs the local portal (`portal/stack up`); reads CKAN_URL/CKAN_API_TOKEN from the environment or
`portal/stack env`. Everything it creates in CKAN is purged at the end.

Example: .venv/bin/python benchmarks/publish.py --rows 1000000
"""

from __future__ import annotations

import argparse
import bisect
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
from dataclasses import dataclass, field
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
    windows: dict[str, list[float]] = {}  # stage -> [start, end] in Unix time, for the CPU samples
    load: dict = {}
    counted_call = client.call

    def call(action, data=None, **kwargs):  # keep the portal's own timing of the load
        result = counted_call(action, data, **kwargs)
        if action == "kalmar_datastore_load":
            load.update(result, returned_at=time.time())
        return result
    client.call = call

    def timed(name, fn):
        def run(*args, **kwargs):
            started, started_at = time.perf_counter(), time.time()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = time.perf_counter() - started
                windows[name] = [started_at, time.time()]
        return run

    started = time.perf_counter()
    outcome = run_dataset(ds, settings, publisher, settings.work_dir / "bench" / dataset_id,
                          Stages(collect=timed("collect", collect_step), validate=timed("validate", validate_step),
                                 publish=timed("publish", publish_step)))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "stages": stages, "windows": windows, "load": load,
                      "write_calls": client.write_calls, "calls": client.calls,
                      "status": outcome.status, "message": outcome.message,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


# ---- CPU and memory of the processes, from /proc ----------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
GROUPS = ("pipeline", "portal", "postgres", "jobs")  # pipeline child, gunicorn, PostgreSQL server, CKAN job worker


def _stat(pid: int) -> tuple[float, float, float] | None:
    """(own CPU s, CPU s of its waited-for children, RSS MB) of a process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime) / TICK, (cutime + cstime) / TICK, int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _tree(root: int) -> list[int]:
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            todo += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            pass
    return found


@dataclass
class Sample:
    at: float  # Unix time
    groups: dict[str, float]  # group -> cumulative CPU s of its live processes and their waited-for children
    processes: dict[int, float] = field(default_factory=dict)  # pid -> own CPU s


class ProcessSampler:
    """Samples, every 0.2 s, the CPU of each process group and the peak RSS of the portal's gunicorn workers.

    A group's CPU is the sum over its live process tree of own + waited-for children's CPU, so the
    CPU of a process that exits (a parallel query worker, a job's work horse) stays counted in its
    parent. `pipeline` is set once the path's child process is started.
    """

    def __init__(self) -> None:
        state = Path(os.environ.get("PORTAL_STATE_DIR", ROOT / ".portal"))
        run = state / "run"
        self.roots = {"portal": int((run / "ckan.pid").read_text().split()[0]),
                      "postgres": int((state / "pg" / "postmaster.pid").read_text().split()[0]),
                      "jobs": int((run / "jobs.pid").read_text().split()[0]) if (run / "jobs.pid").exists() else 0}
        self.samples: list[Sample] = []
        self.portal_peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        groups, processes = {}, {}
        for group, root in self.roots.items():
            total = 0.0
            for pid in _tree(root) if root else []:
                stat = _stat(pid)
                if stat is None:
                    continue
                own, children, rss = stat
                total += own + children
                processes[pid] = own
                if group == "portal" and pid != root:
                    self.portal_peak_mb = max(self.portal_peak_mb, rss)
            groups[group] = total
        self.samples.append(Sample(time.time(), groups, processes))

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()

    def __enter__(self) -> "ProcessSampler":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _at(self, when: float) -> Sample:
        """The last sample taken at or before `when` (the pipeline's process is still alive then)."""
        return self.samples[max(0, bisect.bisect_right([s.at for s in self.samples], when) - 1)]

    def window(self, start: float, end: float) -> dict[str, float]:
        """CPU s per group between two Unix times, the busiest single process's CPU s and the idle projection."""
        a, b = self._at(start), self._at(end)
        cpu = {g: max(0.0, b.groups.get(g, 0.0) - a.groups.get(g, 0.0)) for g in GROUPS}
        # Over every sample in the window: a process that exits before its end (a connection's backend) counts too.
        last: dict[int, float] = {}
        for sample in self.samples:
            if a.at <= sample.at <= b.at:
                last.update(sample.processes)
        busiest = max([cpu_s - a.processes.get(p, 0.0) for p, cpu_s in last.items()] + [0.0])
        total = sum(cpu.values())
        return {**cpu, "total": total, "busiest": busiest, "projected": max(total / CORES, busiest)}


def run_path(path: str, project: Path, dataset_id: str, organization: str) -> dict:
    with ProcessSampler() as sampler:
        child = subprocess.Popen([sys.executable, __file__, "--child", path, str(project), dataset_id, organization],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=os.environ)
        sampler.roots["pipeline"] = child.pid
        stdout, stderr = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"FAIL: the {path} path crashed:\n{stderr[-3000:]}")
        result = json.loads(stdout.strip().splitlines()[-1])
        result["index_ready_at"] = wait_for_background_indexes(result["load"])
    result["portal_rss_mb"] = sampler.portal_peak_mb
    result["sampler"] = sampler
    if result["status"] != "published":
        raise SystemExit(f"FAIL: the {path} path did not publish: {result['status']}: {result['message']}")
    return result


def wait_for_background_indexes(load: dict) -> float | None:
    """Unix time at which the load's background full-text indexes were all built (None: there were none)."""
    names = (load or {}).get("background_indexes") or []
    if not names:
        return None
    from tests.datastore_load.database import Database

    database, wanted = Database.shared_portal(), ", ".join(f"'{n}'" for n in names)
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        found = database.rows(f"SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                              f"WHERE c.relname IN ({wanted}) AND i.indisvalid")
        if int(found[0][0]) == len(names):
            return time.time()
        time.sleep(0.5)
    raise SystemExit(f"FAIL: the background full-text index {names} was not built within an hour (is `ckan jobs worker` running?)")


def phase_windows(result: dict) -> list[tuple[str, float, float]]:
    """(name, start, end): the pipeline's stages, and inside publish the load's own phases, in order."""
    windows = result["windows"]
    found = [(name, *windows[name]) for name in ("collect", "validate")]
    load = result.get("load") or {}
    publish_start, publish_end = windows["publish"]
    if not load:
        return found + [("publish", publish_start, publish_end)]
    start = load["started_at"]
    found.append(("publish: upload, metadata, before the load", publish_start, start))
    found.append(("publish: kalmar_datastore_load", start, load["returned_at"]))
    for name, seconds in load["seconds"].items():
        if name != "total":
            found.append((f"  in the portal: {name}", start, start + seconds))
            start += seconds
    found.append(("publish: after the load", load["returned_at"], publish_end))
    return found


def print_cpu_table(result: dict) -> float:
    """Prints wall and CPU seconds per phase; returns the idle-machine projection of the path (seconds)."""
    sampler: ProcessSampler = result["sampler"]
    print(f"    {'phase':50s} {'wall s':>7s} {'CPU s: pipeline':>16s} {'portal':>7s} {'postgres':>9s} {'jobs':>6s}"
          f" {'busiest':>8s} {'idle projection s':>18s}")
    projection = 0.0
    for name, start, end in phase_windows(result):
        w = sampler.window(start, end)
        if not name.startswith("  "):
            projection += w["projected"]
        print(f"    {name:50s} {end - start:7.1f} {w['pipeline']:16.1f} {w['portal']:7.1f} {w['postgres']:9.1f} "
              f"{w['jobs']:6.1f} {w['busiest']:8.1f} {w['projected']:18.1f}")
    if result.get("index_ready_at"):
        start, end = result["load"]["returned_at"], result["index_ready_at"]
        w = sampler.window(start, end)
        print(f"    {'full-text index, background job after the load':50s} {end - start:7.1f} {w['pipeline']:16.1f} "
              f"{w['portal']:7.1f} {w['postgres']:9.1f} {w['jobs']:6.1f} {w['busiest']:8.1f} {w['projected']:18.1f}"
              "   (not in the path's seconds)")
    return projection


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


def same_as_ckan(api, ids: dict[str, str], sample: list[int]) -> list[str]:
    """The COPY path's `_full_text` of the sampled rows and its indexes, against what CKAN made on the upsert path."""
    from tests.datastore_load.database import Database

    database = Database.shared_portal()
    rid = {path: next(r["id"] for r in api.action.package_show(id=i)["resources"] if r.get("kalmar_role") == "data")
           for path, i in ids.items()}
    nrs = ", ".join(str(n) for n in sample)
    vectors = {path: dict(database.rows(f'SELECT nr, _full_text::text FROM "{r}" WHERE nr IN ({nrs})')) for path, r in rid.items()}
    problems = [f"row nr={nr}: _full_text {vectors['copy'].get(nr)!r}, CKAN's trigger made {vector!r}"
                for nr, vector in vectors["upsert"].items() if vectors["copy"].get(nr) != vector]
    if len(vectors["upsert"]) != len(sample):
        problems.append(f"the upsert path's table has {len(vectors['upsert'])} of the {len(sample)} sampled rows")

    def indexes(path: str) -> list[str]:
        found = database.rows(f"SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON "
                              f"c.oid = i.indexrelid WHERE i.indrelid = to_regclass('\"{rid[path]}\"') AND i.indisvalid")
        return sorted(definition.replace(name, "<index>").replace(rid[path], "<table>").replace('"', "")
                      for name, definition in found)
    if indexes("copy") != indexes("upsert"):
        problems.append(f"indexes {indexes('copy')}, datastore_create made {indexes('upsert')}")
    return problems


def fulltext_search_equal(api, ids: dict[str, str], baseline_rows: int) -> list[str]:
    """datastore_search q= on both tables (the COPY path's with its background index built): the same rows match
    among the rows both tables hold, and the COPY path's index state is complete."""
    rid = {path: next(r["id"] for r in api.action.package_show(id=i)["resources"] if r.get("kalmar_role") == "data")
           for path, i in ids.items()}
    problems = []
    state = api.action.kalmar_datastore_index_status(resource_id=rid["copy"])
    if state["state"] != "complete":
        problems.append(f"the COPY path's full-text index is {state}")
    nrs = list(range(1, min(baseline_rows, 2000) + 1))
    for q in ("Högsby", "0880R017", "2003-04-05", "Kalmar 1000"):
        found = {path: sorted(r["nr"] for r in api.action.datastore_search(
            resource_id=r, q=q, filters={"nr": nrs}, limit=len(nrs), fields=["nr"])["records"]) for path, r in rid.items()}
        if found["copy"] != found["upsert"] or not found["copy"]:
            problems.append(f"q={q!r}: the COPY path's table matches {found['copy'][:10]}, the upsert path's {found['upsert'][:10]}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=None,
                        help="rows of the upsert path's table (default: --rows); its seconds are then scaled linearly to --rows")
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
    baseline_rows = min(args.baseline_rows or args.rows, args.rows)
    rows = {"copy": args.rows, "upsert": baseline_rows}
    for path, dataset_id in ids.items():
        (work / "schemas" / f"{dataset_id}.json").write_text(json.dumps(SCHEMA, ensure_ascii=False), encoding="utf-8")
        (work / "datasets" / dataset_id).mkdir(parents=True)
        write_table(work / "datasets" / dataset_id / "data.csv", rows[path])
    source = work / "datasets" / ids["copy"] / "data.csv"
    api.action.organization_create(name=organization, title="Benchmark")  # made once, so both paths write the same
    size_mb = source.stat().st_size / 1e6
    print(f"publish benchmark: {args.rows:,} rows × {len(SCHEMA['fields'])} columns ({size_mb:.1f} MB), "
          f"CKAN {os.environ['CKAN_URL']}, {CORES} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    if baseline_rows < args.rows:
        print(f"the upsert path loads {baseline_rows:,} rows (the first {baseline_rows:,} of the same table); its seconds "
              f"are scaled linearly by {args.rows / baseline_rows:g} for the ratio", flush=True)
    results, projected = {}, {}
    try:
        for path, label in (("copy", "COPY path (kalmar_datastore_load)"), ("upsert", "upsert path (datastore_upsert)")):
            r = results[path] = run_path(path, work, ids[path], organization)
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items())
            print(f"{label:35s} {r['seconds']:8.1f} s  write calls {r['write_calls']:4d}  peak RSS pipeline "
                  f"{r['rss_mb']:6.0f} MB, portal worker {r['portal_rss_mb']:5.0f} MB  ({stages})", flush=True)
            projected[path] = print_cpu_table(r)
            print(f"    idle-machine projection from CPU: {projected[path]:.1f} s end to end "
                  f"(load average now {os.getloadavg()[0]:.1f})", flush=True)
        copy, upsert = results["copy"], results["upsert"]
        scale = args.rows / baseline_rows
        ratio = upsert["seconds"] * scale / copy["seconds"]
        publish_ratio = upsert["stages"]["publish"] * scale / copy["stages"]["publish"]
        scaled = f" (upsert seconds ×{scale:g}: measured on {baseline_rows:,} rows)" if scale != 1 else ""
        print(f"ratio upsert path / COPY path: {ratio:.1f}x end to end, {publish_ratio:.1f}x for the publish stage; "
              f"idle-machine projection {projected['upsert'] * scale / projected['copy']:.1f}x end to end{scaled}")
        queryable = copy["load"]["returned_at"] - copy["windows"]["collect"][0]
        if copy.get("index_ready_at"):
            print(f"COPY path: every row queryable (q by a scan) {queryable:.1f} s after the run started; full-text index "
                  f"built {copy['index_ready_at'] - copy['windows']['collect'][0]:.1f} s after it "
                  f"({copy['index_ready_at'] - copy['load']['returned_at']:.1f} s of background job after the load)")
        else:
            print(f"COPY path: every row queryable, full-text index included, {queryable:.1f} s after the run started")

        sample = sorted(random.Random(args.rows).sample(range(1, args.rows + 1), min(SAMPLE, args.rows)))
        shared = [i for i in sample if i <= baseline_rows] or list(range(1, min(SAMPLE, baseline_rows) + 1))
        problems = check_table(api, ids["copy"], args.rows, sample) + check_table(api, ids["upsert"], baseline_rows, shared)
        problems += same_as_ckan(api, ids, shared)
        problems += fulltext_search_equal(api, ids, baseline_rows)
        if problems:
            print("FAIL: the published tables differ from the generated data or from CKAN's own:\n  " + "\n  ".join(problems))
            raise SystemExit(1)
        print(f"correctness: the DataStore tables hold {args.rows:,} and {baseline_rows:,} rows; {len(sample)} sampled rows "
              "equal the generated values (codes, negative integers and amounts, dates) with typed columns; their "
              "`_full_text`, the tables' indexes and full-text search answers equal what CKAN made on the upsert path")
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
