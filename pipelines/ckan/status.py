"""How each dataset fared on the portal, as CKAN records it (`oppnadata list`).

CKAN is the state of record: the publisher writes `kalmar_last_status` and
`kalmar_last_checked` on every dataset it touches (docs/ckan-mapping.md), so
the status shown is the portal's, not a local guess.
"""

from __future__ import annotations

from typing import Iterable

import ckanapi
import requests

from .client import CountingCKAN
from .mapping import extras_dict


class PortalUnreachable(Exception):
    """The portal could not be asked; the message says why in a few words (never a secret)."""


def last_statuses(client: CountingCKAN, dataset_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Per dataset id: {"status", "last checked"}; "not published" for a dataset the portal does not show."""
    out: dict[str, dict[str, str]] = {}
    for dataset_id in dataset_ids:
        try:
            package = client.call("package_show", {"id": dataset_id})
        except (ckanapi.NotFound, ckanapi.NotAuthorized):
            out[dataset_id] = {"status": "not published", "last checked": ""}
            continue
        except requests.RequestException as exc:
            raise PortalUnreachable(type(exc).__name__) from None
        except ckanapi.CKANAPIError:
            raise PortalUnreachable("the answer was not CKAN's JSON") from None
        extras = extras_dict(package.get("extras", []))
        out[dataset_id] = {"status": extras.get("kalmar_last_status") or "unknown",
                           "last checked": extras.get("kalmar_last_checked") or ""}
    return out
