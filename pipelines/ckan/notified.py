"""What the stewards were last told about a dataset, kept in CKAN like the hashes (docs/ckan-mapping.md).

Why in CKAN: CKAN is the state of record, so whichever machine runs the next
night knows what was already mailed; a condition that persists is never mailed
twice. The extra `kalmar_notified_state` holds the condition last mailed
(`ok`, `failing`, `stale`); a dataset without it was never mailed about and
counts as `ok`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping

from . import mapping, resources
from .client import CountingCKAN

NOTIFIED_EXTRA = "kalmar_notified_state"
NEVER_NOTIFIED = "ok"
CONTENT_ROLES = ("data", "geojson")  # the resources whose upload is a change of the published content


def last_notified(package: Mapping[str, Any]) -> str:
    """The condition the stewards were last told of (`ok` when never)."""
    return mapping.extras_dict(package.get("extras", [])).get(NOTIFIED_EXTRA) or NEVER_NOTIFIED


def content_changed(package: Mapping[str, Any]) -> str | None:
    """When the published content last changed (ISO 8601): the newest upload of its data or GeoJSON file.

    The same moment the portal's freshness verdict starts from (the
    resource's `last_modified`, else `created`), so a mail about a late
    dataset and the portal's "Försenad" agree.
    """
    moments = []
    for role in CONTENT_ROLES:
        res = resources.find(package, role)
        stamp = (res or {}).get("last_modified") or (res or {}).get("created")
        if stamp:
            moment = datetime.fromisoformat(stamp)
            moments.append(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))  # CKAN writes UTC
    return max(moments).isoformat() if moments else None


def record_notified(client: CountingCKAN, dataset_id: str, condition: str) -> None:
    """Store the condition just mailed: one read and one package_patch (the extras are replaced whole)."""
    package = client.call("package_show", {"id": dataset_id})
    extras = mapping.extras_dict(package.get("extras", []))
    if extras.get(NOTIFIED_EXTRA) == condition:
        return
    extras[NOTIFIED_EXTRA] = condition
    client.call("package_patch", {"id": package["id"], "extras": mapping.extras_list(extras)})
