"""Prefect flows and tasks, and nothing else: the stages live in `pipelines.run.pipeline`.

Why the shape is what it is (measured with Prefect 3.9 here):
- One dataset is one *task* ("dataset") whose nested tasks are the stages
  (collect+normalize, validate, publish), so the UI shows every stage. A
  subflow per dataset would read better, but each subflow run costs about a
  second of Prefect overhead, which for 200 datasets is minutes of nothing.
  A fanned-out night's batches run the same decisions without the tasks
  (`batch.run_batch`): there the batch flow run is the unit the UI shows.
- Datasets run on a thread pool sized by OPPNADATA_CONCURRENCY; the per-dataset
  task has OPPNADATA_DATASET_TIMEOUT as its Prefect timeout. In a worker thread
  a timeout cannot interrupt a blocking read; the HTTP layer's own read timeout
  bounds that, and the dataset timeout fires at the next Python step.
- Nothing is retried here: the HTTP layer (`pipelines.sources.retry`) is the
  only one that retries, request by request, so a source is tried at most
  `collect_retries + 1` times, not that many times the HTTP layer's attempts.
  The flow's `collect_retries` and `retry_delay_seconds` set that layer's
  retries and its longest wait.
- The decisions are `pipeline.run_dataset`'s, the same function
  `process_dataset` runs, with these tasks as its stages: a failure is
  recorded in CKAN, the last good version stays online, and the other
  datasets go on.
- The nightly flow processes everything, writes the reports, and only then
  returns a Failed state when any dataset failed, so monitoring notices.
- Around that: the run's locks (`lock`: one night at a time, one process per
  dataset), the fan-out to a work pool when OPPNADATA_WORK_POOL is set
  (`fanout`, `batch`), and the stewards' mails after the datasets (`notify`).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

# Absolute imports, unlike the rest of the package: a Prefect worker loads this file by its path
# (prefect.yaml's entrypoint) as a top-level script, where a relative import has no package to start from.
from pipelines.ckan import Publisher, describe_error
from pipelines.config import Settings, load_settings
from pipelines.model import Dataset, HarvestSource
from pipelines.outcome import DatasetOutcome, HarvestOutcome, Status
from pipelines.redaction import Redactor, redact_logs
from pipelines.run.context import (
    DEFAULT_COLLECT_RETRIES,
    DEFAULT_RETRY_DELAY_SECONDS,
    ProgressListener,
    RunContext,
    death_note,
    open_run,
)
from pipelines.run.harvest import harvest_source
from pipelines.run.ordering import processing_batches
from pipelines.run.pipeline import (
    OrganizationSync,
    Stage,
    Stages,
    collect_step,
    http_settings,
    publish_step,
    run_dataset,
    sync_organizations,
    validate_step,
)
from pipelines.run.fanout import fan_out
from pipelines.run.lock import RunLocked, run_lock
from pipelines.run.notify import MailReport, notify_stewards, with_portal_state
from pipelines.run.reporting.markdown import summary_markdown
from pipelines.run.reporting.rows import summary_rows
from pipelines.run.summary import RunSummary, write_summary
from pipelines.run.workdirs import prune_old_runs
from pipelines.sources import Collected, HttpSettings, SourceValidators, is_remote
from pipelines.validation import ValidationReport

# ---- tasks -------------------------------------------------------------------


@task(name="collect", cache_policy=NO_CACHE)
def collect_task(
    dataset: Dataset, settings: Settings, workdir: Path, previous: SourceValidators | None, http: HttpSettings | None
) -> tuple[Collected, dict]:
    """Download or read the source and normalize it to canonical CSV (conditional GET when possible)."""
    return collect_step(dataset, settings, workdir, previous, http)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(collected: Collected, schema: dict, workdir: Path) -> ValidationReport | None:
    return validate_step(collected, schema, workdir)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(
    dataset: Dataset, publisher: Publisher, collected: Collected, report: ValidationReport | None, schema: dict
) -> DatasetOutcome:
    return publish_step(dataset, publisher, collected, report, schema)


@task(name="record-failure", cache_policy=NO_CACHE)
def record_failure_task(publisher: Publisher, dataset: Dataset, status: Status, message: str) -> DatasetOutcome:
    return publisher.record_failure(dataset, status, message)


@task(name="sync-organizations", cache_policy=NO_CACHE)
def sync_organizations_task(publisher: Publisher) -> OrganizationSync:
    return sync_organizations(publisher)


@task(name="withdraw-removed", cache_policy=NO_CACHE)
def withdraw_removed_task(publisher: Publisher) -> list[DatasetOutcome]:
    return publisher.withdraw_removed()


@task(name="dataset", cache_policy=NO_CACHE, task_run_name="dataset-{dataset.id}")
def dataset_task(dataset: Dataset, run: RunContext, http: HttpSettings) -> DatasetOutcome:
    """One dataset, collect → validate → publish; returns its outcome, never raises for its own failures.

    The decisions are `run_dataset`'s; this task only supplies the stages as
    nested Prefect tasks (so the UI shows each one) and tells the run which
    stage the dataset is in.
    """
    stages = Stages(
        collect=collect_task.with_options(task_run_name=f"collect-{dataset.id}"),
        validate=validate_task.with_options(task_run_name=f"validate-{dataset.id}"),
        publish=publish_task.with_options(task_run_name=f"publish-{dataset.id}"),
        record_failure=record_failure_task,
        enter=lambda stage: run.enter(dataset.id, stage),
    )
    return run_dataset(dataset, run.settings, run.publisher, run.settings.work_dir / run.run_id / dataset.id, stages, http)


@task(name="harvest", cache_policy=NO_CACHE, task_run_name="harvest-{harvest.id}")
def harvest_task(harvest: HarvestSource, run: RunContext, http: HttpSettings) -> HarvestOutcome:
    """One harvest source: its catalog read, every record mirrored, gone records withdrawn (`run.harvest`)."""
    workdir = run.settings.work_dir / run.run_id / f"harvest-{harvest.id}"
    workdir.mkdir(parents=True, exist_ok=True)
    return harvest_source(harvest, run.settings, run.catalog, run.client, run.publisher, workdir, http)


# ---- running many datasets ---------------------------------------------------


def _died(run: RunContext, dataset: Dataset, state: State, timeout: float) -> DatasetOutcome:
    """Outcome for a dataset task that timed out or crashed: recorded in CKAN, never lost."""
    stage = run.stage_of(dataset.id)
    if state.name == "TimedOut":
        message = death_note(stage, timed_out_after=timeout)
    else:
        error = state.result(raise_on_failure=False)
        message = death_note(stage, error=error if isinstance(error, Exception) else state.message)
    return record_failure_task(run.publisher, dataset, stage.failure_status, message)


def run_datasets(
    run: RunContext,
    datasets: list[Dataset],
    *,
    collect_retries: int,
    retry_delay_seconds: float,
    progress: ProgressListener | None = None,
) -> list[DatasetOutcome]:
    """Process datasets concurrently (at most `settings.concurrency`); one failure never stops the rest.

    `collect_retries` and `retry_delay_seconds` are the HTTP layer's retries of each request and its longest wait.
    """
    timeout = run.settings.dataset_timeout_seconds
    http = http_settings(run.settings, retries=collect_retries, retry_delay=retry_delay_seconds)
    one = dataset_task.with_options(timeout_seconds=timeout)
    outcomes: list[DatasetOutcome] = []
    with ThreadPoolTaskRunner(max_workers=max(1, run.settings.concurrency)) as runner:
        futures = {runner.submit(one, parameters=dict(dataset=ds, run=run, http=http)): ds for ds in datasets}
        for future in as_completed(list(futures)):
            dataset = futures[future]
            future.wait()
            if future.state.is_completed():
                outcome = future.result()
            else:
                outcome = _died(run, dataset, future.state, timeout)
            outcome = with_portal_state(outcome, run.publisher)
            outcomes.append(outcome)
            if progress is not None:
                progress.finished(outcome)
    return outcomes


def _finish(
    run: RunContext, outcomes: list[DatasetOutcome], started: datetime, t0: float, run_errors: list[str],
    harvests: list[HarvestOutcome] = (), remote_sources: int = 0,
    notifications: tuple[MailReport, ...] = (), writes_elsewhere: int = 0,
) -> RunSummary | State:
    """Write the JSON report and the artifacts; Failed (after everything ran) when anything failed.

    `writes_elsewhere`: CKAN writes made by other processes (the workers' batches), not by this run's client.
    """
    logger = get_run_logger()
    redact = Redactor(run.settings.secret_values())
    outcomes = [replace(o, message=redact(o.message)) for o in outcomes]
    run_errors = [redact(e) for e in run_errors]
    summary = RunSummary.build(
        outcomes,
        run_id=run.run_id,
        run_name=flow_run.get_name() or run.run_id,
        started=started.replace(microsecond=0).isoformat(),
        finished=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        seconds=round(time.monotonic() - t0, 3),
        portal_url=run.settings.ckan_url,
        write_calls=run.client.write_calls + writes_elsewhere,
        run_errors=tuple(run_errors),
        harvests=tuple(harvests),
        remote_sources=remote_sources,
        notifications=notifications,
    )
    path = write_summary(summary, run.settings.reports_dir)
    create_markdown_artifact(summary_markdown(summary), key="nightly-report", description=summary.headline())
    create_table_artifact(summary_rows(summary), key="nightly-datasets", description=summary.headline())
    logger.info("%s; report %s", summary.headline(), path)
    if not summary.ok:
        return Failed(message=summary.headline(), data=summary)
    return Completed(message=summary.headline(), data=summary)


def _fan_out(run: RunContext, datasets: list[Dataset], collect_retries: int, retry_delay_seconds: float,
             progress: ProgressListener | None, run_errors: list[str]) -> tuple[list[DatasetOutcome], int]:
    """The datasets as batches on the work pool's workers (`pipelines.run.fanout`); notes go to the run report.

    Returns the outcomes and the CKAN writes the workers made (those recorded here count in this run's client).
    """
    lost: set[str] = set()

    def record_lost(dataset: Dataset, reason: str) -> DatasetOutcome:
        lost.add(dataset.id)
        return with_portal_state(run.publisher.record_failure(dataset, Status.PUBLISH_ERROR, reason), run.publisher)

    result = fan_out(
        run.settings, run.run_id, flow_run.get_name() or run.run_id, datasets,
        parameters=dict(collect_retries=collect_retries, retry_delay_seconds=retry_delay_seconds),
        record_lost=record_lost, progress=progress.finished if progress is not None else None,
        logger=get_run_logger(),
    )
    for note in result.retried:
        get_run_logger().warning("fan-out: %s", note)
    run_errors.extend(f"fan-out: {note}" for note in result.lost)
    return result.outcomes, sum(o.write_calls for o in result.outcomes if o.dataset_id not in lost)


def _run(
    datasets: list[str] | None,
    collect_retries: int,
    retry_delay_seconds: float,
    progress: ProgressListener | None,
    withdraw_removed: bool,
    lock_wait_seconds: float | None = None,
) -> RunSummary | State:
    started, t0 = datetime.now(timezone.utc), time.monotonic()
    settings = load_settings()
    # Prefect stores its run loggers' records (task tracebacks included) on its server: redact them first
    redact_logs(Redactor(settings.secret_values()), "prefect.flow_runs", "prefect.task_runs")
    run = open_run(settings, run_id=str(flow_run.get_id() or f"local-{int(time.time())}"))
    chosen = list(run.catalog.datasets)
    harvests = list(run.catalog.harvest)
    if datasets:
        unknown = sorted(set(datasets) - {d.id for d in chosen} - {h.id for h in harvests})
        if unknown:
            raise ValueError(f"not in catalog.yaml: {', '.join(unknown)}")
        chosen = [d for d in chosen if d.id in set(datasets)]
        harvests = [h for h in harvests if h.id in set(datasets)]
    try:
        # A harvest source is locked by its id like a dataset: two runs never mirror the same catalog at once.
        with run_lock(settings, [d.id for d in chosen] + [h.id for h in harvests], whole_night=withdraw_removed,
                      wait_seconds=lock_wait_seconds, holder=f"run {flow_run.get_name() or run.run_id}"):
            return _locked_run(run, chosen, harvests, started, t0, collect_retries, retry_delay_seconds, progress,
                               withdraw_removed)
    except RunLocked as exc:
        get_run_logger().error("%s", exc)
        return Failed(message=str(exc), data=exc)


def _locked_run(run: RunContext, chosen: list[Dataset], harvests: list[HarvestSource], started: datetime, t0: float,
                collect_retries: int, retry_delay_seconds: float, progress: ProgressListener | None,
                withdraw_removed: bool) -> RunSummary | State:
    if progress is not None:
        progress.started(len(chosen))
    run_errors: list[str] = []
    organizations = sync_organizations_task(run.publisher)
    if organizations.problem:
        run_errors.append(f"organizations: {organizations.problem}")
    http = http_settings(run.settings, retries=collect_retries, retry_delay=retry_delay_seconds)
    harvested = [harvest_task(harvest, run, http) for harvest in harvests]
    outcomes: list[DatasetOutcome] = []
    writes_elsewhere = 0
    for batch in processing_batches(chosen):  # a union after the members it reads, wherever they run
        if run.settings.work_pool:
            fanned, writes = _fan_out(run, batch, collect_retries, retry_delay_seconds, progress, run_errors)
            outcomes += fanned
            writes_elsewhere += writes
        else:
            outcomes += run_datasets(
                run, batch, collect_retries=collect_retries, retry_delay_seconds=retry_delay_seconds, progress=progress
            )
    remote = sum(1 for d in chosen if is_remote(d.source.type) and not d.withdrawn) + len(harvests)
    if withdraw_removed:
        try:
            outcomes += withdraw_removed_task(run.publisher)
        except Exception as exc:
            run_errors.append(f"withdrawing removed datasets: {describe_error(exc)}")
    prune_old_runs(run.settings.work_dir, run.settings.keep_runs, current=run.run_id)
    notifications = notify_stewards(run.settings, run.catalog, run.client, outcomes, night=started, run_url=_run_url())
    return _finish(run, outcomes, started, t0, run_errors, harvested, remote, notifications, writes_elsewhere)


def _run_url() -> str | None:
    """The flow run's page in the Prefect UI, when the run belongs to a server with a UI (not a temporary one)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL

    return flow_run.get_flow_run_ui_url() if PREFECT_API_URL.value() and PREFECT_UI_URL.value() else None


# ---- flows -------------------------------------------------------------------


@flow(name="nightly", validate_parameters=False)
def nightly(
    datasets: list[str] | None = None,
    collect_retries: int = DEFAULT_COLLECT_RETRIES,
    retry_delay_seconds: float = DEFAULT_RETRY_DELAY_SECONDS,
    progress: ProgressListener | None = None,
    lock_wait_seconds: float | None = None,
) -> RunSummary | State:
    """Collect, validate and publish the whole catalog (or the named datasets) to CKAN.

    Datasets removed from catalog.yaml are withdrawn only when the whole catalog runs.
    `progress` is an optional in-process ProgressListener (the `run` command's bar).
    `lock_wait_seconds`: how long to wait for a run holding the same datasets (default OPPNADATA_LOCK_WAIT).
    """
    return _run(datasets, collect_retries, retry_delay_seconds, progress, withdraw_removed=not datasets,
                lock_wait_seconds=lock_wait_seconds)


@flow(name="dataset", validate_parameters=False)
def single_dataset(
    dataset: str,
    collect_retries: int = DEFAULT_COLLECT_RETRIES,
    retry_delay_seconds: float = DEFAULT_RETRY_DELAY_SECONDS,
) -> RunSummary | State:
    """Collect, validate and publish one dataset, with the same tasks and reports as the nightly run."""
    return _run([dataset], collect_retries, retry_delay_seconds, None, withdraw_removed=False)
