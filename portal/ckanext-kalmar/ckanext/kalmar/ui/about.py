"""The about page's facts, read from catalog.yaml (the file stewards edit), not typed twice.

Why read the file: the catalog's description, its organizations and its datasets are already written
there in Swedish, and `oppnadata check` keeps them valid. The portal finds the file through
`ckanext.kalmar.catalog_path` (portal/stack sets it to the repository's catalog.yaml); the file is read
again only when it changes.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import yaml
from ckan import model
from ckan.plugins import toolkit

from . import vocabulary

CONFIG_KEY = "ckanext.kalmar.catalog_path"


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def licence_title(uri: str | None) -> str | None:
    """The licence's name in the portal's licence register (portal/licenses.json), by its exact URI."""
    for licence in model.Package.get_license_register().values():
        if uri and licence.url == uri:
            return licence.title
    return None


def catalog() -> dict[str, Any] | None:
    """The about page's content; None when no catalog file is configured (CKAN's own page is shown)."""
    path = toolkit.config.get(CONFIG_KEY)
    if not path:
        return None
    doc = _load(path, os.stat(path).st_mtime_ns)
    meta = doc.get("catalog", {})
    orgs = doc.get("organizations", [])
    datasets = [d for d in doc.get("datasets", []) if not d.get("withdrawn")]
    count = {o["id"]: 0 for o in orgs}
    for d in datasets:
        count[d.get("organization")] = count.get(d.get("organization"), 0) + 1
    themes = sorted({t for d in datasets for t in d.get("themes", [])})
    return {
        "title": meta.get("title"),
        "description": meta.get("description"),
        "homepage": meta.get("homepage"),
        "contact": meta.get("contact") or {},
        "license": {"uri": meta.get("license"), "title": licence_title(meta.get("license"))},
        "dataset_count": len(datasets),
        "organizations": [
            {**o, "datasets": count.get(o["id"], 0)}
            # The catalog's publisher first, then the others alphabetically.
            for o in sorted(orgs, key=lambda o: (o["id"] != meta.get("publisher"), o.get("title", "")))
        ],
        "themes": [vocabulary.theme(t) or t for t in themes],
    }
