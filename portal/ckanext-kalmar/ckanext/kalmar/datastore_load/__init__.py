"""Loading uploaded CSV files into the DataStore with PostgreSQL COPY (the `kalmar_datastore_load` action).

table_schema (Table Schema -> column types, data dictionary, keys), source (the file store, streamed
and hashed), fulltext (`_full_text` as CKAN's trigger computes it), indexes (datastore_create's
indexes and names), staging (the table COPY fills), swap (the one moment the live table changes),
load (all of it in one transaction), action (the CKAN action and its auth function).
"""

from .action import kalmar_datastore_load, kalmar_datastore_load_auth


def actions() -> dict:
    return {"kalmar_datastore_load": kalmar_datastore_load}


def auth_functions() -> dict:
    return {"kalmar_datastore_load": kalmar_datastore_load_auth}
