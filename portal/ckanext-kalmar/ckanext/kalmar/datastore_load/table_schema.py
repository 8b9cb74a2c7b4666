"""A Table Schema read as the DataStore table a load builds: types, data dictionary, keys, value conversions.

Why the schema and never a guess: type guessing reads "0880" as a number (the leading zero is lost)
and a column of negative amounts or "0164A"-style codes as text. The Table Schema the data was
validated against says what each column is, so the load takes every type from it and refuses, naming
the field and what to change, a schema it cannot store with the meaning the schema gives it (a
non-ISO date format, a decimal comma, a JSON object).

Most columns are parsed by COPY itself. A few need a conversion after COPY (`Column.converted`):
missing values other than the file's one null string, booleans spelled in words PostgreSQL does not
read ("ja"/"nej"), and date-times and times with a UTC offset, which PostgreSQL's zone-less types
would silently drop — they are read as zoned values in UTC and stored as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ckanext.datastore.backend.postgres import literal_string
from ckanext.datastore.helpers import is_valid_field_name

from .errors import LoadError

INT4 = (-(2**31), 2**31 - 1)
PG_TRUE = frozenset({"t", "true", "y", "yes", "on", "1"})
PG_FALSE = frozenset({"f", "false", "n", "no", "off", "0"})
DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")
MAX_NAME = 63  # PostgreSQL's identifier limit, checked by datastore_create too

# Table Schema type -> (DataStore column type, type COPY parses into)
TYPES = {
    "string": ("text", "text"),
    "number": ("numeric", "numeric"),
    "date": ("date", "date"),
    "datetime": ("timestamp", "timestamptz"),
    "time": ("time", "timetz"),
    "boolean": ("bool", "bool"),
    "year": ("int", "int"),
    "yearmonth": ("text", "text"),
    "duration": ("text", "text"),
    "geopoint": ("text", "text"),
    "geojson": ("text", "text"),
    "any": ("text", "text"),
}
TEMPORAL = ("date", "datetime", "time")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # the DataStore column type (what datastore_info reports)
    copy_type: str  # the type COPY parses the file's text into
    label: str
    notes: str
    missing: tuple[str, ...]  # the field's missing values (stored as NULL)
    null_by_copy: bool  # COPY's null string is exactly those missing values
    true_values: tuple[str, ...] | None = None  # set for booleans PostgreSQL cannot read itself
    false_values: tuple[str, ...] | None = None

    @property
    def info(self) -> dict[str, str]:
        """The data dictionary entry (DataStore field `info`)."""
        return {"label": self.label, "notes": self.notes}

    @property
    def copied_as_text(self) -> bool:
        return not self.null_by_copy or self.true_values is not None

    @property
    def converted(self) -> bool:
        """True when the value COPY stores is not yet the final one (see value_sql)."""
        return self.copied_as_text or self.copy_type != self.type

    def value_sql(self, copied: str) -> str:
        """SQL turning the copied column `copied` into this column's final value."""
        value = copied
        if self.true_values is not None:
            value = (f"CASE WHEN {copied} IN ({_sql_list(self.true_values)}) THEN true "
                     f"WHEN {copied} IN ({_sql_list(self.false_values or ())}) THEN false "
                     f"ELSE CAST({literal_string(self.name + ': ')} || {copied} AS bool) END")
        elif self.copied_as_text and self.copy_type != "text":
            value = f"CAST({copied} AS {self.copy_type})"
        if self.copied_as_text and self.missing:
            value = f"CASE WHEN {copied} IN ({_sql_list(self.missing)}) THEN NULL ELSE {value} END"
        if self.copy_type == "timestamptz":
            value = f"(({value}) AT TIME ZONE 'UTC')"
        elif self.copy_type == "timetz":
            value = f"CAST(({value}) AT TIME ZONE 'UTC' AS time)"
        return value


