"""Loading uploaded CSV files into the DataStore with PostgreSQL COPY (the `kalmar_datastore_load` action).

table_schema (Table Schema -> column types, data dictionary, keys), source (the file store, streamed
and hashed), fulltext (`_full_text` as CKAN's trigger computes it), indexes (datastore_create's
indexes and names), staging (the table COPY fills), swap (the one moment the live table changes),
locks (one resource's changes in a queue), load (all of it in one transaction), background_index
(a large table's full-text index, built after the swap, and its pending record), action (the CKAN
actions and their auth functions), cli (`ckan kalmar requeue-fulltext-indexes`).
"""

from .action import (kalmar_datastore_index_status, kalmar_datastore_index_status_auth, kalmar_datastore_load,
                     kalmar_datastore_load_auth)


def actions() -> dict:
    return {"kalmar_datastore_load": kalmar_datastore_load, "kalmar_datastore_index_status": kalmar_datastore_index_status}


def auth_functions() -> dict:
    return {"kalmar_datastore_load": kalmar_datastore_load_auth,
            "kalmar_datastore_index_status": kalmar_datastore_index_status_auth}
