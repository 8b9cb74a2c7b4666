"""Refuse literal secrets in catalog.yaml: keys are referred to by environment variable.

catalog.yaml is committed and published; a key written into it is leaked the
moment it is pushed. A source that needs a key names the variable that holds
it (`api_key_env: OPPNADATA_SOURCE_KEY_KLT`). Problems never repeat the secret's value.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .problems import Problem
from .yaml_tree import describe_path, locate

# Keys that only ever describe where a secret lives, never the secret itself.
REFERENCE_KEYS = frozenset({"api_key_env", "api_key_header", "api_key_param"})
_SECRET_WORDS = re.compile(r"(api[_-]?key|apikey|token|secret|passw(or)?d|passwd|pwd|auth|credential|bearer|private[_-]?key)", re.I)


def is_secret_key(key: str) -> bool:
    return key not in REFERENCE_KEYS and bool(_SECRET_WORDS.search(key))


def url_secret(value: str) -> str | None:
    """What kind of secret an URL carries, if any (without echoing it)."""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.password:
        return "a password in the URL"
    for name, val in parse_qsl(parts.query, keep_blank_values=True):
        if val and _SECRET_WORDS.search(name):
            return f"a credential in the query parameter {name!r}"
    return None


def secret_problems(tree: Any, display: str) -> list[Problem]:
    problems: list[Problem] = []

    def walk(node: Any, path: list) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if is_secret_key(str(key)) and value not in (None, ""):
                    line, col = locate(tree, path + [key], key=True)
                    problems.append(Problem(
                        display, line, col,
                        f"{describe_path(path + [key], tree)}: a secret written into the file",
                        "never write keys, tokens or passwords here: put the value in an environment variable "
                        "OPPNADATA_SOURCE_KEY_<NAME> and name it with 'api_key_env: OPPNADATA_SOURCE_KEY_<NAME>' "
                        "(plus 'api_key_header' or 'api_key_param')",
                        "literal-secret"))
                    continue
                walk(value, path + [key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + [i])
        elif isinstance(node, str):
            kind = url_secret(node)
            if kind:
                line, col = locate(tree, path)
                problems.append(Problem(
                    display, line, col, f"{describe_path(path, tree)}: {kind}",
                    "remove it from the URL; name the environment variable with 'api_key_env' and "
                    "'api_key_param' so the key is added at run time", "literal-secret"))

    walk(tree, [])
    return problems
