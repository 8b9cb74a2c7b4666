"""The `kalmar_datastore_load` action: an uploaded CSV into the DataStore at COPY speed, typed by its Table Schema.

Why an action inside the portal: the file is already in CKAN's file store, so sending it a second
time as JSON through datastore_upsert (thousands of calls for a large table) is pure overhead;
here PostgreSQL's COPY reads it straight from the store. Who may load is decided by CKAN's own
auth functions: the same rule as datastore_create (resource_update on the resource, i.e. sysadmins
and editors of the dataset's organization).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from ckan.plugins import toolkit
from ckanext.datastore.logic.auth import datastore_auth

from . import background_index, load, source, table_schema
from .errors import LoadError

log = logging.getLogger(__name__)
SCHEMA_ROLE = "schema"  # the resource holding the dataset's Table Schema (docs/ckan-mapping.md)
_SHA256 = re.compile(r"[0-9a-f]{64}")


def kalmar_datastore_load(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Replace a resource's DataStore table with its uploaded CSV file, atomically.

    :param resource_id: the resource whose uploaded file is loaded
    :param expected_sha256: (optional) the SHA-256 the caller uploaded; the load is refused if the
        stored file differs
    :returns: resource_id, rows, bytes, sha256, fields (id, type, info), primary_key, indexes,
        started_at (Unix time), seconds (per phase), background_indexes (names of the full-text
        indexes a background job builds after the swap; empty for a table of at most
        `ckanext.kalmar.datastore_load.background_fulltext_index_rows` rows) and background_job (its id)

    Column types, the primary key, indexes (fields with constraints.unique) and the data dictionary
    (title → label, description → notes) come from the Table Schema stored as the dataset's resource
    with kalmar_role "schema". On any failure (ValidationError naming the row and field) the previous
    table stays served. The result is the table datastore_create would have made (a large table's
    full-text index follows from the background job), and the resource gets `datastore_active`.
    """
    resource_id = toolkit.get_or_bust(data_dict, "resource_id")
    expected = data_dict.get("expected_sha256") or None
    if expected is not None and not (isinstance(expected, str) and _SHA256.fullmatch(expected)):
        raise toolkit.ValidationError({"expected_sha256": ["Must be 64 lowercase hexadecimal characters."]})
    toolkit.check_access("kalmar_datastore_load", context, {"resource_id": resource_id})
    resource = toolkit.get_action("resource_show")(toolkit.fresh_context(context), {"id": resource_id})
    package = toolkit.get_action("package_show")(toolkit.fresh_context(context), {"id": resource["package_id"]})
    try:
        schema_resource = next((r for r in package["resources"] if r.get("kalmar_role") == SCHEMA_ROLE), None)
        if schema_resource is None:
            raise LoadError("schema", f"Dataset {package['name']} has no Table Schema resource (kalmar_role "
                            f"{SCHEMA_ROLE!r}); upload the schema before loading the DataStore.")
        table = table_schema.plan(source.read_schema(schema_resource))
        with source.opened(resource) as stream:
            result = load.load(resource["id"], table, source.StoredFile(stream), expected)
    except LoadError as exc:
        log.warning("kalmar_datastore_load %s refused: %s", resource_id, exc.message)
        raise toolkit.ValidationError(exc.as_error_dict()) from None
    if not resource.get("datastore_active"):  # as datastore_create does
        toolkit.get_action("resource_patch")(toolkit.fresh_context(context), {"id": resource["id"], "datastore_active": True})
    log.info("kalmar_datastore_load %s: %s rows in %s", resource_id, result["rows"], result["seconds"])
    return result


def kalmar_datastore_load_auth(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """resource_update on the resource, like datastore_create: sysadmins and the organization's editors."""
    return datastore_auth(context, dict(data_dict))


@toolkit.side_effect_free
def kalmar_datastore_index_status(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whether a loaded table still waits for its full-text indexes from the background job.

    :param resource_id: the resource
    :returns: resource_id, state (`complete`: nothing pending; `pending`: queued; `building`: an
        attempt started — also what a worker that died mid-build leaves; `failed`: the last attempt
        failed and is tried again), indexes (names still to build), attempts, error (the last
        attempt's), updated (ISO time of the last change)
    """
    resource_id = toolkit.get_or_bust(data_dict, "resource_id")
    toolkit.check_access("kalmar_datastore_index_status", context, {"resource_id": resource_id})
    return background_index.status(resource_id)


@toolkit.auth_allow_anonymous_access
def kalmar_datastore_index_status_auth(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """resource_show on the resource, like datastore_info: whoever may read the table may see its index state."""
    return datastore_auth(context, dict(data_dict), "resource_show")
