"""The `oppnadata` command line: one command per user task.

Each command lives in its own module under `pipelines/commands/` and is added
to the group below. Every command has a one-line help and an example in its
docstring; `tests/test_docs.py` checks that each one is documented in the README.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="oppnadata-kalmar")
def main() -> None:
    """Öppna data Kalmar län: check, collect, validate and publish the region's open data."""


# Commands: one import and one entry per module in pipelines/commands/.
from .commands.check import check_command  # noqa: E402
from .commands.download import download_command  # noqa: E402
from .commands.list import list_command  # noqa: E402
from .commands.publish import publish_command  # noqa: E402
from .commands.register import register_command  # noqa: E402
from .commands.run import run_command  # noqa: E402
from .commands.serve import serve_command  # noqa: E402
from .commands.validate import validate_command  # noqa: E402

for _command in (validate_command, publish_command, download_command, run_command, serve_command,
                 check_command, list_command, register_command):
    main.add_command(_command)
