"""A ckanapi client that counts its write calls.

"An unchanged night makes zero write calls" is a promise the tests and the
nightly benchmark check, so every call goes through one place that knows
which actions write. Errors keep ckanapi's meaning (NotFound,
ValidationError, NotAuthorized); `describe_error` turns them into one line
that never contains the token.

Every request, the action API's and `get`'s (the MQA reachability checks of
resource URLs an editor may have set), goes through the one network path
(`pipelines.net`): the portal's own origin is trusted wherever it runs, any
other URL must resolve to public addresses, and each redirect hop is judged
again.
"""

from __future__ import annotations

import threading
from typing import Any, BinaryIO, Mapping
from urllib.parse import urlsplit

import ckanapi
import requests

from ..config import Settings
from ..net import NetPolicy, guarded_session

READ_SUFFIXES = ("_show", "_list", "_search", "_autocomplete")
READ_ACTIONS = frozenset({"status_show", "datastore_search", "datastore_info", "am_following_dataset", "http_get", "http_head"})


def is_write(action: str) -> bool:
    return action not in READ_ACTIONS and not action.endswith(READ_SUFFIXES)


class CountingCKAN:
    """ckanapi.RemoteCKAN plus per-action call counts (thread-safe)."""

    def __init__(self, url: str, token: str | None = None, *, timeout: float | tuple[float, float] = 120.0):
        self.url = url.rstrip("/")
        self.session = guarded_session(NetPolicy.trusting(self.url))
        self._remote = ckanapi.RemoteCKAN(self.url, apikey=token or None, user_agent="oppnadata-kalmar/0.1",
                                          session=self.session)
        self._timeout = timeout
        self._token = token or None
        self._lock = threading.Lock()
        self.calls: dict[str, int] = {}

    def get(self, path_or_url: str, *, method: str = "GET", stream: bool = False, timeout: float = 30.0) -> requests.Response:
        """A plain HTTP request (e.g. /dataset/<id>.ttl), counted as a read; the token goes to the portal only.

        Raises `pipelines.net.Refused` for a URL (or a redirect hop) the
        guarded session will not connect to.
        """
        url = path_or_url if path_or_url.startswith(("http://", "https://")) else f"{self.url}{path_or_url}"
        with self._lock:
            self.calls[f"http_{method.lower()}"] = self.calls.get(f"http_{method.lower()}", 0) + 1
        headers = {"Authorization": self._token} if self._token and self._is_portal(url) else {}
        return self.session.request(method, url, headers=headers, stream=stream, timeout=timeout, allow_redirects=True)

    def _is_portal(self, url: str) -> bool:
        """Is `url` on this portal? Same scheme, host and port, under its path.

        A plain string prefix is not enough: with CKAN at http://127.0.0.1:5050,
        "http://127.0.0.1:50500/x" or "http://127.0.0.1:5050.example.org/x"
        (a resource URL anyone can set) would receive the token.
        """
        own, other = urlsplit(self.url), urlsplit(url)
        if (own.scheme, own.netloc.lower()) != (other.scheme, other.netloc.lower()):
            return False
        base = own.path.rstrip("/")
        return not base or other.path == base or other.path.startswith(base + "/")

    def call(self, action: str, data: Mapping[str, Any] | None = None, *, files: Mapping[str, BinaryIO] | None = None,
             timeout: float | None = None) -> Any:
        """One API call; `timeout` (seconds) overrides the client's for a call known to run long."""
        with self._lock:
            self.calls[action] = self.calls.get(action, 0) + 1
        return self._remote.call_action(
            action, dict(data or {}), files=dict(files) if files else None,
            requests_kwargs={"timeout": timeout or self._timeout},
        )

    @property
    def write_calls(self) -> int:
        with self._lock:
            return sum(n for action, n in self.calls.items() if is_write(action))

    @property
    def read_calls(self) -> int:
        with self._lock:
            return sum(n for action, n in self.calls.items() if not is_write(action))

    def reset_counts(self) -> None:
        with self._lock:
            self.calls.clear()


def connect(settings: Settings) -> CountingCKAN:
    return CountingCKAN(settings.ckan_url, settings.ckan_api_token.reveal() or None)


def describe_error(error: Exception) -> str:
    """One line for reports: what CKAN said, without request details or secrets."""
    if isinstance(error, ckanapi.NotAuthorized):
        return f"CKAN refused: not authorized ({_first_line(error)})"
    if isinstance(error, ckanapi.ValidationError):
        detail = error.error_dict if hasattr(error, "error_dict") else error.args
        return f"CKAN validation error: {detail}"
    if isinstance(error, ckanapi.NotFound):
        return f"CKAN: not found ({_first_line(error)})"
    if isinstance(error, requests.ConnectionError):
        return "CKAN unreachable: connection failed"
    if isinstance(error, requests.Timeout):
        return "CKAN did not answer in time"
    return f"{type(error).__name__}: {_first_line(error)}"


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else ""
