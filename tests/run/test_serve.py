"""`oppnadata serve` against a real `prefect server start` it starts itself on PostgreSQL, checked with the Prefect client."""

from __future__ import annotations

import signal
import subprocess
import zoneinfo

import pytest

from pipelines.commands.serve import CRON, DEPLOYMENT_NAME, TIMEZONE
from pipelines.run import free_port, is_healthy

from .servers import BIN, api, child_env, query, spawn, stop, wait_for

pytestmark = [pytest.mark.prefect, pytest.mark.ckan]


def test_serve_refuses_to_start_a_server_without_postgresql(tmp_path):
    env = child_env(OPPNADATA_STATE_DIR=str(tmp_path / "state"), CKAN_API_TOKEN="not-used-by-this-test",
                    PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}")
    proc = subprocess.run([str(BIN / "oppnadata"), "serve", "--port", str(free_port())], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "needs its PostgreSQL database" in proc.stderr and "portal/stack env" in proc.stderr
    assert not (tmp_path / "prefect.db").exists()


def test_serve_registers_the_stockholm_schedule_and_stops_its_server(tmp_path, prefect_database):
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    state = tmp_path / "state"
    env = child_env(
        OPPNADATA_STATE_DIR=str(state),
        CKAN_API_TOKEN="not-used-by-this-test",
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",  # create the scheduled runs soon, not in 60 s
        PREFECT_SERVER_DATABASE_CONNECTION_URL=prefect_database,
    )
    env.pop("PREFECT_HOME", None)
    serve = spawn([str(BIN / "oppnadata"), "serve", "--port", str(port)], env, tmp_path / "serve.log")
    try:
        deployment = wait_for(
            lambda: api(api_url, lambda c: c.read_deployment_by_name(f"nightly/{DEPLOYMENT_NAME}")),
            timeout=300, what="the served deployment",
        )
        [schedule] = deployment.schedules
        assert schedule.active
        assert schedule.schedule.cron == CRON == "0 2 * * *"
        assert schedule.schedule.timezone == TIMEZONE == "Europe/Stockholm"
        # The server keeps its state in PostgreSQL, not in a SQLite file under the state directory.
        assert query(prefect_database, "SELECT name FROM deployment") == [(DEPLOYMENT_NAME,)]
        assert not (state / "prefect" / "prefect.db").exists()

        def scheduled_runs(client):
            from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

            return client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))

        runs = wait_for(lambda: api(api_url, scheduled_runs), timeout=60, what="scheduled runs")
        stockholm = zoneinfo.ZoneInfo("Europe/Stockholm")
        for run in runs:
            local = run.expected_start_time.astimezone(stockholm)
            assert (local.hour, local.minute) == (2, 0), run.expected_start_time
    finally:
        code = stop(serve, signal.SIGINT, grace=40)
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "stopping the Prefect server" in log, log[-3000:]
    assert not is_healthy(api_url, timeout=1.0), "serve left its Prefect server running"
    assert code in (0, 130, -signal.SIGINT), log[-3000:]
