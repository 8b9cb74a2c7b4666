"""Full-text indexes of large tables, built by a CKAN background job right after the swap.

Why after the swap: PostgreSQL 15 builds a GiST or GIN index in one process, and for a text search
index that is the largest part of a large load — on this project's 2-core machine about 29 s of CPU
per million rows for GiST (GIN: 34 s), against about 12 s for everything else in the load
(benchmarks/publish.py prints both). A table with more than `ROWS_OPTION` rows is therefore swapped
in complete — every row, `_full_text`, the primary key and unique indexes, the trigger, statistics —
and its full-text indexes are built by a job (`ckan jobs worker`, which portal/stack runs) with the
names and definitions datastore_create gives them. Until that job commits, full-text searches (`q`)
give the same answers from a scan of the table, only slower. The build takes a SHARE lock: readers
are never blocked; a datastore_upsert on that table waits until the index is there. A smaller
table gets its full-text index inside the load, so it is complete at the commit.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from ckan.plugins import toolkit
from ckanext.datastore.backend.postgres import get_write_engine, identifier

from .indexes import MAINTENANCE_WORK_MEM, Index
from .locks import lock_resource

log = logging.getLogger(__name__)

ROWS_OPTION = "ckanext.kalmar.datastore_load.background_fulltext_index_rows"
DEFAULT_ROWS = 100_000
JOB_TIMEOUT = 4 * 3600  # seconds; a GiST build of 100 million rows takes about an hour here


def rows_limit() -> int:
    """Tables with more rows than this get their full-text indexes from the background job."""
    value = toolkit.config.get(ROWS_OPTION)
    return DEFAULT_ROWS if value in (None, "") else toolkit.asint(value)


def split(indexes: list[Index], rows: int) -> tuple[list[Index], list[Index]]:
    """(indexes built inside the load, full-text indexes left to the background job)."""
    later = [i for i in indexes if i.fulltext and rows > rows_limit()]
    return [i for i in indexes if i not in later], later


def queue(resource_id: str, later: list[Index]) -> str | None:
    """Enqueue the build of `later` on the resource's table; returns the job id (None when nothing is left)."""
    if not later:
        return None
    args = [resource_id, [dataclasses.asdict(i) for i in later]]
    try:
        job = toolkit.enqueue_job(build, args, title=f"kalmar full-text index {resource_id}",
                                  rq_kwargs={"timeout": JOB_TIMEOUT})
    except Exception:  # the job queue (Redis) is unreachable: the table still needs its index, so build it now
        log.exception("kalmar_datastore_load %s: could not queue the full-text index; building it now", resource_id)
        build(*args)
        return None
    return job.id


def build(resource_id: str, indexes: list[dict]) -> None:
    """The job: create each missing index on the resource's live table, in one transaction."""
    started = time.monotonic()
    planned = [Index(**i) for i in indexes]
    connection = get_write_engine().raw_connection()
    try:
        cur = connection.cursor()
        lock_resource(cur, resource_id)  # after any load of this resource in progress: index the table it leaves
        cur.execute(f"SET LOCAL statement_timeout = 0; SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        cur.execute("SELECT to_regclass(%s)", (identifier(resource_id),))
        if cur.fetchone()[0] is None:
            log.info("kalmar full-text index %s: the table was deleted meanwhile; nothing to build", resource_id)
            return
        built = []
        for index in planned:
            cur.execute("SELECT to_regclass(%s)", (identifier(index.name),))
            if cur.fetchone()[0] is None:  # a later load of a small table, or datastore_create, may have made it
                cur.execute(index.create_sql(resource_id, index.name))
                built.append(index.name)
        connection.commit()
    finally:
        connection.close()
    log.info("kalmar full-text index %s: built %s in %.1f s", resource_id, built, time.monotonic() - started)
