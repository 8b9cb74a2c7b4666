"""The fan-out's conversation with the Prefect server, against the session's real server on PostgreSQL.

- The work pool and the batch deployment are prepared safely by many at once:
  workers started with `prefect worker start --pool P --type process` create
  their pool when it is missing, and in production they start at about the
  same time as the first night, which must not fail because someone else
  created the pool between its look and its creation.
- Every outcome a batch posts is collected once, however many artifacts it
  posts (a batch of 500 datasets posts one about every second for minutes;
  the API answers at most 200 per call), and the state of every batch is read
  however many there are.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from pipelines.outcome import DatasetOutcome, Status
from pipelines.run.fanout import (
    OUTCOMES_DESCRIPTION,
    Batch,
    FanOut,
    batch_deployment_name,
    ensure_batch_deployment,
)

pytestmark = [pytest.mark.prefect, pytest.mark.ckan]  # the server's database lives in the portal's cluster

PAGE = 200  # the most the server answers in one call (PREFECT_SERVER_API_DEFAULT_LIMIT's default)


def test_preparing_one_pool_from_many_places_at_once_succeeds_and_makes_it_once(postgres_prefect_server):
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.filters import WorkPoolFilter, WorkPoolFilterName

    api_url = postgres_prefect_server.api_url
    pool = f"oppnadata-race-{uuid.uuid4().hex[:8]}"
    racers = 6
    barrier = threading.Barrier(racers)

    def prepare() -> None:
        with SyncPrefectClient(api_url) as client:
            barrier.wait(timeout=60)
            ensure_batch_deployment(client, pool)

    with ThreadPoolExecutor(racers) as threads:
        futures = [threads.submit(prepare) for _ in range(racers)]
        errors = [f.exception(timeout=120) for f in futures]
    assert errors == [None] * racers

    with SyncPrefectClient(api_url) as client:
        assert client.read_work_pool(pool).type == "process"
        deployment = client.read_deployment_by_name(batch_deployment_name(pool))
        assert deployment.work_pool_name == pool
        pools = client.read_work_pools(work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])))
        assert len(pools) == 1
        deployments = client.read_deployments(work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])))
        assert [d.name for d in deployments] == [pool]


def _pool_with_deployment(client) -> tuple[str, object]:
    pool = f"oppnadata-collect-{uuid.uuid4().hex[:8]}"  # no worker serves it: its runs stay scheduled
    ensure_batch_deployment(client, pool)
    return pool, client.read_deployment_by_name(batch_deployment_name(pool))


def _fan_out(client, pool: str) -> FanOut:
    settings = SimpleNamespace(work_pool=pool, worker_timeout_seconds=600.0, fanout_start_timeout_seconds=600.0)
    return FanOut(client, settings, "night", "night", parameters={}, record_lost=None)


def _post(client, run_id, outcomes: list[DatasetOutcome]) -> None:
    from prefect.client.schemas.actions import ArtifactCreate

    client.create_artifact(ArtifactCreate(type="table", data=[o.to_dict() for o in outcomes],
                                          description=OUTCOMES_DESCRIPTION, flow_run_id=run_id))


def test_every_outcome_of_a_batch_posting_more_artifacts_than_one_answer_holds_is_collected_once(postgres_prefect_server):
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(postgres_prefect_server.api_url) as client:
        pool, deployment = _pool_with_deployment(client)
        run = client.create_flow_run_from_deployment(deployment.id, parameters={"run_id": "night", "datasets": []})
        ids = [f"d-{i:04d}" for i in range(3 * PAGE)]
        batch = Batch([SimpleNamespace(id=i) for i in ids], attempt=1, flow_run_id=run.id, name="night-batch-1")
        heard: list[str] = []
        fan = _fan_out(client, pool)
        fan.progress = lambda outcome: heard.append(outcome.dataset_id)

        def outcome(dataset_id: str) -> DatasetOutcome:
            return DatasetOutcome(dataset_id, "kalmar", Status.PUBLISHED, rows=3, message=f"published {dataset_id}")

        # As a long batch reports: one artifact at a time (two datasets in some), the parent looking in between.
        posted = 0
        for i, dataset_id in enumerate(ids):
            if i % 7 == 1:
                continue  # posted with the one before it
            group = ids[i:i + 2] if i % 7 == 0 else [dataset_id]
            _post(client, run.id, [outcome(d) for d in group])
            posted += 1
            if i % 50 == 0:
                fan._collect([batch])
        assert posted > 2 * PAGE
        fan._collect([batch])  # a look while it runs reads only the newest page(s) ...
        fan._collect_all(batch)  # ... and the batch is read in full before it is settled
        assert sorted(heard) == ids  # every dataset once, none twice
        assert sorted(fan.outcomes) == ids and fan.outcomes["d-0300"].message == "published d-0300"
        assert len(batch.seen_artifacts) == posted


def test_the_state_of_every_batch_is_read_however_many_there_are(postgres_prefect_server):
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(postgres_prefect_server.api_url) as client:
        pool, deployment = _pool_with_deployment(client)
        batches = [Batch([], attempt=1, flow_run_id=client.create_flow_run_from_deployment(
            deployment.id, parameters={"run_id": "night", "datasets": []}).id) for _ in range(PAGE + 31)]
        runs = _fan_out(client, pool)._flow_runs(batches)
        assert set(runs) == {b.flow_run_id for b in batches}
        assert all(r.state.is_scheduled() for r in runs.values())
