"""Load a published CSV into CKAN's DataStore: one call to the portal's `kalmar_datastore_load`.

The portal's extension (portal/ckanext-kalmar, datastore_load/) reads the file already uploaded
to CKAN's file store with PostgreSQL COPY, types every column from the Table Schema uploaded with
it (codes stay text, so "0880" keeps its leading zero; numbers are numeric; dates are dates),
adds the schema's primary key and the data dictionary, and swaps the new table in atomically.
A refusal names the row and field, and the previous table stays served. So the file travels
once (the upload) instead of a second time as JSON through thousands of datastore_upsert calls.
"""

from __future__ import annotations

from .client import CountingCKAN

ACTION = "kalmar_datastore_load"
# A large table loads for minutes (COPY, then the full-text index); the portal's gunicorn allows as long.
LOAD_TIMEOUT = 1800.0


def load(client: CountingCKAN, resource_id: str, sha256: str) -> int:
    """Replace the resource's DataStore table with its uploaded file; returns rows loaded.

    `sha256` is the content the caller uploaded: the portal refuses to load a stored file that
    differs (replaced in the meantime), so `datastore_sha256` is only ever recorded truthfully.
    The dataset's `schema` resource must be uploaded first: the portal reads the types from it.
    """
    result = client.call(ACTION, {"resource_id": resource_id, "expected_sha256": sha256}, timeout=LOAD_TIMEOUT)
    return int(result["rows"])
