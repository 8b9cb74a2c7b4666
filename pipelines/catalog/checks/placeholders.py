"""The `TODO` marker: what `register` leaves for the steward to fill in.

`register` drafts a catalog entry and a schema with `TODO` where only a human
knows the answer (a Swedish description, the licence, the themes). `check`
reports each remaining marker as one clear problem, instead of a confusing
"'TODO' is not an allowed value", so a draft can never be published by mistake.
"""

from __future__ import annotations

from typing import Any

from .problems import Problem
from .yaml_tree import describe_path, leaves, locate

PLACEHOLDER = "TODO"


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


def placeholder_problems(plain: Any, tree: Any, display: str) -> list[Problem]:
    problems: list[Problem] = []
    for path, node in leaves(plain):
        if is_placeholder(node):
            line, col = locate(tree, path)
            problems.append(Problem(display, line, col, f"{describe_path(path, tree)}: still to fill in ({node.strip()})",
                                    "replace the TODO with the real value; the comment next to it says what is allowed",
                                    "placeholder"))
    return problems
