"""JSON Schema patterns with ECMA-262's `$`: the very end of the text, never before a final line break."""

from __future__ import annotations

import re

import pytest

from pipelines.catalog.checks.ecma_patterns import CatalogValidator, ecma_to_python


@pytest.mark.parametrize("pattern, python", [
    ("^[a-z]+$", r"^[a-z]+\Z"), (r"^a\$b$", r"^a\$b\Z"), ("^[$]x$", r"^[$]x\Z"), ("^(a|b$)", r"^(a|b\Z)"),
    (r"^[\]$]$", r"^[\]$]\Z"),
])
def test_dollar_becomes_end_of_text_outside_classes_and_escapes(pattern, python):
    assert ecma_to_python(pattern) == python


def test_a_trailing_newline_no_longer_matches():
    validator = CatalogValidator({"type": "string", "pattern": "^[a-z0-9_-]{2,100}$"})
    assert re.search("^[a-z0-9_-]{2,100}$", "badplatser\n")  # what jsonschema's default did
    assert not validator.is_valid("badplatser\n") and validator.is_valid("badplatser")
