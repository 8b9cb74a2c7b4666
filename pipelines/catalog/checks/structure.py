"""Check catalog.yaml against its JSON Schema (pipelines/catalog/catalog.schema.json).

The JSON Schema is the single statement of which keys exist, which are
required and which values are allowed (closed vocabularies); editors can use it
while typing. This module only turns jsonschema's errors into located problems
a steward can act on: the line, the offending key, and what to write instead.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from jsonschema.exceptions import ValidationError

from .ecma_patterns import CatalogValidator
from .placeholders import is_placeholder
from .problems import Problem
from .secrets_scan import REFERENCE_KEYS, is_secret_key, url_secret
from .yaml_tree import describe_path, locate

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "catalog.schema.json"
_TYPE_WORDS = {"string": "a text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping of keys"}
_LONG_ENUM = 20


@lru_cache(maxsize=1)
def catalog_json_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    for py, word in ((dict, "a mapping"), (list, "a list"), (str, "a text"), (int, "a number"), (float, "a number")):
        if isinstance(value, py):
            return word
    return "nothing" if value is None else type(value).__name__


def _enum_hint(allowed: list, value: Any) -> str:
    text = str(value).upper()
    prefixed = [str(a) for a in allowed if len(str(a)) >= 3 and (text.startswith(str(a).upper()) or str(a).upper().startswith(text))]
    close = prefixed[:1] or difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=0.6)
    guess = f"did you mean {close[0]!r}? " if close else ""
    if len(allowed) <= _LONG_ENUM:
        return guess + "allowed: " + ", ".join(str(a) for a in allowed)
    return guess + "see the allowed values in pipelines/catalog/catalog.schema.json"


def _problem(error: ValidationError, tree: Any, display: str) -> list[Problem]:
    path = list(error.absolute_path)
    where = describe_path(path, tree)
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("x-hint", "")
    v = error.validator
    if v == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        out = []
        props = schema.get("properties", {})
        for key in missing:
            desc = props.get(key, {}).get("description", "")
            line, col = locate(tree, path, key=True)
            out.append(Problem(display, line, col, f"{where}: missing required key {key!r}",
                               f"add '{key}:'" + (f" ({desc})" if desc else ""), "missing-key"))
        return out
    if v == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key in schema.get("properties", {}) or is_secret_key(str(key)):
                continue  # secret-looking keys are reported (once) by the secrets scan
            line, col = locate(tree, path + [key], key=True)
            close = difflib.get_close_matches(str(key), allowed, n=1)
            guess = f"did you mean {close[0]!r}? " if close else ""
            out.append(Problem(display, line, col, f"{where}: unknown key {key!r}",
                               guess + "allowed keys here: " + ", ".join(allowed), "unknown-key"))
        return out
    line, col = locate(tree, path)
    value = error.instance
    if v == "enum":
        return [Problem(display, line, col, f"{where}: {_short(value)} is not an allowed value",
                        _enum_hint(error.validator_value, value), "not-allowed")]
    if v == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        if "string" in wanted and isinstance(value, int) and not isinstance(value, bool):
            hint = hint or "put the value in quotes, e.g. '0880', so leading zeros are kept"
            hint = "put the value in quotes so it stays text (YAML reads 0880 as the number 880); " + hint
        return [Problem(display, line, col, f"{where}: expected {words}, found {_type_name(value)}",
                        hint or f"write {words} here", "wrong-type")]
    if v == "pattern" and path and path[-1] in REFERENCE_KEYS:
        # what is written here may well be the key itself: never repeat it
        return [Problem(display, line, col, f"{where}: not the name of a source key variable (OPPNADATA_SOURCE_KEY_...)",
                        hint, "bad-format")]
    if v == "pattern" and schema.get("x-percent-encode") and isinstance(value, str):
        encoded = quote(value.strip(), safe=":/?#[]@!$&'()*+,;=%~")
        suggestion = f"; percent-encoded it reads {encoded}" if encoded != value else ""
        return [Problem(display, line, col, f"{where}: {_short(value)} is not a valid link", hint + suggestion, "bad-format")]
    if v == "pattern":
        return [Problem(display, line, col, f"{where}: {_short(value)} is not valid here",
                        hint or f"it must match {error.validator_value}", "bad-format")]
    if v in ("minItems", "minLength"):
        what = "at least one item" if v == "minItems" else "a non-empty text"
        return [Problem(display, line, col, f"{where}: needs {what}", hint or f"write {what} here", "empty")]
    if v in ("maxItems", "maxLength"):
        return [Problem(display, line, col, f"{where}: too long (at most {error.validator_value})",
                        hint or "shorten it", "too-long")]
    if v in ("minimum", "maximum"):
        return [Problem(display, line, col, f"{where}: {_short(value)} is out of range ({v} {error.validator_value})",
                        hint or "use a value in range", "out-of-range")]
    if v == "uniqueItems":
        return [Problem(display, line, col, f"{where}: the list repeats an item", "remove the repeated item", "repeated-item")]
    if v == "dependentRequired":
        pairs = [(k, need) for k, needs in error.validator_value.items() if k in value for need in needs if need not in value]
        k, need = pairs[0] if pairs else ("?", "?")
        return [Problem(display, line, col, f"{where}: {k!r} needs {need!r}",
                        f"add '{need}:' naming the environment variable that holds the key", "missing-key")]
    if v == "not" and isinstance(value, dict) and {"api_key_header", "api_key_param"} <= set(value):
        return [Problem(display, line, col, f"{where}: give either 'api_key_header' or 'api_key_param', not both",
                        "keep the one the API expects", "conflicting-keys")]
    return [Problem(display, line, col, f"{where}: {error.message}", hint, "schema")]


def structure_problems(plain: Any, tree: Any, display: str) -> tuple[list[Problem], set[tuple]]:
    """Problems plus the data paths that failed, so later checks can skip broken parts."""
    validator = CatalogValidator(catalog_json_schema())
    problems: list[Problem] = []
    broken: set[tuple] = set()
    for error in validator.iter_errors(plain):
        broken.add(tuple(error.absolute_path))
        if is_placeholder(error.instance):
            continue  # reported once, as "still to fill in", by the placeholder scan
        if isinstance(error.instance, str) and url_secret(error.instance):
            continue  # reported by the secrets scan, without echoing the credential
        problems.extend(_problem(error, tree, display))
    return problems, broken


def is_broken(broken: Iterable[tuple], prefix: tuple) -> bool:
    """Did structure checking fail at `prefix` or anywhere inside it?"""
    return any(p[: len(prefix)] == prefix for p in broken)
