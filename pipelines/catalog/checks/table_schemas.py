"""Check the Table Schema files in schemas/: valid JSON, valid Frictionless, documented.

Beyond Frictionless' own rules, the project asks every field to carry a
Swedish title and description (they become the DataStore data dictionary and
the portal's column help), that drafts written by `register` are finished
(no `TODO` left, including the type of a column that was empty), that
code-like fields stay strings so "0880" keeps its leading zero, and that no
field is `any` (which checks nothing and publishes whatever arrives).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import frictionless

from .placeholders import PLACEHOLDER
from .problems import Problem

CODE_NAME = re.compile(r"(kod|code)$", re.I)


_NAME = re.compile(r'"name": "((?:[^"\\]|\\.)*)"')


def name_positions(text: str) -> dict[str, tuple[int, int]]:
    """(line, column) of each field's `"name": "<name>"` in a schema's text, found in one pass."""
    positions: dict[str, tuple[int, int]] = {}
    line, last = 1, 0
    for match in _NAME.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        positions.setdefault(match.group(1), (line, match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1))
    return positions


def line_of(text: str, needle: str) -> tuple[int, int]:
    index = text.find(needle)
    if index < 0:
        return 1, 1
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _locate_note(text: str, note: str) -> tuple[int, int]:
    """Frictionless names the offending value in quotes ('field type "text"'): point at that value."""
    for token in re.findall(r'"([^"]+)"', note):
        if f': "{token}"' in text:
            line, col = line_of(text, f': "{token}"')
            return line, col + 2  # at the value's opening quote, not at the colon
    return 1, 1


def read_table_schema(path: Path, display: str) -> tuple[dict | None, list[Problem]]:
    """Parse and validate one schema file; (descriptor, []) or (None|descriptor, problems)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(display, 0, 0, "schema file does not exist", "create it or correct 'schema:' in catalog.yaml", "missing-schema")]
    except UnicodeDecodeError:
        return None, [Problem(display, 0, 0, "schema file is not UTF-8 text", "save it as UTF-8", "schema-encoding")]
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(display, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}",
                              "fix the JSON syntax (commas between items, double quotes, no trailing comma)", "schema-json")]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
        return None, [Problem(display, 1, 1, "not a Table Schema: the top level must be an object with a 'fields' list",
                              "see https://specs.frictionlessdata.io/table-schema/ or let `oppnadata register` draft one",
                              "not-table-schema")]
    todo = _todo_types(descriptor, text, display)
    if todo:  # the draft is unfinished: nothing can be validated against it yet
        return None, todo
    problems = []
    report = frictionless.Schema.validate_descriptor(descriptor)
    for error in report.errors:
        note = getattr(error, "note", "") or error.message
        line, col = _locate_note(text, note)
        problems.append(Problem(display, line, col, f"not a valid Table Schema: {note}",
                                "see https://specs.frictionlessdata.io/table-schema/ for the allowed field types and keys",
                                "not-table-schema"))
    if problems:
        return None, problems
    return descriptor, _project_rules(descriptor, text, display)


def _todo_types(descriptor: dict, text: str, display: str) -> list[Problem]:
    """Fields whose type `register` left as TODO (the column had no values to prove a type)."""
    problems = []
    for field in descriptor["fields"]:
        if isinstance(field, dict) and isinstance(field.get("type"), str) and field["type"].strip().startswith(PLACEHOLDER):
            name = field.get("name", "?")
            line, col = line_of(text, f'"name": "{name}"')
            problems.append(Problem(display, line, col,
                                    f"field {name!r}: the type is still a {PLACEHOLDER} placeholder (the column was "
                                    "empty in the file, so no type could be proven)",
                                    'choose the type the column will hold: "string", "integer", "number", "date" …',
                                    "type-todo"))
    return problems


def _project_rules(descriptor: dict, text: str, display: str) -> list[Problem]:
    problems = []
    positions = name_positions(text)
    for field in descriptor["fields"]:
        if not isinstance(field, dict):
            continue
        name = field.get("name", "?")
        line, col = positions.get(name) or line_of(text, f'"name": "{name}"')
        for key in ("title", "description"):
            value = field.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(display, line, col, f"field {name!r} has no {key}",
                                        f"add a Swedish \"{key}\" for the field", "field-undocumented"))
            elif value.strip().startswith(PLACEHOLDER):
                problems.append(Problem(display, line, col, f"field {name!r}: the {key} is still a {PLACEHOLDER} placeholder",
                                        f"replace it with a Swedish {key}", "placeholder"))
        if field.get("type") == "any":
            problems.append(Problem(display, line, col, f"field {name!r} has type 'any': no value is checked and "
                                    "every value is published as text",
                                    "choose the type the values have (\"string\" keeps any text exactly)", "field-any"))
        if CODE_NAME.search(str(name)) and field.get("type") in ("integer", "number"):
            problems.append(Problem(display, line, col, f"field {name!r} looks like a code but has type {field['type']!r}",
                                    "make it \"type\": \"string\" with a pattern (e.g. \"^\\\\d{4}$\") so leading zeros are kept",
                                    "code-not-string"))
    return problems
