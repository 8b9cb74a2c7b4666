"""What the fast engine supports, and why a given schema is outside it.

The fast engine promises *exact* parity with frictionless. Rather than guess
at a feature it has not been tested against, it declares a closed list of
types, constraints and schema options; anything else sends the file to
frictionless with the reason in the report (`fallback_reason`).
"""

from __future__ import annotations

from typing import Any, Mapping

SUPPORTED_TYPES = (
    "string", "integer", "number", "boolean", "date", "datetime", "time", "year", "yearmonth", "geopoint", "duration",
)
SUPPORTED_CONSTRAINTS = (
    "required", "unique", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "pattern",
)
# unique / primaryKey / enum compare *parsed* values; a duration's value is isodate's own arithmetic
KEYABLE_TYPES = tuple(t for t in SUPPORTED_TYPES if t != "duration")
SUPPORTED_FIELD_PROPERTIES = {
    "name", "type", "format", "title", "description", "constraints", "missingValues", "example", "rdfType",
    "trueValues", "falseValues", "bareNumber", "decimalChar", "groupChar",
}
TYPE_PROPERTIES = {
    "trueValues": ("boolean",), "falseValues": ("boolean",),
    "bareNumber": ("number", "integer"), "decimalChar": ("number",), "groupChar": ("number",),
}
SUPPORTED_SCHEMA_PROPERTIES = {"fields", "primaryKey", "missingValues", "title", "description", "$schema", "name"}
# frictionless field types' own constraint lists (a constraint outside them is a schema error there)
TYPE_CONSTRAINTS = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "boolean": ("required", "enum"),
    "geopoint": ("required", "enum"),
    "duration": ("required", "enum"),
}
# exclusiveMinimum/exclusiveMaximum need a datapackage v2 schema: frictionless rejects them under v1,
# and the fast engine then defers because frictionless rejects the schema
NUMERIC_CONSTRAINTS = ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum")


def type_constraints(field_type: str) -> tuple[str, ...]:
    """The constraints frictionless checks for a type, in the order it checks them."""
    return TYPE_CONSTRAINTS.get(field_type, NUMERIC_CONSTRAINTS)


def unsupported_reason(descriptor: Mapping[str, Any]) -> str | None:
    """None when the fast engine can validate against this schema exactly, else why not."""
    extra = set(descriptor) - SUPPORTED_SCHEMA_PROPERTIES
    if extra:
        return f"schema property {sorted(extra)[0]!r} is not supported by the fast engine"
    fields = descriptor.get("fields")
    if not isinstance(fields, list) or not fields:
        return "the schema has no list of fields"
    names: list[str] = []
    by_name: dict[str, Mapping[str, Any]] = {}
    for field in fields:
        if not isinstance(field, Mapping) or not isinstance(field.get("name"), str):
            return "a field without a name"
        name = field["name"]
        names.append(name)
        by_name[name] = field
        field_type = field.get("type", "any")
        if field_type not in SUPPORTED_TYPES:
            return f"field {name!r} has type {field_type!r}; the fast engine supports {', '.join(SUPPORTED_TYPES)}"
        if field.get("format", "default") != "default":
            return f"field {name!r} has format {field['format']!r}; the fast engine supports only the default format"
        extra = set(field) - SUPPORTED_FIELD_PROPERTIES
        if extra:
            return f"field {name!r} has property {sorted(extra)[0]!r}, not supported by the fast engine"
        for prop, types in TYPE_PROPERTIES.items():
            if prop in field and field_type not in types:
                return f"field {name!r} has {prop} but is not {' or '.join(types)}"
        constraints = field.get("constraints", {})
        if not isinstance(constraints, Mapping):
            return f"field {name!r} has constraints that are not an object"
        for constraint in constraints:
            if constraint not in SUPPORTED_CONSTRAINTS:
                return f"field {name!r} uses constraint {constraint!r}, not supported by the fast engine"
            if constraint != "unique" and constraint not in type_constraints(field_type):
                return f"field {name!r}: constraint {constraint!r} does not apply to type {field_type!r}"
        if constraints.get("unique") and field_type not in KEYABLE_TYPES:
            return f"field {name!r}: unique on type {field_type!r} is not supported by the fast engine"
        if "enum" in constraints and field_type not in KEYABLE_TYPES:
            return f"field {name!r}: enum on type {field_type!r} is not supported by the fast engine"
    if len(set(names)) != len(names):
        return "the schema has duplicate field names"
    primary_key = descriptor.get("primaryKey", [])
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    if not isinstance(primary_key, list):
        return "primaryKey is neither a name nor a list of names"
    for name in primary_key:
        if name not in by_name:
            return f"primaryKey names {name!r}, which is not a field"
        if by_name[name].get("type", "any") not in KEYABLE_TYPES:
            return f"primaryKey field {name!r} has a type the fast engine cannot compare exactly"
    return None
