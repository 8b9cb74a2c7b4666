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

Why a pending table: the job queue lives in Redis and its worker can die mid-build (a portal
restart, a crash), which would otherwise leave a table without its index and nobody the wiser. The
load writes what is still to be built into `PENDING_TABLE` in the swap's own transaction, so the
record and the table never disagree; the job deletes the record in the transaction that creates the
index. A failed attempt records its error there and is tried again after `RETRY_DELAYS`; whatever
is still pending when the worker starts is queued again (`ckan kalmar requeue-fulltext-indexes`,
run by portal/stack), and `kalmar_datastore_index_status` shows the record to anyone who may read
the resource. The data itself is never touched by the job: a failure costs only search speed.
"""

from __future__ import annotations

import dataclasses
import json
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
PENDING_TABLE = "_kalmar_fulltext_index"  # "_": not a DataStore resource (kept out of _table_metadata)
RETRY_DELAYS = (10, 60, 300)  # seconds before the second, third and fourth attempt of one job

_CREATE_PENDING = f"""CREATE TABLE IF NOT EXISTS "{PENDING_TABLE}" (
    resource_id text PRIMARY KEY,
    indexes jsonb NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'building', 'failed')),
    attempts int NOT NULL DEFAULT 0,
    error text,
    updated timestamptz NOT NULL DEFAULT now())"""


def rows_limit() -> int:
    """Tables with more rows than this get their full-text indexes from the background job."""
    value = toolkit.config.get(ROWS_OPTION)
    return DEFAULT_ROWS if value in (None, "") else toolkit.asint(value)


def split(indexes: list[Index], rows: int) -> tuple[list[Index], list[Index]]:
    """(indexes built inside the load, full-text indexes left to the background job)."""
    later = [i for i in indexes if i.fulltext and rows > rows_limit()]
    return [i for i in indexes if i not in later], later


def ensure_pending_table() -> None:
    """Create PENDING_TABLE once, in a short transaction of its own (two first loads may race to create it)."""
    connection = get_write_engine().raw_connection()
    try:
        cur = connection.cursor()
        cur.execute("SELECT to_regclass(%s)", (identifier(PENDING_TABLE),))
        if cur.fetchone()[0] is None:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (PENDING_TABLE,))
            cur.execute(_CREATE_PENDING)
        connection.commit()
    finally:
        connection.close()


def record(cur, resource_id: str, later: list[Index]) -> None:
    """In the load's transaction: what the new table still needs (nothing: any older record is void)."""
    if not later:
        cur.execute(f'DELETE FROM "{PENDING_TABLE}" WHERE resource_id = %s', (resource_id,))
        return
    cur.execute(f'INSERT INTO "{PENDING_TABLE}" (resource_id, indexes, state) VALUES (%s, %s, \'pending\') '
                "ON CONFLICT (resource_id) DO UPDATE SET indexes = EXCLUDED.indexes, state = 'pending', "
                "attempts = 0, error = NULL, updated = now()",
                (resource_id, json.dumps([dataclasses.asdict(i) for i in later])))


def queue(resource_id: str) -> str | None:
    """Enqueue the build of the resource's pending indexes; returns the job id (None: built here instead)."""
    try:
        job = toolkit.enqueue_job(build, [resource_id], title=f"kalmar full-text index {resource_id}",
                                  rq_kwargs={"timeout": JOB_TIMEOUT})
    except Exception:  # the job queue (Redis) is unreachable: the table still needs its index, so build it now
        log.exception("kalmar_datastore_load %s: could not queue the full-text index; building it now", resource_id)
        build(resource_id)
        return None
    return job.id


def requeue() -> list[str]:
    """Queue a build for every resource with pending indexes (after a worker died); returns their ids."""
    ensure_pending_table()
    connection = get_write_engine().raw_connection()
    try:
        cur = connection.cursor()
        cur.execute(f'SELECT resource_id FROM "{PENDING_TABLE}" ORDER BY updated')
        resource_ids = [r[0] for r in cur.fetchall()]
    finally:
        connection.close()
    for resource_id in resource_ids:
        toolkit.enqueue_job(build, [resource_id], title=f"kalmar full-text index {resource_id}",
                            rq_kwargs={"timeout": JOB_TIMEOUT})
    return resource_ids


