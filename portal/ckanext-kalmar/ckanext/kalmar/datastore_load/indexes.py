"""The indexes datastore_create would give the table, with the names it would give them.

datastore_create names each index sha1(resource id + indexed expression) and builds: a full-text
index on `_full_text` (method `ckan.datastore.default_fts_index_method`), one per column whose
type is listed in `ckan.datastore.default_fts_index_field_types`, a unique index on the primary
key and a plain one per requested index. A load builds the same on its staging table under
temporary names (the live table still holds the real ones) and renames them in the swap.
"""

from __future__ import annotations

from dataclasses import dataclass

from ckan.plugins import toolkit
from ckanext.datastore.backend.postgres import _generate_index_name, identifier, literal_string
from ckanext.datastore.helpers import should_fts_index_field_type

from .table_schema import TablePlan

MAINTENANCE_WORK_MEM = "256MB"  # index builds sort in memory up to this, per load

# datastore_create compares the config's type list with PostgreSQL's own type names (pg_type.typname).
_TYPNAME = {"int": "int4", "bigint": "int8"}


@dataclass(frozen=True)
class Index:
    name: str  # the name datastore_create gives it on the resource's table
    expression: str
    unique: bool = False
    method: str | None = None

    @property
    def fulltext(self) -> bool:
        """A GiST/GIN text search index (slow to build), as opposed to a b-tree key index."""
        return self.method is not None

    def create_sql(self, table: str, temporary_name: str) -> str:
        using = f" USING {self.method}" if self.method else ""
        unique = "UNIQUE " if self.unique else ""
        return f"CREATE {unique}INDEX {identifier(temporary_name)} ON {identifier(table)}{using}({self.expression})"


def planned(resource_id: str, table: TablePlan) -> list[Index]:
    method = toolkit.config.get("ckan.datastore.default_fts_index_method")
    language = toolkit.config.get("ckan.datastore.default_fts_lang")
    found = [Index(_generate_index_name(resource_id, '"_full_text"'), '"_full_text"', method=method)]
    for column in table.columns:
        if should_fts_index_field_type(_TYPNAME.get(column.type, column.type)):
            value = identifier(column.name) if column.type == "text" else f"cast({identifier(column.name)} AS text)"
            expression = f"to_tsvector({literal_string(language)}, {value})"
            found.append(Index(_generate_index_name(resource_id, expression), expression, method=method))
    keys = [(table.primary_key, True)] if table.primary_key else []
    keys += [(fields, False) for fields in table.indexes]
    for fields, unique in keys:
        expression = ", ".join(identifier(f) for f in fields)
        found.append(Index(_generate_index_name(resource_id, expression), expression, unique=unique))
    return found
