"""Fan a night out to a Prefect work pool: one flow run per batch of datasets, on any number of workers.

Why this shape (OPPNADATA_WORK_POOL set; without it the night runs in one process):
- A batch, not a dataset, is one flow run: a process worker starts a Python
  process per flow run (seconds of imports), so a flow run per dataset would
  spend the night starting processes. OPPNADATA_FANOUT_BATCH_SIZE datasets per
  run; any number of workers take the runs as they come.
- The workers report through the Prefect server, nothing else: each batch
  posts its datasets' outcomes as table artifacts while it runs
  (`batch.OutcomeReporter`), so no shared disk or result storage is needed and
  the parent builds the same summary, report and artifacts as a night run in
  one process.
- Every dataset ends in the summary exactly once. A batch whose worker dies
  (its flow run crashes, or goes silent: no heartbeat for
  OPPNADATA_WORKER_TIMEOUT seconds, or stuck starting) is cancelled, so a
  worker that is alive after all stops it, and its unreported datasets run
  again once; a dataset lost twice, or in a batch no worker started within
  OPPNADATA_FANOUT_START_TIMEOUT seconds, is recorded as failed with the
  reason. Nothing is lost silently.
- The parent holds the night's locks (`pipelines.run.lock`) for its batches.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Callable
from uuid import UUID

from ..config import PROJECT_ROOT, Settings
from ..model import Dataset
from ..outcome import DatasetOutcome

BATCH_FLOW = "nightly-batch"
BATCH_ENTRYPOINT = "pipelines/run/batch.py:nightly_batch"
OUTCOMES_DESCRIPTION = "oppnadata outcomes"  # marks the artifacts a batch reports its datasets with
HEARTBEAT_EVENT = "prefect.flow-run.heartbeat"
POLL_SECONDS = 0.5
LIVENESS_EVERY_SECONDS = 5.0
MAX_ATTEMPTS = 2
MAX_SERVER_SILENCE_SECONDS = 300
NEWEST_PAGE = 10  # a look while batches run: each posts about one artifact a second, the parent looks twice a second


def batch_deployment_name(pool: str) -> str:
    """The deployment of the batch flow for a pool: `nightly-batch/<pool>`."""
    return f"{BATCH_FLOW}/{pool}"


def chunks(datasets: list[Dataset], size: int) -> list[list[Dataset]]:
    return [datasets[i:i + size] for i in range(0, len(datasets), size)]


def outcomes_from_artifact(data: object) -> list[DatasetOutcome]:
    """The outcomes a batch posted (a table artifact's rows are `DatasetOutcome.to_dict()`)."""
    rows = json.loads(data) if isinstance(data, str) else data
    return [DatasetOutcome(**row) for row in rows or []]


@dataclass
class Batch:
    datasets: list[Dataset]
    attempt: int
    flow_run_id: UUID | None = None
    name: str = ""
    seen_artifacts: set[UUID] = field(default_factory=set)


class Lost(StrEnum):
    """Why a batch that has not ended is given up on."""

    SILENT = "silent"  # a worker took it and went quiet: its unreported datasets run again
    UNSTARTED = "unstarted"  # no worker took it in time: more waiting would not help, its datasets fail


@dataclass(frozen=True)
class Verdict:
    batch: Batch
    kind: Lost
    reason: str


class FanOutError(RuntimeError):
    """The night could not be handed to the work pool at all (no deployment, no server)."""


def server_silent(exc: Exception) -> FanOutError:
    return FanOutError(f"the Prefect server did not answer for {MAX_SERVER_SILENCE_SECONDS} s: {exc}")


def engine_command() -> str:
    """What a process worker runs for a batch: the warm-start client (`pipelines.run.warm`), nothing around it.

    Under `oppnadata worker` the batch's process forks from the worker's warm
    engine server; under a stock `prefect worker start` the client becomes
    `python -m prefect.engine`. Without a command Prefect 3.9's process worker
    starts a workspace supervisor, a Python process that imports Prefect
    (seconds) only to start the engine's process, which imports it again. The
    interpreter and the client are named by their paths, like the working
    directory: a worker's checkout (with its .venv) sits where the nightly flow's does.
    """
    from prefect.utilities.processutils import command_to_string

    from .warm import client_command

    return command_to_string(client_command())


def ensure_batch_deployment(client, pool: str) -> None:
    """Create the process work pool and the batch deployment when missing (never overwrite prefect.yaml's).

    A worker started with `--pool` creates its pool when missing, so the pool
    may appear between the look and the creation: that is the pool wanted.
    """
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    try:
        client.read_work_pool(pool)
    except ObjectNotFound:
        try:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        except ObjectAlreadyExists:
            pass
    try:
        client.read_deployment_by_name(batch_deployment_name(pool))
        return
    except ObjectNotFound:
        pass
    flow_id = client.create_flow_from_name(BATCH_FLOW)
    client.create_deployment(
        flow_id=flow_id,
        name=pool,
        work_pool_name=pool,
        entrypoint=BATCH_ENTRYPOINT,
        path=str(PROJECT_ROOT),
        pull_steps=[{"prefect.deployments.steps.set_working_directory": {"directory": str(PROJECT_ROOT)}}],
        description="One batch of the nightly publication's datasets, on a worker (started by the nightly flow).",
        tags=["oppnadata", "nightly-batch"],
        enforce_parameter_schema=False,
        job_variables={"command": engine_command()},
    )


class FanOut:
    """One night's batches: submit, watch, collect, retry; `run()` returns every dataset's outcome once."""

    def __init__(self, client, settings: Settings, run_id: str, run_name: str, *, parameters: dict,
                 record_lost: Callable[[Dataset, str], DatasetOutcome],
                 progress: Callable[[DatasetOutcome], None] | None = None, logger=None):
        self.client = client
        self.settings = settings
        self.pool = settings.work_pool or ""
        self.run_id = run_id
        self.run_name = run_name
        self.parameters = parameters
        self.record_lost = record_lost
        self.progress = progress
        self.logger = logger
        self.outcomes: dict[str, DatasetOutcome] = {}
        self.retried: list[str] = []  # batches run again, and why
        self.lost: list[str] = []  # batches whose datasets were recorded as failed, and why
        self._submitted = 0
        self._last_liveness = 0.0

    # ---- submitting ----------------------------------------------------------------

    def submit(self, datasets: list[Dataset], attempt: int) -> Batch:
        from prefect.deployments import run_deployment

        self._submitted += 1
        batch = Batch(datasets, attempt, name=f"{self.run_name}-batch-{self._submitted}")
        flow_run = run_deployment(
            batch_deployment_name(self.pool),
            parameters={**self.parameters, "run_id": self.run_id, "datasets": [d.id for d in datasets]},
            flow_run_name=batch.name,
            timeout=0,  # do not wait here: the batches run side by side
            tags=["oppnadata", "nightly-batch"],
        )
        batch.flow_run_id = flow_run.id
        self._log(f"{batch.name}: {len(datasets)} datasets to pool {self.pool} (attempt {attempt})")
        return batch

    # ---- watching ------------------------------------------------------------------

    def _collect(self, batches: list[Batch], *, everything: bool = False) -> None:
        """Take in the outcomes the batches have posted since the last look (all of them when `everything`)."""
        by_run = {b.flow_run_id: b for b in batches}
        found = self._outcome_artifacts(batches, everything=everything)
        for artifact in sorted(found, key=lambda a: a.created or datetime.min.replace(tzinfo=timezone.utc)):
            batch = by_run.get(artifact.flow_run_id)
            if batch is None or artifact.id in batch.seen_artifacts or artifact.description != OUTCOMES_DESCRIPTION:
                continue
            batch.seen_artifacts.add(artifact.id)
            wanted = {d.id for d in batch.datasets}
            for outcome in outcomes_from_artifact(artifact.data):
                if outcome.dataset_id in wanted and outcome.dataset_id not in self.outcomes:
                    self.outcomes[outcome.dataset_id] = outcome
                    if self.progress is not None:
                        self.progress(outcome)

    def _outcome_artifacts(self, batches: list[Batch], *, everything: bool) -> list:
        """The batches' artifacts, newest first, read a page at a time.

        The server answers at most PREFECT_SERVER_API_DEFAULT_LIMIT (200
        unless set otherwise) per call. A look while the batches run reads
        NEWEST_PAGE at a time and stops at the first page that holds an
        artifact seen before: the rest are older. Artifacts of different
        batches may become visible out of their creation order, so a batch is
        read in full (`everything`: pages of the server's own size, until an
        empty one) before it is settled, and nothing it reported is missed.
        Paging newest first while batches post more can show an artifact
        twice, never skip one.
        """
        from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
        from prefect.client.schemas.sorting import ArtifactSort

        seen = set().union(*(b.seen_artifacts for b in batches))
        wanted = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[b.flow_run_id for b in batches]))
        found: list = []
        while True:
            page = self.client.read_artifacts(artifact_filter=wanted, sort=ArtifactSort.CREATED_DESC,
                                              limit=None if everything else NEWEST_PAGE, offset=len(found))
            found += page
            if not page or (not everything and (len(page) < NEWEST_PAGE or any(a.id in seen for a in page))):
                return found

    def _flow_runs(self, batches: list[Batch]) -> dict:
        """The batches' flow runs by id; asked again for those one answer did not hold (the server's limit)."""
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        runs: dict = {}
        missing = [b.flow_run_id for b in batches]
        while missing:
            page = self.client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=missing)))
            if not page:
                break
            runs.update({r.id: r for r in page})
            missing = [run_id for run_id in missing if run_id not in runs]
        return runs

    def _last_heartbeats(self, batches: list[Batch], since: datetime) -> dict[str, datetime]:
        from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter, EventResourceFilter

        last: dict[str, datetime] = {}
        for batch in batches:  # one query each: the newest heartbeat comes first
            resource = f"prefect.flow-run.{batch.flow_run_id}"
            page = self.client.read_events(
                filter=EventFilter(occurred=EventOccurredFilter(since=since), event=EventNameFilter(name=[HEARTBEAT_EVENT]),
                                   resource=EventResourceFilter(id=[resource])),
                limit=1,
            )
            if page.events:
                last[resource] = page.events[0].occurred
        return last

    def _verdicts(self, live: list[tuple[Batch, object]], now: datetime) -> list[Verdict]:
        """The live batches to give up: never started in time, stuck starting, or silent while running.

        Starting a flow run's process takes a while (imports) and sends no
        heartbeat yet, so a batch that is still starting is judged by the start
        timeout; a running one by its heartbeats.
        """
        if time.monotonic() - self._last_liveness < LIVENESS_EVERY_SECONDS:
            return []
        self._last_liveness = time.monotonic()
        silent_after = timedelta(seconds=self.settings.worker_timeout_seconds)
        start_within = timedelta(seconds=self.settings.fanout_start_timeout_seconds)
        running = [b for b, r in live if r.state.is_running()]
        beats = self._last_heartbeats(running, now - silent_after) if running else {}
        found = []
        for batch, flow_run in live:
            since = flow_run.state.timestamp or now
            if flow_run.state.is_scheduled():
                if now - (flow_run.expected_start_time or since) > start_within:
                    found.append(Verdict(batch, Lost.UNSTARTED, f"no worker of pool {self.pool} started it within "
                                                                f"{self.settings.fanout_start_timeout_seconds:g} s"))
            elif flow_run.state.is_running():
                last = max(since, beats.get(f"prefect.flow-run.{batch.flow_run_id}", since))
                if now - last > silent_after:
                    found.append(Verdict(batch, Lost.SILENT, f"its worker went silent (no heartbeat for "
                                                             f"{self.settings.worker_timeout_seconds:g} s)"))
            elif now - since > start_within:  # pending: a worker took it but its process never came up
                found.append(Verdict(batch, Lost.SILENT, f"its worker did not start it within "
                                                         f"{self.settings.fanout_start_timeout_seconds:g} s"))
        return found

    def _give_up(self, verdict: Verdict) -> None:
        """Cancel a batch given up on: a worker that is alive after all stops its process, so no dataset runs twice."""
        from prefect.states import Cancelled, Cancelling

        state = Cancelled if verdict.kind == Lost.UNSTARTED else Cancelling
        try:
            self.client.set_flow_run_state(verdict.batch.flow_run_id, state(message=verdict.reason), force=True)
        except Exception as exc:  # the server may be briefly unavailable: the batch is handled all the same
            self._log(f"{verdict.batch.name}: could not cancel it: {exc}")

    def _settle(self, batch: Batch, why: str, retryable: bool) -> Batch | None:
        """A finished batch: its missing datasets are retried once, then recorded as lost."""
        missing = [d for d in batch.datasets if d.id not in self.outcomes]
        if not missing:
            return None
        if retryable and batch.attempt < MAX_ATTEMPTS:
            self.retried.append(f"{batch.name} ({why}): {len(missing)} dataset(s) run again")
            return self.submit(missing, batch.attempt + 1)
        self.lost.append(f"{batch.name} ({why}): {len(missing)} dataset(s) recorded as failed")
        for dataset in missing:
            outcome = self.record_lost(dataset, f"not processed: flow run {batch.name} {why}")
            self.outcomes[dataset.id] = outcome
            if self.progress is not None:
                self.progress(outcome)
        return None

    def run(self, datasets: list[Dataset]) -> list[DatasetOutcome]:
        open_batches = [self.submit(chunk, 1) for chunk in chunks(datasets, self.settings.fanout_batch_size)]
        failures = 0
        while open_batches:
            time.sleep(POLL_SECONDS)
            try:
                runs = self._flow_runs(open_batches)
                self._collect(open_batches)  # after reading the states: a final state's reports are all in
            except Exception as exc:  # the server briefly unavailable: ask again, but not forever
                failures += 1
                if failures * POLL_SECONDS > MAX_SERVER_SILENCE_SECONDS:
                    raise server_silent(exc) from None
                continue
            failures = 0
            live = [(b, runs[b.flow_run_id]) for b in open_batches if not runs[b.flow_run_id].state.is_final()]
            try:
                verdicts = {v.batch.flow_run_id: v for v in self._verdicts(live, datetime.now(timezone.utc))}
            except Exception as exc:  # liveness is asked again in a few seconds
                self._log(f"could not check the batches' heartbeats: {exc}")
                verdicts = {}
            still_open = []
            for batch in open_batches:
                state = runs[batch.flow_run_id].state
                if batch.flow_run_id in verdicts:
                    verdict = verdicts[batch.flow_run_id]
                    self._give_up(verdict)
                    self._collect_all(batch)
                    retry = self._settle(batch, verdict.reason, retryable=verdict.kind == Lost.SILENT)
                elif state.is_final():
                    self._collect_all(batch)
                    reason = f"ended {state.name}" + (f": {state.message}" if state.message and not state.is_completed() else "")
                    retry = self._settle(batch, reason, retryable=True)
                else:
                    still_open.append(batch)
                    continue
                if retry is not None:
                    still_open.append(retry)
            open_batches = still_open
        return [self.outcomes[d.id] for d in datasets]

    def _collect_all(self, batch: Batch) -> None:
        """Every outcome a batch posted, before it is settled; the server briefly unavailable is asked again."""
        for attempt in range(MAX_SERVER_SILENCE_SECONDS):
            try:
                self._collect([batch], everything=True)
                return
            except Exception as exc:
                if attempt + 1 == MAX_SERVER_SILENCE_SECONDS:
                    raise server_silent(exc) from None
                time.sleep(1.0)

    def _log(self, message: str) -> None:
        if self.logger is not None:
            self.logger.info(message)


