"""The night fanned out to two process workers against a Prefect server on PostgreSQL (OPPNADATA_WORK_POOL).

The session's server (a throw-away database in the portal's cluster) and two workers
(`oppnadata worker --limit 1` from the repository root: Prefect's process worker, its
batches forked from a warm engine server, polling every second as
pyproject.toml's [tool.prefect.worker] says) serve the module; the
parent is `oppnadata run` itself. Checked: a 40-dataset night is shared by both
workers, every dataset once in the summary; and with one worker killed mid-batch
(it and its flow run, as if its machine died) the night still completes: the
silent batch is cancelled and its unreported datasets run again on the other
worker, each once in the summary.
"""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipelines.run import latest_summary, read_summary

from .project import VALID_CSV, FlowProject
from .servers import BIN, api, child_env, kill_machine, spawn, stop, wait_for

pytestmark = [pytest.mark.prefect, pytest.mark.ckan]

POOL = "oppnadata-test-datasets"
SUBMITTED = re.compile(r"Worker '[^']+' submitting flow run '([0-9a-f-]{36})'")
# Two workers polling together may both pick up one scheduled run; the server lets only one move it
# to Pending and the other logs this and leaves the run alone.
ABORTED = re.compile(r"Aborted submission of flow run '([0-9a-f-]{36})'")
WARM = re.compile(r"warm engine server: flow run ([0-9a-f-]{36}) started warm")


@dataclass
class Cluster:
    api_url: str
    env: dict[str, str]
    workers: dict[str, subprocess.Popen]
    logs: dict[str, Path]
    project: FlowProject
    state: Path
    tmp: Path
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # dataset id -> (path, body)

    def add_datasets(self, stem: str, count: int, server) -> list[str]:
        ids = []
        for i in range(count):
            dataset_id = f"{stem}-{self.project.organization.rsplit('-', 1)[1]}-{i:02d}"
            path, body = f"/workers/{dataset_id}.csv", VALID_CSV.replace("Stensö", f"Stensö {i}")
            server.set(path, body, content_type="text/csv")
            self.project.add_http(dataset_id, server.url(path))
            self.sources[dataset_id] = (path, body)
            ids.append(dataset_id)
        self.project.write()
        return ids

    def night(self, name: str, **env: str):
        """`oppnadata run` with the fan-out on; returns (exit code, summary, seconds, output)."""
        log = self.tmp / f"{name}.log"
        started = time.monotonic()
        parent = spawn([str(BIN / "oppnadata"), "run", "--retries", "0"], {**self.env, **env}, log)
        try:
            code = parent.wait(timeout=600)
        finally:
            stop(parent)
        seconds = time.monotonic() - started
        return code, read_summary(latest_summary(self.state / "reports")), seconds, log.read_text(errors="replace")

    def submitted(self) -> dict[str, set[str]]:
        """Flow run ids each worker started, from its own log: those it submitted and was not refused."""
        found: dict[str, set[str]] = {}
        for name, log in self.logs.items():
            text = log.read_text(errors="replace")
            found[name] = set(SUBMITTED.findall(text)) - set(ABORTED.findall(text))
        return found

    def batch_runs(self, run_name: str):
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

        runs = api(self.api_url, lambda c: c.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_=f"{run_name}-batch-"))))
        return sorted(runs, key=lambda r: r.name)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, ckan_portal, fixture_server, postgres_prefect_server):
    tmp = tmp_path_factory.mktemp("workers")
    token = uuid.uuid4().hex[:10]
    project = FlowProject(root=tmp / "project", organization=f"kalmar-workers-{token}")
    project.write()
    server = postgres_prefect_server
    env = child_env(
        PREFECT_API_URL=server.api_url,
        PREFECT_HOME=str(tmp / "prefect-clients"),
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY="30",  # Prefect's shortest
        OPPNADATA_ROOT=str(project.root),
        OPPNADATA_STATE_DIR=str(tmp / "state"),
        OPPNADATA_ALLOW_PRIVATE_HOSTS="true",
        OPPNADATA_CONCURRENCY="2",
        OPPNADATA_WORK_POOL=POOL,
        OPPNADATA_FANOUT_BATCH_SIZE="20",
        OPPNADATA_WORKER_TIMEOUT="60",
        OPPNADATA_LOCK_DATABASE_URL=ckan_portal.prefect_database_url,
        CKAN_URL=ckan_portal.url,
        CKAN_API_TOKEN=ckan_portal.token,
    )
    for name in [k for k in env if k.startswith("OPPNADATA_SMTP_")]:
        env.pop(name)
    logs = {name: tmp / f"{name}.log" for name in ("worker-a", "worker-b")}
    workers = {
        name: spawn([str(BIN / "oppnadata"), "worker", "--pool", POOL, "--limit", "1", "--name", name], env, log)
        for name, log in logs.items()
    }
    try:
        yield Cluster(server.api_url, env, workers, logs, project, tmp / "state", tmp)
    finally:
        for worker in workers.values():
            stop(worker)
        ckan_portal.purge_matching(token)


