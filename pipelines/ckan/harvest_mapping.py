"""A harvested DCAT record → a CKAN package dict, shaped like `package_show` (pure, no network).

The contract is docs/ckan-mapping.md ("Harvested datasets"). What the source
says is kept as it says it: Swedish (or untagged) title, description and
keywords in CKAN's own fields, every other language in `title_<lang>`,
`notes_<lang>` and `keywords_<lang>` extras, IRIs as IRIs, dates as written.
Distributions become link resources (`kalmar_role` = `link`).

A record is refused (`MappingError`) rather than published wrongly: no
licence, several licences, a licence outside the portal's register, a
keyword CKAN cannot hold as a tag, or a publisher that is another
organisation than the one the source is mirrored under.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from ..model import HarvestSource, Organization
from .mapping import LICENSE_IDS, extras_list

if TYPE_CHECKING:
    from ..sources import HarvestRecord

SWEDISH = "sv"
LINK_ROLE = "link"
DATAPORTAL_PUBLISHER = re.compile(r"^https?://dataportal\.se/organisation/SE(\d{10})(-.*)?$")
TAG = re.compile(r"^[\w \-.]{2,100}$", re.UNICODE)
MAX_NAME = 100


class MappingError(ValueError):
    """Why a record that could be read is still not published."""


def _slug(text: str, limit: int) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:limit].strip("-")


def harvested_name(harvest: HarvestSource, record: HarvestRecord) -> str:
    """The CKAN name a new record gets: source id, title, and a short hash of its IRI (never reused for another)."""
    digest = hashlib.sha256(record.uri.encode("utf-8")).hexdigest()[:8]
    room = MAX_NAME - len(harvest.id) - len(digest) - 2
    slug = _slug(record.titles[SWEDISH], max(room, 0))
    return "-".join(part for part in (harvest.id, slug, digest) if part)


def canonical_license(uri: str) -> str:
    """A Creative Commons licence URI in the exact form DIGG requires (http, trailing slash).

    https and a missing trailing slash name the same licence; nothing else is rewritten.
    """
    if "creativecommons.org/" in uri:
        uri = "http://" + uri.split("://", 1)[-1]
        if not uri.endswith("/"):
            uri += "/"
    return uri


def _license(record: HarvestRecord) -> tuple[str, str]:
    found = sorted({canonical_license(u) for u in record.all_licenses})
    if not found:
        raise MappingError("no licence stated (dct:license on the dataset or its distributions): not published")
    if len(found) > 1:
        raise MappingError(f"several licences stated ({', '.join(found)}): which one applies is not clear; not published")
    if found[0] not in LICENSE_IDS:
        raise MappingError(f"licence {found[0]} is not in the portal's licence register (portal/licenses.json): not published")
    return found[0], LICENSE_IDS[found[0]]


def _check_publisher(record: HarvestRecord, org: Organization) -> None:
    match = DATAPORTAL_PUBLISHER.match(record.publisher or "")
    if match and org.orgnr and match.group(1) != org.orgnr:
        raise MappingError(f"published by {record.publisher}, another organisation than {org.title} "
                           f"(SE{org.orgnr}): not mirrored under it")


def _tags(record: HarvestRecord) -> list[dict[str, str]]:
    words = record.keywords.get(SWEDISH, ())
    bad = [w for w in words if not TAG.match(w)]
    if bad:
        raise MappingError(f"keyword {bad[0]!r} cannot be a CKAN tag (2-100 letters, digits, spaces, '-', '_' or '.')")
    return [{"name": w} for w in sorted(set(words))]


def link_resources(record: HarvestRecord) -> list[dict[str, Any]]:
    """The record's distributions as CKAN link resources, in a stable order."""
    out = []
    for dist in record.distributions:
        name = dist.titles.get(SWEDISH) or dist.format or "Länk"
        res = {
            "name": name,
            "description": dist.descriptions.get(SWEDISH, ""),
            "url": dist.access_url,
            "access_url": dist.access_url,
            "download_url": dist.download_url or "",
            "format": dist.format or "",
            "uri": dist.uri or "",
            "kalmar_role": LINK_ROLE,
        }
        for lang, text in sorted(dist.titles.items()):
            if lang != SWEDISH:
                res[f"name_{lang}"] = text
        for lang, text in sorted(dist.descriptions.items()):
            if lang != SWEDISH:
                res[f"description_{lang}"] = text
        if dist.conforms_to:
            res["conforms_to"] = json.dumps(list(dist.conforms_to))
        out.append(res)
    return out


def record_package(record: HarvestRecord, harvest: HarvestSource, org: Organization, name: str) -> dict[str, Any]:
    """The desired package for a record (with its link resources, without the state extras)."""
    license_uri, license_id = _license(record)
    _check_publisher(record, org)
    extras: dict[str, str] = {
        "uri": record.uri,
        "license_uri": license_uri,
        "publisher_name": org.title,
        "publisher_url": org.website,
        "kalmar_source_type": harvest.source.type,
        "kalmar_harvest_source": harvest.id,
    }
    if org.publisher_uri:
        extras["publisher_uri"] = org.publisher_uri
    if org.email:
        extras["publisher_email"] = org.email
    for lang, text in record.titles.items():
        if lang != SWEDISH:
            extras[f"title_{lang}"] = text
    for lang, text in record.descriptions.items():
        if lang != SWEDISH:
            extras[f"notes_{lang}"] = text
    for lang, words in record.keywords.items():
        if lang != SWEDISH:
            extras[f"keywords_{lang}"] = json.dumps(list(words), ensure_ascii=False)
    lists = {"theme": record.themes, "language": record.languages, "conforms_to": record.conforms_to,
             "hvd_category": record.hvd_categories}
    extras.update({key: json.dumps(list(values)) for key, values in lists.items() if values})
    single = {"frequency": record.frequency, "access_rights": record.access_rights, "issued": record.issued,
              "modified": record.modified, "identifier": record.identifier,
              "temporal_start": record.temporal_start, "temporal_end": record.temporal_end}
    extras.update({key: value for key, value in single.items() if value})
    if record.spatial:
        extras["spatial_uri"] = record.spatial[0]
        if len(record.spatial) > 1:
            extras["spatial_uris"] = json.dumps(list(record.spatial))
    if record.contact is not None:
        contact = {"contact_name": record.contact.name, "contact_email": record.contact.email,
                   "contact_uri": record.contact.uri}
        extras.update({key: value for key, value in contact.items() if value})
    return {
        "name": name,
        "title": record.titles[SWEDISH],
        "notes": record.descriptions[SWEDISH],
        "owner_org": org.id,
        "license_id": license_id,
        "url": record.landing_page or "",
        "tags": _tags(record),
        "private": False,
        "extras": extras_list(extras),
        "resources": link_resources(record),
    }
