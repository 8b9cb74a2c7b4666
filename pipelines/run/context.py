"""What one run's datasets share, wherever they run: the run context, progress listening, failure notes.

Its own module so a worker's batch (`batch`) can use it without loading the
nightly flow's module and what only the night needs (harvesting and its RDF
libraries): a batch is a fresh Python process, and its imports are part of
every fanned-out night.
"""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

# Absolute imports: a worker loads batch.py, which imports this, by its path as a top-level script (see flows.py).
from pipelines.catalog import load_catalog
from pipelines.ckan import CountingCKAN, Publisher, connect, describe_error
from pipelines.config import Settings
from pipelines.model import Catalog
from pipelines.outcome import DatasetOutcome
from pipelines.run.pipeline import Stage
from pipelines.sources import HttpSettings

DEFAULT_COLLECT_RETRIES = HttpSettings.max_attempts - 1
DEFAULT_RETRY_DELAY_SECONDS = HttpSettings.backoff_max


@runtime_checkable
class ProgressListener(Protocol):
    """Told when the datasets are known and each time one finishes (e.g. the `run` progress bar)."""

    def started(self, total: int) -> None: ...

    def finished(self, outcome: DatasetOutcome) -> None: ...


class RunContext:
    """What every dataset task of one run shares: settings, catalog, the CKAN publisher.

    A plain class on purpose, not a dataclass: Prefect walks dataclass task
    parameters to find futures, which would copy the whole catalog for every
    task and trip over `stages` while other threads update it.
    """

    def __init__(self, settings: Settings, catalog: Catalog, client: CountingCKAN, publisher: Publisher, run_id: str):
        self.settings = settings
        self.catalog = catalog
        self.client = client
        self.publisher = publisher
        self.run_id = run_id
        self.stages: dict[str, Stage] = {}  # dataset id -> stage it is in
        self._lock = threading.Lock()

    def enter(self, dataset_id: str, stage: Stage) -> None:
        with self._lock:
            self.stages[dataset_id] = stage

    def stage_of(self, dataset_id: str) -> Stage:
        with self._lock:
            return self.stages.get(dataset_id, Stage.START)


def open_run(settings: Settings, run_id: str) -> RunContext:
    catalog = load_catalog(settings.catalog_path)
    client = connect(settings)
    return RunContext(settings, catalog, client, Publisher(client, catalog, settings), run_id)


def death_note(stage: Stage, *, timed_out_after: float | None = None, error: object = None) -> str:
    """Why a dataset that timed out or crashed is recorded as failed: where it was, and the timeout or the error."""
    if timed_out_after is not None:
        return f"timed out after {timed_out_after:g} s during {stage}"
    return f"failed during {stage}: {describe_error(error) if isinstance(error, Exception) else error}"