def test_two_workers_share_a_40_dataset_night_each_dataset_once(cluster, fixture_server):
    ids = cluster.add_datasets("delad", 40, fixture_server)
    code, summary, seconds, output = cluster.night("two-workers")
    assert code == 0, output[-4000:]
    assert sorted(o.dataset_id for o in summary.outcomes) == sorted(ids)  # every dataset, each once
    assert {o.status for o in summary.outcomes} == {"published"}
    assert summary.ok and summary.run_errors == ()
    # The workers' CKAN writes count in the night's total, beside the parent's own (the organization).
    assert summary.write_calls > sum(o.write_calls for o in summary.outcomes) > 0
    batches = cluster.batch_runs(summary.run_name)
    assert len(batches) == 2 and all(b.state.is_completed() for b in batches), [(b.name, b.state) for b in batches]
    submitted = cluster.submitted()
    batch_ids = {str(b.id) for b in batches}
    used = {name: runs & batch_ids for name, runs in submitted.items()}
    assert all(used.values()), f"a worker took no batch: {used}"  # both workers shared the night
    assert set().union(*used.values()) == batch_ids and not (used["worker-a"] & used["worker-b"])
    for name, runs in used.items():  # each batch's process forked from its worker's warm engine server
        assert runs <= set(WARM.findall(cluster.logs[name].read_text(errors="replace"))), name
    print(f"\ntwo workers: {len(ids)} datasets published in {seconds:.1f} s ({summary.seconds:.1f} s in the flow)")


def test_a_worker_killed_mid_batch_loses_nothing(cluster, fixture_server):
    from tests.plugins.fixture_server import Reply

    assert len(cluster.sources) == 40, "runs after the two-worker night, on its published datasets"
    # The same content, answered after a second each: a batch takes long enough to be killed half-way.
    for path, body in cluster.sources.values():
        fixture_server.script(path, [Reply(body=body, content_type="text/csv", delay=1.0, conditional=True)])
    parent = spawn([str(BIN / "oppnadata"), "run", "--retries", "0"], cluster.env, cluster.tmp / "kill.log")
    try:
        def busy_batch():
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

            for name, runs in cluster.submitted().items():
                for run_id in runs:
                    flow_run = api(cluster.api_url, lambda c: c.read_flow_run(run_id))
                    if not flow_run.state.is_running():
                        continue
                    reported = api(cluster.api_url, lambda c: c.read_artifacts(
                        artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id]))))
                    if reported:
                        return name, flow_run
            return None

        victim, doomed = wait_for(busy_batch, timeout=300, interval=1.0,
                                  what="a running batch that has reported some datasets")
        kill_machine(cluster.workers[victim])
        code = parent.wait(timeout=600)
    finally:
        stop(parent)
    output = (cluster.tmp / "kill.log").read_text(errors="replace")
    summary = read_summary(latest_summary(cluster.state / "reports"))
    assert code == 0, output[-4000:]
    assert sorted(o.dataset_id for o in summary.outcomes) == sorted(cluster.sources)  # each once, none lost
    assert {o.status for o in summary.outcomes} == {"unchanged"}
    given_up = api(cluster.api_url, lambda c: c.read_flow_run(doomed.id))
    assert given_up.state.name in ("Cancelling", "Cancelled"), given_up.state  # nobody is left to confirm it
    assert "its worker went silent" in given_up.state.message
    retries = [b for b in cluster.batch_runs(summary.run_name) if b.name.endswith("-batch-3")]
    assert len(retries) == 1 and retries[0].state.is_completed(), retries
    rerun = set(retries[0].parameters["datasets"])
    assert rerun and rerun < set(doomed.parameters["datasets"])  # only what the dead batch had not reported
    survivor = ({"worker-a", "worker-b"} - {victim}).pop()
    assert str(retries[0].id) in cluster.submitted()[survivor]
    # The retry is said in the flow's log, which goes to the run's log file (its path is printed).
    run_log = re.search(r"^Run log: (\S+)$", output, re.MULTILINE)
    assert run_log, output[-4000:]
    assert "run again" in Path(run_log.group(1)).read_text(errors="replace")
