"""Benchmark: the nightly flow on 200 small datasets, first run and no-change run, against a bare loop.

Why: the promise is that Prefect's orchestration (tasks, retries, artifacts,
concurrency, and with --workers the fan-out to process workers) costs little on
an unchanged night, and that such a night makes zero CKAN write calls. The
baseline is measured in the same run: a bare Python loop making the same CKAN
reads and conditional GETs (`process_dataset` for every dataset, no Prefect),
sequentially and on a thread pool of the same size.

With --workers N (default 2) the night is fanned out (OPPNADATA_WORK_POOL) to N
`oppnadata worker` processes (Prefect process workers whose batches start warm;
--stock-workers: `prefect worker start`, each batch importing everything anew)
against a `prefect server start` on a throw-away PostgreSQL database in the
portal's cluster, as in production; with --workers 0 it runs in one process
against Prefect's test harness.

Correctness is enforced (exit 1): the first run must publish every dataset, and
every no-change run (Prefect's, the one-worker one, and both bare baselines)
must report every dataset "unchanged", each dataset once, and the Prefect ones
must make no CKAN write call. Zero writes alone would also be what a night looks
like where every dataset fails before publishing.

With --workers, each fanned-out night also prints where its time went, from
the server's record of every batch flow run: waiting for a worker (Scheduled →
Pending), starting the batch's process (Pending → Running: the interpreter,
imports, loading the flow) and running it (Running → Completed).

Needs the local portal (`make portal-up`); reads CKAN_URL/CKAN_API_TOKEN (and
Prefect's database URL) from the environment or from `portal/stack env`.
Everything it creates in CKAN is purged at the end.

The first publication of 200 datasets takes minutes; `--keep DIR` does only
that (timed, checked) and keeps what it published, its catalog and the sources'
port in DIR, and a later `--reuse DIR` serves the same sources again and
measures the no-change nights and both baselines on them (then purges them,
unless `--keep DIR` is given again). The measured no-change night is the
second night on its server in either case: with --reuse the first is a night
on the kept datasets (printed, and required to find every dataset unchanged).

Example: .venv/bin/python benchmarks/nightly.py --datasets 200 --workers 2
         .venv/bin/python benchmarks/nightly.py --keep /tmp/b && .venv/bin/python benchmarks/nightly.py --reuse /tmp/b
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


PREFECT_DB = "PREFECT_SERVER_DATABASE_CONNECTION_URL"


def portal_env() -> dict[str, str]:
    if os.environ.get("CKAN_API_TOKEN"):
        return {"CKAN_URL": os.environ.get("CKAN_URL", "http://127.0.0.1:5050"), "CKAN_API_TOKEN": os.environ["CKAN_API_TOKEN"],
                PREFECT_DB: os.environ.get(PREFECT_DB, "")}
    out = subprocess.run([str(ROOT / "portal" / "stack"), "env"], capture_output=True, text=True, check=True).stdout
    values = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return {"CKAN_URL": values["CKAN_URL"], "CKAN_API_TOKEN": values["CKAN_API_TOKEN"], PREFECT_DB: values.get(PREFECT_DB, "")}


@contextmanager
def prefect_backend(workers: int, work: Path, database_url: str, datasets: int, stock: bool = False):
    """Where the flows run: the test harness (0 workers), or a PostgreSQL-backed server and N process workers.

    Yields None, or (with workers) a function that stops all workers but one.
    """
    if workers == 0:
        from prefect.testing.utilities import prefect_test_harness

        with prefect_test_harness(server_startup_timeout=120):
            yield None
        return
    from pipelines.run import LocalPrefectServer, free_port
    from tests.run.servers import BIN, child_env, spawn, stop, throwaway_prefect_database

    pool = "oppnadata-bench"
    with throwaway_prefect_database(database_url) as database, \
            LocalPrefectServer(work / "prefect-server", database_url=database, port=free_port(), ui=False) as server:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        os.environ.update(OPPNADATA_WORK_POOL=pool, OPPNADATA_FANOUT_BATCH_SIZE=str(-(-datasets // workers)))
        env = child_env(PREFECT_API_URL=server.api_url)  # polling as the project configures it (pyproject.toml)
        worker = [str(BIN / "prefect"), "worker", "start", "--type", "process"] if stock else [str(BIN / "oppnadata"), "worker"]
        procs = [spawn(worker + ["--pool", pool, "--limit", "1", "--name", f"bench-{i}"], env, work / f"worker-{i}.log")
                 for i in range(workers)]
        def keep_one_worker() -> None:
            """Stop every worker but the first: the same night on one worker, for the two-against-one time."""
            for proc in procs[1:]:
                stop(proc)

        try:
            with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
                yield keep_one_worker
        finally:
            for proc in procs:
                stop(proc)
            os.environ.pop("OPPNADATA_WORK_POOL", None)


def require_all(outcomes, status: str, expected: int, run: str) -> None:
    """Every one of `expected` datasets has `status`, or exit 1 naming the first that does not."""
    others = [o for o in outcomes if o.status != status]
    if len(outcomes) != expected or others:
        shown = "; ".join(f"{o.dataset_id}: {o.status} ({o.message})" for o in others[:3])
        raise SystemExit(f"FAIL: {run}: {len(outcomes) - len(others)} of {expected} datasets {status}. {shown}")


def source_body(token: str, i: int) -> str:
    """Dataset i's CSV: the same text for the same token, so a --reuse process serves what was published."""
    return f"id,namn,temperatur\nb{i},Badplats {i},{10 + i % 15}.5\nc{i},Strand {i},18.0\n"


