"""Parse a JSON document, turning every way it can fail into an error with its line and column.

Why: `json.loads` reports bad syntax as a `JSONDecodeError` with a position,
but two hostile inputs escape as other exceptions with no position at all:
nesting deeper than Python's recursion limit (`RecursionError`) and an
integer longer than Python converts (`ValueError`, over 4300 digits). Both
would end a run or a `check` in a traceback. Here each becomes a located
`SourceError` that says what to change.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from ..errors import SourceError, SourceErrorKind

REPORTED_DEPTH = 500  # where a too-deep document is said to become too deep (Python stops near 1000)
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _long_integer():
    return re.compile(r'"(?:[^"\\]|\\.)*"|-?\d{%d,}' % (sys.get_int_max_str_digits() + 1), re.S)


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _too_deep_at(text: str) -> int:
    depth = 0
    for token in _STRING_OR_BRACKET.finditer(text):
        ch = token.group()[0]
        if ch in "[{":
            depth += 1
            if depth > REPORTED_DEPTH:
                return token.start()
        elif ch in "]}":
            depth -= 1
    return 0


def parse_json(text: str, source: str) -> Any:
    """The document, or a SourceError(DECODE_ERROR) naming line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(SourceErrorKind.DECODE_ERROR, f"{source}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        line, column = _line_column(text, _too_deep_at(text))
        raise SourceError(
            SourceErrorKind.DECODE_ERROR,
            f"{source}: the JSON is nested too deep to read (more than {REPORTED_DEPTH} levels of [ and {{ at line "
            f"{line} column {column}); a table's records are objects one or two levels down: export a flat list",
        ) from None
    except ValueError as exc:  # an integer with more digits than Python converts
        found = next((m for m in _long_integer().finditer(text) if not m.group().startswith('"')), None)
        where = "line {} column {}".format(*_line_column(text, found.start())) if found else "somewhere in the file"
        digits = len(found.group().lstrip("-")) if found else 0
        raise SourceError(
            SourceErrorKind.DECODE_ERROR,
            f"{source}: a number at {where} has {digits} digits, more than can be read exactly "
            f"({str(exc).split(':')[0]}); write it as a string if it is a code, or correct it",
        ) from None
