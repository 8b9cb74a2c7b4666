"""The lock that puts everything changing one resource's DataStore table in a queue.

Loads of the same resource, and the background build of its full-text index, take this
transaction-scoped advisory lock first: the last load to start is the one left in place, and an
index build never races a swap (it waits for the load, then indexes whichever table is live).
"""

from __future__ import annotations


def lock_resource(cur, resource_id: str) -> None:
    cur.execute("SELECT pg_advisory_xact_lock(hashtext('kalmar_datastore_load'), hashtext(%s))", (resource_id,))
