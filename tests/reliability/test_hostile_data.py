"""Hostile data files through `register`, `validate` and a run: located errors, never tracebacks, nothing published.

The files (hostile_files.py): JSON nested 100,000 levels deep, JSON and XLSX
numbers with 5,000 digits, an XLSX number that overflows to infinity, and
XLSX parts whose DTDs declare entity tricks (billion laughs, an external
entity reading /etc/passwd, a parameter entity fetching a remote DTD). Each
must end in a SourceError whose message names the place (line and column,
row, or the workbook part) — through the real commands (click's CliRunner,
in-process) and through `process_dataset` against the portal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main

from .catalogs import base, write_project
from .hostile_files import CASES, huge_integer_csv

pytestmark = [pytest.mark.reliability]


def _cli(root: Path, *args: str):
    result = CliRunner().invoke(main, list(args), env={"OPPNADATA_ROOT": str(root), "OPPNADATA_STATE_DIR": str(root / ".state")})
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args[0]} raised {type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in result.output
    return result


def _project_with(root: Path, case: str) -> str:
    """A project whose one dataset reads the hostile file; returns its name in datasets/<id>/."""
    fmt, build, _words = CASES[case]
    doc = base()
    name = f"data.{fmt}"
    doc["datasets"][0]["source"] = {"type": "file", "path": name, "format": fmt}
    write_project(root, doc)
    (root / "datasets" / "badplatser-test" / name).write_bytes(build())
    return name


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_and_register_give_located_errors(case, tmp_path, scenario):
    root = tmp_path / "p"
    name = _project_with(root, case)
    fmt, _build, words = CASES[case]

    validated = _cli(root, "validate", "badplatser-test")
    scenario.text("validate", validated.output)
    assert validated.exit_code == 1
    assert "source error" in validated.output and all(w in validated.output for w in words), validated.output
    assert not list((root / ".state" / "work" / "validate" / "badplatser-test").glob("*.csv")), "output left behind"

    if fmt == "xlsx":  # register drafts from CSV and XLSX files
        registered = _cli(root, "register", "ny-datamangd", "--file", str(root / "datasets" / "badplatser-test" / name),
                          "--organization", "rel-kommun")
        scenario.text("register", registered.output)
        assert registered.exit_code == 1 and all(w in registered.output for w in words), registered.output
        assert not (root / "schemas" / "ny-datamangd.json").exists()


def test_a_5000_digit_integer_in_a_csv_is_a_located_validation_error(tmp_path, scenario):
    root = tmp_path / "p"
    doc = base()
    write_project(root, doc, data=huge_integer_csv().decode())
    validated = _cli(root, "validate", "badplatser-test", "--format", "json")
    scenario.text("validate", validated.output)
    report, _end = json.JSONDecoder().raw_decode(validated.stdout[validated.stdout.index("{"):])
    assert validated.exit_code == 1 and report["valid"] is False
    assert [(e["type"], e["row"], e["field"]) for e in report["errors"]] == [("type-error", 2, "antal")]
    # register proves no integer type for a value no 64-bit column holds: the draft keeps the text exactly
    registered = _cli(root, "register", "stora-tal", "--file", str(root / "datasets" / "badplatser-test" / "data.csv"),
                      "--organization", "rel-kommun")
    assert registered.exit_code == 0, registered.output
    fields = {f["name"]: f for f in json.loads((root / "schemas" / "stora-tal.json").read_text())["fields"]}
    assert fields["antal"]["type"] == "string" and fields["kommunkod"]["constraints"] == {"pattern": r"^\d{4}$"}


@pytest.mark.ckan
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_run_records_a_located_source_error_and_publishes_nothing(case, project, unique_name, scenario):
    fmt, build, words = CASES[case]
    ds = project.add_file(unique_name("fientlig"), b"", path=f"data.{fmt}", format=fmt)
    (project.root / "datasets" / ds.id / "data.csv").unlink()
    (project.root / "datasets" / ds.id / f"data.{fmt}").write_bytes(build())
    out = project.run()[ds.id]  # process_dataset: an exception here fails the scenario
    scenario.text("outcome", out)
    assert out.status == "source_error" and all(w in out.message for w in words), out.message
    scenario.expect_unpublished(ds.id)
