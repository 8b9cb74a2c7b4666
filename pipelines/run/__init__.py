"""The run stage: one dataset start to finish, the Prefect flows around it, and what a run leaves behind.

`process_dataset` runs one dataset as plain functions (collect → validate →
decide → publish); the nightly flow runs the same decisions with Prefect tasks
as its stages. Modules: `pipeline` (the stages and the decisions), `harvest`
(one harvest source start to finish), `ordering` (members before unions),
`flows` (Prefect flows and tasks, nothing else), `summary` (the run report
and its JSON file), `reporting/` (its renderings), `run_log` (the run's log
file), `workdirs` (pruning old work folders), `prefect_server` (a local
Prefect server for the schedule), `lock` (one night at a time, one process
per dataset), `notify/` (the stewards' mails), `fanout` and `batch` (the
night as flow runs on a work pool's workers), `context` (what a run's datasets
share, in the nightly flow or a worker's batch).

The flows are loaded on first use (`from pipelines.run import nightly`):
Prefect reads PREFECT_HOME once when it is imported, so the commands must be
able to call `use_project_prefect_home` through this face before that.
"""

from __future__ import annotations

from typing import Any

from .lock import LockUnavailable, RunLocked, run_lock
from .notify import MailReport
from .pipeline import Stages, collect_step, process_dataset, publish_step, run_dataset, validate_step
from .prefect_server import (
    LocalPrefectServer,
    PrefectServerError,
    database_url_from,
    free_port,
    is_healthy,
    prefect_home,
    use_project_prefect_home,
)
from .ordering import processing_batches
from .reporting.console import summary_table
from .reporting.harvest import attention_lines, harvest_table
from .reporting.markdown import summary_markdown
from .run_log import finish_library_work, quiet_library_settings, run_log_path, stderr_to_log
from .reporting.rows import summary_rows
from .summary import RunSummary, latest_summary, read_summary, write_summary
from .warm import WarmStartUnavailable, start_warm_server
from .workdirs import prune_old_runs

_FROM_FLOWS = frozenset({"ProgressListener", "RunContext", "nightly", "open_run", "run_datasets", "single_dataset"})

__all__ = [
    "LocalPrefectServer",
    "LockUnavailable",
    "MailReport",
    "attention_lines",
    "finish_library_work",
    "harvest_table",
    "processing_batches",
    "quiet_library_settings",
    "run_log_path",
    "stderr_to_log",
    "PrefectServerError",
    "RunLocked",
    "RunSummary",
    "Stages",
    "collect_step",
    "database_url_from",
    "free_port",
    "is_healthy",
    "latest_summary",
    "process_dataset",
    "prefect_home",
    "prune_old_runs",
    "publish_step",
    "read_summary",
    "run_dataset",
    "run_lock",
    "summary_markdown",
    "summary_rows",
    "summary_table",
    "use_project_prefect_home",
    "validate_step",
    "WarmStartUnavailable",
    "start_warm_server",
    "write_summary",
    *sorted(_FROM_FLOWS),
]


def __getattr__(name: str) -> Any:
    if name in _FROM_FLOWS:
        from . import flows

        return getattr(flows, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
