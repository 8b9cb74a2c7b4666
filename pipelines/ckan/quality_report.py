"""MQA points per dataset and for the catalog, as the portal serves them (`oppnadata check --quality`).

Published datasets are scored from what the portal serves (distribution URLs
checked, SHACL run on their DCAT graph); a dataset that is not published yet,
or a portal that cannot be reached, is scored from catalog.yaml alone and the
points that need a published dataset are listed as not earned, with why.
"""

from __future__ import annotations

from typing import Any

import ckanapi
import requests

from ..config import Settings
from ..model import Catalog
from ..mqa import PublishFacts, render_text, score_catalog, score_dataset
from .client import connect
from .quality_record import published_facts


def quality_report(catalog: Catalog, settings: Settings) -> tuple[str, dict[str, Any]]:
    """The text report and a JSON-ready summary."""
    client = connect(settings)
    facts: dict[str, PublishFacts] = {}
    notes: list[str] = []
    portal_up = True
    for ds in catalog.datasets:
        if ds.withdrawn:
            continue
        if portal_up:
            try:
                pkg = client.call("package_show", {"id": ds.id})
                facts[ds.id] = published_facts(client, pkg)
                continue
            except ckanapi.NotFound:
                notes.append(f"{ds.id}: not published at {settings.ckan_url} yet; scored from catalog.yaml alone")
            except (requests.RequestException, ckanapi.CKANAPIError) as exc:
                portal_up = False
                notes.append(f"portal {settings.ckan_url} not reachable ({type(exc).__name__}); scoring from catalog.yaml alone")
    sections, summary = [], {"datasets": {}, "notes": notes}
    for ds in catalog.datasets:
        if ds.withdrawn:
            continue
        score = score_dataset(ds, catalog.organization(ds.organization), facts.get(ds.id, PublishFacts()))
        sections.append(render_text(score))
        summary["datasets"][ds.id] = {"points": score.total, "rating": score.rating, "published": ds.id in facts}
    catalog_score = score_catalog(catalog, facts)
    sections.append(render_text(catalog_score, show_reasons=False))
    summary["catalog"] = {"points": catalog_score.total, "rating": catalog_score.rating}
    if notes:
        sections.append("Notes:\n" + "\n".join(f"  - {n}" for n in notes))
    return "\n\n".join(sections), summary
