"""References to national specifications and harvest sources that the JSON Schema cannot check.

A dataset's `conforms_to` and a union's `source.specification` must name a
specification file in schemas/specifications/ that says what it is (URI,
version, status, licence, the sources of its facts). Such a dataset is
validated against that specification, so it gives no `schema:` of its own,
and a union, which adds columns, does not claim to conform itself.

Harvest sources publish under an organization of the catalog, and their ids
prefix the mirrored datasets' names, so they may not repeat a dataset's id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..specifications import SPECIFICATIONS_DIR, specification_problem, specification_relpath
from .paths import specification_key
from .problems import Problem
from .structure import is_broken
from .yaml_tree import describe_path, locate


def _known(root: Path) -> list[str]:
    folder = root / SPECIFICATIONS_DIR
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def _spec_problem(root: Path, key: str) -> str | None:
    path = root / specification_relpath(key)
    if not path.is_file():
        return "missing"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"{specification_relpath(key)} cannot be read as JSON ({exc})"
    problem = specification_problem(descriptor, key)
    return f"{specification_relpath(key)} {problem}" if problem else None


def specification_problems(plain: Any, tree: Any, display: str, root: Path, broken: set[tuple]) -> list[Problem]:
    problems: list[Problem] = []
    datasets = plain.get("datasets") if isinstance(plain, dict) else None
    for i, ds in enumerate(datasets if isinstance(datasets, list) else []):
        if not isinstance(ds, dict):
            continue
        key = specification_key(ds)
        is_union = isinstance(ds.get("source"), dict) and ds["source"].get("type") == "union"
        at = ["datasets", i, "source", "specification"] if is_union else ["datasets", i, "conforms_to"]
        if key is None or is_broken(broken, tuple(at)):
            continue
        line, col = locate(tree, at)
        where = describe_path(at, tree)
        found = _spec_problem(root, key)
        if found == "missing":
            known = ", ".join(_known(root)) or "none yet"
            problems.append(Problem(display, line, col, f"{where}: no specification {key!r} in {SPECIFICATIONS_DIR}/",
                                    f"name one of: {known}", "unknown-specification"))
        elif found:
            problems.append(Problem(display, line, col, f"{where}: {found}",
                                    "a specification file carries a 'specification' object; see docs/ckan-mapping.md",
                                    "bad-specification"))
        if "schema" in ds:
            line, col = locate(tree, ["datasets", i, "schema"])
            problems.append(Problem(display, line, col,
                                    f"{describe_path(['datasets', i, 'schema'], tree)}: a dataset that follows specification "
                                    f"{key!r} is validated against it, not against its own schema",
                                    "remove 'schema:'", "conflicting-schema"))
        if is_union and "conforms_to" in ds:
            line, col = locate(tree, ["datasets", i, "conforms_to"])
            problems.append(Problem(display, line, col,
                                    f"{describe_path(['datasets', i, 'conforms_to'], tree)}: a union adds provenance columns "
                                    "to the specification, so it does not itself conform to it",
                                    "remove 'conforms_to:'; 'source.specification' names what the union collects",
                                    "union-conforms"))
    return problems


def harvest_problems(plain: Any, tree: Any, display: str, broken: set[tuple]) -> list[Problem]:
    """Harvest sources: known organization, ids unique among harvest sources and datasets."""
    if not isinstance(plain, dict) or not isinstance(plain.get("harvest"), list):
        return []
    orgs = {o.get("id") for o in plain.get("organizations") or [] if isinstance(o, dict)}
    taken = {d.get("id") for d in plain.get("datasets") or [] if isinstance(d, dict)}
    seen: set[str] = set()
    problems = []
    for i, entry in enumerate(plain["harvest"]):
        if not isinstance(entry, dict) or is_broken(broken, ("harvest", i)):
            continue
        org, hid = entry.get("organization"), entry.get("id")
        if org not in orgs:
            line, col = locate(tree, ["harvest", i, "organization"])
            problems.append(Problem(display, line, col,
                                    f"{describe_path(['harvest', i, 'organization'], tree)}: unknown organization {org!r}",
                                    "use the id of an entry under 'organizations:'", "unknown-organization"))
        if hid in taken or hid in seen:
            line, col = locate(tree, ["harvest", i, "id"])
            problems.append(Problem(display, line, col,
                                    f"{describe_path(['harvest', i, 'id'], tree)}: id {hid!r} is already used",
                                    "every dataset and harvest source needs its own id", "duplicate-id"))
        seen.add(hid)
    return problems
