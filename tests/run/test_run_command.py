"""`oppnadata run`'s refusals before any work starts."""

from __future__ import annotations

from click.testing import CliRunner

from pipelines.cli import main


def test_a_work_pool_without_a_prefect_server_is_refused_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    env = {"CKAN_API_TOKEN": "not-used", "OPPNADATA_WORK_POOL": "oppnadata", "OPPNADATA_STATE_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code == 2, result.output
    assert "OPPNADATA_WORK_POOL=oppnadata needs PREFECT_API_URL" in result.output
    assert not (tmp_path / "logs").exists()  # refused before the run log or a Prefect server


def test_a_work_pool_with_a_prefect_server_passes_that_check(tmp_path, monkeypatch):
    env = {"CKAN_API_TOKEN": "not-used", "OPPNADATA_WORK_POOL": "oppnadata", "OPPNADATA_STATE_DIR": str(tmp_path),
           "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    result = CliRunner().invoke(main, ["run", "--dataset", "no-such-dataset"], env=env)
    assert "needs PREFECT_API_URL" not in result.output
    assert result.exit_code == 2 and "not in catalog.yaml: no-such-dataset" in result.output
