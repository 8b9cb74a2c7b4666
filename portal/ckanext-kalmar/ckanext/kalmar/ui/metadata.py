"""A dataset's metadata as rows a person reads: Swedish labels, vocabulary labels instead of IRIs.

Why a list of rows built in Python instead of template logic: the extras are JSON-encoded lists, IRIs and
ISO dates (docs/ckan-mapping.md); turning them into words is code worth testing, and the template only
has to print label and values. The publisher's bookkeeping (`kalmar_*`) is never a row.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

from ckan.plugins import toolkit

from . import dates, places, vocabulary

INTERNAL_PREFIX = "kalmar_"


def extras_of(pkg: Mapping[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in pkg.get("extras", []) or []}


def is_public_key(key: str) -> bool:
    return not key.startswith(INTERNAL_PREFIX)


def _iri_list(value: str | None) -> list[str]:
    """A JSON list of IRIs as stored by the publisher; a bare IRI is a list of one."""
    if not value:
        return []
    value = value.strip()
    if value.startswith("["):
        return [str(v) for v in json.loads(value)]
    return [value]


def _item(text: str, href: str | None = None) -> dict[str, str | None]:
    return {"text": text, "href": href}


def _labelled(iris: list[str], label: Callable[[str], str | None]) -> list[dict]:
    """Each IRI by its label, linked to the IRI; an IRI without a known label is shown as itself."""
    return [_item(label(iri) or iri, iri) for iri in iris]


def _organizations() -> list[dict]:
    return toolkit.get_action("organization_list")(
        {"ignore_auth": True}, {"all_fields": True, "include_extras": True, "limit": 1000}
    )


# Extras that rows below present (or deliberately leave out: the spatial IRI is shown as its place name).
PRESENTED = frozenset({
    "theme", "frequency", "access_rights", "language", "conforms_to", "hvd_category", "spatial_uri",
    "spatial_text", "temporal_start", "temporal_end", "contact_name", "contact_email", "contact_uri",
    "publisher_uri", "publisher_name", "publisher_email", "publisher_url", "license_uri",
})


def rows(pkg: Mapping[str, Any]) -> list[dict[str, Any]]:
    """[{"label": "Uppdateringsfrekvens", "items": [{"text": "Årligen", "href": IRI}]}, ...] in reading order."""
    extras = extras_of(pkg)
    out: list[dict[str, Any]] = []

    def add(label: str, items: list[dict]) -> None:
        if items:
            out.append({"label": label, "items": items})

    if extras.get("publisher_name"):
        add("Utgivare", [_item(extras["publisher_name"], extras.get("publisher_url") or None)])
    contact = [_item(extras["contact_name"], extras.get("contact_uri") or None)] if extras.get("contact_name") else []
    if extras.get("contact_email"):
        contact.append(_item(extras["contact_email"], f"mailto:{extras['contact_email']}"))
    add("Kontakt", contact)
    add("Uppdateringsfrekvens", _labelled(_iri_list(extras.get("frequency")), vocabulary.frequency))
    add("Teman", _labelled(_iri_list(extras.get("theme")), vocabulary.theme))
    add("Språk", _labelled(_iri_list(extras.get("language")), vocabulary.language))
    if pkg.get("license_title"):
        add("Licens", [_item(pkg["license_title"], pkg.get("license_url") or extras.get("license_uri") or None)])
    add("Åtkomsträttigheter", _labelled(_iri_list(extras.get("access_rights")), vocabulary.access_rights))
    if extras.get("spatial_text"):
        add("Geografiskt område", [_item(n) for n in places.place_names(extras["spatial_text"], _organizations())])
    elif extras.get("spatial_uri"):
        add("Geografiskt område", _labelled([extras["spatial_uri"]], vocabulary.nuts))
    span = dates.period(extras.get("temporal_start"), extras.get("temporal_end"))
    add("Tidsperiod", [_item(span)] if span else [])
    add("Följer specifikation", [_item(iri, iri) for iri in _iri_list(extras.get("conforms_to"))])
    add("Värdefull datamängd (HVD)", _labelled(_iri_list(extras.get("hvd_category")), vocabulary.hvd_category))
    if pkg.get("url"):
        add("Källans webbsida", [_item(pkg["url"], pkg["url"])])
    if pkg.get("version"):
        add("Version", [_item(pkg["version"])])
    for key in sorted(extras):
        if key not in PRESENTED and is_public_key(key) and extras[key]:
            add(key, [_item(extras[key])])
    if pkg.get("metadata_modified"):
        add("Metadata senast ändrad", [_item(dates.date_time(pkg["metadata_modified"]))])
    if pkg.get("metadata_created"):
        add("Skapad", [_item(dates.date_time(pkg["metadata_created"]))])
    return out
