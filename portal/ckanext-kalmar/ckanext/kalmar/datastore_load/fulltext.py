"""The `_full_text` column of a load, equal to what CKAN's trigger computes for each row.

CKAN fills `_full_text` with a BEFORE INSERT trigger (`populate_full_text_trigger`): to_tsvector,
in the database's default text search configuration, of the JSON text of every non-null column
joined by spaces, in column order. Run per row in PL/pgSQL that costs several times the COPY
itself, so a load computes the same value in C instead: as a generated column while COPY runs when
every column is final as copied (the JSON text of those types has an immutable SQL spelling), or
in the one table rewrite that finishes converted columns (`rewrite_sql`). The trigger is attached
afterwards for later writes (datastore_upsert), as datastore_create does.
"""

from __future__ import annotations

from typing import Iterable

from ckanext.datastore.backend.postgres import identifier, literal_string

from .table_schema import Column

# Types whose text output is their JSON text and does not depend on session settings.
_CAST_TO_TEXT = ("int", "bigint", "numeric", "bool")


def generated_sql(columns: Iterable[Column], config: str) -> str | None:
    """The generated-column expression, or None when a column is converted after COPY."""
    parts = []
    for column in columns:
        if column.converted:
            return None
        col = identifier(column.name)
        if column.type == "text":
            parts.append(col)
        elif column.type in _CAST_TO_TEXT:
            parts.append(f"CAST({col} AS text)")
        elif column.type == "date":
            parts.append(_iso_date(col))
        else:
            return None
    return _tsvector(parts, config)


def rewrite_sql(columns: Iterable[Column], config: str) -> str:
    """The USING expression that computes `_full_text` from the copied columns in an ALTER TABLE rewrite."""
    parts = []
    for column in columns:
        col = identifier(column.name)
        value = column.value_sql(col) if column.converted else col
        parts.append(f"(to_json({value}) #>> '{{}}')")
    return _tsvector(parts, config)


def _tsvector(parts: list[str], config: str) -> str:
    # string_agg skips NULLs and gives NULL when every value is NULL; so does this.
    joined = " || ".join(f"coalesce({p} || ' ', '')" for p in parts)
    return f"to_tsvector({literal_string(config)}::regconfig, NULLIF({joined}, ''))"


def _iso_date(col: str) -> str:
    """A date's JSON text ('2024-06-01', '0044-03-15 BC', 'infinity') from immutable functions only."""
    year = f"CAST(abs(extract(year FROM {col})) AS int)::text"
    part = lambda unit: f"lpad(CAST(extract({unit} FROM {col}) AS int)::text, 2, '0')"  # noqa: E731
    return (f"CASE WHEN {col} = 'infinity'::date THEN 'infinity' WHEN {col} = '-infinity'::date THEN '-infinity' "
            f"ELSE lpad({year}, greatest(length({year}), 4), '0') || '-' || {part('month')} || '-' || {part('day')}"
            f" || CASE WHEN extract(year FROM {col}) < 0 THEN ' BC' ELSE '' END END")
