"""Check steward files in datasets/<id>/ against their Table Schema, before any run.

A steward who edits a CSV should learn about a bad row from `oppnadata check`,
not from a failed night. The file goes through the same normalizer and the
same validator as in the nightly run (pipelines.normalize, pipelines.validation),
so check and run cannot disagree. Each error points at the row in the file.
The values are also compared with the declared types (`type_evidence`): a
type that would drop leading zeros or read plain numbers as points is
reported even where validation passes.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, Mapping

from ...errors import SourceError, SourceErrorKind
from ...normalize import normalize_csv, normalize_records, normalize_xlsx, parse_json
from ...validation import validate_table
from ..type_evidence import contradictions, scan_columns
from .paths import source_format
from .problems import Problem
from .table_schemas import CODE_NAME, line_of, name_positions

MAX_ERRORS_PER_FILE = 50


def _records(path: Path, fmt: str, records_path: str | None, display: str) -> list:
    """JSON records (or GeoJSON feature properties) the way the file source reads them."""
    document = parse_json(path.read_text(encoding="utf-8-sig"), display)
    if fmt == "geojson":
        return [f.get("properties") or {} for f in document.get("features", [])]
    for step in (records_path or "").split(".") if records_path else []:
        document = document[step]
    return document


def _normalize(options: Mapping[str, Any], src: Path, dest: Path, schema: Mapping[str, Any], display: str) -> None:
    fmt = source_format(dict(options))
    if fmt == "csv":
        normalize_csv(src, dest, schema, encoding=options.get("encoding"), delimiter=options.get("delimiter"), source=display)
    elif fmt == "xlsx":
        normalize_xlsx(src, dest, dict(schema), sheet=options.get("sheet"), header_row=options.get("header_row", 1), source=display)
    else:
        try:
            records = _records(src, fmt, options.get("records_path"), display)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SourceError(SourceErrorKind.DECODE_ERROR, f"{display}: cannot read the JSON records ({exc.__class__.__name__}: {exc})") from None
        normalize_records(records, dest, schema, source=display)


def steward_file_problems(root: Path, dataset_id: str, options: Mapping[str, Any], schema_rel: str,
                          schema: Mapping[str, Any]) -> list[Problem]:
    """Problems in one file dataset's steward file (empty when it matches its schema).

    Takes the entry's parts rather than a Dataset so that `check` can still
    check the data of sound entries while another part of catalog.yaml is broken.
    """
    rel = f"datasets/{dataset_id}/{options.get('path')}"
    src = root / rel
    header_offset = int(options.get("header_row", 1)) - 1
    with tempfile.TemporaryDirectory(prefix="oppnadata-check-") as tmp:
        canonical = Path(tmp) / "data.csv"
        try:
            _normalize(options, src, canonical, schema, rel)
        except SourceError as exc:
            text = str(exc)
            found = re.search(r"\b(?:line|row) (\d+)", text)
            return [Problem(rel, int(found.group(1)) if found else 0, 0, text,
                            "fix the file (or its encoding/delimiter/sheet options in catalog.yaml)", "steward-file")]
        report = validate_table(canonical, dict(schema), limit_errors=MAX_ERRORS_PER_FILE)
        columns = scan_columns(canonical)
    fields = [f.get("name") for f in schema.get("fields", [])]
    schema_text = (root / schema_rel).read_text(encoding="utf-8-sig") if (root / schema_rel).is_file() else ""
    positions = name_positions(schema_text)
    problems = [
        Problem(schema_rel, *(positions.get(name) or line_of(schema_text, f'"name": "{name}"')), f"field {name!r} {what}",
                f"the values in {rel} contradict the declared type", "type-contradicted")
        for name, what in contradictions(schema.get("fields", []), columns)
        if not ("leading zeros" in what and CODE_NAME.search(str(name)))  # already reported as code-not-string
    ]
    for error in report.errors:
        line = (error.row + header_offset) if error.row else 0
        column = fields.index(error.field) + 1 if error.field in fields else 0
        where = f"row {error.row}" + (f", field {error.field!r}" if error.field else "") if error.row else "file"
        problems.append(Problem(rel, line, column, f"{where}: {error.message}",
                                f"correct the value so it matches {schema_rel} ({error.type})", "steward-data"))
    return problems
