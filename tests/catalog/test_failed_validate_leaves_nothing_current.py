"""A failed `validate` leaves nothing in the work folder that could pass for its result."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipelines.cli import main


def _validate(project: Path, state: Path):
    return CliRunner().invoke(main, ["validate", "kommuner"],
                              env={"OPPNADATA_ROOT": str(project), "OPPNADATA_STATE_DIR": str(state)})


def test_a_failed_validate_removes_the_previous_runs_csv_and_report(project: Path, tmp_path: Path):
    state = tmp_path / "state"
    work = state / "work" / "validate" / "kommuner"
    assert _validate(project, state).exit_code == 0
    assert (work / "kommuner.csv").is_file()  # the previous, valid result

    (project / "datasets" / "kommuner" / "kommuner.csv").write_text('kommunkod,kommunnamn\n0880,"Kalmar\n', encoding="utf-8")
    failed = _validate(project, state)
    assert failed.exit_code != 0 and "never closed" in failed.output, failed.output
    assert not list(work.glob("*.csv")), "the previous run's canonical CSV is still there"
    for report in work.glob("*.json"):
        assert json.loads(report.read_text(encoding="utf-8")).get("valid") is not True, report
