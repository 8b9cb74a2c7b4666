"""Catalog entry → CKAN dicts, shaped like `organization_show` / `package_show`.

Pure functions only: no network, so the mapping can be unit-tested without a
portal. docs/ckan-mapping.md is the contract; the portal's DCAT-AP-SE profile
reads these keys back.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping

from ..model import Catalog, Dataset, Organization

EU = "http://publications.europa.eu/resource/authority"
THEME_BASE = f"{EU}/data-theme/"
FREQUENCY_BASE = f"{EU}/frequency/"
ACCESS_RIGHT_BASE = f"{EU}/access-right/"
LANGUAGES = {"sv": f"{EU}/language/SWE", "en": f"{EU}/language/ENG"}
# NUTS 3 region of Kalmar län. Municipalities have no EU authority IRI; their
# datasets carry the county region (true, if coarser) plus the name as text.
KALMAR_LAN_NUTS = "http://data.europa.eu/nuts/code/SE213"

# The portal's licence register (portal/licenses.json) uses these ids; the
# URIs are the exact forms DIGG requires.
LICENSE_IDS = {
    "http://creativecommons.org/publicdomain/zero/1.0/": "CC0-1.0",
    "http://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0",
}

# Extras the pipeline writes to record state; they are not "metadata" and are
# left out of the metadata hash.
STATE_EXTRAS = ("kalmar_last_checked", "kalmar_last_status", "kalmar_last_error", "kalmar_metadata_sha256", "kalmar_mqa_score")


def organization_dict(org: Organization) -> dict[str, Any]:
    extras = {"code": org.code, "website": org.website}
    if org.email:
        extras["email"] = org.email
    if org.orgnr:
        extras["orgnr"] = org.orgnr
    return {
        "name": org.id,
        "title": org.title,
        "description": org.description,
        "extras": extras_list(extras),
    }


def organization_differs(current: Mapping[str, Any], desired: Mapping[str, Any]) -> bool:
    if any(current.get(k) != desired[k] for k in ("title", "description")):
        return True
    return extras_dict(current.get("extras", [])) != extras_dict(desired["extras"])


def license_id(uri: str) -> str:
    try:
        return LICENSE_IDS[uri]
    except KeyError:
        raise ValueError(f"licence {uri!r} is not in the portal's licence register") from None


def spatial_text(catalog: Catalog, codes: Iterable[str]) -> str:
    by_code = {org.code: org.title for org in catalog.organizations}
    return ", ".join(by_code.get(code, code) for code in codes)


def metadata_extras(catalog: Catalog, dataset: Dataset) -> dict[str, str]:
    """The DCAT-relevant extras, by ckanext-dcat's own keys."""
    org = catalog.organization(dataset.organization)
    extras: dict[str, str] = {
        "theme": json.dumps([THEME_BASE + t for t in dataset.themes]),
        "frequency": FREQUENCY_BASE + dataset.frequency,
        "access_rights": ACCESS_RIGHT_BASE + dataset.access_rights,
        "language": json.dumps([LANGUAGES.get(catalog.meta.language, LANGUAGES["sv"])]),
        "spatial_uri": KALMAR_LAN_NUTS,
        "spatial_text": spatial_text(catalog, dataset.spatial),
        "contact_name": dataset.contact.name,
        "contact_email": dataset.contact.email,
        "publisher_name": org.title,
        "publisher_url": org.website,
        "license_uri": dataset.license,
        "kalmar_source_type": dataset.source.type,
    }
    if dataset.contact.url:
        extras["contact_uri"] = dataset.contact.url
    if org.email:
        extras["publisher_email"] = org.email
    if org.publisher_uri:
        extras["publisher_uri"] = org.publisher_uri
    if dataset.conforms_to:
        extras["conforms_to"] = json.dumps(list(dataset.conforms_to))
    if dataset.hvd_category:
        extras["hvd_category"] = json.dumps([dataset.hvd_category])
    if dataset.temporal.start:
        extras["temporal_start"] = dataset.temporal.start
    if dataset.temporal.end:
        extras["temporal_end"] = dataset.temporal.end
    if dataset.title_en:
        extras["title_en"] = dataset.title_en
    if dataset.description_en:
        extras["notes_en"] = dataset.description_en
    return extras


def package_dict(catalog: Catalog, dataset: Dataset) -> dict[str, Any]:
    """The desired package (without resources and without state extras)."""
    return {
        "name": dataset.id,
        "title": dataset.title,
        "notes": dataset.description,
        "owner_org": dataset.organization,
        "license_id": license_id(dataset.license),
        "tags": [{"name": k} for k in sorted(set(dataset.keywords))],
        "private": False,
        "extras": extras_list(metadata_extras(catalog, dataset)),
    }


def metadata_hash(package: Mapping[str, Any]) -> str:
    """A stable hash of the mapped metadata: a change here means a metadata-only patch."""
    body = json.dumps(package, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def extras_list(extras: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": extras[k]} for k in sorted(extras)]


def extras_dict(extras: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in extras}