def status(resource_id: str) -> dict:
    """The pending record of a resource's table: state, attempts, last error; `complete` when there is none."""
    ensure_pending_table()
    connection = get_write_engine().raw_connection()
    try:
        cur = connection.cursor()
        cur.execute(f'SELECT indexes::text, state, attempts, error, updated FROM "{PENDING_TABLE}" '
                    "WHERE resource_id = %s", (resource_id,))
        row = cur.fetchone()
    finally:
        connection.close()
    if row is None:
        return {"resource_id": resource_id, "state": "complete", "indexes": [], "attempts": 0, "error": None}
    indexes, state, attempts, error, updated = row
    return {"resource_id": resource_id, "state": state, "indexes": [i["name"] for i in json.loads(indexes)],
            "attempts": attempts, "error": error, "updated": updated.isoformat()}


def build(resource_id: str) -> list[str]:
    """The job: build the resource's pending indexes, trying again after each of RETRY_DELAYS; returns their names."""
    for attempt in range(len(RETRY_DELAYS) + 1):
        try:
            return _attempt(resource_id)
        except Exception as exc:
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
            _record_failure(resource_id, error)
            if attempt == len(RETRY_DELAYS):
                log.error("kalmar full-text index %s: attempt %d failed (%s); giving up", resource_id, attempt + 1, error)
                raise
            log.warning("kalmar full-text index %s: attempt %d failed (%s); trying again in %d s",
                        resource_id, attempt + 1, error, RETRY_DELAYS[attempt])
            time.sleep(RETRY_DELAYS[attempt])
    return []


def _attempt(resource_id: str) -> list[str]:
    started = time.monotonic()
    connection = get_write_engine().raw_connection()
    try:
        cur = connection.cursor()
        # Counted before the wait for the resource's lock, and committed, so a crash mid-build stays visible.
        cur.execute(f"UPDATE \"{PENDING_TABLE}\" SET state = 'building', attempts = attempts + 1, updated = now() "
                    "WHERE resource_id = %s", (resource_id,))
        connection.commit()
        lock_resource(cur, resource_id)  # after any load of this resource in progress: index the table it leaves
        # A build whose worker died is stopped within a second instead of holding its locks to the end.
        cur.execute(f"SET LOCAL statement_timeout = 0; SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'; "
                    "SET LOCAL client_connection_check_interval = '1s'")
        # As text: CKAN's engine leaves jsonb unparsed, a plain psycopg2 connection would parse it.
        cur.execute(f'SELECT indexes::text FROM "{PENDING_TABLE}" WHERE resource_id = %s FOR UPDATE', (resource_id,))
        row = cur.fetchone()
        if row is None:  # built by another job, or a later load of a small table made its own
            connection.commit()
            return []
        built = []
        cur.execute("SELECT to_regclass(%s)", (identifier(resource_id),))
        if cur.fetchone()[0] is not None:  # else the table was deleted meanwhile: nothing to build
            for index in (Index(**i) for i in json.loads(row[0])):
                cur.execute("SELECT to_regclass(%s)", (identifier(index.name),))
                if cur.fetchone()[0] is None:  # datastore_create may have made it meanwhile
                    cur.execute(index.create_sql(resource_id, index.name))
                    built.append(index.name)
        cur.execute(f'DELETE FROM "{PENDING_TABLE}" WHERE resource_id = %s', (resource_id,))
        connection.commit()
    finally:
        connection.close()
    log.info("kalmar full-text index %s: built %s in %.1f s", resource_id, built, time.monotonic() - started)
    return built


def _record_failure(resource_id: str, error: str) -> None:
    try:
        connection = get_write_engine().raw_connection()
        try:
            cur = connection.cursor()
            cur.execute(f"UPDATE \"{PENDING_TABLE}\" SET state = 'failed', error = %s, updated = now() "
                        "WHERE resource_id = %s", (error[:2000], resource_id))
            connection.commit()
        finally:
            connection.close()
    except Exception:  # the database itself is away: the record keeps saying 'building', the log says why
        log.exception("kalmar full-text index %s: could not record the failure", resource_id)
