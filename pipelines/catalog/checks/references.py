"""Rules across entries that a JSON Schema cannot express: uniqueness and references.

Unique dataset ids (one id is the CKAN name, the schema name and the folder),
organizations that exist, area codes that belong to the catalog's
organizations, sane dates, and organisation numbers with a valid check digit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .problems import Problem
from .structure import is_broken
from .yaml_tree import describe_path, locate


def _items(plain: Any, key: str) -> list[tuple[int, dict]]:
    value = plain.get(key) if isinstance(plain, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def luhn_ok(digits: str) -> bool:
    """Swedish organisation numbers end in a Luhn check digit (as personal numbers do)."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _unique(items, key, section, tree, display, code, what) -> list[Problem]:
    problems, seen = [], {}
    for i, item in items:
        value = item.get(key)
        if not isinstance(value, str):
            continue
        if value in seen:
            line, col = locate(tree, [section, i, key])
            first, _ = locate(tree, [section, seen[value], key])
            problems.append(Problem(display, line, col, f"{section}[{i}]: duplicate {what} {value!r} (first used on line {first})",
                                    f"every {what} must be unique: rename one of them", code))
        else:
            seen[value] = i
    return problems


def reference_problems(plain: Any, tree: Any, display: str, broken: set[tuple]) -> list[Problem]:
    problems: list[Problem] = []
    orgs = _items(plain, "organizations")
    datasets = _items(plain, "datasets")
    problems += _unique(orgs, "id", "organizations", tree, display, "duplicate-organization", "organization id")
    problems += _unique(orgs, "code", "organizations", tree, display, "duplicate-code", "area code")
    problems += _unique(datasets, "id", "datasets", tree, display, "duplicate-id", "dataset id")
    org_ids = {o["id"] for _, o in orgs if isinstance(o.get("id"), str)}
    codes = {o["code"] for _, o in orgs if isinstance(o.get("code"), str)}

    for i, org in orgs:
        nr = org.get("orgnr")
        if isinstance(nr, str) and not is_broken(broken, ("organizations", i, "orgnr")) and not luhn_ok(nr):
            line, col = locate(tree, ["organizations", i, "orgnr"])
            problems.append(Problem(display, line, col, f"{describe_path(['organizations', i, 'orgnr'], tree)}: "
                                    f"{nr!r} fails the organisation number check digit",
                                    "copy the number from the organisation's own site or Bolagsverket; leave 'orgnr' out if unknown",
                                    "bad-orgnr"))

    catalog = plain.get("catalog") if isinstance(plain, dict) else None
    if isinstance(catalog, dict) and isinstance(catalog.get("publisher"), str) and catalog["publisher"] not in org_ids \
            and not is_broken(broken, ("catalog", "publisher")):
        line, col = locate(tree, ["catalog", "publisher"])
        problems.append(Problem(display, line, col, f"catalog.publisher: unknown organization {catalog['publisher']!r}",
                                "use the id of an entry under 'organizations:'", "unknown-organization"))

    for i, ds in datasets:
        org = ds.get("organization")
        if isinstance(org, str) and org not in org_ids and not is_broken(broken, ("datasets", i, "organization")):
            line, col = locate(tree, ["datasets", i, "organization"])
            problems.append(Problem(display, line, col,
                                    f"{describe_path(['datasets', i, 'organization'], tree)}: unknown organization {org!r}",
                                    "use the id of an entry under 'organizations:', e.g. " + ", ".join(sorted(org_ids)[:3]),
                                    "unknown-organization"))
        org_entry = next((o for _, o in orgs if o.get("id") == org), None)
        if "contact" not in ds and org_entry is not None and not org_entry.get("email"):
            line, col = locate(tree, ["datasets", i], key=True)
            problems.append(Problem(display, line, col,
                                    f"{describe_path(['datasets', i], tree)}: no contact point, and organization {org!r} has no e-mail to default to",
                                    "add 'contact:' with name and email (DCAT-AP-SE recommends a contact point for every dataset)",
                                    "missing-contact"))
        spatial = ds.get("spatial")
        if isinstance(spatial, list):
            for j, code in enumerate(spatial):
                if isinstance(code, str) and code not in codes and not is_broken(broken, ("datasets", i, "spatial", j)):
                    line, col = locate(tree, ["datasets", i, "spatial", j])
                    problems.append(Problem(display, line, col,
                                            f"{describe_path(['datasets', i, 'spatial', j], tree)}: area code {code!r} is not one of the catalog's organizations",
                                            "use '08' for the whole county or a municipality code listed under 'organizations:'",
                                            "unknown-area"))
        problems += _temporal(ds, i, tree, display, broken)
    return problems


def _temporal(ds: dict, i: int, tree: Any, display: str, broken: set[tuple]) -> list[Problem]:
    temporal = ds.get("temporal")
    if not isinstance(temporal, dict):
        return []
    problems, dates = [], {}
    for key in ("start", "end"):
        value = temporal.get(key)
        if not isinstance(value, str) or is_broken(broken, ("datasets", i, "temporal", key)):
            continue
        try:
            dates[key] = dt.date.fromisoformat(value)
        except ValueError:
            line, col = locate(tree, ["datasets", i, "temporal", key])
            problems.append(Problem(display, line, col, f"{describe_path(['datasets', i, 'temporal', key], tree)}: "
                                    f"{value!r} is not a calendar date", "write a real date as YYYY-MM-DD", "bad-date"))
    if "start" in dates and "end" in dates and dates["start"] > dates["end"]:
        line, col = locate(tree, ["datasets", i, "temporal", "end"])
        problems.append(Problem(display, line, col, f"{describe_path(['datasets', i, 'temporal'], tree)}: end is before start",
                                "swap the dates or correct the one that is wrong", "bad-date"))
    return problems
