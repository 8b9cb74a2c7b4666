"""The flow a worker runs for one batch of a fanned-out night (`pipelines.run.fanout`).

It makes the same decisions as a night in one process (`run_dataset`, the
same timeouts and failure records) and posts each finished dataset's outcome
to the Prefect server as a table artifact, about once a second, so the parent
flow collects them wherever this worker is, and knows which datasets a batch
that dies had already finished. The parent does the rest of the night
(organizations, withdrawals, notifications, the report).

Why plain calls and not the per-dataset Prefect tasks of a night in one
process: the batch flow run is what the UI shows of a worker's share, with its
outcomes table; a task run per dataset and per stage costs the server and the
worker CPU for every dataset, which on an unchanged night is more than the
dataset's own work. The datasets still run on a thread pool of
OPPNADATA_CONCURRENCY, each bounded by OPPNADATA_DATASET_TIMEOUT through
Prefect's own timeout scope (the mechanism behind a task's timeout: the
dataset is interrupted at its next Python step, a blocking read by the HTTP
layer's read timeout), and a dataset that times out or crashes is recorded as
failed naming its stage, as the task would have been.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace

from prefect import flow
from prefect.artifacts import create_table_artifact
from prefect.states import Completed, State
from prefect.utilities.timeout import timeout as timeout_scope

# Absolute imports: a worker loads this file by its path as a top-level script (see flows.py). Not the
# nightly flow's module: what only the night needs (harvesting) would be imported by every batch.
from pipelines.config import load_settings
from pipelines.model import Dataset
from pipelines.outcome import DatasetOutcome
from pipelines.redaction import Redactor, redact_logs
from pipelines.run.fanout import OUTCOMES_DESCRIPTION
from pipelines.run.context import (
    DEFAULT_COLLECT_RETRIES,
    DEFAULT_RETRY_DELAY_SECONDS,
    ProgressListener,
    RunContext,
    death_note,
    open_run,
)
from pipelines.run.notify import with_portal_state
from pipelines.run.pipeline import Stages, http_settings, run_dataset

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


class DatasetTimedOut(TimeoutError):
    """OPPNADATA_DATASET_TIMEOUT ran out for one dataset (raised into its thread by the timeout scope)."""


def run_batch(
    run: RunContext,
    datasets: list[Dataset],
    *,
    collect_retries: int,
    retry_delay_seconds: float,
    progress: ProgressListener | None = None,
) -> list[DatasetOutcome]:
    """Process datasets concurrently (at most `settings.concurrency`), as plain calls; one failure never stops the rest.

    `progress` hears of each outcome in this thread, as it finishes.
    """
    limit = run.settings.dataset_timeout_seconds
    http = http_settings(run.settings, retries=collect_retries, retry_delay=retry_delay_seconds)

    def one(dataset: Dataset) -> DatasetOutcome:
        stages = Stages(enter=lambda stage: run.enter(dataset.id, stage))
        workdir = run.settings.work_dir / run.run_id / dataset.id
        try:
            with timeout_scope(limit, timeout_exc_type=DatasetTimedOut):
                outcome = run_dataset(dataset, run.settings, run.publisher, workdir, stages, http)
        except DatasetTimedOut:
            note = death_note(run.stage_of(dataset.id), timed_out_after=limit)
        except Exception as exc:  # a bug or an unforeseen error: this dataset fails, the batch goes on
            note = death_note(run.stage_of(dataset.id), error=exc)
        else:
            return with_portal_state(outcome, run.publisher)
        stage = run.stage_of(dataset.id)
        return with_portal_state(run.publisher.record_failure(dataset, stage.failure_status, note), run.publisher)

    outcomes: list[DatasetOutcome] = []
    with ThreadPoolExecutor(max_workers=max(1, run.settings.concurrency), thread_name_prefix="dataset") as pool:
        for future in as_completed([pool.submit(one, dataset) for dataset in datasets]):
            outcome = future.result()
            outcomes.append(outcome)
            if progress is not None:
                progress.finished(outcome)
    return outcomes


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
    run_batch(run, chosen, collect_retries=collect_retries, retry_delay_seconds=retry_delay_seconds, progress=reporter)
    reporter.flush()
    return Completed(message=f"{reporter.posted} datasets reported")
