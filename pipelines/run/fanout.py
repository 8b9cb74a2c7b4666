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
  OPPNADATA_WORKER_TIMEOUT seconds, when this parent marks it Crashed) is
  retried once for the datasets it had not reported; a dataset lost twice, or
  in a batch no worker started within OPPNADATA_FANOUT_START_TIMEOUT seconds,
  is recorded as failed with the reason. Nothing is lost silently.
- The parent holds the night's locks (`pipelines.run.lock`) for its batches.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
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


class FanOutError(RuntimeError):
    """The night could not be handed to the work pool at all (no deployment, no server)."""


def ensure_batch_deployment(client, pool: str) -> None:
    """Create the process work pool and the batch deployment when missing (never overwrite prefect.yaml's)."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    try:
        client.read_work_pool(pool)
    except ObjectNotFound:
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
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
        self.notes: list[str] = []
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

    def _collect(self, batches: list[Batch]) -> None:
        from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

        ids = [b.flow_run_id for b in batches]
        found = self.client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=ids)))
        by_run = {b.flow_run_id: b for b in batches}
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

    def _last_heartbeats(self, batches: list[Batch], since: datetime) -> dict[str, datetime]:
        from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter, EventResourceFilter

        resources = [f"prefect.flow-run.{b.flow_run_id}" for b in batches]
        page = self.client.read_events(
            filter=EventFilter(occurred=EventOccurredFilter(since=since), event=EventNameFilter(name=[HEARTBEAT_EVENT]),
                               resource=EventResourceFilter(id=resources)),
            limit=200,
        )
        last: dict[str, datetime] = {}
        for event in page.events:
            rid = event.resource.id
            last[rid] = max(last.get(rid, event.occurred), event.occurred)
        return last

    def _lost_or_unstarted(self, running: list[tuple[Batch, object]], now: datetime) -> list[tuple[Batch, str]]:
        """Batches whose worker is gone (silent too long) or that no worker started in time."""
        if time.monotonic() - self._last_liveness < LIVENESS_EVERY_SECONDS:
            return []
        self._last_liveness = time.monotonic()
        silent_after = timedelta(seconds=self.settings.worker_timeout_seconds)
        start_within = timedelta(seconds=self.settings.fanout_start_timeout_seconds)
        started = [(b, r) for b, r in running if r.state.is_running() or r.state.is_pending()]
        beats = self._last_heartbeats([b for b, _ in started], now - silent_after) if started else {}
        verdicts = []
        for batch, flow_run in running:
            since = flow_run.state.timestamp or now
            if flow_run.state.is_scheduled():
                if now - (flow_run.expected_start_time or since) > start_within:
                    verdicts.append((batch, f"no worker of pool {self.pool} started it within "
                                            f"{self.settings.fanout_start_timeout_seconds:g} s"))
                continue
            last = max(since, beats.get(f"prefect.flow-run.{batch.flow_run_id}", since))
            if now - last > silent_after:
                verdicts.append((batch, f"its worker went silent (no heartbeat for "
                                        f"{self.settings.worker_timeout_seconds:g} s)"))
        return verdicts

    def _give_up(self, batch: Batch, reason: str) -> None:
        """Mark a silent batch Crashed (or an unstarted one Cancelled) so the UI and a late worker agree."""
        from prefect.states import Cancelled, Crashed

        state = Cancelled(message=reason) if "started" in reason else Crashed(message=reason)
        try:
            self.client.set_flow_run_state(batch.flow_run_id, state, force=True)
        except Exception as exc:  # the server may be briefly unavailable: the batch is handled all the same
            self._log(f"{batch.name}: could not mark it {state.name}: {exc}")

    def _settle(self, batch: Batch, why: str, retryable: bool) -> Batch | None:
        """A finished batch: its missing datasets are retried once, then recorded as lost."""
        missing = [d for d in batch.datasets if d.id not in self.outcomes]
        if not missing:
            return None
        if retryable and batch.attempt < MAX_ATTEMPTS:
            self.notes.append(f"{batch.name} ({why}): {len(missing)} dataset(s) retried")
            return self.submit(missing, batch.attempt + 1)
        self.notes.append(f"{batch.name} ({why}): {len(missing)} dataset(s) recorded as failed")
        for dataset in missing:
            outcome = self.record_lost(dataset, f"not processed: flow run {batch.name} {why}")
            self.outcomes[dataset.id] = outcome
            if self.progress is not None:
                self.progress(outcome)
        return None

    def run(self, datasets: list[Dataset]) -> list[DatasetOutcome]:
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        open_batches = [self.submit(chunk, 1) for chunk in chunks(datasets, self.settings.fanout_batch_size)]
        while open_batches:
            time.sleep(POLL_SECONDS)
            runs = {r.id: r for r in self.client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[b.flow_run_id for b in open_batches])))}
            self._collect(open_batches)  # after reading the states: a final state's reports are all in
            now = datetime.now(timezone.utc)
            still_open, verdicts = [], {}
            live = [(b, runs[b.flow_run_id]) for b in open_batches if not runs[b.flow_run_id].state.is_final()]
            for batch, reason in self._lost_or_unstarted(live, now):
                self._give_up(batch, reason)
                verdicts[batch.flow_run_id] = reason
            for batch in open_batches:
                state = runs[batch.flow_run_id].state
                if batch.flow_run_id in verdicts:
                    reason = verdicts[batch.flow_run_id]
                    retry = self._settle(batch, reason, retryable="started" not in reason)
                elif state.is_final():
                    reason = f"ended {state.name}" + (f": {state.message}" if state.message and not state.is_completed() else "")
                    retry = self._settle(batch, reason, retryable=True)
                else:
                    still_open.append(batch)
                    continue
                if retry is not None:
                    still_open.append(retry)
            open_batches = still_open
        return [self.outcomes[d.id] for d in datasets]

    def _log(self, message: str) -> None:
        if self.logger is not None:
            self.logger.info(message)


def fan_out(settings: Settings, run_id: str, run_name: str, datasets: list[Dataset], *, parameters: dict,
            record_lost: Callable[[Dataset, str], DatasetOutcome],
            progress: Callable[[DatasetOutcome], None] | None = None, logger=None) -> tuple[list[DatasetOutcome], list[str]]:
    """Run `datasets` as batches on `settings.work_pool`; every dataset's outcome once, and notes on retries.

    `parameters` go to every batch (the HTTP retries); `record_lost(dataset,
    reason)` records a dataset no batch reported.
    """
    from prefect.client.orchestration import get_client

    if not datasets:
        return [], []
    with get_client(sync_client=True) as client:
        try:
            ensure_batch_deployment(client, settings.work_pool or "")
        except Exception as exc:
            raise FanOutError(f"cannot prepare work pool {settings.work_pool!r}: {exc}") from None
        fan = FanOut(client, settings, run_id, run_name, parameters=parameters, record_lost=record_lost,
                     progress=progress, logger=logger)
        outcomes = fan.run(datasets)
    return outcomes, fan.notes

