"""The `_full_text` column of a load, equal to what CKAN's trigger computes for each row.

CKAN fills `_full_text` with a BEFORE INSERT trigger (`populate_full_text_trigger`): to_tsvector,
in the database's default text search configuration, of the JSON text of every non-null column
joined by spaces, in column order. Run per row in PL/pgSQL that costs several times the COPY
itself, so a load computes the same value in one SQL expression over the finished columns, in the
statement that creates the staging table (staging.py), where PostgreSQL can spread it over parallel
workers. The trigger is attached afterwards for later writes (datastore_upsert), as
datastore_create does.
"""

from __future__ import annotations

from typing import Iterable

from ckanext.datastore.backend.postgres import identifier, literal_string

from .table_schema import Column

# Types whose text output equals their JSON text: numbers and booleans always, dates under the
# DateStyle ISO a load sets ('2024-06-01', '0044-03-15 BC', 'infinity' in both). A cast is cheaper
# than to_json, which looks the type up again for every value.
_CAST_TO_TEXT = ("int", "bigint", "numeric", "bool", "date")


def sql(columns: Iterable[Column], config: str) -> str:
    """The expression computing `_full_text` from the raw table's columns (converted as the load stores them)."""
    parts = []
    for column in columns:
        col = identifier(column.name)
        value = column.value_sql(col) if column.converted else col
        if column.type == "text":
            parts.append(f"({value})")
        elif column.type in _CAST_TO_TEXT:
            parts.append(f"CAST({value} AS text)")
        else:  # timestamp, time: JSON writes them ISO 8601 with a 'T', unlike their text output
            parts.append(f"(to_json({value}) #>> '{{}}')")
    # string_agg skips NULLs and gives NULL when every value is NULL; so does this.
    joined = " || ".join(f"coalesce({p} || ' ', '')" for p in parts)
    return f"to_tsvector({literal_string(config)}::regconfig, NULLIF({joined}, ''))"
