"""The ckan stage: talking to CKAN through one counting client, and publishing to it.

Modules: `client` (ckanapi with call counts and one-line errors), `mapping`
(catalog entry → `package_show`-shaped dicts, pure), `resources` (finding
and uploading resources by role), `datastore` (typed DataStore loading),
`publisher` (idempotent, change-aware publishing; the last good version kept),
`harvest_mapping` and `mirror` (harvested DCAT records mirrored, withdrawn when gone),
`quality_record` and `quality_report` (MQA measured on what the portal serves),
`status` (each dataset's last status as CKAN records it), `notified` (what the
stewards were last mailed about a dataset).
docs/ckan-mapping.md is the contract with the portal.
"""

from .client import CountingCKAN, connect, describe_error, is_write
from .mirror import Mirror
from .notified import NOTIFIED_EXTRA, content_changed, last_notified, record_notified
from .publisher import PublishError, Publisher
from .quality_record import published_facts
from .quality_report import quality_report
from .status import PortalUnreachable, last_statuses

__all__ = [
    "CountingCKAN",
    "Mirror",
    "NOTIFIED_EXTRA",
    "PortalUnreachable",
    "PublishError",
    "Publisher",
    "connect",
    "content_changed",
    "describe_error",
    "is_write",
    "last_notified",
    "last_statuses",
    "published_facts",
    "quality_report",
    "record_notified",
]
