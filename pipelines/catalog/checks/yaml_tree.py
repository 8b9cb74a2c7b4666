"""Read catalog.yaml keeping line numbers, and turn a data path into a location.

ruamel.yaml's round-trip loader records where every mapping key and sequence
item starts, which is what lets each problem point at the exact line. The same
loader is used by `register` to append entries without losing comments.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from .problems import Problem


def round_trip_yaml() -> YAML:
    """The one YAML configuration used for reading and rewriting catalog.yaml."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _tab_problems(text: str, display: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                Problem(
                    display,
                    number,
                    indent.index("\t") + 1,
                    "tab character in indentation",
                    "YAML indents with spaces only: replace the tab with spaces (2 per level)",
                    "yaml-tab",
                )
            )
    return problems


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or (None, problems) when it is missing, not UTF-8 or indented with tabs."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(display, 0, 0, "file not found", f"create {display} (see README: add a dataset)", "missing-file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, 0, "file is not UTF-8 text", "save the file as UTF-8", "yaml-encoding")]
    tabs = _tab_problems(text, display)
    if tabs:
        return None, tabs
    return text, []


def load_tree(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Parse `path`; return (tree, []) or (None, problems) — never raises on bad YAML."""
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    return parse_tree(text, display)


def parse_tree(text: str, display: str) -> tuple[Any, list[Problem]]:
    """The round-trip tree of `text` (positions kept), or (None, problems) — never raises on bad YAML."""
    try:
        tree = round_trip_yaml().load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = exc.problem.split('"')[1] if '"' in (exc.problem or "") else "a key"
        return None, [
            Problem(display, mark.line + 1, mark.column + 1, f"duplicate key {key!r} in the same mapping",
                    "keep one of them: YAML mappings cannot repeat a key", "yaml-duplicate-key")
        ]
    except ReaderError as exc:  # a control character (NUL, ESC, ...) YAML does not allow anywhere
        before = text[: exc.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        return None, [Problem(display, line, column, f"character U+{exc.character:04X} is not allowed in YAML",
                              "remove the control character (often pasted from another program)", "yaml-character")]
    except RecursionError:
        return None, [Problem(display, 1, 1, "the document nests too deeply to be read",
                              "catalog.yaml needs only a few levels of nesting; check the brackets", "yaml-syntax")]
    except MarkedYAMLError as exc:
        # An unclosed quote or bracket is only noticed at the end of the file; where the
        # construct *started* (context_mark) is where the steward has to look.
        at_end = "end of stream" in (exc.problem or "")
        mark = (exc.context_mark if at_end else None) or exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = "; ".join(t.strip() for t in (exc.context, exc.problem) if t) or "invalid YAML"
        return None, [
            Problem(display, line, column, f"YAML syntax error: {what}",
                    "check indentation, colons after keys and closing quotes/brackets near this line",
                    "yaml-syntax")
        ]
    except (YAMLError, AssertionError) as exc:
        # A few malformed documents (a comment line before a block scalar indicator at the top level,
        # `#⏎| #`) stop ruamel.yaml on an internal assertion or an error without a position.
        detail = f": {exc}" if isinstance(exc, YAMLError) and str(exc) else ""
        return None, [
            Problem(display, 1, 1, f"YAML syntax error: the file cannot be read as YAML{detail}",
                    "the reader could not say where; check the top of the file first: a catalog starts with "
                    "'catalog:', and comments and block scalars (| and >) need a key before them", "yaml-syntax")
        ]
    if tree is None:
        return None, [Problem(display, 1, 1, "file is empty", "start from the committed catalog.yaml", "yaml-empty")]
    alias = _first_alias(text)
    if alias is not None:
        return None, [alias_problem(display, alias)]
    return tree, []


# Where an alias can start: a `*` at the start of a line or after a blank or a YAML indicator
# (`- `, `? `, `: `, `[`, `{`, `,`). A `*` anywhere else is inside a scalar.
_ALIAS_START = re.compile(r"(?:^|[\s\[\]{},:?-])\*", re.MULTILINE)


def may_hold_alias(text: str) -> bool:
    """False only when `text` certainly has no alias: no `*` where one could start, outside full-line comments.

    A line whose first non-blank character is `#` is a comment or a block
    scalar's content, never an alias — unless a quoted scalar opened on an
    earlier line closes on it (`"x⏎# ", *a`), so a `#` line with a quote
    counts like any other. A `*` that could start an alias (also inside a
    quoted or plain scalar that merely looks like it) says "maybe".
    """
    if "*" not in text:
        return False
    return any(_ALIAS_START.search(line) for line in text.splitlines() if "*" in line and not _plain_comment_line(line))


def _plain_comment_line(line: str) -> bool:
    """A full-line comment that no quoted scalar can end on (it holds no quote character)."""
    return line.lstrip(" \t").startswith("#") and '"' not in line and "'" not in line


def _first_alias(text: str) -> Any:
    """The start mark of the first alias (*name), or None.

    Why refused: aliases are expanded when the tree is copied and checked, so a few
    lines of nested aliases (a "billion laughs" document) grow into billions of
    nodes and hang the run. Stewards write values out; nothing in catalog.yaml needs them.
    The parse looking for them costs as much as reading the file, so it runs only when
    `may_hold_alias` cannot rule them out (every run loads the catalog; a fanned-out
    night once per batch).
    """
    from ruamel.yaml.events import AliasEvent

    if not may_hold_alias(text):
        return None
    for event in round_trip_yaml().parse(text):
        if isinstance(event, AliasEvent):
            return event.start_mark
    return None


def alias_problem(display: str, mark: Any) -> Problem:
    return Problem(display, mark.line + 1, mark.column + 1, "YAML aliases (*name) are not allowed in catalog.yaml",
                   "write the value out instead of referring to an anchor (&name)", "yaml-alias")


def to_plain(node: Any) -> Any:
    """A JSON-shaped copy: dates become ISO strings, ruamel types become builtins."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (dt.date, dt.datetime)):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    return node


def leaves(plain: Any, path: tuple = ()) -> Iterator[tuple[list, Any]]:
    """(data path, value) of every scalar in a plain document, for checks that look at each value."""
    if isinstance(plain, dict):
        for key, value in plain.items():
            yield from leaves(value, path + (key,))
    elif isinstance(plain, list):
        for i, value in enumerate(plain):
            yield from leaves(value, path + (i,))
    else:
        yield list(path), plain


def locate(tree: Any, path: Iterable[Any], *, key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the node at `path`; the key's position when `key` is true.

    Walks as deep as the path exists, so a missing child reports its parent.
    """
    line, column = 1, 1
    node = tree
    steps = list(path)
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        if isinstance(node, CommentedMap) and step in node:
            try:
                pos = node.lc.key(step) if (key or not last) else node.lc.value(step)
            except (KeyError, TypeError):
                pos = None
            if pos is not None:
                line, column = pos[0] + 1, pos[1] + 1
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            try:
                pos = node.lc.item(step)
            except (KeyError, TypeError, IndexError):
                pos = None
            if pos is not None:
                line, column = pos[0] + 1, pos[1] + 1
            node = node[step]
        else:
            break
    return line, column


def describe_path(path: Iterable[Any], tree: Any = None) -> str:
    """`datasets[2] (befolkning).source.url`: readable, with the dataset id when known."""
    out = ""
    node = tree
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
            if isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    out += f" ({node['id']})"
            else:
                node = None
        else:
            out += ("." if out else "") + str(step)
            node = node.get(step) if isinstance(node, dict) else None
    return out or "(top level)"
