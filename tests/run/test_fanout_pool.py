"""The work pool and the batch deployment a fanned-out night needs are prepared safely by many at once.

Workers started with `prefect worker start --pool P --type process` create
their pool when it is missing, and in production they start at about the same
time as the first night: the night must not fail because someone else created
the pool between its look and its creation. Against the session's real Prefect
test server (no fakes): several threads prepare one new pool at the same moment.
"""

from __future__ import annotations

import contextvars
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipelines.run.fanout import batch_deployment_name, ensure_batch_deployment

pytestmark = pytest.mark.prefect


def test_preparing_one_pool_from_many_places_at_once_succeeds_and_makes_it_once(prefect_harness):
    from prefect.client.orchestration import get_client

    pool = f"oppnadata-race-{uuid.uuid4().hex[:8]}"
    racers = 6
    barrier = threading.Barrier(racers)

    def prepare() -> None:
        with get_client(sync_client=True) as client:
            barrier.wait(timeout=60)
            ensure_batch_deployment(client, pool)

    contexts = [contextvars.copy_context() for _ in range(racers)]  # the harness's settings live in a context
    with ThreadPoolExecutor(racers) as threads:
        futures = [threads.submit(context.run, prepare) for context in contexts]
        errors = [f.exception(timeout=120) for f in futures]
    assert errors == [None] * racers

    with get_client(sync_client=True) as client:
        assert client.read_work_pool(pool).type == "process"
        deployment = client.read_deployment_by_name(batch_deployment_name(pool))
        assert deployment.work_pool_name == pool
        from prefect.client.schemas.filters import WorkPoolFilter, WorkPoolFilterName

        pools = client.read_work_pools(work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])))
        assert len(pools) == 1
        deployments = client.read_deployments(work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])))
        assert [d.name for d in deployments] == [pool]
