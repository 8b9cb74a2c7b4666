"""The run summary: counts, verdict, JSON round trip, Markdown rows; and where Prefect keeps its data."""

from __future__ import annotations

from pathlib import Path

from pipelines.config import load_settings
from pipelines.outcome import DatasetOutcome
from pipelines.run import use_project_prefect_home
from pipelines.run import summary_markdown
from pipelines.run import RunSummary, latest_summary, read_summary, write_summary


def _summary(*outcomes: DatasetOutcome, run_errors=()) -> RunSummary:
    return RunSummary.build(
        outcomes, run_id="r1", run_name="brave-otter", started="2025-06-01T00:00:03+00:00",
        finished="2025-06-01T00:01:00+00:00", seconds=57.0, portal_url="http://127.0.0.1:5050",
        write_calls=3, run_errors=tuple(run_errors),
    )


OK = DatasetOutcome("a", "kalmar-kommun", "published", rows=3, dataset_url="http://127.0.0.1:5050/dataset/a")
BAD = DatasetOutcome("b", "kalmar-kommun", "invalid", message="bad | pipe\nnewline")


def test_counts_verdict_and_failed_list():
    summary = _summary(BAD, OK)
    assert summary.counts["published"] == 1 and summary.counts["invalid"] == 1 and summary.counts["unchanged"] == 0
    assert not summary.ok and summary.failed == (BAD,)
    assert summary.headline().startswith("1 of 2 datasets failed")
    assert _summary(OK).ok
    assert not _summary(OK, run_errors=["organizations: refused"]).ok


def test_json_round_trip_and_latest(tmp_path: Path):
    first = write_summary(_summary(OK, BAD), tmp_path)
    assert first.name == "20250601T000003Z-brave-otter.json"
    assert read_summary(first) == _summary(OK, BAD)
    assert latest_summary(tmp_path) == first


def test_markdown_links_and_escapes():
    text = summary_markdown(_summary(OK, BAD))
    assert "| [a](http://127.0.0.1:5050/dataset/a) | kalmar-kommun | published | 3 |" in text
    assert "bad \\| pipe newline" in text


def test_prefect_home_defaults_under_state_but_respects_the_user(tmp_path: Path):
    settings = load_settings({"OPPNADATA_STATE_DIR": str(tmp_path / "state")})
    env: dict[str, str] = {}
    assert use_project_prefect_home(settings, env) == tmp_path / "state" / "prefect"
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    mine = {"PREFECT_HOME": str(tmp_path / "mine")}
    assert use_project_prefect_home(settings, mine) == tmp_path / "mine"
