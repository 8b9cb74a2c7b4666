"""The broken-catalog corpus through the real command: exact located error, exit code, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.catalog import check_project
from pipelines.cli import main

from .corpus import CASES, Case


def run_check(root: Path, *args: str):
    result = CliRunner().invoke(main, ["check", "--root", str(root), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_corpus_is_large_enough():
    assert len(CASES) >= 25
    assert len({c.code for c in CASES}) >= 20  # many different kinds of mistakes, not one kind 25 times


def test_the_unbroken_base_passes(project: Path):
    result = run_check(project)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK:")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_catalog(case: Case, project: Path):
    for edit in case.edits:
        edit(project)

    problems = check_project(project)
    assert [(p.file, p.line, p.column, p.code) for p in problems] == [(case.file, case.line, case.column, case.code)], \
        "\n".join(p.format() for p in problems)
    problem = problems[0]
    for word in case.words:
        assert word in problem.message
    for word in case.hint_words:
        assert word in problem.hint
    assert problem.hint, "every problem tells the steward what to do"

    text = run_check(project)
    assert text.exit_code == case.exit_code
    first_line = text.output.splitlines()[0]
    assert first_line == f"{case.file}:{case.line}:{case.column}: {problem.message}"
    assert text.output.splitlines()[1].strip() == f"hint: {problem.hint}"

    machine = run_check(project, "--format", "json")
    assert machine.exit_code == case.exit_code
    report = json.loads(machine.output)
    assert report["ok"] is False
    assert report["problems"] == [problem.to_dict()]

    if case.secret:
        assert case.secret not in text.output
        assert case.secret not in machine.output


def test_usage_error_exits_2(project: Path):
    result = CliRunner().invoke(main, ["check", "--root", str(project), "--format", "xml"])
    assert result.exit_code == 2
    assert "xml" in result.output


def test_problems_in_several_files_are_all_reported(project: Path):
    for case in CASES:
        if case.name in {"unknown frequency", "steward file breaks its schema", "schema field without description"}:
            for edit in case.edits:
                edit(project)
    result = run_check(project)
    assert result.exit_code == 1
    assert "3 problems in 3 files." in result.output


def test_a_broken_entry_skips_only_its_own_steward_file(project: Path):
    for case in CASES:
        if case.name in {"unknown theme", "steward file breaks its schema"}:  # both in dataset 'kommuner'
            for edit in case.edits:
                edit(project)
    problems = check_project(project)
    assert [p.code for p in problems] == ["not-allowed"]  # the data is checked once the entry is fixed


@pytest.mark.parametrize("text", ["#\n| #\n", "# Kalmar\n> # x\n  folded\n"])
def test_a_document_the_yaml_reader_stops_on_without_a_position_is_a_problem_not_a_crash(project: Path, text: str):
    (project / "catalog.yaml").write_text(text, encoding="utf-8")
    result = run_check(project)
    assert result.exit_code == 1, result.output
    assert "catalog.yaml:1:1" in result.output and "YAML syntax error" in result.output
