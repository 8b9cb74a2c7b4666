"""JSON Schema `pattern` with the meaning the standard gives it: `$` is the very end of the text.

Why: JSON Schema patterns are ECMA-262 regular expressions, where `$` (without
the multiline flag) matches only at the end of the input. jsonschema runs them
with Python's `re.search`, where `$` also matches before a final line break,
so `id: "badplatser\\n"` passed `^[a-z0-9_-]{2,100}$` and a name with a
trailing newline reached CKAN. Here every `$` outside a character class is
read as Python's `\\Z`, and the catalog is validated with that keyword.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError


def ecma_to_python(pattern: str) -> str:
    """`pattern` with each unescaped `$` outside `[...]` replaced by `\\Z` (the end of the text)."""
    out: list[str] = []
    in_class = escaped = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        elif ch == "$":
            out.append(r"\Z")
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_to_python(pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


CatalogValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})
