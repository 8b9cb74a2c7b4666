"""The `oppnadata` command line: one command per user task.

Each command lives in its own module under `pipelines/commands/`, listed in
that package's `COMMANDS` and added to the group below. Every command has a
one-line help and an example in its docstring; `tests/test_docs.py` checks that
each one is documented in the README.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="oppnadata-kalmar")
def main() -> None:
    """Öppna data Kalmar län: check, collect, validate and publish the region's open data."""


from .commands import COMMANDS  # noqa: E402  (the group exists before its commands are added)

for _command in COMMANDS:
    main.add_command(_command)
