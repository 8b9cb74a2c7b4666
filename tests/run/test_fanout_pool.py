"""The work pool and the batch deployment a fanned-out night needs are prepared safely by many at once.

Workers started with `prefect worker start --pool P --type process` create
their pool when it is missing, and in production they start at about the same
time as the first night: the night must not fail because someone else created
the pool between its look and its creation. Against the session's real Prefect
server on PostgreSQL, as in production (no fakes): several threads prepare one
new pool at the same moment.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipelines.run.fanout import batch_deployment_name, ensure_batch_deployment

pytestmark = [pytest.mark.prefect, pytest.mark.ckan]  # the server's database lives in the portal's cluster


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
