"""The portal's anonymous CKAN action API, as the public sees it.

WHY no token: a download is what any member of the public can do, so it runs
against the anonymous API (ckanapi's RemoteCKAN, GET only); a private or
withdrawn dataset is reported as not found, exactly as the public sees it.

Every request goes through the one network path (`pipelines.net`): the
portal's own origin is trusted wherever it runs (it is the address the user
gave), while a resource URL the portal hands out elsewhere must resolve to
public addresses, each redirect hop judged again.
"""

from __future__ import annotations

from typing import Any

import ckanapi
import requests

from ..net import NetPolicy, Refused, guarded_session


class DownloadError(Exception):
    """A download cannot be done; the message says what, where and what to do."""


class PublicPortal:
    """The anonymous CKAN action API (no token is ever sent); `session` also carries the file transfers."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        try:
            policy = NetPolicy.trusting(self.base_url)
        except ValueError:
            raise DownloadError(f"CKAN_URL {self.base_url!r} is not an http(s) address; set it to the portal's address.") from None
        self.session = guarded_session(policy)
        self.timeout = timeout
        self._api = ckanapi.RemoteCKAN(
            self.base_url, user_agent="oppnadata-kalmar/0.1 (download)", get_only=True, session=self.session
        )

    def action(self, name: str, **params: Any) -> Any:
        """The action's result; LookupError when the public may not see it (not found, or not public)."""
        try:
            return self._api.call_action(name, params, requests_kwargs={"timeout": self.timeout})
        except (ckanapi.NotFound, ckanapi.NotAuthorized) as exc:
            raise LookupError(str(exc) or "not found") from None
        except (requests.RequestException, Refused) as exc:
            raise DownloadError(
                f"cannot reach the portal at {self.base_url} ({type(exc).__name__}). "
                "Start it (`make portal-up`) or set CKAN_URL to the portal's address."
            ) from None
        except ckanapi.CKANAPIError:
            raise DownloadError(
                f"{self.base_url} answered {name} with something that is not the CKAN API; "
                "check that CKAN_URL points at a CKAN portal."
            ) from None

    def dataset(self, dataset_id: str) -> dict:
        try:
            return self.action("package_show", id=dataset_id)
        except LookupError:
            raise DownloadError(
                f"no public dataset {dataset_id!r} on {self.base_url}. Check the id "
                f"(list them with: curl '{self.base_url}/api/3/action/package_list')."
            ) from None

    def dataset_names(self) -> list[str]:
        names: list[str] = []
        rows = 1000
        while True:
            page = self.action("package_search", rows=rows, start=len(names), sort="name asc")
            names.extend(p["name"] for p in page["results"])
            if not page["results"] or len(names) >= page["count"]:
                return names
