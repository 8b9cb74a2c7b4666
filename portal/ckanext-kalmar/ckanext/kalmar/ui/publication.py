"""Where a dataset stands in the nightly publication: status, freshness, MQA, validation.

Why one module: the dataset page's "Publicering" block and the stewards' /publicering page show the same
facts and must agree. Everything comes from what the publisher stored (docs/ckan-mapping.md): the
`kalmar_last_*` and `kalmar_mqa_score` extras, the data resource's upload time, the report resource.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Mapping

from . import dates, metadata, stored_files, validation_report, vocabulary

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

# The longest expected interval between two changes, in days, per EU frequency code; codes without a
# promise (irregular, unknown, never, other) have none and are never called stale.
FREQUENCY_DAYS = {
    "CONT": 1, "UPDATE_CONT": 1, "DAILY_2": 1, "DAILY": 1,
    "WEEKLY_3": 7, "WEEKLY_2": 7, "WEEKLY": 7, "BIWEEKLY": 14,
    "MONTHLY_3": 31, "MONTHLY_2": 31, "MONTHLY": 31, "BIMONTHLY": 62, "QUARTERLY": 92,
    "ANNUAL_3": 122, "ANNUAL_2": 183, "ANNUAL": 366, "BIENNIAL": 731, "TRIENNIAL": 1096,
}
NO_PROMISE = frozenset({"IRREG", "UNKNOWN", "NEVER", "OTHER"})


def grace(days: int) -> timedelta:
    """Slack on top of the promised interval: a tenth of it, at least one day (nightly runs, time zones)."""
    return timedelta(days=max(1.0, days * 0.1))


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


def freshness(frequency_iri: str | None, changed: datetime | None, now: datetime) -> dict[str, Any]:
    """{"state": current|stale|no_promise|unknown, "text": Swedish, "days": age in days or None}."""
    code = vocabulary.code_of(frequency_iri) if frequency_iri else None
    if code is None or code in NO_PROMISE or code not in FREQUENCY_DAYS:
        return {"state": "no_promise", "text": "Ingen fast uppdateringsfrekvens", "days": None}
    if changed is None:
        return {"state": "unknown", "text": "Okänd (ingen publicerad fil)", "days": None}
    age = now - changed
    days = age.days
    if age > timedelta(days=FREQUENCY_DAYS[code]) + grace(FREQUENCY_DAYS[code]):
        return {"state": "stale", "text": f"Försenad: oförändrad i {days} dagar", "days": days}
    return {"state": "current", "text": "Aktuell", "days": days}


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
        "freshness": freshness(frequency, changed, now),
        "mqa": {"points": points, "max": MQA_MAX, "rating": mqa_rating(points)} if points is not None else None,
        "validation": validation(pkg),
    }
