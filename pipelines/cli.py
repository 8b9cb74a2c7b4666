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


# Commands: one import and one add_command per module in pipelines/commands/.
from .commands.publish import publish_command  # noqa: E402
from .commands.validate import validate_command  # noqa: E402

main.add_command(validate_command)
main.add_command(publish_command)
from .commands.download import download_command  # noqa: E402
main.add_command(download_command)
from .commands.run import run_command  # noqa: E402
main.add_command(run_command)
from .commands.serve import serve_command  # noqa: E402
main.add_command(serve_command)
from .commands.check import check_command  # noqa: E402
main.add_command(check_command)
from .commands.list import list_command  # noqa: E402
main.add_command(list_command)
from .commands.register import register_command  # noqa: E402
main.add_command(register_command)
