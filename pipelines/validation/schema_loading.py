"""Turn the `schema` argument (a mapping or a path to JSON) into a descriptor.

A schema that cannot be read is a *reported* problem, not an exception: the
nightly run must produce a report for every dataset, and the steward needs the
file and the line of the JSON syntax error to fix it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from .report import ValidationError


def load_schema(schema: Mapping[str, Any] | Path | str) -> tuple[dict[str, Any] | None, ValidationError | None]:
    """Return (descriptor, None) or (None, a schema-error saying what to fix)."""
    if isinstance(schema, Mapping):
        # a private deep copy that also proves the schema is plain JSON; frozen mappings
        # (the catalog's MappingProxyType) are copied as objects
        try:
            return json.loads(json.dumps(schema, default=_plain_mapping)), None
        except (TypeError, ValueError) as exc:
            return None, _schema_error(f"the schema is not plain JSON data: {exc}")
    path = Path(schema)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, _schema_error(f"schema file {path} does not exist: create it or fix the path in catalog.yaml")
    except (OSError, UnicodeDecodeError) as exc:
        return None, _schema_error(f"schema file {path} cannot be read as UTF-8 text: {exc}")
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, _schema_error(
            f"schema file {path} is not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        )
    if not isinstance(descriptor, dict):
        return None, _schema_error(f"schema file {path} must hold a JSON object with \"fields\", not {type(descriptor).__name__}")
    return descriptor, None


def _plain_mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"a value of type {type(value).__name__} is not JSON ({value!r})")


def _schema_error(message: str) -> ValidationError:
    return ValidationError(type="schema-error", message=message)
