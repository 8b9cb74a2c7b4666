"""The flow a worker runs for one batch of a fanned-out night (`pipelines.run.fanout`).

It runs its datasets exactly as a night in one process does (`run_datasets`:
the same tasks, decisions and timeouts) and posts each finished dataset's
outcome to the Prefect server as a table artifact, about once a second, so the
parent flow collects them wherever this worker is, and knows which datasets a
batch that dies had already finished. The parent does the rest of the night
(organizations, withdrawals, notifications, the report).
"""

from __future__ import annotations

import time
from dataclasses import replace

from prefect import flow
from prefect.artifacts import create_table_artifact
from prefect.states import Completed, State

# Absolute imports: a worker loads this file by its path as a top-level script (see flows.py).
from pipelines.config import load_settings
from pipelines.outcome import DatasetOutcome
from pipelines.redaction import Redactor, redact_logs
from pipelines.run.fanout import OUTCOMES_DESCRIPTION
from pipelines.run.flows import DEFAULT_COLLECT_RETRIES, DEFAULT_RETRY_DELAY_SECONDS, open_run, run_datasets

FLUSH_SECONDS = 1.0


class OutcomeReporter:
    """A ProgressListener that posts outcomes to the server in small groups (one artifact per group).

    Their messages are redacted first: the artifacts are stored on the Prefect server.
    """

    def __init__(self, redact: Redactor, flush_seconds: float = FLUSH_SECONDS):
        self.redact = redact
        self.flush_seconds = flush_seconds
        self.pending: list[DatasetOutcome] = []
        self.last_flush = time.monotonic()
        self.posted = 0

    def started(self, total: int) -> None:
        pass

    def finished(self, outcome: DatasetOutcome) -> None:
        self.pending.append(replace(outcome, message=self.redact(outcome.message)))
        if time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            create_table_artifact([o.to_dict() for o in self.pending], description=OUTCOMES_DESCRIPTION)
            self.posted += len(self.pending)
            self.pending = []
        self.last_flush = time.monotonic()


@flow(name="nightly-batch", validate_parameters=False)
def nightly_batch(
    run_id: str,
    datasets: list[str],
    collect_retries: int = DEFAULT_COLLECT_RETRIES,
    retry_delay_seconds: float = DEFAULT_RETRY_DELAY_SECONDS,
) -> State:
    """Collect, validate and publish the named datasets as part of night `run_id`; outcomes go to the parent."""
    settings = load_settings()
    redact = Redactor(settings.secret_values())
    # As in the nightly flow: Prefect stores its run loggers' records on its server, so they are redacted first
    redact_logs(redact, "prefect.flow_runs", "prefect.task_runs")
    run = open_run(settings, run_id=run_id)
    chosen = [run.catalog.dataset(dataset_id) for dataset_id in datasets]  # KeyError: this worker's catalog differs
    reporter = OutcomeReporter(redact)
    run_datasets(run, chosen, collect_retries=collect_retries, retry_delay_seconds=retry_delay_seconds, progress=reporter)
    reporter.flush()
    return Completed(message=f"{reporter.posted} datasets reported")
