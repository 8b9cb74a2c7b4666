"""Swap a finished staging table in for the resource's DataStore table, inside the load's transaction.

The swap is the only moment a load touches the live table: drop it, rename the staging table,
its `_id` sequence, primary key and indexes to what datastore_create would have named them, and
set the cached row count (`_table_stats`) that datastore_search reports as `total`. Readers keep
the old table until the commit; the next statement after it reads the new one (PostgreSQL looks
the name up again after waiting for the lock), so a reader sees one table or the other, never a mix.

Why a lock timeout and retries: DROP TABLE waits for every reader of the old table, and a
datastore_search that is computing a missing row count holds the table on one connection while
waiting on another — a wait PostgreSQL cannot see as a deadlock. Waiting at most LOCK_WAIT, then
stepping back to a savepoint and trying again, lets such a reader finish instead of hanging both.
"""

from __future__ import annotations

import time

import psycopg2
from ckanext.datastore.backend.postgres import identifier

from .errors import LoadError
from .staging import Staged

LOCK_WAIT = "2s"
SWAP_DEADLINE = 120.0  # seconds of retrying before the load gives up (nothing is changed then)


def refuse_unmanaged(cur, resource_id: str) -> None:
    """A load rebuilds the table as datastore_create would; aliases and custom triggers would be lost, so refuse."""
    cur.execute('SELECT name FROM "_table_metadata" WHERE alias_of = %s', (resource_id,))
    aliases = [r[0] for r in cur.fetchall()]
    if aliases:
        raise LoadError("table", f"The DataStore table has aliases {aliases}, which a reload would drop; "
                        "remove them (datastore_delete on the alias) or load with datastore_create.")
    cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal "
                "AND tgname <> 'zfulltext'", (identifier(resource_id),))
    triggers = [r[0] for r in cur.fetchall()]
    if triggers:
        raise LoadError("table", f"The DataStore table has triggers {triggers}, which a reload would drop; "
                        "load it with datastore_create instead.")


def swap_in(cur, staged: Staged, resource_id: str) -> None:
    deadline = time.monotonic() + SWAP_DEADLINE
    while True:
        cur.execute("SAVEPOINT kalmar_swap")
        try:
            cur.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
            _swap(cur, staged, resource_id)
        except psycopg2.errors.LockNotAvailable:
            cur.execute("ROLLBACK TO SAVEPOINT kalmar_swap")
            if time.monotonic() > deadline:
                raise LoadError("table", f"Readers held the DataStore table for over {SWAP_DEADLINE:.0f} s; "
                                "the new table was not swapped in. Try again.") from None
            continue
        cur.execute("RESET lock_timeout")
        cur.execute("RELEASE SAVEPOINT kalmar_swap")
        return


def _swap(cur, staged: Staged, resource_id: str) -> None:
    live = identifier(resource_id)
    cur.execute("SELECT to_regclass(%s)", (live,))
    if cur.fetchone()[0] is not None:
        cur.execute(f"LOCK TABLE {live} IN ACCESS EXCLUSIVE MODE")
        cur.execute(f"DROP TABLE {live}")  # not CASCADE: a view made meanwhile stops the load instead
    cur.execute(f"ALTER TABLE {identifier(staged.name)} RENAME TO {live}")
    cur.execute(f"ALTER SEQUENCE {identifier(staged.sequence)} RENAME TO {identifier(resource_id + '__id_seq')}")
    cur.execute(f"ALTER INDEX {identifier(staged.name + '_pkey')} RENAME TO {identifier(resource_id + '_pkey')}")
    for temporary, final in staged.renames:
        cur.execute(f"ALTER INDEX {identifier(temporary)} RENAME TO {identifier(final)}")
    cur.execute('DELETE FROM "_table_stats" WHERE resource_id = %s', (resource_id,))
    cur.execute('INSERT INTO "_table_stats" VALUES (%s, jsonb_build_object(\'rows\', %s::bigint))',
                (resource_id, staged.rows))
