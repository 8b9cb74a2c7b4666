"""Every command is documented: in the README as `oppnadata <name>`, and in its own --help with an example."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def test_there_are_commands():
    assert {"check", "list", "register"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name: str):
    assert f"oppnadata {name}" in README, f"README.md does not mention `oppnadata {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_a_summary_and_an_example(name: str):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    summary = (main.commands[name].help or "").strip().splitlines()
    assert summary and summary[0].strip(), f"{name} has no one-line summary"
    assert "Example:" in result.output, f"`oppnadata {name} --help` shows no example"
    assert f"oppnadata {name}" in result.output.split("Example:", 1)[1]
