"""Control characters written as YAML escapes ("\\0", "\\e", "\\x07") in catalog texts.

Why a check of its own: YAML refuses a raw NUL or ESC in the file, but its
double-quoted escapes let the same characters through into a title or
description. PostgreSQL cannot store NUL in text, and an ESC sequence would
reach portal pages and the DCAT feed as terminal colour codes — the published
value would differ from anything a reader can see in catalog.yaml. Tab and
line breaks stay allowed: they are ordinary text.
"""

from __future__ import annotations

import re
from typing import Any

from .problems import Problem
from .yaml_tree import describe_path, leaves, locate

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_problems(plain: Any, tree: Any, display: str) -> list[Problem]:
    problems: list[Problem] = []
    for path, node in leaves(plain):
        found = CONTROL.search(node) if isinstance(node, str) else None
        if found:
            line, col = locate(tree, path)
            problems.append(Problem(
                display, line, col,
                f"{describe_path(path, tree)}: control character U+{ord(found.group()):04X} at position {found.start() + 1}",
                "remove the escape (such as \\0, \\e or \\x1b) from the text; control characters cannot be published",
                "control-character"))
    return problems
