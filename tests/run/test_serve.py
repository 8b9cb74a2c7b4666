"""`oppnadata serve` against a real `prefect server start` it starts itself, checked with the Prefect client."""

from __future__ import annotations

import signal
import zoneinfo

import pytest

from pipelines.commands.serve import CRON, DEPLOYMENT_NAME, TIMEZONE
from pipelines.run import free_port, is_healthy

from .servers import BIN, api, child_env, spawn, stop, wait_for

pytestmark = pytest.mark.prefect


def test_serve_registers_the_stockholm_schedule_and_stops_its_server(tmp_path):
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    state = tmp_path / "state"
    env = child_env(
        OPPNADATA_STATE_DIR=str(state),
        CKAN_API_TOKEN="not-used-by-this-test",
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",  # create the scheduled runs soon, not in 60 s
    )
    env.pop("PREFECT_HOME", None)
    serve = spawn([str(BIN / "oppnadata"), "serve", "--port", str(port)], env, tmp_path / "serve.log")
    try:
        deployment = wait_for(
            lambda: api(api_url, lambda c: c.read_deployment_by_name(f"nightly/{DEPLOYMENT_NAME}")),
            timeout=150, what="the served deployment",
        )
        [schedule] = deployment.schedules
        assert schedule.active
        assert schedule.schedule.cron == CRON == "0 2 * * *"
        assert schedule.schedule.timezone == TIMEZONE == "Europe/Stockholm"
        # The server keeps its SQLite database under the state directory.
        assert (state / "prefect" / "prefect.db").is_file()

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