def fanout_breakdown(run_name: str) -> str:
    """Where a fanned-out night's batches spent their time, from the server's state history of each batch run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterName

    lines = []
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_=f"{run_name}-batch-")))
        parent = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[run_name])))
        if parent and runs:
            ended = [st.timestamp for r in runs for st in [r.state] if st and st.is_final()]
            lines.append(f"  parent: from its start to the first batch submitted "
                         f"{(min(r.created for r in runs) - parent[0].start_time).total_seconds():5.2f} s, "
                         f"from the last batch's end to its own "
                         f"{(parent[0].end_time - max(ended)).total_seconds() if ended and parent[0].end_time else float('nan'):5.2f} s")
        for run in sorted(runs, key=lambda r: r.name):
            states = sorted(client.read_flow_run_states(run.id), key=lambda st: st.timestamp)
            first = {}
            for st in states:
                first.setdefault(st.type.value, st.timestamp)
            created = run.created

            def gap(a, b) -> str:
                return f"{(b - a).total_seconds():6.2f} s" if a and b else "   n/a  "
            final = states[-1].timestamp if states and states[-1].is_final() else None
            reports, page = [], True
            while page:  # the API answers at most 200 at a time; a long batch posts one about every second
                page = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])),
                                             limit=200, offset=len(reports))
                reports += page
            first_report = min((a.created for a in reports if a.created), default=None)
            lines.append(f"  batch {run.name.rsplit('-batch-', 1)[-1]}: "
                         f"{len(run.parameters.get('datasets', []))} datasets; to a worker {gap(created, first.get('PENDING'))}, "
                         f"process start-up {gap(first.get('PENDING'), first.get('RUNNING'))}, "
                         f"running {gap(first.get('RUNNING'), final)} (first outcomes reported after "
                         f"{gap(first.get('RUNNING'), first_report).strip()}), ended {states[-1].name if states else '?'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="process workers to fan out to (0: one process)")
    parser.add_argument("--stock-workers", action="store_true",
                        help="fan out to `prefect worker start` (batches start cold) instead of `oppnadata worker`")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the published datasets (with their catalog and sources' port in DIR) instead of "
                             "purging them; without --reuse only the first publication runs")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="measure the no-change nights on what --keep DIR published (no first run); "
                             "purged at the end unless --keep DIR is given too")
    args = parser.parse_args()

    source_port = 0
    if args.reuse:
        if args.keep and args.keep.resolve() != args.reuse.resolve():
            raise SystemExit("FAIL: with --reuse, --keep can only name the same directory")
        saved = json.loads((args.reuse / "bench.json").read_text(encoding="utf-8"))
        token, source_port, args.datasets = saved["token"], saved["source_port"], saved["datasets"]
        work = args.reuse
    elif args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        if any(args.keep.iterdir()):
            raise SystemExit(f"FAIL: --keep needs an empty or new directory, {args.keep} is not")
        work, token = args.keep, uuid.uuid4().hex[:8]
    else:
        work, token = Path(tempfile.mkdtemp(prefix="oppnadata-bench-")), uuid.uuid4().hex[:8]
    work = work.resolve()
    portal = portal_env()
    database_url = portal.pop(PREFECT_DB)
    if args.workers and not database_url.startswith("postgresql"):
        raise SystemExit("FAIL: --workers needs Prefect's PostgreSQL database (portal/stack env prints it)")
    os.environ.update(portal)
    os.environ["OPPNADATA_LOCK_DATABASE_URL"] = database_url
    os.environ.update(
        OPPNADATA_ROOT=str(work / "project"),
        OPPNADATA_STATE_DIR=str(work / "state"),
        OPPNADATA_ALLOW_PRIVATE_HOSTS="true",
        OPPNADATA_CONCURRENCY=str(args.concurrency),
        PREFECT_HOME=str(work / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="WARNING",
    )
    os.environ.pop("PREFECT_API_URL", None)

    from tests.run.project import FlowProject
    from tests.plugins.fixture_server import FixtureServer

    try:
        server = FixtureServer(port=source_port).start()
    except OSError as exc:
        raise SystemExit(f"FAIL: cannot serve the kept sources on port {source_port} again: {exc}") from None
    project = FlowProject(root=work / "project", organization=f"bench-{token}")
    for i in range(args.datasets):
        path = f"/bench/{token}/{i}.csv"
        server.set(path, source_body(token, i), content_type="text/csv")
        project.add_http(f"bench-{token}-{i:03d}", server.url(path))
    if not args.reuse:
        project.write()
    if args.keep and not args.reuse:
        (work / "bench.json").write_text(json.dumps({"token": token, "source_port": server.port, "datasets": args.datasets}),
                                         encoding="utf-8")

    from pipelines.catalog import load_catalog
    from pipelines.ckan import Publisher, connect
    from pipelines.config import load_settings
    from pipelines.outcome import Status
    from pipelines.run import nightly, process_dataset

    settings = load_settings()
    catalog = load_catalog(settings.catalog_path)
    if len(catalog.datasets) != args.datasets:
        raise SystemExit(f"FAIL: {settings.catalog_path} has {len(catalog.datasets)} datasets, not {args.datasets}")

    def run_nightly():
        state = nightly(retry_delay_seconds=0, return_state=True)
        summary = state.result(raise_on_failure=False)
        if isinstance(summary, Exception):
            raise SystemExit(f"FAIL: the nightly flow did not finish: {summary!r}")
        return summary

    def show_breakdown(summary) -> None:
        if args.workers:
            print(fanout_breakdown(summary.run_name), flush=True)

    keep_published = bool(args.keep and args.reuse)
    try:
        with prefect_backend(args.workers, work, database_url, args.datasets, args.stock_workers) as keep_one_worker:
            kind = "stock process workers, batches start cold" if args.stock_workers else "warm-start process workers"
            fanout = f"fanned out to {args.workers} {kind}" if args.workers else "in one process"
            print(f"nightly benchmark: {args.datasets} datasets, concurrency {args.concurrency}, {fanout}, "
                  f"CKAN {settings.ckan_url}" + (f", on the datasets published by --keep {work}" if args.reuse else ""),
                  flush=True)
            # The measured night is always the server's and this process's second: after the first
            # publication, or (--reuse) after a first night on the kept datasets, itself checked unchanged.
            t = time.perf_counter()
            first = run_nightly()
            first_s = time.perf_counter() - t
            print(f"first run (Prefect):        {first_s:8.2f} s  {first.headline()}  writes={first.write_calls}", flush=True)
            show_breakdown(first)
            if args.reuse:
                require_all(first.outcomes, Status.UNCHANGED, args.datasets, "the first run on the kept datasets")
            else:
                require_all(first.outcomes, Status.PUBLISHED, args.datasets, "the first run")
                if args.keep:
                    keep_published = True
                    print(f"kept: {args.datasets} published datasets; measure with --reuse {work}")
                    return
            requests_before = sum(server.count(f"/bench/{token}/{i}.csv") for i in range(args.datasets))
            t = time.perf_counter()
            second = run_nightly()
            second_s = time.perf_counter() - t
            gets = sum(server.count(f"/bench/{token}/{i}.csv") for i in range(args.datasets)) - requests_before
            print(f"no-change run (Prefect):    {second_s:8.2f} s  {second.headline()}  writes={second.write_calls}  source GETs={gets}", flush=True)
            show_breakdown(second)
            require_all(second.outcomes, Status.UNCHANGED, args.datasets, "the no-change run")
            one = None
            if args.workers >= 2:
                keep_one_worker()
                t = time.perf_counter()
                one = run_nightly()
                one_s = time.perf_counter() - t
                print(f"no-change run, 1 worker:    {one_s:8.2f} s  {one.headline()}  writes={one.write_calls}", flush=True)
                show_breakdown(one)
                print(f"ratio no-change run {args.workers} workers / 1 worker: {second_s / one_s:5.2f}x", flush=True)
                require_all(one.outcomes, Status.UNCHANGED, args.datasets, "the one-worker no-change run")

        def bare(parallel: int) -> tuple[float, int, int]:
            client = connect(settings)
            publisher = Publisher(client, catalog, settings)
            t = time.perf_counter()
            publisher.sync_organizations()
            run = lambda ds: process_dataset(ds, settings, publisher, run_id="bench-bare")  # noqa: E731
            if parallel == 1:
                outcomes = [run(ds) for ds in catalog.datasets]
            else:
                with ThreadPoolExecutor(parallel) as pool:
                    outcomes = list(pool.map(run, catalog.datasets))
            publisher.withdraw_removed()
            seconds = time.perf_counter() - t
            require_all(outcomes, Status.UNCHANGED, args.datasets, f"the bare baseline ({parallel} thread(s))")
            return seconds, client.write_calls, len(outcomes)

        loop_s, loop_writes, loop_unchanged = bare(1)
        print(f"baseline bare loop:         {loop_s:8.2f} s  unchanged={loop_unchanged}  writes={loop_writes}", flush=True)
        pool_s, pool_writes, pool_unchanged = bare(args.concurrency)
        print(f"baseline bare thread pool:  {pool_s:8.2f} s  unchanged={pool_unchanged}  writes={pool_writes}", flush=True)
        print(f"CKAN write calls in the no-change run: {second.write_calls} (must be 0)")
        print(f"ratio no-change Prefect run / bare loop:        {second_s / loop_s:5.2f}x (target <= 2x)")
        print(f"ratio no-change Prefect run / bare thread pool: {second_s / pool_s:5.2f}x (target <= 2.5x)")
        for name, summary in (("first run on the kept datasets", first if args.reuse else None),
                              ("no-change run", second), ("one-worker run", one)):
            if summary is None:
                continue
            if summary.write_calls != 0:
                raise SystemExit(f"FAIL: the {name} made {summary.write_calls} CKAN write call(s)")
            if len({o.dataset_id for o in summary.outcomes}) != args.datasets:
                raise SystemExit(f"FAIL: the {name} did not report every dataset exactly once")
    finally:
        server.stop()
        if not keep_published:
            purge(settings, catalog, project.organization)


def purge(settings, catalog, organization: str) -> None:
    """Remove everything the benchmark created in CKAN."""
    import ckanapi

    from pipelines.ckan import connect

    client = connect(settings)
    for ds in catalog.datasets:
        try:
            client.call("dataset_purge", {"id": ds.id})
        except ckanapi.NotFound:
            pass
    try:
        client.call("organization_purge", {"id": organization})
    except ckanapi.NotFound:
        pass


if __name__ == "__main__":
    main()