@dataclass(frozen=True)
class TablePlan:
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...]  # one index per field with constraints.unique
    null: str  # COPY's null string: the schema's missing value when it has exactly one

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def plan(schema: Mapping[str, Any]) -> TablePlan:
    """The table for `schema`; raises LoadError(key='schema') naming the field it cannot load exactly."""
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    if not isinstance(fields, list) or not fields:
        raise LoadError("schema", "The Table Schema has no list of fields.")
    table_missing = _missing_values(schema.get("missingValues", [""]), "the schema")
    null = table_missing[0] if len(table_missing) == 1 else ""
    columns = tuple(_column(f, table_missing, null) for f in fields)
    names = [c.name for c in columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise LoadError("schema", f"The Table Schema names field {duplicates[0]!r} twice.")
    primary_key = _key(schema.get("primaryKey") or [], names)
    indexes = tuple(
        (f["name"],) for f in fields
        if isinstance(f.get("constraints"), Mapping) and f["constraints"].get("unique") and (f["name"],) != primary_key
    )
    return TablePlan(columns, primary_key, indexes, null)


def _column(field: Any, table_missing: tuple[str, ...], null: str) -> Column:
    if not isinstance(field, Mapping) or not isinstance(field.get("name"), str):
        raise LoadError("schema", "A Table Schema field has no name.")
    name = field["name"]
    if not is_valid_field_name(name) or len(name) > MAX_NAME:
        raise LoadError("schema", f"Field {name!r} cannot be a DataStore column name (it must not start with '_' or "
                        f"contain '\"', and has at most {MAX_NAME} characters); rename it in the Table Schema.", field=name)
    ftype = field.get("type", "any")
    if not isinstance(ftype, str) or (ftype not in TYPES and ftype != "integer"):
        raise LoadError("schema", f"Field {name!r} has type {ftype!r}, which the DataStore load cannot store with its "
                        "meaning; use string (the JSON text) or split it into typed columns.", field=name)
    if ftype in TEMPORAL and field.get("format", "default") != "default":
        raise LoadError("schema", f"Field {name!r} has format {field['format']!r}; the DataStore load reads ISO 8601 only. "
                        "Give the field the default format so the normalize step writes ISO values.", field=name)
    for option, canonical in (("decimalChar", "."), ("groupChar", "")):
        if field.get(option, canonical) != canonical:
            raise LoadError("schema", f"Field {name!r} sets {option} {field[option]!r}; the DataStore load reads numbers "
                            f"in the canonical form ('.' decimals, no grouping). Remove {option} so the normalize step "
                            "converts them.", field=name)
    if field.get("bareNumber") is False:
        raise LoadError("schema", f"Field {name!r} sets bareNumber false (numbers with text around them); the DataStore "
                        "load reads bare numbers only.", field=name)
    if ftype == "integer":
        constraints = field.get("constraints") or {}
        lo, hi = constraints.get("minimum"), constraints.get("maximum")
        fits = lo is not None and hi is not None and INT4[0] <= int(lo) and int(hi) <= INT4[1]
        final = copy = "int" if fits else "bigint"
    else:
        final, copy = TYPES[ftype]
    own_missing = _missing_values(field["missingValues"], f"field {name!r}") if "missingValues" in field else table_missing
    true_values = false_values = None
    if ftype == "boolean":
        trues = tuple(field.get("trueValues", DEFAULT_TRUE))
        falses = tuple(field.get("falseValues", DEFAULT_FALSE))
        if not ({v.strip().lower() for v in trues} <= PG_TRUE and {v.strip().lower() for v in falses} <= PG_FALSE):
            true_values, false_values = trues, falses
    return Column(name, final, copy, str(field.get("title") or ""), str(field.get("description") or ""),
                  own_missing, own_missing == (null,), true_values, false_values)


def _missing_values(values: Any, where: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise LoadError("schema", f"missingValues of {where} is not a list of strings.")
    return tuple(values)


def _key(primary_key: Any, names: list[str]) -> tuple[str, ...]:
    key = [primary_key] if isinstance(primary_key, str) else primary_key
    if not isinstance(key, list):
        raise LoadError("schema", "primaryKey is neither a field name nor a list of field names.")
    for name in key:
        if name not in names:
            raise LoadError("schema", f"primaryKey names {name!r}, which is not a field of the Table Schema.")
    return tuple(key)


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(literal_string(v) for v in values) or "NULL"
