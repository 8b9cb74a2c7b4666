"""The validation report the publisher uploads (role `report`), read back and grouped for people.

Why here: the JSON (pipelines/validation/report.py, format 1) is exact but written for machines, with
frictionless' English messages. The report page groups the errors by type, names each type in Swedish,
and says for each error what the Table Schema expected of that field, which is what a steward needs to
fix the source. The engine's own message stays available, unchanged, next to the Swedish text.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Mapping

from . import stored_files

SUPPORTED_FORMAT = 1

# frictionless error codes → (Swedish name, what it means for the file).
ERROR_TYPES = {
    "type-error": ("Fel datatyp", "Värdet kan inte läsas som den typ fältet har i tabellschemat."),
    "constraint-error": ("Villkor uppfylls inte", "Värdet bryter mot ett villkor som tabellschemat ställer på fältet."),
    "missing-cell": ("Saknat värde", "Raden har färre celler än rubrikraden."),
    "extra-cell": ("Extra värde", "Raden har fler celler än rubrikraden."),
    "blank-row": ("Tom rad", "Raden saknar värden helt."),
    "duplicate-row": ("Dubblerad rad", "Raden är exakt likadan som en tidigare rad."),
    "unique-error": ("Dubblett i unikt fält", "Fältet ska vara unikt, men värdet finns redan på en tidigare rad."),
    "primary-key": ("Dubblett av primärnyckel", "Primärnyckeln ska identifiera varje rad, men värdet finns redan (eller saknas)."),
    "missing-label": ("Kolumn saknas", "En kolumn som tabellschemat kräver finns inte i filen."),
    "extra-label": ("Okänd kolumn", "Filen har en kolumn som tabellschemat inte beskriver."),
    "blank-label": ("Tom kolumnrubrik", "En kolumn saknar rubrik."),
    "duplicate-label": ("Dubblerad kolumnrubrik", "Två kolumner har samma rubrik."),
    "incorrect-label": ("Fel kolumnrubrik", "Kolumnens rubrik stämmer inte med tabellschemat."),
    "encoding-error": ("Fel teckenkodning", "Filen kunde inte läsas som UTF-8."),
    "schema-error": ("Fel i tabellschemat", "Tabellschemat kunde inte användas; filen har inte kontrollerats."),
    "source-error": ("Filen kunde inte läsas", "Filen gick inte att öppna eller tolka."),
    "format-error": ("Okänt filformat", "Filens format kunde inte tolkas."),
}

TYPE_NAMES = {
    "string": "text", "integer": "heltal", "number": "tal (med punkt som decimaltecken)",
    "boolean": "sant/falskt", "date": "datum (ÅÅÅÅ-MM-DD)", "datetime": "tidpunkt (ÅÅÅÅ-MM-DDTtt:mm:ss)",
    "time": "klockslag (tt:mm:ss)", "year": "årtal", "yearmonth": "år och månad (ÅÅÅÅ-MM)",
    "duration": "tidslängd", "geopoint": "koordinat", "object": "JSON-objekt", "array": "JSON-lista",
}


def _constraint_text(name: str, value: Any) -> str:
    texts = {
        "required": "värde krävs",
        "unique": "unikt värde",
        "pattern": f"ska följa mönstret {value}",
        "enum": "ett av: " + ", ".join(str(v) for v in value) if isinstance(value, list) else f"ett av: {value}",
        "minimum": f"minst {value}",
        "maximum": f"högst {value}",
        "exclusiveMinimum": f"större än {value}",
        "exclusiveMaximum": f"mindre än {value}",
        "minLength": f"minst {value} tecken",
        "maxLength": f"högst {value} tecken",
    }
    return texts.get(name, f"{name}: {value}")


# The order constraints are read in, most basic first (the stored schema's key order is alphabetical).
CONSTRAINT_ORDER = ("required", "unique", "enum", "pattern", "minLength", "maxLength",
                    "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")


def expectation(field: Mapping[str, Any] | None) -> str | None:
    """What the schema asks of a field, in Swedish: "heltal; värde krävs, minst 0"."""
    if not field:
        return None
    parts = [TYPE_NAMES.get(field.get("type", "string"), field.get("type", "string"))]
    constraints = field.get("constraints") or {}
    keys = sorted(constraints, key=lambda k: (CONSTRAINT_ORDER.index(k) if k in CONSTRAINT_ORDER else len(CONSTRAINT_ORDER), k))
    wanted = [_constraint_text(k, constraints[k]) for k in keys if constraints[k] is not False]
    return parts[0] + ("; " + ", ".join(wanted) if wanted else "")


def summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """valid, the number of errors (a lower bound when truncated), rows checked."""
    counts = report.get("error_counts") or {}
    total = sum(int(n) for n in counts.values()) if counts else len(report.get("errors") or [])
    return {
        "valid": bool(report.get("valid")),
        "errors": total,
        "truncated": bool(report.get("truncated")),
        "rows": report.get("rows"),
    }


def grouped(report: Mapping[str, Any], schema: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """[{type, name, explanation, count, errors: [{row, field, field_title, cell, expected, message}]}], largest first."""
    fields = {f.get("name"): f for f in (schema or {}).get("fields", [])}
    groups: "OrderedDict[str, dict[str, Any]]" = OrderedDict()
    for error in report.get("errors") or []:
        code = str(error.get("type"))
        name, explanation = ERROR_TYPES.get(code, (code, ""))
        group = groups.setdefault(code, {"type": code, "name": name, "explanation": explanation, "errors": []})
        field = fields.get(error.get("field"))
        group["errors"].append({
            "row": error.get("row"),
            "field": error.get("field"),
            "field_title": (field or {}).get("title"),
            "cell": error.get("cell"),
            "expected": expectation(field) if code in ("type-error", "constraint-error", "unique-error") else None,
            "message": error.get("message"),
        })
    counts = report.get("error_counts") or {}
    for code, group in groups.items():
        group["count"] = int(counts.get(code, len(group["errors"])))
    return sorted(groups.values(), key=lambda g: (-g["count"], g["name"]))


def load(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The report JSON of a `report` resource; refuses a format this page does not know."""
    report = stored_files.read_json(resource)
    fmt = report.get("format", SUPPORTED_FORMAT)
    if fmt != SUPPORTED_FORMAT:
        raise ValueError(f"validation report format {fmt!r} is not supported (expected {SUPPORTED_FORMAT})")
    return report