@dataclass(frozen=True)
class FanOutResult:
    outcomes: list[DatasetOutcome]  # every dataset's, once, in the order given
    retried: list[str]  # batches run again, and why (the night went on)
    lost: list[str]  # batches whose datasets were recorded as failed, and why


def fan_out(settings: Settings, run_id: str, run_name: str, datasets: list[Dataset], *, parameters: dict,
            record_lost: Callable[[Dataset, str], DatasetOutcome],
            progress: Callable[[DatasetOutcome], None] | None = None, logger=None) -> FanOutResult:
    """Run `datasets` as batches on `settings.work_pool`.

    `parameters` go to every batch (the HTTP retries); `record_lost(dataset,
    reason)` records a dataset no batch reported.
    """
    from prefect.client.orchestration import get_client

    if not datasets:
        return FanOutResult([], [], [])
    with get_client(sync_client=True) as client:
        try:
            ensure_batch_deployment(client, settings.work_pool or "")
        except Exception as exc:
            raise FanOutError(f"cannot prepare work pool {settings.work_pool!r}: {type(exc).__name__}: {exc}") from None
        fan = FanOut(client, settings, run_id, run_name, parameters=parameters, record_lost=record_lost,
                     progress=progress, logger=logger)
        outcomes = fan.run(datasets)
    return FanOutResult(outcomes, fan.retried, fan.lost)
