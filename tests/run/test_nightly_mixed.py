"""The nightly flow on a mixed catalog, against the real local CKAN and the fixture HTTP server.

Run 1: two valid sources are published; an invalid one, one answering 503
(transient: retried) and one answering 404 (not retried) fail — the others
still publish, and the flow run ends Failed after all were processed.
Run 2: nothing changed for one (unchanged, 304), a title changed for another
(metadata-only publish, source not downloaded again), failures stay failures.
Run 3 (only the healthy datasets): exit code 0 and zero CKAN writes.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.run import read_summary

from .project import INVALID_CSV, VALID_CSV

pytestmark = [pytest.mark.ckan, pytest.mark.prefect]


def _flow_run_and_artifacts(run_id: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def read():
        async with get_client() as client:
            flow_run = await client.read_flow_run(run_id)
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id]))
            )
            return flow_run, artifacts

    return asyncio.run(read())


def _statuses(summary) -> dict[str, str]:
    return {o.dataset_id: o.status for o in summary.outcomes}


def test_mixed_catalog_statuses_artifacts_state_and_exit_code(flow_project, fixture_server, unique_name, ckan_portal, monkeypatch):
    monkeypatch.setenv("OPPNADATA_KEEP_RUNS", "2")
    tok = unique_name.token
    paths = {name: f"/flows/{tok}/{name}.csv" for name in ("valid", "retitled", "invalid", "down", "gone")}
    fixture_server.set(paths["valid"], VALID_CSV, content_type="text/csv")
    fixture_server.set(paths["retitled"], VALID_CSV, content_type="text/csv")
    fixture_server.set(paths["invalid"], INVALID_CSV, content_type="text/csv")
    fixture_server.set(paths["down"], "maintenance", status=503)
    fixture_server.set(paths["gone"], "not here", status=404)
    ids = {name: unique_name(name) for name in paths}
    for name, path in paths.items():
        flow_project.add_http(ids[name], fixture_server.url(path))
    flow_project.write()
    runner = CliRunner()

    # Run 1 -------------------------------------------------------------------
    result = runner.invoke(main, ["run", "--retries", "1", "--retry-delay", "0"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    reports = sorted((flow_project.root.parent / "state" / "reports").glob("*.json"))
    assert len(reports) == 1
    first = read_summary(reports[0])
    assert _statuses(first) == {
        ids["valid"]: "published",
        ids["retitled"]: "published",
        ids["invalid"]: "invalid",
        ids["down"]: "source_error",
        ids["gone"]: "source_error",
    }
    by_id = {o.dataset_id: o for o in first.outcomes}
    assert by_id[ids["valid"]].rows == 3
    assert "http_status" in by_id[ids["down"]].message and "http_status" in by_id[ids["gone"]].message
    # 503 is transient: retried once (retries=1) by the HTTP layer, the only one that retries (Prefect does not
    # multiply it); 404 is final: one request.
    assert fixture_server.count(paths["gone"]) == 1
    assert fixture_server.count(paths["down"]) == 2
    for name in ("valid", "retitled", "invalid", "down", "gone"):
        assert ids[name] in result.output  # the summary table names every dataset
    assert ckan_portal.url in result.output

    flow_run, artifacts = _flow_run_and_artifacts(first.run_id)
    assert flow_run.state.is_failed()
    assert "2 of 5 datasets failed" not in flow_run.state.message  # sanity: 3 failed, said exactly
    assert "3 of 5 datasets failed" in flow_run.state.message
    kinds = {a.key: a for a in artifacts}
    assert set(kinds) == {"nightly-report", "nightly-datasets"}
    markdown = kinds["nightly-report"].data
    assert f"[{ids['valid']}]({ckan_portal.url}/dataset/{ids['valid']})" in markdown
    assert "| invalid |" in markdown and "| source error |" in markdown and "| published |" in markdown
    table = kinds["nightly-datasets"].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert {r["dataset"]: r["status"] for r in rows}[ids["invalid"]] == "invalid"
    invalid_row = next(r for r in rows if r["dataset"] == ids["invalid"])
    assert invalid_row["report_url"] == "" or invalid_row["report_url"].startswith(ckan_portal.url)

    # Run 2: one untouched, one retitled --------------------------------------
    flow_project.retitle(ids["retitled"], "Badplatser med nytt namn")
    flow_project.write()
    before_valid = fixture_server.count(paths["valid"])
    result = runner.invoke(main, ["run", "--retries", "0"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    second = read_summary(sorted((flow_project.root.parent / "state" / "reports").glob("*.json"))[-1])
    assert second.run_id != first.run_id
    statuses = _statuses(second)
    assert statuses[ids["valid"]] == "unchanged"
    assert statuses[ids["retitled"]] == "published"
    assert statuses[ids["invalid"]] == "invalid"
    assert statuses[ids["down"]] == "source_error"
    by_id = {o.dataset_id: o for o in second.outcomes}
    assert by_id[ids["valid"]].write_calls == 0
    assert by_id[ids["retitled"]].write_calls >= 1
    assert fixture_server.count(paths["valid"]) == before_valid + 1  # one conditional GET, answered 304
    assert ckan_portal.api().action.package_show(id=ids["retitled"])["title"] == "Badplatser med nytt namn"

    # Run 3: only healthy datasets → exit 0, nothing written ---------------------
    result = runner.invoke(main, ["run", "-d", ids["valid"], "-d", ids["retitled"]], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    third = read_summary(sorted((flow_project.root.parent / "state" / "reports").glob("*.json"))[-1])
    assert _statuses(third) == {ids["valid"]: "unchanged", ids["retitled"]: "unchanged"}
    assert third.write_calls == 0
    flow_run, _ = _flow_run_and_artifacts(third.run_id)
    assert flow_run.state.is_completed()

    # Three nights with OPPNADATA_KEEP_RUNS=2: the oldest work folder is gone, every run report stays.
    work = flow_project.root.parent / "state" / "work"
    assert sorted(p.name for p in work.iterdir()) == sorted({second.run_id, third.run_id})
    assert len(list((flow_project.root.parent / "state" / "reports").glob("*.json"))) == 3
