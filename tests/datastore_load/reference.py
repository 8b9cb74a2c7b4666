"""The reference table for a CSV and its Table Schema: what CKAN's own datastore_create makes of it.

The values come from frictionless (the parser our validation step runs) reading the same file
under the same schema, so the meaning of every cell is decided by code we did not write; aware
date-times and times are given to datastore_create in UTC, the meaning a Table Schema gives them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

# The DataStore type datastore_create is asked for, per Table Schema type (the contract of the load).
DATASTORE_TYPES = {"string": "text", "integer": "bigint", "number": "numeric", "date": "date", "datetime": "timestamp",
                   "time": "time", "boolean": "bool", "year": "int"}


def typed_records(csv_text: str, schema: dict) -> list[dict[str, Any]]:
    from frictionless import Dialect, Resource, Schema
    from frictionless.formats import CsvControl

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "data.csv").write_text(csv_text, encoding="utf-8")
        resource = Resource(path="data.csv", basepath=tmp, schema=Schema.from_descriptor(schema), format="csv",
                            encoding="utf-8", dialect=Dialect(controls=[CsvControl(delimiter=",")]))
        report = resource.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        with resource:
            return [{k: _json(v) for k, v in row.to_dict().items()} for row in resource.row_stream]


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            day = dt.datetime.combine(dt.date(2000, 1, 1), value).astimezone(dt.timezone.utc)
            value = day.time()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def datastore_create_reference(api, resource_id: str, csv_text: str, schema: dict) -> None:
    """Replace the resource's DataStore table with datastore_create's table of the same rows."""
    import ckanapi

    try:
        api.action.datastore_delete(resource_id=resource_id, force=True)
    except ckanapi.NotFound:
        pass
    fields = [{"id": f["name"], "type": DATASTORE_TYPES[f["type"]],
               "info": {"label": f.get("title", ""), "notes": f.get("description", "")}} for f in schema["fields"]]
    unique = [[f["name"]] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    api.action.datastore_create(resource_id=resource_id, force=True, fields=fields, records=typed_records(csv_text, schema),
                                primary_key=schema.get("primaryKey", []), indexes=unique, calculate_record_count=False)
