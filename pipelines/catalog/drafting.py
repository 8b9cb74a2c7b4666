"""Drafts for `oppnadata register`: a Table Schema inferred from a sample, and a catalog entry.

Why a draft and not a finished entry: only the steward knows the Swedish
title, the description, the themes and how often the data changes. Everything
a machine can know is filled in; everything else is marked `TODO` (which
`check` reports until it is replaced), so a half-done registration can never
be published by accident.

Frictionless' describe reads "0880" as the integer 880; code-like columns
(digits with a leading zero somewhere in the sample) are turned back into
strings with a pattern, so kommunkod keeps its leading zero. It also reads
"57,3265" as text; columns of decimal-comma numbers become `number`.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import frictionless
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .checks.placeholders import PLACEHOLDER
from .checks.structure import catalog_json_schema

_DIGITS = re.compile(r"^\d+$")
_SWEDISH_NUMBER = re.compile(r"^-?\d+(,\d+)?$")


def _column_values(csv_path: Path, limit: int = 10_000) -> dict[str, list[str]]:
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        values: dict[str, list[str]] = {h: [] for h in header}
        for n, row in enumerate(reader):
            if n >= limit:
                break
            for name, cell in zip(header, row):
                values[name].append(cell)
    return values


def is_code_like(values: list[str]) -> bool:
    """All non-empty values are digits and at least one starts with 0 (a code, not a quantity)."""
    present = [v for v in values if v != ""]
    return bool(present) and all(_DIGITS.match(v) for v in present) and any(len(v) > 1 and v[0] == "0" for v in present)


def is_decimal_comma_number(values: list[str]) -> bool:
    """All non-empty values are numbers written with a decimal comma (57,3265), at least one with a comma.

    The sample is the raw export's text: normalization turns decimal commas into
    points only for fields the schema calls `number`, so the draft must say so.
    """
    present = [v for v in values if v != ""]
    return bool(present) and all(_SWEDISH_NUMBER.match(v) for v in present) and any("," in v for v in present)


def infer_schema(csv_path: Path) -> dict[str, Any]:
    """A Table Schema for a canonical UTF-8 CSV, with code-like columns as strings and TODO titles."""
    resource = frictionless.describe(str(csv_path), type="resource")
    described = resource.schema.to_descriptor()
    values = _column_values(csv_path)
    fields = []
    for field in described.get("fields", []):
        name = field["name"]
        out: dict[str, Any] = {"name": name, "type": field.get("type", "string")}
        column = values.get(name, [])
        if out["type"] in ("integer", "number") and is_code_like(column):
            lengths = {len(v) for v in column if v}
            out["type"] = "string"
            out["constraints"] = {"pattern": rf"^\d{{{lengths.pop()}}}$" if len(lengths) == 1 else r"^\d+$"}
        elif out["type"] == "string" and is_decimal_comma_number(column):
            out["type"] = "number"
        if field.get("format") not in (None, "default"):
            out["format"] = field["format"]
        out["title"] = f"{PLACEHOLDER}: svensk rubrik för {name}"
        out["description"] = f"{PLACEHOLDER}: vad kolumnen {name} innehåller, på svenska"
        fields.append(out)
    return {"fields": fields}


def _allowed(name: str) -> list[str]:
    return list(catalog_json_schema()["$defs"][name]["enum"])


def draft_entry(dataset_id: str, organization: str, source: dict[str, Any], license_uri: str, area_code: str) -> CommentedMap:
    """The catalog entry, with a comment on every line the steward must complete."""
    entry = CommentedMap()
    entry["id"] = dataset_id
    entry["title"] = f"{PLACEHOLDER}: svensk titel"
    entry["description"] = f"{PLACEHOLDER}: vad datamängden innehåller, varifrån och hur ofta den uppdateras"
    entry["organization"] = organization
    src = CommentedMap()
    for key, value in source.items():
        src[key] = value
    entry["source"] = src
    entry["license"] = license_uri
    entry["frequency"] = PLACEHOLDER
    themes = CommentedSeq([PLACEHOLDER])
    themes.fa.set_flow_style()
    entry["themes"] = themes
    keywords = CommentedSeq([PLACEHOLDER])
    keywords.fa.set_flow_style()
    entry["keywords"] = keywords
    spatial = CommentedSeq([area_code])
    spatial.fa.set_flow_style()
    entry["spatial"] = spatial
    entry.yaml_add_eol_comment("fill in: a Swedish title", "title")
    entry.yaml_add_eol_comment("fill in: a Swedish description", "description")
    entry.yaml_add_eol_comment("check: the catalog default; or " + ", ".join(_allowed("license")), "license")
    entry.yaml_add_eol_comment("fill in: an EU frequency, e.g. DAILY WEEKLY MONTHLY QUARTERLY ANNUAL IRREG", "frequency")
    entry.yaml_add_eol_comment("fill in: EU data themes, e.g. " + " ".join(_allowed("theme")), "themes")
    entry.yaml_add_eol_comment("fill in: Swedish search words", "keywords")
    entry.yaml_add_eol_comment("check: '08' for the county or municipality codes", "spatial")
    return entry
