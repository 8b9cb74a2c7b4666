"""Where a dataset stands in the nightly publication: status, freshness, MQA, validation.

Why one module: the dataset page's "Publicering" block and the stewards' /publicering page show the same
facts and must agree. Everything comes from what the publisher stored (docs/ckan-mapping.md): the
`kalmar_last_*` and `kalmar_mqa_score` extras, the data resource's upload time, the report resource.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Mapping

from . import dates, freshness, metadata, stored_files, validation_report, vocabulary

log = logging.getLogger(__name__)

# kalmar_last_status → (Swedish status, CSS modifier). The publisher keeps the last good version online
# whenever an attempt fails, so every failure except a withdrawal still has data to show.
STATUSES = {
    "published": ("Publicerad", "ok"),
    "unchanged": ("Publicerad", "ok"),
    "invalid": ("Senast giltiga versionen visas", "warning"),
    "source_error": ("Källfel – senast giltiga versionen visas", "error"),
    "publish_error": ("Publiceringsfel – senast giltiga versionen visas", "error"),
    "withdrawn": ("Tillbakadragen", "muted"),
}
STATUS_NOTES = {
    "invalid": "Den senaste versionen från källan klarade inte valideringen.",
    "source_error": "Källan kunde inte hämtas vid den senaste kontrollen.",
    "publish_error": "Portalen kunde inte ta emot den senaste versionen.",
}

# MQA rating bands of data.europa.eu (and dataportal.se), of 405 points.
MQA_MAX = 405
MQA_RATINGS = ((351, "Utmärkt"), (221, "Bra"), (121, "Tillräcklig"), (0, "Bristfällig"))


def mqa_rating(points: int) -> str:
    for threshold, name in MQA_RATINGS:
        if points >= threshold:
            return name
    return MQA_RATINGS[-1][1]


def find_resource(pkg: Mapping[str, Any], role: str) -> dict[str, Any] | None:
    for res in pkg.get("resources", []) or []:
        if res.get("kalmar_role") == role:
            return res
    return None


def last_changed(pkg: Mapping[str, Any]) -> datetime | None:
    """When the published content last changed: the newest upload of the data or GeoJSON file."""
    moments = []
    for role in ("data", "geojson"):
        res = find_resource(pkg, role)
        if res:
            moment = dates.parse_timestamp(res.get("last_modified") or res.get("created"))
            if moment:
                moments.append(moment)
    return max(moments) if moments else None


@lru_cache(maxsize=1024)
def _report_summary(resource_id: str, sha256: str, url: str) -> dict[str, Any]:
    """Read once per report version: the cache key carries the report's SHA-256."""
    resource = {"id": resource_id, "url": url, "url_type": "upload"}
    return validation_report.summary(validation_report.load(resource))


def validation(pkg: Mapping[str, Any]) -> dict[str, Any] | None:
    """The latest validation of the dataset (its `report` resource), or None when there is none."""
    res = find_resource(pkg, "report")
    if res is None:
        return None
    try:
        if res.get("url_type") != "upload":
            raise stored_files.StoredFileMissing("not an upload")
        found = dict(_report_summary(res["id"], res.get("sha256") or "", res.get("url") or ""))
    except (stored_files.StoredFileMissing, ValueError) as exc:
        log.error("validation report of %s unreadable: %s", pkg.get("name"), exc)
        return {"readable": False, "valid": res.get("valid") == "true", "errors": None, "resource_id": res["id"]}
    found.update(readable=True, resource_id=res["id"])
    return found


def publication(pkg: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any] | None:
    """Everything the Publicering block shows; None for a dataset the pipeline does not publish."""
    extras = metadata.extras_of(pkg)
    status = extras.get("kalmar_last_status")
    if not status:
        return None
    now = now or datetime.now(timezone.utc)
    label, tone = STATUSES.get(status, (status, "muted"))
    changed = last_changed(pkg)
    score = extras.get("kalmar_mqa_score")
    points = int(score) if score and score.isdigit() else None
    frequency = extras.get("frequency")
    return {
        "status": status,
        "label": label,
        "tone": tone,
        "note": STATUS_NOTES.get(status),
        "reason": extras.get("kalmar_last_error") or None,
        "checked": dates.date_time(extras.get("kalmar_last_checked")),
        "changed": dates.date_time(changed) if changed else None,
        "frequency": (vocabulary.frequency(frequency) or frequency) if frequency else None,
        "freshness": freshness.verdict(vocabulary.code_of(frequency) if frequency else None, changed, now),
        "mqa": {"points": points, "max": MQA_MAX, "rating": mqa_rating(points)} if points is not None else None,
        "validation": validation(pkg),
    }
