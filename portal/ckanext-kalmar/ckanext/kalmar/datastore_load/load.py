"""One DataStore load in one PostgreSQL transaction: staging table, COPY, indexes, swap, commit.

Why one transaction: readers only ever see the table that was there before or the finished new
one. Any failure — a bad value, a duplicate key, the file changed since it was uploaded, the
portal killed mid-COPY (PostgreSQL then sees the connection drop) — rolls everything back, and
the previous table and its rows stay served untouched. Loads of the same resource queue on an
advisory lock (locks.py), so the last one to start is the one left in place. The one thing a large
table gets after the commit is its full-text index (background_index.py says why).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import psycopg2
import sqlalchemy.exc
from ckanext.datastore.backend.postgres import get_write_engine

from . import background_index, indexes, staging, swap
from .errors import LoadError
from .locks import lock_resource
from .pg_errors import located
from .source import StoredFile
from .table_schema import TablePlan


def load(resource_id: str, table: TablePlan, source: StoredFile, expected_sha256: str | None = None) -> dict[str, Any]:
    """Replace the resource's DataStore table with the file's rows; returns what was loaded."""
    started_at = time.time()
    started = time.monotonic()
    try:
        background_index.ensure_pending_table()
        connection = get_write_engine().raw_connection()
    except sqlalchemy.exc.DBAPIError as exc:
        raise LoadError("table", f"The DataStore database is unreachable ({type(exc.orig).__name__}).") from None
    try:
        cur = connection.cursor()
        lock_resource(cur, resource_id)
        # ISO dates only; date-times without an offset are UTC (the Table Schema default); no time limit on COPY.
        cur.execute(f"SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC'; SET LOCAL statement_timeout = 0; "
                    f"SET LOCAL maintenance_work_mem = '{indexes.MAINTENANCE_WORK_MEM}'")
        cur.execute("SHOW default_text_search_config")  # what CKAN's trigger uses for `_full_text`
        config = cur.fetchone()[0]
        swap.refuse_unmanaged(cur, resource_id)
        name = "_kalmar_load_" + hashlib.sha1(resource_id.encode()).hexdigest()[:32]
        staged = staging.fill(cur, name, table, source, config)
        in_load, later = background_index.split(indexes.planned(resource_id, table), staged.rows)
        staging.add_indexes(cur, staged, in_load, table)
        swapping = time.monotonic()
        if expected_sha256 and source.sha256 != expected_sha256:
            raise LoadError("expected_sha256", f"The stored file's SHA-256 is {source.sha256}, not the expected "
                            f"{expected_sha256}: it was replaced after the upload. Nothing was loaded.")
        swap.swap_in(cur, staged, resource_id)
        background_index.record(cur, resource_id, later)
        connection.commit()
    except LoadError:
        _rollback(connection)
        raise
    except psycopg2.Error as exc:
        _rollback(connection)
        raise located(exc, table.names) from None
    finally:
        connection.close()
    job = background_index.queue(resource_id) if later else None
    return {
        "resource_id": resource_id,
        "rows": staged.rows,
        "bytes": source.bytes,
        "sha256": source.sha256,
        "fields": [{"id": c.name, "type": c.type, "info": c.info} for c in table.columns],
        "primary_key": list(table.primary_key),
        "indexes": [list(i) for i in table.indexes],
        "started_at": started_at,
        "seconds": {**staged.seconds, "swap": round(time.monotonic() - swapping, 3),
                    "total": round(time.monotonic() - started, 3)},
        "background_indexes": [i.name for i in later],
        "background_job": job,
    }


def _rollback(connection) -> None:
    try:
        connection.rollback()
    except psycopg2.Error:
        pass  # the connection is gone; PostgreSQL rolled the transaction back itself
