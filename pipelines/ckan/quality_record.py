"""Measure a published dataset's MQA score the way a harvester would see it.

Reachability is checked on the distribution URLs the DCAT profile publishes,
and DCAT-AP conformance by running the SHACL shapes on the portal's own
`/dataset/<id>.ttl`. Nothing is assumed: an unchecked URL or graph earns no
points. Called by the publisher only when something changed, so an unchanged
night still makes no write calls.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

import requests

from ..model import Dataset, Organization
from ..net import Refused
from ..mqa import PublishFacts, QualityScore, facts_from_package, score_dataset, validate_turtle
from .client import CountingCKAN


def url_reachable(client: CountingCKAN, url: str) -> bool:
    """Does `url` answer below 400? A URL the network path refuses (a private address) counts as unreachable."""
    try:
        response = client.get(url, method="HEAD", timeout=15)
        if response.status_code == 405:  # HEAD not allowed: ask for the body, read none of it
            response = client.get(url, stream=True, timeout=15)
            response.close()
        return response.status_code < 400
    except (requests.RequestException, Refused):
        return False


def dataset_conforms(client: CountingCKAN, dataset_id: str) -> tuple[bool | None, tuple[str, ...]]:
    """SHACL result for the dataset's graph; None when the graph could not be fetched."""
    try:
        response = client.get(f"/dataset/{dataset_id}.ttl", timeout=30)
    except requests.RequestException as exc:
        return None, (f"could not fetch the dataset's DCAT graph: {type(exc).__name__}",)
    if response.status_code != 200:
        return None, (f"the DCAT graph answered HTTP {response.status_code}",)
    return validate_turtle(response.content)


def published_facts(client: CountingCKAN, package: Mapping[str, Any]) -> PublishFacts:
    """Publish-time facts of a CKAN dataset: its distributions, with URLs and SHACL checked."""
    probe = facts_from_package(package, client.url)
    urls = {u for d in probe.distributions for u in (d.access_url, d.download_url) if u}
    reachable = {u: url_reachable(client, u) for u in sorted(urls)}
    conforms, messages = dataset_conforms(client, package["name"])
    facts = facts_from_package(package, client.url, reachable=reachable, dcat_ap_valid=conforms)
    return replace(facts, shacl_messages=messages)


def measure(client: CountingCKAN, dataset: Dataset, organization: Organization, package: Mapping[str, Any]) -> QualityScore:
    return score_dataset(dataset, organization, published_facts(client, package))
