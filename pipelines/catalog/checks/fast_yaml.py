"""Read a well-formed catalog.yaml through libyaml, several times faster than the round-trip loader.

Why: every run reads the whole catalog, and a fanned-out night once more in
every batch's fresh process; ruamel's round-trip loader (pure Python, it keeps
every comment and position for the located problems and for `register`) takes
about 3.6 ms per dataset entry, so a catalog of thousands of entries costs
seconds in every process. ruamel's safe loader over libyaml (ruamel.yaml.clib)
reads the same document with the same YAML 1.2 resolver and constructor rules.

It is only ever a shortcut for the good case: `read_fast` answers None for
anything it is not sure to read exactly like the round-trip loader (aliases,
anchors, explicit tags, directives, tabs, characters that loader refuses,
deep nesting, any parse error), and the catalog loader falls back to the
round-trip reading whenever a check finds a problem, so every problem is
still reported with its exact line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.reader import Reader

from .yaml_tree import may_hold_alias

# A directive (`%YAML 1.1`, `%TAG`) changes how scalars resolve or what tags mean; libyaml and the
# round-trip loader do not agree on every one of them.
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
# Where an explicit tag (`!!str 12`, `!custom`) or an anchor (`&name`) can start: the round-trip loader
# keeps tagged values as tagged objects where libyaml's reading makes builtins of them, and the two
# disagree on anchored empty nodes. A `!` or `&` that merely could be one says "maybe".
_TAG_OR_ANCHOR_START = re.compile(r"(?:^|[\s\[\]{},:?-])[!&]", re.MULTILINE)
# libyaml reads any depth without recursion, but building and checking the values recurses: a deeper
# document goes to the round-trip loader, which refuses it with a located problem.
MAX_DEPTH = 64


@dataclass(frozen=True)
class FastDocument:
    data: Any  # builtins only: dict, list, str, int, float, bool, None, date, datetime
    item_lines: dict[tuple[str, int], int]  # (top-level key, index) -> 1-based line of that list item


def read_fast(text: str) -> FastDocument | None:
    """The document read through libyaml, or None when only the round-trip loader can be trusted with it."""
    if "\t" in text:  # the two scanners do not take tabs between tokens alike
        return None
    if may_hold_alias(text) or _DIRECTIVE.search(text) or _TAG_OR_ANCHOR_START.search(text):
        return None
    if Reader.NON_PRINTABLE.search(text):
        return None
    yaml = YAML(typ="safe", pure=False)
    try:
        node = yaml.compose(text)
        if not isinstance(node, MappingNode) or not _nests_at_most(node, MAX_DEPTH):
            return None
        data = yaml.constructor.construct_document(node)
    except Exception:  # any YAML error: the round-trip loader locates it
        return None
    return FastDocument(data, _item_lines(node))


def _nests_at_most(root: MappingNode, limit: int) -> bool:
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(node, MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return True


def _item_lines(root: MappingNode) -> dict[tuple[str, int], int]:
    lines = {}
    for key, value in root.value:
        if isinstance(value, SequenceNode) and isinstance(key.value, str):
            for i, item in enumerate(value.value):
                lines[(key.value, i)] = item.start_mark.line + 1
    return lines
