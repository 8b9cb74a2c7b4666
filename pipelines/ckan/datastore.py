"""Load a validated canonical CSV into CKAN's DataStore with types from its Table Schema.

ckanext-xloader cannot be installed next to CKAN 2.12 here, so we load the
DataStore ourselves: typed columns (codes stay text, so "0880" keeps its
leading zero), the schema's primary key, and a data dictionary (label and
notes from each field's title and description). Records stream in batches, so
memory stays bounded for large tables.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterator, Mapping

import ckanapi

from .client import CountingCKAN

BATCH_ROWS = 5000
INT4 = (-(2**31), 2**31 - 1)

_SIMPLE_TYPES = {
    "string": "text",
    "number": "numeric",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
    "boolean": "bool",
    "year": "int",
    "object": "json",
    "array": "json",
}


def datastore_type(field: Mapping[str, Any]) -> str:
    """DataStore column type for a Table Schema field (unknown types stay text)."""
    ftype = field.get("type", "string")
    if ftype == "integer":
        c = field.get("constraints", {})
        lo, hi = c.get("minimum"), c.get("maximum")
        fits = lo is not None and hi is not None and INT4[0] <= int(lo) and int(hi) <= INT4[1]
        return "int" if fits else "bigint"
    return _SIMPLE_TYPES.get(ftype, "text")


def datastore_fields(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    fields = []
    for f in schema["fields"]:
        info = {"label": f.get("title", ""), "notes": f.get("description", "")}
        fields.append({"id": f["name"], "type": datastore_type(f), "info": info})
    return fields


def primary_key(schema: Mapping[str, Any]) -> list[str]:
    pk = schema.get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


class _Converter:
    """Canonical CSV strings → JSON values the DataStore stores as their column type."""

    def __init__(self, schema: Mapping[str, Any]):
        self.missing = set(schema.get("missingValues", [""]))
        self.fields = list(schema["fields"])

    def convert(self, field: Mapping[str, Any], raw: str) -> Any:
        if raw in self.missing:
            return None
        ftype = field.get("type", "string")
        if ftype in ("integer", "year"):
            return int(raw)
        if ftype == "boolean":
            true_values = field.get("trueValues", ["true", "True", "TRUE", "1"])
            return raw in true_values
        return raw  # numeric, dates and text are parsed by PostgreSQL from their canonical strings

    def records(self, csv_path: Path) -> Iterator[dict[str, Any]]:
        with open(csv_path, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                return
            by_name = {f["name"]: f for f in self.fields}
            cols = [(i, name, by_name.get(name)) for i, name in enumerate(header)]
            for row in reader:
                yield {name: self.convert(f, row[i]) if f else row[i] for i, name, f in cols if i < len(row)}


def load(client: CountingCKAN, resource_id: str, csv_path: Path, schema: Mapping[str, Any], *, replace: bool = True) -> int:
    """Replace the resource's DataStore table with the CSV's rows; returns rows loaded.

    `replace=False` for a resource created in this run, which has no table yet.
    """
    if replace:
        try:
            client.call("datastore_delete", {"resource_id": resource_id, "force": True})
        except ckanapi.NotFound:
            pass  # the table was never created (a load that died before datastore_create)
    create = {
        "resource_id": resource_id,
        "force": True,
        "fields": datastore_fields(schema),
        "records": [],
    }
    pk = primary_key(schema)
    if pk:
        create["primary_key"] = pk
    client.call("datastore_create", create)
    loaded = 0
    batch: list[dict[str, Any]] = []
    for record in _Converter(schema).records(csv_path):
        batch.append(record)
        if len(batch) >= BATCH_ROWS:
            loaded += _insert(client, resource_id, batch)
            batch = []
    if batch:
        loaded += _insert(client, resource_id, batch)
    return loaded


def _insert(client: CountingCKAN, resource_id: str, batch: list[dict[str, Any]]) -> int:
    client.call("datastore_upsert", {"resource_id": resource_id, "method": "insert", "force": True, "records": batch})
    return len(batch)
