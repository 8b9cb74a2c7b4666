"""A run of the `prefect.yaml` deployment, picked up by a local process worker, completes.

Real parts only: `prefect server start` on PostgreSQL (the session's, shared with test_workers), `prefect work-pool
create`, `prefect deploy` with the repository's prefect.yaml, `prefect worker
start`, the real CKAN and the fixture HTTP server as the dataset's source.
"""

from __future__ import annotations

import subprocess

import pytest

from .project import VALID_CSV, FlowProject
from .servers import BIN, ROOT, api, child_env, spawn, stop, wait_for

pytestmark = [pytest.mark.prefect, pytest.mark.ckan]

POOL = "oppnadata-process"
DEPLOYMENT = "nightly/nightly-0200-stockholm"


def _prefect(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run([str(BIN / "prefect"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, f"prefect {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return proc.stdout


def test_prefect_yaml_deployment_run_completes_on_a_process_worker(
    tmp_path, ckan_portal, fixture_server, unique_name, postgres_prefect_server
):
    project = FlowProject(root=tmp_path / "project", organization=unique_name("kalmar-worker"))
    path = f"/flows/{unique_name.token}/worker.csv"
    fixture_server.set(path, VALID_CSV, content_type="text/csv")
    dataset_id = unique_name("worker")
    project.add_http(dataset_id, fixture_server.url(path))
    project.write()

    server = postgres_prefect_server
    env = child_env(
        PREFECT_API_URL=server.api_url,
        PREFECT_HOME=str(tmp_path / "prefect"),
        OPPNADATA_ROOT=str(project.root),
        OPPNADATA_STATE_DIR=str(tmp_path / "state"),
        OPPNADATA_ALLOW_PRIVATE_HOSTS="true",
        CKAN_URL=ckan_portal.url,
        CKAN_API_TOKEN=ckan_portal.token,
        OPPNADATA_LOCK_DATABASE_URL=ckan_portal.prefect_database_url,
        PWD=str(ROOT),
    )
    _prefect(env, "work-pool", "create", POOL, "--type", "process")
    _prefect(env, "work-pool", "create", "oppnadata-datasets", "--type", "process")
    _prefect(env, "--no-prompt", "deploy", "--all")
    batch = api(server.api_url, lambda c: c.read_deployment_by_name("nightly-batch/oppnadata-datasets"))
    assert batch.work_pool_name == "oppnadata-datasets" and not batch.schedules
    # The checkout's interpreter running the warm-start client (not Prefect's workspace supervisor starting a second one)
    assert batch.job_variables["command"] == f"{ROOT}/.venv/bin/python {ROOT}/pipelines/run/warm/client.py"
    deployment = api(server.api_url, lambda c: c.read_deployment_by_name(DEPLOYMENT))
    assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [
        ("0 2 * * *", "Europe/Stockholm")
    ]
    flow_run = api(server.api_url, lambda c: c.create_flow_run_from_deployment(deployment.id))
    worker = spawn(
        [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--type", "process", "--limit", "1"],
        env, tmp_path / "worker.log",
    )
    try:
        final = wait_for(
            lambda: (run := api(server.api_url, lambda c: c.read_flow_run(flow_run.id))).state.is_final() and run,
            timeout=300, what="the deployment's flow run to finish",
        )
    finally:
        stop(worker)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert final.state.is_completed(), f"{final.state!r}\n{log[-4000:]}"
    assert "1 published" in final.state.message
    assert ckan_portal.api().action.package_show(id=dataset_id)["num_resources"] >= 1
    assert list((tmp_path / "state" / "reports").glob("*.json"))


def test_a_worker_started_from_the_checkout_polls_every_second(monkeypatch):
    """pyproject.toml's [tool.prefect.worker] is what `prefect worker start` reads in the repository root."""
    from prefect.settings import Settings

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("PREFECT_WORKER_QUERY_SECONDS", raising=False)
    assert Settings().worker.query_seconds == 1
    monkeypatch.chdir(ROOT / "tests")  # elsewhere Prefect's own default holds: the table is the project's
    assert Settings().worker.query_seconds == 10
