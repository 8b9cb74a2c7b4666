"""The commands of `oppnadata`, one module each: parse the options, call one stage's face, print.

`COMMANDS` is what `pipelines.cli` adds to its group, in the order `--help` lists them.
"""

from .check import check_command
from .download import download_command
from .list import list_command
from .publish import publish_command
from .register import register_command
from .run import run_command
from .serve import serve_command
from .validate import validate_command
from .worker import worker_command

COMMANDS = (validate_command, publish_command, download_command, run_command, serve_command,
            worker_command, check_command, list_command, register_command)
