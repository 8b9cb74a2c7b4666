"""Drafts for `oppnadata register`: a Table Schema proven from the data, and a catalog entry.

Why a draft and not a finished entry: only the steward knows the Swedish
title, the description, the themes and how often the data changes. Everything
a machine can prove is filled in; everything else is marked `TODO` (which
`check` reports until it is replaced), so a half-done registration can never
be published by accident.

Field types come from `type_evidence`: a type is drafted only when every
value in the file proves it (codes with leading zeros stay strings with a
pattern, decimal-comma columns become numbers); a column without values gets
a `TODO` type. Nothing is guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .checks.placeholders import PLACEHOLDER
from .checks.structure import catalog_json_schema
from .type_evidence import drafted_field, scan_columns


def infer_schema(csv_path: Path) -> dict[str, Any]:
    """A Table Schema for a canonical UTF-8 CSV: proven types, and TODO titles and descriptions."""
    fields = []
    for column in scan_columns(csv_path):
        out = drafted_field(column)
        out["title"] = f"{PLACEHOLDER}: svensk rubrik för {column.name}"
        out["description"] = f"{PLACEHOLDER}: vad kolumnen {column.name} innehåller, på svenska"
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
